/**
 * Opening the segments at start-up. Only what a crash can have left unfinished is read back:
 *
 * - each segment's entries come from the binary snapshot written with its index document
 *   (table-snapshot.ts, 72 bytes a capture, read without parsing) when it still matches that
 *   document, otherwise from the document (about 250 bytes of JSON a capture); the capture
 *   records and bodies in the logs are not touched;
 * - the log is read only past the index's `indexedLogBytes` mark (the index trails the log by up
 *   to a second), where answered captures the index had not listed yet may be; their bodies are
 *   checked against their hashes, and a frame still being written at the crash is skipped;
 * - a log shorter than its index says (a power loss in `flush` mode, a file cut short) is
 *   reported, and the captures whose bytes are missing show as damaged;
 * - a log with more bytes than its listed frames reach (zero-filled ahead for `sync`, or space
 *   given back after a failed write) has each listed frame's header checked: a power loss in
 *   `flush` mode leaves zeros there, not a shorter log, and those captures are reported too;
 * - bytes after the last complete frame (a torn write) are reported and left as they are, and
 *   new captures then go into a new segment: nothing an index entry refers to, and nothing that
 *   may help someone recover a capture, is ever overwritten. Zeros there are no torn write (space
 *   given back after a failed write): new frames go over them;
 * - a frame past the index's mark whose metadata or body is incomplete (a write the crash cut
 *   short, followed by zeros) is reported too, and new captures go to a new segment.
 *
 * An index that is missing, unreadable or invalid is moved aside and rebuilt from its whole log.
 *
 * A segment's log has a generation (log-compaction.ts): the index names the one it lists offsets
 * of, and any other generation of that segment (left by a crash during or just after a compaction)
 * is removed. Rebuilding an index takes the highest generation found: a compacted generation is
 * only renamed into place once synced whole, and no erase reaches an older one after its index
 * names the newer one.
 */
