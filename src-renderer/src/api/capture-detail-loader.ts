/**
 * Loads a capture for the detail view with its bodies prepared in a worker
 * (capture-detail.worker.ts): fetched and decoded there over HTTP, decoded there after IPC. The
 * UI thread only receives the results, in short tasks, so opening a 10 MB capture never stalls
 * the window. Without a worker (a policy that forbids it, or a failure in it) the capture loads
 * the way it always did and the body viewer decodes the body itself.
 */
import type { CaptureDetail } from '@shared/views'
import type { ApiError, Result } from '@shared/errors'
import type { LosslessJsonResult } from '@shared/lossless-json'
import { contentCodingsOf } from '../lib/content-coding'
import { bodySourceOf, type JsonParseJob, type PreparedBody } from '../lib/prepared-body'
import type { BodyRole, CaptureDetailMessage, CaptureDetailRequest } from './capture-detail.worker'
import { ApiCallError } from './http-invoke'

export type CaptureBodies = Record<BodyRole, PreparedBody>

/** Below this much base64 in all (48 KB of body) decoding takes a millisecond: done by the viewer, without a worker's start-up. */
const DECODE_IN_PLACE_MAX_BASE64_CHARS = 64 * 1024

/**
 * Keyed by the detail's `request` object: the live patches of a detail spread the summary's
 * fields over it and keep that object, so the bodies stay found after a pin or a note.
 */
const preparedBodies = new WeakMap<CaptureDetail['request'], CaptureBodies>()

/** The bodies prepared when this capture was loaded, if they were. */
export function preparedBodiesOf(detail: CaptureDetail): CaptureBodies | undefined {
  return preparedBodies.get(detail.request)
}

/** Keeps the bodies prepared for this capture, for the views and actions that read them (and for tests of those). */
export function keepPreparedBodies(detail: CaptureDetail, bodies: CaptureBodies): void {
  preparedBodies.set(detail.request, bodies)
}

/** Thrown inside this module when the worker cannot do the job: the caller falls back. */
class WorkerUnavailable extends Error {}

/**
 * `getCapture` over HTTP, called from the worker. `callInPlace` is the same call from the UI
 * thread, for when no worker can run.
 */
export async function fetchCaptureInWorker(
  authorization: string,
  id: string,
  callInPlace: () => Promise<Result<unknown>>,
  signal?: AbortSignal,
): Promise<Result<CaptureDetail>> {
  try {
    const loaded = await runWorker({ kind: 'fetch', authorization, id }, signal)
    if (!loaded.ok) return loaded
    const detail = loaded.detail!
    keepPreparedBodies(detail, loaded.bodies)
    return { ok: true, value: detail }
  } catch (error: unknown) {
    if (!(error instanceof WorkerUnavailable)) throw error
    return (await callInPlace()) as Result<CaptureDetail>
  }
}

/** A capture that came over IPC: its bodies, when large, are decoded in the worker before it is shown. */
export async function prepareBodiesInWorker(detail: CaptureDetail, signal?: AbortSignal): Promise<CaptureDetail> {
  const request = bodySourceOf(detail.request.bodyBase64, detail.request.headers)
  const response = bodySourceOf(detail.responseBodyBase64, detail.response.headers)
  // A compressed body goes to the worker whatever its size: a few KB of gzip can inflate to megabytes.
  const isCompressed = contentCodingsOf(request.contentEncoding).length > 0 || contentCodingsOf(response.contentEncoding).length > 0
  if (!isCompressed && request.base64.length + response.base64.length <= DECODE_IN_PLACE_MAX_BASE64_CHARS) return detail
  try {
    const loaded = await runWorker({ kind: 'decode', request, response, isIntact: detail.damage === null }, signal)
    if (loaded.ok) keepPreparedBodies(detail, loaded.bodies)
  } catch (error: unknown) {
    if (!(error instanceof WorkerUnavailable)) throw error
  }
  return detail
}

type WorkerOutcome = { ok: true; detail: CaptureDetail | null; bodies: CaptureBodies } | { ok: false; error: ApiError }

/**
 * Runs one load in a fresh worker; settles once the capture and its texts are here. The worker
 * goes on parsing JSON for the view, and stops when done or once every view waiting for a parse
 * released it (a capture left before its parse finished).
 */
