/**
 * Long export work cut into slices with a turn of the event loop between them: the receiver
 * shares the main process's one event loop, and a provider's callback arriving during an export
 * of thousands of captures must still be answered within tens of milliseconds.
 */
import { performance } from 'node:perf_hooks'
import { yieldToEventLoop } from '../event-loop'

export interface SliceLimits {
  /** Time after which the slice ends (rendering one capture can take long: a 10 MB body). */
  maxMs: number
  /** Steps after which the slice ends even when they were quick, so turns come at a known pace too. */
  maxSteps: number
}

/** What an export does between two turns of the event loop: about 10 ms, and at most 100 captures. */
export const EXPORT_SLICE: SliceLimits = { maxMs: 10, maxSteps: 100 }

/**
 * What an import's reading does between two turns (decoding the base64, scanning and parsing the
 * JSON, reading entries): about 8 ms, each step a megabyte of base64, 128 KiB of JSON or one entry.
 */
export const IMPORT_SLICE: SliceLimits = { maxMs: 8, maxSteps: 200 }

export interface WorkSlices {
  /** Call after each step: lets the event loop turn when the slice is used up. */
  afterStep(): Promise<void>
}

export function workSlices(limits: SliceLimits = EXPORT_SLICE): WorkSlices {
  let sliceStart = performance.now()
  let steps = 0
  return {
    async afterStep() {
      steps += 1
      if (steps < limits.maxSteps && performance.now() - sliceStart < limits.maxMs) return
      await yieldToEventLoop()
      steps = 0
      sliceStart = performance.now()
    },
  }
}

/**
 * Characters of a text read between two pauses while it is split into commands: a curl script
 * in POSIX shell syntax and one written for Windows cmd.exe alike (both splitters use `textPauses`).
 */
export const TEXT_STEP_CHARS = 64 * 1024

/**
 * Whether a pause is due at `index` of a text being read, every `stepChars` characters (call with
 * rising indexes; a jump over a quoted stretch counts as the characters it skipped).
 */
export function textPauses(stepChars = TEXT_STEP_CHARS): (index: number) => boolean {
  let pauseAt = stepChars
  return (index) => {
    if (index < pauseAt) return false
    pauseAt = index + stepChars
    return true
  }
}

/**
 * Work written as a generator that yields between its pieces (a message, a command, some thousands
 * of chunks): `runSteps` does it all at once, `runStepsInSlices` with the event loop's turns
 * between slices of it, so the same reader serves both.
 */
export type Steps<T> = Generator<void, T, void>

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

export async function runStepsInSlices<T>(steps: Steps<T>, slices: WorkSlices): Promise<T> {
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await slices.afterStep()
  }
}
