/**
 * Where text and query scans run: in a worker thread when the built worker exists (the app), so
 * the event loop (receiver, API) is never held by a search and the search gets a core of its own;
 * inline otherwise (unit tests run the TypeScript sources, where no built worker exists), one
 * segment between two yields to the event loop. Both run the same runner (search-runner.ts).
 *
 * The worker is started on demand and stopped once idle for WORKER_IDLE_MS after a search, or as
 * soon as its sidecar upkeep is done when no search ran lately: its heap (the last scan's garbage,
 * read windows) goes with it, so memory comes back after a search.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
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
  /** Brings the search-text sidecars of these segments (all of the store's) up to date, in the background. */
  maintain(segments: SegmentFiles[]): void
  close(): Promise<void>
}

export interface ScannerOptions {
  /** Captures a scan or a sidecar build found damaged. */
  onDamaged(damaged: DamageFound[]): void
}

/** An idle worker is stopped after this long (its memory is given back). */
export const WORKER_IDLE_MS = 30_000

export function createScanner(options: ScannerOptions): Scanner {
  const workerFile = findWorkerFile()
  return workerFile === null ? inlineScanner(options) : workerScanner(workerFile, options)
}

/** The built worker beside the bundle (`out/main/search-worker.js`; chunks live one folder down). */
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
    maintain: (segments) => runner.handle(state.maintainMessage(segments)),
    close: async () => undefined,
  }
}

function workerScanner(file: string, options: ScannerOptions): Scanner {
  let worker: Worker | null = null
  let idleTimer: NodeJS.Timeout | undefined
  let lastScanAt = -Infinity
  const state = scanning(options, (message) => {
    if (message.kind === 'scan') lastScanAt = performance.now()
    // The scan's columns are moved to the worker, not copied; it hands them back when the scan is over.
    started().postMessage(message, message.kind === 'scan' ? [message.columns] : [])
  })

  /** Stops the worker once nothing has been asked of it for WORKER_IDLE_MS (upkeep is cut short then, and resumed next time). */
  function armIdleTimer(): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      if (state.jobs.size > 0 || worker === null) return armIdleTimer()
      const idle = worker
      worker = null
      void idle.terminate()
    }, WORKER_IDLE_MS)
    idleTimer.unref()
  }

  function started(): Worker {
    armIdleTimer()
    if (worker) return worker
    const created = new Worker(file)
    // An idle worker must not keep the process alive.
    created.unref()
    created.on('message', (reply: SearchReply) => {
      state.receive(reply)
      if (reply.kind === 'done' || reply.kind === 'error') armIdleTimer()
      // Upkeep alone (no search lately) does not keep the worker, and its memory, around.
      if (reply.kind === 'idle' && state.jobs.size === 0 && worker === created && performance.now() - lastScanAt > WORKER_IDLE_MS) {
        clearTimeout(idleTimer)
        worker = null
        void created.terminate()
      }
    })
    const failAll = (error: Error): void => {
      if (worker === created) worker = null
      for (const job of state.jobs.values()) job.reject(error)
      state.jobs.clear()
    }
    created.on('error', failAll)
    created.on('exit', (code) => {
      if (worker === created) failAll(new Error(`the search worker stopped (exit code ${code})`))
    })
    worker = created
    return created
  }

  return {
    columns: (count) => state.pool.take(count),
    scan: (filter, segments, columns, onSegment) => state.start(filter, segments, columns, onSegment),
    maintain(segments) {
      started().postMessage(state.maintainMessage(segments))
    },
    async close() {
      clearTimeout(idleTimer)
      const running = worker
      worker = null
      await running?.terminate()
    },
  }
}
