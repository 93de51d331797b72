/**
 * What the search worker does with the messages it gets, apart from the thread itself, so the
 * inline scanner (unit tests) runs exactly the same: scan jobs, one segment per turn of the event
 * loop so a `cancel` (the page is full) is seen between segments, and in between, upkeep of the
 * search-text sidecars (build the missing and the stale, verify each once, remove orphans).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { buildSidecar, readSidecarHeader, sidecarTextIntact, type SidecarHeader } from '../search/search-text-sidecar'
import { prepareScan, scanSegment, type DamageFound, type PreparedScan, type ScanFilter, type ScanSegment } from './search-scan'

/** A segment's log and where its sidecar goes. */
export interface SegmentFiles {
  logPath: string
  sidecarPath: string
}

export type SearchMessage =
  /** `columns`: the buffer the segments' arrays view (scan-columns.ts), moved here with the message. */
  | { kind: 'scan'; jobId: number; filter: ScanFilter; segments: ScanSegment[]; columns: ArrayBuffer }
  /** Stop a scan: its caller has what it needs. */
  | { kind: 'cancel'; jobId: number }
  /** Bring the sidecars of these segments (every segment of the store) up to date, when idle. */
  | {
      kind: 'maintain'
      segments: SegmentFiles[]
      /**
       * Sidecars already verified in this process (path and size then), as `verified` replies said:
       * a worker started afresh does not hash them all again (it is stopped when idle, and upkeep
       * under a steady stream of captures starts one every few seconds).
       */
      verified: Array<[path: string, size: number]>
    }

export type SearchReply =
  /** `framesRead`: how many of the segment's candidates were read from its log. */
  | { kind: 'segment'; jobId: number; segment: number; matched: number[]; framesRead: number }
  | { kind: 'done'; jobId: number }
  | { kind: 'error'; jobId: number; error: string }
  /** A scan is over (done, cancelled or failed): its columns' buffer goes back, to be used again. */
  | { kind: 'release'; columns: ArrayBuffer }
  /** Captures found damaged (by a scan or a sidecar build), for the store to mark. */
  | { kind: 'damaged'; damaged: DamageFound[] }
  /** A sidecar's text was verified, or written, at this size. */
  | { kind: 'verified'; path: string; size: number }
  /** Nothing left to do: no scan and no upkeep pending. */
  | { kind: 'idle' }

/** Where a segment's sidecar lives: `search/NNNNNN.search` beside the segment files. */
export function sidecarPathOf(logPath: string): string {
  return join(dirname(logPath), 'search', `${basename(logPath, '.log')}.search`)
}

export interface SearchRunner {
  handle(message: SearchMessage): void
}