function runWorker(request: CaptureDetailRequest, signal?: AbortSignal): Promise<WorkerOutcome> {
  const started = takeStartedWorker()
  if (started === null || started.hasFailed) {
    started?.worker.terminate()
    return Promise.reject(new WorkerUnavailable())
  }
  const { worker } = started
  return new Promise<WorkerOutcome>((resolve, reject) => {
    let detail: CaptureDetail | null = null
    // Appended as they come: a rope, only copied if something reads it (a resend, Copy as curl).
    const base64 = { request: '', response: '' }
    const parses = new Map<BodyRole, PendingParse>()
    let isSettled = false
    const settle = (outcome: { value: WorkerOutcome } | { error: Error }) => {
      if (isSettled) return
      isSettled = true
      signal?.removeEventListener('abort', onAbort)
      if ('value' in outcome) resolve(outcome.value)
      else reject(outcome.error)
    }
    /** Ends the worker: the load (if still running) fails with `error`, the parses it owed come as `null`. */
    const stop = (error: Error) => {
      worker.terminate()
      settle({ error })
      for (const parse of parses.values()) parse.settle(null)
      parses.clear()
    }
    const onAbort = () => stop(new DOMException('The capture is no longer wanted.', 'AbortError'))
    signal?.addEventListener('abort', onAbort, { once: true })

    started.onError = () => stop(new WorkerUnavailable())
    worker.onmessageerror = () => stop(new WorkerUnavailable())
    worker.onmessage = ({ data: message }: MessageEvent<CaptureDetailMessage>) => {
      switch (message.kind) {
        case 'refused':
          settle({ value: { ok: false, error: message.error } })
          return
        case 'unreachable':
          settle({ error: new ApiCallError(message.code, message.message) })
          return
        case 'crashed':
          stop(new WorkerUnavailable(message.message))
          return
        case 'capture':
          detail = message.detail
          return
        case 'base64-piece':
          base64[message.body] += message.piece
          return
        case 'text': {
          const bodyOf = (role: BodyRole): PreparedBody => {
            const prepared = { bytes: message.bytes[role], content: message.content[role], ...message.text[role] }
            if (!message.parsesJson[role]) return { ...prepared, json: null }
            const parse = pendingParse(() => {
              parses.delete(role)
              // No view waits for a parse any more: stop the worker rather than parse for no one.
              if (parses.size === 0) worker.terminate()
            })
            parses.set(role, parse)
            return { ...prepared, json: parse.job }
          }
          const complete = detail && { ...detail, request: { ...detail.request, bodyBase64: base64.request }, responseBodyBase64: base64.response }
          settle({ value: { ok: true, detail: complete, bodies: { request: bodyOf('request'), response: bodyOf('response') } } })
          return
        }
        case 'json':
          parses.get(message.body)?.settle(message.result)
          parses.delete(message.body)
          return
        default: {
          const unknown: never = message
          return unknown
        }
      }
    }
    worker.postMessage(request)
  })
}

interface StartedWorker {
  worker: Worker
  /** Its script did not load, or failed outside `load` (whose own failures come as `crashed`). */
  hasFailed: boolean
  onError: (() => void) | null
}

/**
 * A worker started ahead of the load that takes it, so opening a capture does not wait for a
 * thread and its script to start; each load takes it and starts the next. `null`: workers are
 * not allowed here.
 */
let spare: StartedWorker | null = null

function takeStartedWorker(): StartedWorker | null {
  const taken = spare ?? startWorker()
  spare = taken === null ? null : startWorker()
  return taken
}

function startWorker(): StartedWorker | null {
  let worker: Worker
  try {
    worker = new Worker(new URL('./capture-detail.worker.ts', import.meta.url), { type: 'module' })
  } catch {
    return null
  }
  const started: StartedWorker = { worker, hasFailed: false, onError: null }
  // Listening from the start: a spare's script may fail before a load takes it.
  worker.onerror = (event) => {
    event.preventDefault()
    started.hasFailed = true
    started.onError?.()
  }
  return started
}

interface PendingParse {
  job: JsonParseJob
  settle(result: LosslessJsonResult | null): void
}

/** A parse the worker will deliver; `onAbandoned` runs when the last view waiting for it stopped before it came. */
function pendingParse(onAbandoned: () => void): PendingParse {
  /** `undefined` while pending; `null` when failed or abandoned. */
  let outcome: LosslessJsonResult | null | undefined
  const watchers = new Set<(result: LosslessJsonResult | null) => void>()
  const settle = (result: LosslessJsonResult | null) => {
    if (outcome !== undefined) return
    outcome = result
    for (const watcher of watchers) watcher(result)
    watchers.clear()
  }
  return {
    job: {
      watch(onDone) {
        let isWatching = true
        const watcher = (result: LosslessJsonResult | null) => {
          if (isWatching) onDone(result)
        }
        if (outcome === undefined) watchers.add(watcher)
        else queueMicrotask(() => watcher(outcome ?? null))
        return () => {
          isWatching = false
          if (!watchers.delete(watcher) || watchers.size > 0 || outcome !== undefined) return
          outcome = null
          onAbandoned()
        }
      },
    },
    settle,
  }
}
