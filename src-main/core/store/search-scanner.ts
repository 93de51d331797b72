/**
 * Where text and query scans run: in a worker thread when the built worker exists (the app), so
 * the event loop (receiver, API) is never held by a search and the search gets a core of its own;
 * inline otherwise (unit tests run the TypeScript sources, where no built worker exists), one
 * segment between two yields to the event loop. Both run the same scan (search-scan.ts).
 */
import { closeSync, existsSync, openSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { prepareScan, scanSegment, type ScanFilter, type ScanSegment } from './search-scan'
import type { SearchJob, SearchReply } from './search-worker'

export interface Scanner {
  /** Matching positions per segment, in the order given. */
  scan(filter: ScanFilter, segments: ScanSegment[]): Promise<number[][]>
  close(): Promise<void>
}

export function createScanner(): Scanner {
  const workerFile = findWorkerFile()
  return workerFile === null ? inlineScanner() : workerScanner(workerFile)
}

/** The built worker beside the bundle (`out/main/search-worker.js`; chunks live one folder down). */
function findWorkerFile(): string | null {
  for (const candidate of ['./search-worker.js', '../search-worker.js']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(file)) return file
  }
  return null
}

function inlineScanner(): Scanner {
  return {
    async scan(filter, segments) {
      const prepared = prepareScan(filter)
      const results: number[][] = []
      for (const segment of segments) {
        results.push(scanOne(segment, (fd) => scanSegment(fd, segment, prepared)))
        await new Promise((resolve) => setImmediate(resolve))
      }
      return results
    },
    close: async () => undefined,
  }
}

function scanOne(segment: ScanSegment, scan: (fd: number) => number[]): number[] {
  let fd: number
  try {
    fd = openSync(segment.logPath, 'r')
  } catch {
    return []
  }
  try {
    return scan(fd)
  } finally {
    closeSync(fd)
  }
}

/** An idle worker is stopped after this long: its heap (the last scan's garbage) goes with it. */
const WORKER_IDLE_MS = 15_000

function workerScanner(file: string): Scanner {
  let worker: Worker | null = null
  let idleTimer: NodeJS.Timeout | undefined
  let nextJobId = 1
  const jobs = new Map<number, { results: number[][]; resolve: (results: number[][]) => void; reject: (error: Error) => void }>()

  function started(): Worker {
    if (worker) return worker
    const created = new Worker(file)
    // An idle worker must not keep the process alive.
    created.unref()
    created.on('message', (reply: SearchReply) => {
      const job = jobs.get(reply.jobId)
      if (!job) return
      if ('segment' in reply) job.results[reply.segment] = reply.matched
      else {
        jobs.delete(reply.jobId)
        if ('error' in reply) job.reject(new Error(`search failed: ${reply.error}`))
        else job.resolve(job.results)
        if (jobs.size === 0) {
          idleTimer = setTimeout(() => {
            if (jobs.size > 0 || worker !== created) return
            worker = null
            void created.terminate()
          }, WORKER_IDLE_MS)
          idleTimer.unref()
        }
      }
    })
    const failAll = (error: Error): void => {
      if (worker === created) worker = null
      for (const job of jobs.values()) job.reject(error)
      jobs.clear()
    }
    created.on('error', failAll)
    created.on('exit', (code) => {
      if (worker === created) failAll(new Error(`the search worker stopped (exit code ${code})`))
    })
    worker = created
    return created
  }

  return {
    scan(filter, segments) {
      return new Promise((resolve, reject) => {
        const jobId = nextJobId++
        clearTimeout(idleTimer)
        jobs.set(jobId, { results: segments.map(() => []), resolve, reject })
        started().postMessage({ jobId, filter, segments } satisfies SearchJob)
      })
    },
    async close() {
      clearTimeout(idleTimer)
      const running = worker
      worker = null
      await running?.terminate()
    },
  }
}