export function createSearchRunner(post: (reply: SearchReply) => void): SearchRunner {
  const jobs: Array<{ jobId: number; prepared: PreparedScan; segments: ScanSegment[]; columns: ArrayBuffer; next: number }> = []
  let upkeep: SegmentFiles[] = []
  /** Sidecars whose text was verified, by path, with the size they had then. */
  const verified = new Map<string, number>()
  let scheduled = false

  function schedule(): void {
    if (scheduled) return
    scheduled = true
    setImmediate(step)
  }

  /** One unit of work: a segment of the oldest job, else one segment's upkeep. */
  function step(): void {
    scheduled = false
    const job = jobs[0]
    if (job) {
      try {
        const index = job.next++
        const segment = job.segments[index]
        if (segment === undefined) {
          jobs.shift()
          post({ kind: 'done', jobId: job.jobId })
          post({ kind: 'release', columns: job.columns })
        } else {
          const result = scanOne(segment, job.prepared)
          if (result.damaged.length > 0) post({ kind: 'damaged', damaged: result.damaged })
          post({ kind: 'segment', jobId: job.jobId, segment: index, matched: result.matched, framesRead: result.framesRead })
        }
      } catch (error: unknown) {
        jobs.shift()
        post({ kind: 'error', jobId: job.jobId, error: error instanceof Error ? error.message : String(error) })
        post({ kind: 'release', columns: job.columns })
      }
      schedule()
      return
    }
    const files = upkeep.shift()
    if (files) {
      try {
        upkeepOf(files)
      } catch {
        // A sidecar that cannot be written (read-only folder, disk full) is simply not used.
      }
      schedule()
      return
    }
    post({ kind: 'idle' })
  }

  function markVerified(path: string, size: number): void {
    verified.set(path, size)
    post({ kind: 'verified', path, size })
  }

  function upkeepOf(files: SegmentFiles): void {
    let logModifiedMs: number
    try {
      logModifiedMs = statSync(files.logPath).mtimeMs
    } catch {
      return
    }
    let header: SidecarHeader | null
    let fd: number | null = null
    try {
      fd = openSync(files.sidecarPath, 'r')
      header = readSidecarHeader(fd)
      const size = statSync(files.sidecarPath).size
      if (header !== null && verified.get(files.sidecarPath) !== size) {
        if (sidecarTextIntact(fd, header)) markVerified(files.sidecarPath, size)
        else header = null
      }
    } catch {
      header = null
    } finally {
      if (fd !== null) closeSync(fd)
    }
    if (header === null || header.logModifiedMs < logModifiedMs) {
      mkdirSync(dirname(files.sidecarPath), { recursive: true, mode: 0o700 })
      const built = buildSidecar(files.logPath, files.sidecarPath)
      removeEarlierGenerations(files.sidecarPath)
      markVerified(files.sidecarPath, statSync(files.sidecarPath).size)
      header = built.header
    }
    // Reported on every upkeep, so damage found before a restart is marked again after it.
    const ids = header.ids
    const damaged = header.damaged.map(([position, reason]) => ({ id: ids[position] as string, reason }))
    if (damaged.length > 0) post({ kind: 'damaged', damaged })
  }

  /**
   * Sidecars (and unfinished temporary files) of segments that no longer exist, and of earlier
   * generations of a log (log-compaction.ts) whose current generation has its own sidecar. One
   * without its own keeps its earlier ones until it is built: retention counts them as the search
   * text its captures take meanwhile (capture-store.ts, `searchTextBytes`).
   */
  function removeOrphans(segments: SegmentFiles[]): void {
    const wanted = new Set(segments.map((files) => basename(files.sidecarPath)))
    const awaitingOwn = new Set(segments.filter((files) => !existsSync(files.sidecarPath)).map((files) => segmentOfSidecar(basename(files.sidecarPath))))
    for (const folder of new Set(segments.map((files) => dirname(files.sidecarPath)))) {
      let names: string[]
      try {
        names = readdirSync(folder)
      } catch {
        continue
      }
      for (const name of names) {
        if (wanted.has(name) || (isSidecarName(name) && awaitingOwn.has(segmentOfSidecar(name)))) continue
        try {
          unlinkSync(join(folder, name))
        } catch {
          // Gone already.
        }
      }
    }
  }

  return {
    handle(message) {
      switch (message.kind) {
        case 'scan':
          jobs.push({ jobId: message.jobId, prepared: prepareScan(message.filter), segments: message.segments, columns: message.columns, next: 0 })
          break
        case 'cancel': {
          const index = jobs.findIndex((job) => job.jobId === message.jobId)
          if (index !== -1) {
            const [cancelled] = jobs.splice(index, 1)
            post({ kind: 'done', jobId: message.jobId })
            if (cancelled) post({ kind: 'release', columns: cancelled.columns })
          }
          break
        }
        case 'maintain':
          for (const [path, size] of message.verified) verified.set(path, size)
          removeOrphans(message.segments)
          upkeep = [...message.segments]
          break
        default: {
          const unknown: never = message
          throw new Error(`unexpected search message ${JSON.stringify(unknown)}`)
        }
      }
      schedule()
    },
  }
}

/** A finished sidecar's name, of any generation of its log: `NNNNNN.search` or `NNNNNN.gG.search`. */
const SIDECAR_NAME = /^(\d{6})(?:\.g\d+)?\.search$/

function isSidecarName(name: string): boolean {
  return SIDECAR_NAME.test(name)
}

/** The segment a sidecar's name is of (its first six digits). */
function segmentOfSidecar(name: string): string {
  return name.slice(0, 6)
}

/** The sidecars of earlier generations of the log `sidecarPath` was just built from: replaced by it. */
function removeEarlierGenerations(sidecarPath: string): void {
  const own = basename(sidecarPath)
  // Generation 0 (`NNNNNN.search`) has none before it.
  if (!own.includes('.g')) return
  const folder = dirname(sidecarPath)
  for (const name of readdirSync(folder)) {
    if (name === own || !isSidecarName(name) || segmentOfSidecar(name) !== segmentOfSidecar(own)) continue
    try {
      unlinkSync(join(folder, name))
    } catch {
      // Gone already.
    }
  }
}

function scanOne(segment: ScanSegment, prepared: PreparedScan): { matched: number[]; damaged: DamageFound[]; framesRead: number } {
  let fd: number
  try {
    fd = openSync(segment.logPath, 'r')
  } catch {
    // Removed meanwhile (all its captures deleted): nothing of it matches.
    return { matched: [], damaged: [], framesRead: 0 }
  }
  try {
    return scanSegment(fd, segment, prepared)
  } finally {
    closeSync(fd)
  }
}
