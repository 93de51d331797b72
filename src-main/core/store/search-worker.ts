/**
 * The search worker thread: scans log ranges for text and query matches (search-scan.ts) off the
 * event loop, so the receiver keeps answering at full speed while a search reads through 100,000
 * captures, and the search has a core of its own. Built as its own entry (`out/main/search-worker.js`).
 *
 * Messages in: `{ jobId, filter, segments }`; out: `{ jobId, segment: index, matched }` per
 * segment, then `{ jobId, done: true }` (or `{ jobId, error }`).
 */
import { closeSync, openSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import { prepareScan, scanSegment, type ScanFilter, type ScanSegment } from './search-scan'

export interface SearchJob {
  jobId: number
  filter: ScanFilter
  segments: ScanSegment[]
}

export type SearchReply = { jobId: number; segment: number; matched: number[] } | { jobId: number; done: true } | { jobId: number; error: string }

parentPort?.on('message', (job: SearchJob) => {
  try {
    const prepared = prepareScan(job.filter)
    for (const [index, segment] of job.segments.entries()) {
      let fd: number
      try {
        fd = openSync(segment.logPath, 'r')
      } catch {
        // Removed meanwhile (all its captures deleted): nothing of it matches.
        parentPort?.postMessage({ jobId: job.jobId, segment: index, matched: [] } satisfies SearchReply)
        continue
      }
      try {
        parentPort?.postMessage({ jobId: job.jobId, segment: index, matched: scanSegment(fd, segment, prepared) } satisfies SearchReply)
      } finally {
        closeSync(fd)
      }
    }
    parentPort?.postMessage({ jobId: job.jobId, done: true } satisfies SearchReply)
  } catch (error: unknown) {
    parentPort?.postMessage({ jobId: job.jobId, error: error instanceof Error ? error.message : String(error) } satisfies SearchReply)
  }
})
