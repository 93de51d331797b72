/**
 * Where text and query scans run: in a child process when the built search entry exists (the
 * app), so the event loop (receiver, API) is never held by a search and the search gets a core of
 * its own; inline otherwise (unit tests run the TypeScript sources, where no built entry exists),
 * one segment between two yields to the event loop. Both run the same runner (search-runner.ts).
 *
 * The process is started on demand and stopped once idle for WORKER_IDLE_MS after a search, or as
 * soon as its sidecar upkeep is done when no search ran lately. A scan of at least
 * PARALLEL_SCAN_SEGMENTS segments is shared with a second process where the machine has a second
 * core: each takes every other segment, newest first, so a search through everything (a rare word,
 * a total) takes about half as long on an idle machine; the receiver keeps its priority over both
 * (search-worker.ts). A process, not a worker thread,
 * because its memory is never the app's and all of it goes back to the system when it exits (see
 * search-worker.ts). The cost: starting Node for it (0.10-0.16 s of CPU measured on the loaded
 * development machine, started while the candidates are gathered: see `warmUp`), and each scan's
 * candidates are copied to it (3 MiB for 100,000 candidates) instead of moved.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, unlink } from 'node:fs/promises'
import { writeCacheFile } from './data-file'
import { availableParallelism } from 'node:os'
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
  /** A scan of about `segments` segments is coming: start what runs it now, while the caller gathers the candidates. */
  warmUp(segments: number): void
  /** Brings the search-text sidecars of these segments (all of the store's) up to date, in the background. */
  maintain(segments: SegmentFiles[]): void
  close(): Promise<void>
}

export interface ScannerOptions {
  /** Captures a scan or a sidecar build found damaged. */
  onDamaged(damaged: DamageFound[]): void
  /** Captures a scan read from a log (those its sidecar could not settle). */
  onFramesRead?(count: number): void
  /** A sidecar is damaged or unreadable (`problem` follows its name): it stays until moved aside, then upkeep builds it afresh. */
  onSidecarDamaged?(path: string, problem: string): void
  /** A sidecar's text was hashed to verify it (not one just built). */
  onSidecarHashed?(): void
  /** The search process (part 0) has nothing left to do: no scan, no upkeep. */
  onIdle?(): void
  /**
   * Where the sidecars verified are recorded when the scanner closes (a clean stop), to be trusted
   * by the next scanner as they are (`sidecarStamp`) instead of hashed again: every sidecar's text
   * was hashed after every start. Taken (read and removed) when the scanner is created, so a crash
   * leaves none and the start after it verifies every sidecar.
   */
  verifiedFile?: string
}

/** An idle search process is stopped after this long (its memory is given back). */
export const WORKER_IDLE_MS = 30_000

/** What a search process is sent in place of a scan's columns (it gets a copy of the segments' arrays). */
const NO_COLUMNS = new ArrayBuffer(0)

/**
 * Scans of at least this many segments (1,000 captures each) are shared between two processes:
 * below it, starting a second Node (about 0.1 s of CPU) and its memory cost more than it saves.
 */
export const PARALLEL_SCAN_SEGMENTS = 8

export function createScanner(options: ScannerOptions): Scanner {
  const workerFile = findWorkerFile()
  return workerFile === null ? createInlineScanner(options) : createProcessScanner(workerFile, options, Math.min(2, availableParallelism()))
}

/** The built search entry beside the bundle (`out/main/search-worker.js`; chunks live one folder down). */
export function findWorkerFile(): string | null {
  for (const candidate of ['./search-worker.js', '../search-worker.js']) {
    const file = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(file)) return file
  }
  return null
}

interface Job {
  results: Array<number[] | undefined>
  /** Into how many parts the segments were dealt (segment `index` went to part `index % parts`). */
  parts: number
  partsDone: number
  /** The next segment `onSegment` is called for: each is, in order, whichever part scanned it. */
  nextToReport: number
  onSegment: ((index: number, matched: number[]) => boolean) | undefined
  /** The buffer the segments' arrays view, while the runners may still read it. */
  columns: ArrayBuffer | null
  resolve(results: Array<number[] | undefined>): void
  reject(error: Error): void
}

