/**
 * Where text and query scans run: in a child process when the built search entry exists (the
 * app), so the event loop (receiver, API) is never held by a search and the search gets a core of
 * its own; inline otherwise (unit tests run the TypeScript sources, where no built entry exists),
 * one segment between two yields to the event loop. Both run the same runner (search-runner.ts).
 *
 * The process is started on demand and stopped once idle for WORKER_IDLE_MS after a search, or as
 * soon as its sidecar upkeep is done when no search ran lately. A process, not a worker thread,
 * because its memory is never the app's and all of it goes back to the system when it exits (see
 * search-worker.ts). The cost: starting Node for it (0.10-0.16 s of CPU measured on the loaded
 * development machine, started while the candidates are gathered: see `warmUp`), and each scan's
 * candidates are copied to it (3 MiB for 100,000 candidates) instead of moved.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createColumnPool, type ScanColumns } from './scan-columns'
import type { DamageFound, ScanFilter, ScanSegment } from './search-scan'
import { createSearchRunner, type SearchMessage, type SearchReply, type SegmentFiles } from './search-runner'

export interface Scanner {
  /** Columns with room for `count` candidates, for the segments of the next `scan` to view. */
  columns(count: number): ScanColumns
  /**
   * Matching positions per segment, in the order given; `undefined` for segments not scanned
   * because `onSegment` (called for each segment in order, as soon as it is scanned) returned
   * `false`: the caller has what it needs, and the rest of the scan is cancelled. The segments'
   * arrays view `columns` (from `columns()`), which the scan takes over: do not use them after.
   */
  scan(
    filter: ScanFilter,
    segments: ScanSegment[],
    columns: ScanColumns,
    onSegment?: (index: number, matched: number[]) => boolean,
  ): Promise<Array<number[] | undefined>>
  /** A scan is coming: start what runs it now, while the caller gathers the candidates. */
  warmUp(): void
  /** Brings the search-text sidecars of these segments (all of the store's) up to date, in the background. */
  maintain(segments: SegmentFiles[]): void
  close(): Promise<void>
}

export interface ScannerOptions {
  /** Captures a scan or a sidecar build found damaged. */
  onDamaged(damaged: DamageFound[]): void
}

/** An idle search process is stopped after this long (its memory is given back). */
export const WORKER_IDLE_MS = 30_000

/** What a search process is sent in place of a scan's columns (it gets a copy of the segments' arrays). */
const NO_COLUMNS = new ArrayBuffer(0)

export function createScanner(options: ScannerOptions): Scanner {
  const workerFile = findWorkerFile()
  return workerFile === null ? inlineScanner(options) : processScanner(workerFile, options)
}

/** The built search entry beside the bundle (`out/main/search-worker.js`; chunks live one folder down). */
function findWorkerFile(): string | null {
  for (const candidate of ['./search-worker.js', '../search-worker.js']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(file)) return file
  }
  return null
}

interface Job {
  results: Array<number[] | undefined>
  onSegment: ((index: number, matched: number[]) => boolean) | undefined
  resolve(results: Array<number[] | undefined>): void
  reject(error: Error): void
}

/** Scan bookkeeping shared by both scanners: `send` delivers a message to the runner. */
function scanning(options: ScannerOptions, send: (message: SearchMessage) => void) {
  let nextJobId = 1
  const jobs = new Map<number, Job>()
  const pool = createColumnPool()
  /** Sidecars verified in this process, by path, with their size then (see the `maintain` message). */
  const verified = new Map<string, number>()
  return {
    jobs,
    pool,
    maintainMessage(segments: SegmentFiles[]): SearchMessage {
      const current = new Set(segments.map((files) => files.sidecarPath))
      for (const path of verified.keys()) if (!current.has(path)) verified.delete(path)
      return { kind: 'maintain', segments, verified: [...verified] }
    },
    start(filter: ScanFilter, segments: ScanSegment[], columns: ScanColumns, onSegment: Job['onSegment']): Promise<Array<number[] | undefined>> {
      return new Promise((resolve, reject) => {
        const jobId = nextJobId++
        jobs.set(jobId, { results: segments.map(() => undefined), onSegment, resolve, reject })
        send({ kind: 'scan', jobId, filter, segments, columns: columns.buffer })
      })
    },
    receive(reply: SearchReply): void {
      switch (reply.kind) {
        case 'damaged':
          options.onDamaged(reply.damaged)
          return
        case 'idle':
          return
        case 'verified':
          verified.set(reply.path, reply.size)
          return
        case 'release':
          pool.give(reply.columns)
          return
        case 'segment': {
          const job = jobs.get(reply.jobId)
          if (!job) return
          job.results[reply.segment] = reply.matched
          if (job.onSegment && !job.onSegment(reply.segment, reply.matched)) {
            jobs.delete(reply.jobId)
            send({ kind: 'cancel', jobId: reply.jobId })
            job.resolve(job.results)
          }
          return
        }
        case 'done':
        case 'error': {
          const job = jobs.get(reply.jobId)
          if (!job) return
          jobs.delete(reply.jobId)
          if (reply.kind === 'error') job.reject(new Error(`search failed: ${reply.error}`))
          else job.resolve(job.results)
          return
        }
        default: {
          const unknown: never = reply
          throw new Error(`unexpected search reply ${JSON.stringify(unknown)}`)
        }
      }
    },
  }
}

