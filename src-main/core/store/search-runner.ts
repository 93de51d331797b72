/**
 * What the search worker does with the messages it gets, apart from the thread itself, so the
 * inline scanner (unit tests) runs exactly the same: scan jobs, one segment per turn of the event
 * loop so a `cancel` (the page is full) is seen between segments, and in between, upkeep of the
 * search-text sidecars (build the missing and the stale, verify each once, remove orphans).
 *
 * A sidecar found damaged (its text does not match its recorded hash, its header does not parse)
 * or unreadable is not rebuilt over: it is reported (`sidecar-damaged`), the store moves it aside
 * and reports it, and the next upkeep builds it afresh. One of another version, or older than its
 * log, is simply rebuilt.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { buildSidecar, inspectSidecar, sidecarTextIntact, type SidecarHeader } from '../search/search-text-sidecar'
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
       * Sidecars already verified (path and `sidecarStamp` then), as `verified` replies said, in
       * this run or before the last clean stop (search-scanner.ts): a worker started afresh does not
       * hash them all again (it is stopped when idle, and upkeep under a steady stream of captures
       * starts one every few seconds).
       */
      verified: Array<[path: string, stamp: string]>
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
  /** A sidecar's text was verified (`hashed`), or written, as it is at this `sidecarStamp`. */
  | { kind: 'verified'; path: string; stamp: string; hashed: boolean }
  /** A sidecar is damaged or unreadable (`problem` follows its name): left as it is, for the store to move aside. */
  | { kind: 'sidecar-damaged'; path: string; problem: string }
  /** Nothing left to do: no scan and no upkeep pending. */
  | { kind: 'idle' }

/** Where a segment's sidecar lives: `search/NNNNNN.search` beside the segment files. */
export function sidecarPathOf(logPath: string): string {
  return join(dirname(logPath), 'search', `${basename(logPath, '.log')}.search`)
}

/** The sidecars verified when the app last stopped cleanly, in the sidecars' folder (search-scanner.ts). */
export const VERIFIED_SIDECARS_FILE = 'verified.json'

/**
 * What identifies a sidecar's bytes as they were verified: its size, modification time and inode.
 * A sidecar is only ever replaced whole (a rename) or changed by something else than this app,
 * and either changes one of them; its size alone let a same-sized change through.
 */
export function sidecarStamp(stats: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ino}`
}

export interface SearchRunner {
  handle(message: SearchMessage): void
}

export function createSearchRunner(post: (reply: SearchReply) => void): SearchRunner {
  const jobs: Array<{ jobId: number; prepared: PreparedScan; segments: ScanSegment[]; columns: ArrayBuffer; next: number }> = []
  let upkeep: SegmentFiles[] = []
  /** Sidecars whose text was verified, by path, with their `sidecarStamp` then. */
  const verified = new Map<string, string>()
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

  function markVerified(path: string, stamp: string, hashed: boolean): void {
    verified.set(path, stamp)
    post({ kind: 'verified', path, stamp, hashed })
  }

  /**
   * The sidecar's header once it is known good (`null`: missing, or of another version), or
   * `'damaged'` (reported; it stays as it is).
   */
  function checkedSidecar(path: string): SidecarHeader | null | 'damaged' {
    let fd: number
    try {
      fd = openSync(path, 'r')
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      // Unreadable: building would rename a new one over it.
      post({ kind: 'sidecar-damaged', path, problem: `cannot be read (${error instanceof Error ? error.message : String(error)})` })
      return 'damaged'
    }
    try {
      const inspected = inspectSidecar(fd)
      if ('otherVersion' in inspected) return null
      if ('problem' in inspected) {
        post({ kind: 'sidecar-damaged', path, problem: inspected.problem })
        return 'damaged'
      }
      const stamp = sidecarStamp(fstatSync(fd))
      if (verified.get(path) !== stamp) {
        if (!sidecarTextIntact(fd, inspected.header)) {
          post({ kind: 'sidecar-damaged', path, problem: 'does not match the sha256 recorded in it' })
          return 'damaged'
        }
        markVerified(path, stamp, true)
      }
      return inspected.header
    } finally {
      closeSync(fd)
    }
  }

  function upkeepOf(files: SegmentFiles): void {
    let logModifiedMs: number
    try {
      logModifiedMs = statSync(files.logPath).mtimeMs
    } catch {
      return
    }
    let header = checkedSidecar(files.sidecarPath)
    // Kept as it is until the store moved it aside; the log is searched meanwhile (scans check the header only).
    if (header === 'damaged') return
    if (header === null || header.logModifiedMs < logModifiedMs) {
      mkdirSync(dirname(files.sidecarPath), { recursive: true, mode: 0o700 })
      const built = buildSidecar(files.logPath, files.sidecarPath)
      removeEarlierGenerations(files.sidecarPath)
      markVerified(files.sidecarPath, sidecarStamp(statSync(files.sidecarPath)), false)
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
        if (wanted.has(name) || name === VERIFIED_SIDECARS_FILE || (isSidecarName(name) && awaitingOwn.has(segmentOfSidecar(name)))) continue
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
          for (const [path, stamp] of message.verified) verified.set(path, stamp)
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