/**
 * Scan bookkeeping shared by both scanners: `send(message, part)` delivers a message to the runner
 * of that part (upkeep goes to part 0), and `partsFor(segments)` says among how many runners a
 * scan is dealt. Each part gets every `parts`-th segment, and its replies are put back in the
 * scan's order: `onSegment` sees the segments in order, whichever part scanned them.
 */
function scanning(
  options: ScannerOptions,
  send: (message: SearchMessage, part: number) => void,
  partsFor: (segments: number) => number,
  /**
   * `moved`: the runners read the scan's columns where they are (inline), so these go back to the
   * pool once the scan is over; `copied`: each part was sent a copy (a process), so they go back as
   * soon as every part has been sent.
   */
  columnsAre: 'moved' | 'copied',
) {
  let nextJobId = 1
  const jobs = new Map<number, Job>()
  const pool = createColumnPool()
  /** Sidecars verified, by path, with their `sidecarStamp` then (see the `maintain` message). */
  const verified = new Map<string, string>()
  const { verifiedFile } = options
  /** Those verified before the last clean stop, once read (upkeep waits for them). */
  const trusted: Promise<void> =
    verifiedFile === undefined
      ? Promise.resolve()
      : takeVerified(verifiedFile).then((entries) => {
          for (const [path, stamp] of entries) if (!verified.has(path)) verified.set(path, stamp)
        })

  /** Ends a job: no runner reads its columns after this (a cancel is handled before the runner's next step). */
  function end(jobId: number, job: Job, cancelled: boolean): void {
    jobs.delete(jobId)
    if (cancelled) for (let part = 0; part < job.parts; part++) send({ kind: 'cancel', jobId }, part)
    if (job.columns !== null) pool.give(job.columns)
    job.columns = null
  }

  /** Calls `onSegment` for the segments now known, in order; resolves once all are, or once it had enough. */
  function report(jobId: number, job: Job): void {
    for (let matched = job.results[job.nextToReport]; matched !== undefined; matched = job.results[job.nextToReport]) {
      const index = job.nextToReport++
      if (job.onSegment && !job.onSegment(index, matched)) {
        end(jobId, job, true)
        // The segments after the one that was enough are not the caller's (a part may have scanned some).
        job.resolve(job.results.map((result, at) => (at <= index ? result : undefined)))
        return
      }
    }
    if (job.partsDone === job.parts) {
      end(jobId, job, false)
      job.resolve(job.results)
    }
  }

  return {
    jobs,
    pool,
    /** Sends the `maintain` message for `segments` once the sidecars verified before are known. */
    maintain(segments: SegmentFiles[], sendMaintain: (message: SearchMessage) => void): void {
      void trusted.then(() => {
        const current = new Set(segments.map((files) => files.sidecarPath))
        for (const path of verified.keys()) if (!current.has(path)) verified.delete(path)
        sendMaintain({ kind: 'maintain', segments, verified: [...verified] })
      })
    },
    /** Records the sidecars verified, for the next scanner (`verifiedFile`); a failure only costs their hashing again. */
    async saveVerified(): Promise<void> {
      if (verifiedFile === undefined) return
      await trusted
      const record: VerifiedRecord = { version: VERIFIED_RECORD_VERSION, sidecars: [...verified] }
      await writeCacheFile(verifiedFile, Buffer.from(JSON.stringify(record))).catch(() => undefined)
    },
    start(filter: ScanFilter, segments: ScanSegment[], columns: ScanColumns, onSegment: Job['onSegment']): Promise<Array<number[] | undefined>> {
      return new Promise((resolve, reject) => {
        const jobId = nextJobId++
        const parts = Math.max(1, Math.min(partsFor(segments.length), segments.length))
        const job: Job = { results: segments.map(() => undefined), parts, partsDone: 0, nextToReport: 0, onSegment, columns: columns.buffer, resolve, reject }
        jobs.set(jobId, job)
        for (let part = 0; part < parts; part++) {
          // Dealt in turn, so every part starts with the newest segments (where a page stops early).
          const dealt = parts === 1 ? segments : segments.filter((_segment, index) => index % parts === part)
          send({ kind: 'scan', jobId, filter, segments: dealt, columns: columns.buffer }, part)
        }
        if (columnsAre === 'copied') {
          pool.give(columns.buffer)
          job.columns = null
        }
      })
    },
    /** A reply from the runner of `part`. */
    receive(reply: SearchReply, part: number): void {
      switch (reply.kind) {
        case 'damaged':
          options.onDamaged(reply.damaged)
          return
        case 'sidecar-damaged':
          options.onSidecarDamaged?.(reply.path, reply.problem)
          return
        case 'idle':
          if (part === 0) options.onIdle?.()
          return
        case 'release':
          // The columns go back when the scan ends (see `end`), once for all its parts.
          return
        case 'verified':
          verified.set(reply.path, reply.stamp)
          if (reply.hashed) options.onSidecarHashed?.()
          return
        case 'segment': {
          if (reply.framesRead > 0) options.onFramesRead?.(reply.framesRead)
          const job = jobs.get(reply.jobId)
          if (!job) return
          // The part's n-th segment is the scan's (n * parts + part)-th.
          job.results[reply.segment * job.parts + part] = reply.matched
          report(reply.jobId, job)
          return
        }
        case 'done': {
          const job = jobs.get(reply.jobId)
          if (!job) return
          job.partsDone++
          report(reply.jobId, job)
          return
        }
        case 'error': {
          const job = jobs.get(reply.jobId)
          if (!job) return
          end(reply.jobId, job, true)
          job.reject(new Error(`search failed: ${reply.error}`))
          return
        }
        default: {
          const unknown: never = reply
          throw new Error(`unexpected search reply ${JSON.stringify(unknown)}`)
        }
      }
    },
    /** Every scan fails with `error` (a search process stopped, or the store closed). */
    failAll(error: Error): void {
      for (const [jobId, job] of [...jobs]) {
        end(jobId, job, false)
        job.reject(error)
      }
    },
  }
}