function inlineScanner(options: ScannerOptions): Scanner {
  // The runner answers on later turns of the event loop (setImmediate), never synchronously.
  const runner = createSearchRunner((reply) => state.receive(reply))
  const state = scanning(options, (message) => runner.handle(message))
  return {
    columns: (count) => state.pool.take(count),
    scan: (filter, segments, columns, onSegment) => state.start(filter, segments, columns, onSegment),
    warmUp: () => undefined,
    maintain: (segments) => runner.handle(state.maintainMessage(segments)),
    close: async () => undefined,
  }
}

function processScanner(file: string, options: ScannerOptions): Scanner {
  let child: ChildProcess | null = null
  let idleTimer: NodeJS.Timeout | undefined
  let lastScanAt = -Infinity
  const state = scanning(options, (message) => {
    if (message.kind !== 'scan') return void started().send(message)
    lastScanAt = performance.now()
    // `send` serialises the message before it returns (no handles are ever sent, which would queue
    // it): the child gets its own copy of the segments' arrays, so the columns go back to the pool
    // now, and the child is not sent the whole buffer once more beside them.
    started().send({ ...message, columns: NO_COLUMNS })
    state.pool.give(message.columns)
  })

  /** Stops the process (its memory goes back to the system); `exit` then ends what it still had. */
  function stop(running: ChildProcess): Promise<void> {
    if (child === running) child = null
    if (running.exitCode !== null || running.signalCode !== null) return Promise.resolve()
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill()
    return exited
  }

  /** Stops the process once nothing has been asked of it for WORKER_IDLE_MS (upkeep is cut short then, and resumed next time). */
  function armIdleTimer(): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      if (state.jobs.size > 0 || child === null) return armIdleTimer()
      void stop(child)
    }, WORKER_IDLE_MS)
    idleTimer.unref()
  }

  function started(): ChildProcess {
    armIdleTimer()
    if (child) return child
    // Structured clone (not JSON) keeps the typed arrays; stdout stays the app's alone (the
    // headless app's `--json` line), errors go to its stderr. No execArgv: an `--inspect` port
    // or a test runner's loader is the app's, not the search's.
    const created = fork(file, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] })
    // An idle search process must not keep the app alive.
    created.unref()
    created.channel?.unref()
    created.on('message', (reply: SearchReply) => {
      state.receive(reply)
      if (reply.kind === 'done' || reply.kind === 'error') armIdleTimer()
      // Upkeep alone (no search lately) does not keep the process, and its memory, around.
      if (reply.kind === 'idle' && state.jobs.size === 0 && child === created && performance.now() - lastScanAt > WORKER_IDLE_MS) {
        clearTimeout(idleTimer)
        void stop(created)
      }
    })
    const failAll = (error: Error): void => {
      if (child === created) child = null
      for (const job of state.jobs.values()) job.reject(error)
      state.jobs.clear()
    }
    created.on('error', failAll)
    created.on('exit', (code, signal) => {
      // Stopped on purpose (idle, or closing) it is no longer `child`; jobs sent since went to the next one.
      if (child === created) failAll(new Error(`the search process stopped (${signal ?? `exit code ${String(code)}`})`))
    })
    child = created
    return created
  }

  return {
    columns: (count) => state.pool.take(count),
    scan: (filter, segments, columns, onSegment) => state.start(filter, segments, columns, onSegment),
    warmUp() {
      // Node starts while the candidates are gathered (a rare word's first page waited for both, one after the other).
      lastScanAt = performance.now()
      started()
    },
    maintain(segments) {
      started().send(state.maintainMessage(segments))
    },
    async close() {
      clearTimeout(idleTimer)
      if (child) await stop(child)
      for (const job of state.jobs.values()) job.reject(new Error('the store closed while searching'))
      state.jobs.clear()
    },
  }
}