import { hash } from 'node:crypto'
import { readdir, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import { FRAME_HEADER_BYTES, FRAME_MAGIC, frameEnd, scanLog, type ScannedFrame } from './capture-log'
import { logPathOf, segmentPaths } from './capture-segments'
import type { LogFileIo } from './log-file-io'
import { entryFromLogged } from './capture-index'
import { moveAside } from './data-file'
import { loggedCaptureSchema, storedCaptureSchema } from './persisted-schema'
import { readSegmentIndex, SEGMENT_SCHEMA_VERSION, type IndexEntry, type SegmentIndexDocument } from './segment-index'
import { StorageIssues } from './storage-issues'
import { readMatchingSnapshot, SnapshotRows } from './table-snapshot'

const INDEX_FILE = /^(\d{6,})\.json$/
/** A log of any generation: `NNNNNN.log` (0) or `NNNNNN.gG.log`. */
const LOG_FILE = /^(\d{6,})(?:\.g(\d+))?\.log$/

export interface OpenedSegment {
  number: number
  /** The generation of its log the index names (`logPathOf`). */
  logGeneration: number
  /** Where new frames may go, if any may go here at all (see `sealed`). */
  appendAt: number
  /** Entries in seq order: the index's (still as rows when read from its snapshot), then frames read back from the log's tail. */
  entries: IndexEntry[] | SnapshotRows
  /** Frames whose bytes the log no longer holds in full (it was cut short). */
  missingFrames: Set<number>
  /** The log has a torn tail or lost bytes: no new frame is written into it. */
  sealed: boolean
  /** The log goes on past `appendAt` with zeros only (zero-filled ahead, or space given back, and not cut off since). */
  zeroTail: boolean
  /** The index on disk is behind `entries` (rebuilt, migrated or caught up): write it. */
  stale: boolean
  /** The entries were read from the JSON document: writing it again (with a snapshot) makes the next start faster. */
  withoutSnapshot: boolean
  /** The index document's version (segment-index.ts); the current one for a document rebuilt or converted. */
  schemaVersion: SegmentIndexDocument['schemaVersion']
}

/**
 * Segments read ahead while the caller takes in the one before: opening a segment is a handful of
 * small file operations in the thread pool (its snapshot or document, its log's size), so
 * reading them one at a time left the event loop idle for most of a start-up.
 */
export const SEGMENTS_READ_AHEAD = 4

/** The files in a captures folder, and the numbers of the segments they hold, ascending. */
export interface SegmentListing {
  names: string[]
  numbers: number[]
}

/** The generations of `segmentNumber`'s log present in the folder. */
function logGenerationsIn(names: readonly string[], segmentNumber: number): number[] {
  const generations: number[] = []
  for (const name of names) {
    const match = LOG_FILE.exec(name)
    if (match && Number(match[1]) === segmentNumber) generations.push(Number(match[2] ?? 0))
  }
  return generations
}

export async function listSegments(dir: string): Promise<SegmentListing> {
  const names = await readdir(dir)
  const numbers = [
    ...new Set(
      names
        .flatMap((name) => [INDEX_FILE.exec(name)?.[1], LOG_FILE.exec(name)?.[1]])
        .filter((match) => match !== undefined)
        .map(Number),
    ),
  ].sort((a, b) => a - b)
  return { names, numbers }
}

/**
 * Opens every listed segment, in order. The caller takes each one's entries into memory before
 * asking for the next, so they die young: holding every segment's entries until the last one was
 * read made the garbage collector copy all of them (100,000 entries: scavenges of 100-250 ms, 40%
 * of the start-up). Problems found are added to `issues`.
 */
export async function* openSegments(
  dir: string,
  { names, numbers }: SegmentListing,
  quarantineDir: string,
  now: () => Date,
  io: LogFileIo,
  issues: StorageIssues,
): AsyncGenerator<OpenedSegment> {
  // Each segment's problems are reported when it is taken in, so they are listed in segment order.
  const reading: Array<{ opened: Promise<OpenedSegment>; found: StorageIssues }> = []
  const readNext = (position: number): void => {
    const segmentNumber = numbers[position]
    if (segmentNumber === undefined) return
    const found = new StorageIssues()
    const opened = openSegment(dir, segmentNumber, names, quarantineDir, now, io, found)
    // Awaited in turn below; until then a failure must not count as unhandled.
    opened.catch(() => undefined)
    reading.push({ opened, found })
  }
  for (let position = 0; position < SEGMENTS_READ_AHEAD; position++) readNext(position)
  for (let position = 0; position < numbers.length; position++) {
    const { opened, found } = reading.shift() as { opened: Promise<OpenedSegment>; found: StorageIssues }
    const segment = await opened
    for (const issue of found.snapshot()) issues.add(issue)
    readNext(position + SEGMENTS_READ_AHEAD)
    yield segment
  }
}

async function openSegment(
  dir: string,
  segmentNumber: number,
  names: string[],
  quarantineDir: string,
  now: () => Date,
  io: LogFileIo,
  issues: StorageIssues,
): Promise<OpenedSegment> {
  const paths = segmentPaths(dir, segmentNumber)
  let entries: IndexEntry[] | SnapshotRows | null = null
  let indexedLogBytes = 0
  let logGeneration: number | null = null
  let schemaVersion: SegmentIndexDocument['schemaVersion'] = SEGMENT_SCHEMA_VERSION
  let stale = false
  const hasIndex = names.includes(basename(paths.index))
  const snapshot = hasIndex && names.includes(basename(paths.table)) ? await readMatchingSnapshot(paths, segmentNumber) : null
  if (snapshot !== null) {
    entries = snapshot.rows
    indexedLogBytes = snapshot.indexedLogBytes
    logGeneration = snapshot.logGeneration
    schemaVersion = snapshot.schemaVersion
  } else if (hasIndex) {
    const problem = await readIndexFile(paths.index).then(
      (result) => {
        if (typeof result === 'string') return result
        entries = result.entries
        indexedLogBytes = result.indexedLogBytes
        logGeneration = result.logGeneration
        schemaVersion = result.schemaVersion
        stale = result.migrated
        return null
      },
      (error: unknown) =>
        error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `cannot be read (${error instanceof Error ? error.message : String(error)})`,
    )
    if (problem !== null) {
      const issue = await moveAside(paths.index, problem, quarantineDir, now)
      issue.problem += '; its captures are read back from the capture log'
      issues.add(issue)
    }
  }
  const generations = logGenerationsIn(names, segmentNumber)
  // Without an index, the highest generation: see the file comment.
  const generation = logGeneration ?? Math.max(0, ...generations)
  const log = logPathOf(dir, segmentNumber, generation)
  for (const other of generations) if (other !== generation) await unlink(logPathOf(dir, segmentNumber, other)).catch(() => undefined)
  // Closed again before the next segment is opened: a store of 1,000 segments must not hold 1,000
  // descriptors at start-up (the store opens a log again when it reads or writes it).
  const handle = await io.open(log)
  try {
    return {
      ...(await readBack(segmentNumber, { index: paths.index, log }, handle, entries, indexedLogBytes, stale, now, issues)),
      logGeneration: generation,
      withoutSnapshot: snapshot === null,
      schemaVersion,
    }
  } finally {
    await handle.close()
  }
}

/** Reads back what the index has not recorded, and checks the log against the index. */
async function readBack(
  segmentNumber: number,
  paths: { index: string; log: string },
  handle: FileHandle,
  entries: IndexEntry[] | SnapshotRows | null,
  indexedLogBytes: number,
  indexStale: boolean,
  now: () => Date,
  issues: StorageIssues,
): Promise<Omit<OpenedSegment, 'withoutSnapshot' | 'logGeneration' | 'schemaVersion'>> {
  let stale = indexStale
  const rebuilt = entries === null
  const fileBytes = (await handle.stat()).size

  // Captures the index lists whose bytes are no longer all in the log, and where the last one ends.
  const missingFrames = new Set<number>()
  let referencedEnd = 0
  const frames = frameSpans(entries ?? [])
  for (let index = 0; index < frames.count; index++) {
    const end = frames.end(index)
    if (end > fileBytes) missingFrames.add(frames.offset(index))
    referencedEnd = Math.max(referencedEnd, end)
  }
  if (missingFrames.size > 0) {
    issues.add({
      file: paths.log,
      problem: `is shorter than its index says (${fileBytes} of at least ${indexedLogBytes} bytes: cut short, e.g. by a power loss with "flush" durability); ${missingFrames.size} capture(s) lost bytes and show as damaged`,
      movedTo: paths.log,
      at: now().toISOString(),
    })
  }
  // Zeros past the listed frames: the log was zero-filled ahead (`sync`), and switching to `flush`
  // kept it so. A power loss then leaves zeros where unsynced frames were, not a shorter log.
  if (fileBytes > referencedEnd) {
    const zeroed = await framesWithoutHeader(handle, frames, fileBytes)
    for (const offset of zeroed) missingFrames.add(offset)
    if (zeroed.length > 0) {
      issues.add({
        file: paths.log,
        problem: `holds no capture where its index lists ${zeroed.length} (from byte ${Math.min(...zeroed)}: their bytes never reached the disk, e.g. by a power loss with "flush" durability); they show as damaged`,
        movedTo: paths.log,
        at: now().toISOString(),
      })
    }
  }

  // Read back what the index had not recorded yet: everything past its mark (the whole log for a rebuilt index).
  const from = rebuilt ? 0 : Math.min(indexedLogBytes, fileBytes)
  const scan = await scanLog(handle, from, fileBytes)
  let found = entries ?? []
  /** The first frame found whose bytes are incomplete or damaged. */
  let unfinished: ScannedFrame | null = null
  // Usually nothing past the mark: the entries become objects, and the set of known ids is built, only when there is something to compare.
  if (scan.frames.length > 0) {
    const known = found instanceof SnapshotRows ? found.entries() : found
    const knownIds = new Set(known.map((entry) => entry.id))
    for (const frame of scan.frames) {
      if (frame.erased) continue
      const parsed = loggedCaptureSchema.safeParse(frame.metadata)
      if (parsed.success && knownIds.has(parsed.data.id)) continue
      // A frame still being written when the app stopped (with `sync` it was never answered): its
      // header can be whole while the rest of it is not.
      if (!parsed.success || !(await bodyMatches(handle, frame.bodyOffset, frame.bodyBytes, parsed.data.body.sha256))) {
        unfinished ??= frame
        continue
      }
      const entry = entryFromLogged(parsed.data, { offset: frame.frameOffset, metadataBytes: frame.metadataBytes })
      known.push(entry)
      knownIds.add(parsed.data.id)
      referencedEnd = Math.max(referencedEnd, frameEnd(frame.frameOffset, frame.metadataBytes, frame.bodyBytes))
      stale = true
    }
    found = known
  }
  if (!(found instanceof SnapshotRows)) found.sort((a, b) => a.seq - b.seq)
  if (rebuilt) stale = true

  const { tornBytes } = scan
  if (tornBytes > 0) {
    issues.add({
      file: paths.log,
      problem: `ends with ${tornBytes} byte(s) of an unfinished write after byte ${scan.goodEnd} (a crash or power loss while a capture was being written; it was never answered); they are kept as they are and new captures go to a new segment`,
      movedTo: paths.log,
      at: now().toISOString(),
    })
  }
  if (unfinished !== null) {
    issues.add({
      file: paths.log,
      problem: `holds an unfinished write at byte ${unfinished.frameOffset} (a capture still being written when the app stopped, by a crash or power loss; it was never answered with "sync" durability): it is not listed, its bytes are kept as they are and new captures go to a new segment`,
      movedTo: paths.log,
      at: now().toISOString(),
    })
  }
  const sealed = tornBytes > 0 || missingFrames.size > 0 || unfinished !== null
  const appendAt = Math.max(scan.goodEnd, referencedEnd)
  return {
    number: segmentNumber,
    appendAt,
    entries: found,
    missingFrames,
    sealed,
    zeroTail: !sealed && fileBytes > appendAt,
    stale,
  }
}

/** Where each listed capture's frame starts and ends in the log, read from entries or snapshot rows alike. */
function frameSpans(entries: readonly IndexEntry[] | SnapshotRows): { count: number; offset(index: number): number; end(index: number): number } {
  if (entries instanceof SnapshotRows) return { count: entries.count, offset: (index) => entries.frameOffset(index), end: (index) => entries.frameEnd(index) }
  return {
    count: entries.length,
    offset: (index) => (entries[index] as IndexEntry).frame.offset,
    end: (index) => {
      const { frame, bodySize } = entries[index] as IndexEntry
      return frameEnd(frame.offset, frame.metadataBytes, bodySize)
    },
  }
}

/** Bytes of the log read at once when checking frame headers. */
const HEADER_CHECK_WINDOW_BYTES = 1024 * 1024

/**
 * The listed frames (within the log) whose bytes do not start with a frame header of their
 * length: zeros a power loss left, or anything else. Reads the log from the first listed frame
 * in windows, a segment's worth (about 3 MB) at most.
 */
async function framesWithoutHeader(handle: FileHandle, frames: ReturnType<typeof frameSpans>, fileBytes: number): Promise<number[]> {
  const spans = Array.from({ length: frames.count }, (_unused, index) => ({ offset: frames.offset(index), end: frames.end(index) }))
    .filter(({ end }) => end <= fileBytes)
    .sort((left, right) => left.offset - right.offset)
  const absent: number[] = []
  let window = Buffer.alloc(0)
  let windowStart = 0
  for (const { offset, end } of spans) {
    if (offset < windowStart || offset + FRAME_HEADER_BYTES > windowStart + window.length) {
      windowStart = offset
      window = Buffer.alloc(Math.min(HEADER_CHECK_WINDOW_BYTES, fileBytes - offset))
      const { bytesRead } = await handle.read(window, 0, window.length, offset)
      window = window.subarray(0, bytesRead)
    }
    const header = window.subarray(offset - windowStart, offset - windowStart + FRAME_HEADER_BYTES)
    const whole =
      header.length === FRAME_HEADER_BYTES &&
      header.subarray(0, 4).equals(FRAME_MAGIC) &&
      FRAME_HEADER_BYTES + header.readUInt32BE(4) + header.readUInt32BE(8) === end - offset
    if (!whole) absent.push(offset)
  }
  return absent
}

/** The entries of an index file, or why it is unusable. Version 1 documents are converted. */
async function readIndexFile(
  file: string,
): Promise<
  string | { entries: IndexEntry[]; indexedLogBytes: number; logGeneration: number; migrated: boolean; schemaVersion: SegmentIndexDocument['schemaVersion'] }
> {
  const data: unknown = JSON.parse(await readFile(file, 'utf8'))
  const read = readSegmentIndex(data)
  switch (read.kind) {
    case 'invalid':
      return read.problem
    case 'entries':
      // A version 2 document is read as generation 0 and written as version 3 with the next change.
      return {
        entries: read.document.captures,
        indexedLogBytes: read.document.indexedLogBytes,
        logGeneration: read.document.logGeneration,
        migrated: false,
        schemaVersion: read.document.schemaVersion,
      }
    case 'v1': {
      // Written by an earlier version: whole records. Read once, validated, and rewritten as entries.
      const entries: IndexEntry[] = []
      for (const [position, record] of read.document.captures.entries()) {
        const parsed = storedCaptureSchema.safeParse(record)
        if (!parsed.success) return `does not match the expected format: captures.${position}: ${parsed.error.issues[0]?.message ?? 'invalid'}`
        const { frame, ...logged } = parsed.data
        // Version 1 kept a recomputed recognition (new keys) in the record itself; the frame has the first one.
        entries.push({ ...entryFromLogged(logged, frame), recognition: logged.recognition })
      }
      // Version 1 predates carried keys: its recognitions are all recomputed ones.
      return { entries, indexedLogBytes: read.document.indexedLogBytes, logGeneration: 0, migrated: true, schemaVersion: SEGMENT_SCHEMA_VERSION }
    }
  }
}

async function bodyMatches(handle: FileHandle, offset: number, size: number, sha256: string): Promise<boolean> {
  const body = Buffer.alloc(size)
  if (size > 0) await handle.read(body, 0, size, offset)
  return hash('sha256', body) === sha256
}