/**
 * Scans in this thread, one segment between two yields to the event loop (unit tests, where no
 * built search entry exists). `parts` runners share each scan as search processes do.
 */
export function createInlineScanner(options: ScannerOptions, parts = 1): Scanner {
  // The runners answer on later turns of the event loop (setImmediate), never synchronously.
  const runners = Array.from({ length: parts }, (_unused, part) => createSearchRunner((reply) => state.receive(reply, part)))
  const state = scanning(
    options,
    (message, part) => (runners[part] as (typeof runners)[number]).handle(message),
    () => parts,
    'moved',
  )
  return {
    columns: (count) => state.pool.take(count),
    scan: (filter, segments, columns, onSegment) => state.start(filter, segments, columns, onSegment),
    warmUp: () => undefined,
    maintain: (segments) => state.maintain(segments, (message) => runners[0]?.handle(message)),
    close: () => state.saveVerified(),
  }
}

/**
 * Scans in up to `processes` search processes running `file` (the built search entry). Once
 * `close` is called none is started again, and `close` resolves only when every process this
 * scanner started has exited (one stopped for being idle included): the app must never leave a
 * search process behind.
 */
export function createProcessScanner(file: string, options: ScannerOptions, processes: number): Scanner {
  /** The search processes by part; part 0 also keeps the sidecars up to date. */
  const children: Array<ChildProcess | null> = Array.from({ length: processes }, () => null)
  /** Every process started that has not exited yet: in `children`, or stopped and on its way out. */
  const running = new Set<ChildProcess>()
  let closed = false
  const partsFor = (segments: number): number => (segments >= PARALLEL_SCAN_SEGMENTS ? processes : 1)
  let idleTimer: NodeJS.Timeout | undefined
  let lastScanAt = -Infinity
  const state = scanning(
    options,
    (message, part) => {
      if (message.kind !== 'scan') return void started(part).send(message)
      lastScanAt = performance.now()
      // `send` serialises the message before it returns (no handles are ever sent, which would
      // queue it): the child gets its own copy of its segments' arrays, and is not sent the whole
      // buffer once more beside them. The buffer goes back to the pool once every part is sent.
      started(part).send({ ...message, columns: NO_COLUMNS })
    },
    partsFor,
    'copied',
  )

  /** Stops a process (its memory goes back to the system); `exit` then ends what it still had. */
  function stop(child: ChildProcess): Promise<void> {
    const part = children.indexOf(child)
    if (part !== -1) children[part] = null
    if (!running.has(child)) return Promise.resolve()
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill()
    return exited
  }

  /** Stops the processes once nothing has been asked of them for WORKER_IDLE_MS (upkeep is cut short then, and resumed next time). */
  function armIdleTimer(): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      if (state.jobs.size > 0) return armIdleTimer()
      for (const child of children) if (child) void stop(child)
    }, WORKER_IDLE_MS)
    idleTimer.unref()
  }

  function started(part: number): ChildProcess {
    // A scan or upkeep asked for while the store closes (a page that was gathering its candidates) starts nothing.
    if (closed) throw new Error('the store closed while searching')
    armIdleTimer()
    const current = children[part]
    if (current) return current
    // Structured clone (not JSON) keeps the typed arrays; stdout stays the app's alone (the
    // headless app's `--json` line), errors go to its stderr. No execArgv: an `--inspect` port
    // or a test runner's loader is the app's, not the search's.
    const created = fork(file, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] })
    // An idle search process must not keep the app alive.
    created.unref()
    created.channel?.unref()
    running.add(created)
    created.on('message', (reply: SearchReply) => {
      state.receive(reply, part)
      if (reply.kind === 'done' || reply.kind === 'error') armIdleTimer()
      // Upkeep alone (no search lately) does not keep the process, and its memory, around.
      if (reply.kind === 'idle' && state.jobs.size === 0 && children[part] === created && performance.now() - lastScanAt > WORKER_IDLE_MS) {
        void stop(created)
      }
    })
    const failAll = (error: Error): void => {
      if (children[part] === created) children[part] = null
      state.failAll(error)
    }
    created.on('error', (error) => {
      // A process that could not be started never emits `exit`.
      if (created.pid === undefined) running.delete(created)
      failAll(error)
    })
    created.on('exit', (code, signal) => {
      running.delete(created)
      // Stopped on purpose (idle, or closing) it is no longer a child; jobs sent since went to the next one.
      if (children[part] === created) failAll(new Error(`the search process stopped (${signal ?? `exit code ${String(code)}`})`))
    })
    children[part] = created
    return created
  }

  return {
    columns: (count) => state.pool.take(count),
    scan: (filter, segments, columns, onSegment) => state.start(filter, segments, columns, onSegment),
    warmUp(segments) {
      if (closed) return
      // Node starts while the candidates are gathered (a rare word's first page waited for both, one after the other).
      lastScanAt = performance.now()
      for (let part = 0; part < partsFor(segments); part++) started(part)
    },
    maintain(segments) {
      if (closed) return
      state.maintain(segments, (message) => {
        // Closed while the sidecars verified before were read.
        if (!closed) started(0).send(message)
      })
    },
    async close() {
      closed = true
      clearTimeout(idleTimer)
      // Those of `children`, and any stopped for being idle that has not exited yet.
      await Promise.all([...running].map((child) => stop(child)))
      state.failAll(new Error('the store closed while searching'))
      // Once no process can report another.
      await state.saveVerified()
    },
  }
}

/** The record of the sidecars verified (`verifiedFile`): read back only in this version. */
const VERIFIED_RECORD_VERSION = 1

interface VerifiedRecord {
  version: typeof VERIFIED_RECORD_VERSION
  sidecars: Array<[path: string, stamp: string]>
}

/** The sidecars a clean stop recorded as verified, removing the record; none when it is missing, unreadable or of another version. */
async function takeVerified(file: string): Promise<Array<[path: string, stamp: string]>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return []
  }
  await unlink(file).catch(() => undefined)
  try {
    const record = JSON.parse(text) as Partial<VerifiedRecord> | null
    if (record?.version !== VERIFIED_RECORD_VERSION || !Array.isArray(record.sidecars)) return []
    return record.sidecars.filter(
      (entry): entry is [string, string] => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string',
    )
  } catch {
    return []
  }
}
