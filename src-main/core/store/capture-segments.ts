/**
 * One segment of the capture store: a capture log (`000042.log`, see capture-log.ts) that every
 * capture is appended to before it is answered, and a lowdb index document (`000042.json`) with
 * the metadata of at most `SEGMENT_MAX_CAPTURES` captures, written in the background.
 *
 * Why segments: lowdb rewrites a whole document on every write, so a single document grows slower
 * with every capture (environment.md: 560-670 ms a write at 50k records). A segment is bounded, so
 * storing one capture costs the same whether 10 or 100,000 are already stored, and only the newest
 * segment is written on the capture path. Bodies stay out of the JSON and are read only when a
 * capture is opened.
 */
import { createHash } from 'node:crypto'
import { constants, writevSync } from 'node:fs'
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Low } from 'lowdb'
import type { StorageIssue } from '../../shared/contract'
import { encodeFrameHeader, FRAME_HEADER_BYTES, scanLog } from './capture-log'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, moveAside, openDocument } from './data-file'
import {
  loggedCaptureSchema,
  SCHEMA_VERSION,
  segmentDocumentSchema,
  type LoggedCapture,
  type SegmentDocument,
  type StoredCapture,
} from './persisted-schema'

/**
 * Captures per segment. Larger segments roll less often (a roll creates two files and rewrites
 * an index), smaller ones make each index write cheaper; 1,000 measured best with `npm run bench`
 * (1 KB of metadata each: the current segment's index stays around a megabyte).
 */
export const SEGMENT_MAX_CAPTURES = 1000
export const SEGMENT_MAX_LOG_BYTES = 64 * 1024 * 1024
/**
 * How long the index may trail the log. The log alone is what makes a capture durable (start-up
 * reads back what the index missed), so the index of the segment being filled is rewritten at most
 * once a second rather than after every capture.
 */
export const INDEX_FLUSH_DELAY_MS = 1000

const INDEX_FILE = /^(\d{6,})\.json$/
const LOG_FILE = /^(\d{6,})\.log$/

export interface FrameLocation {
  offset: number
  metadataBytes: number
}

/**
 * An index entry kept as the JSON it is written as, made once when its frame is written. The
 * segment being filled holds its entries this way: each index write only joins strings, and the
 * garbage collector sees one string instead of a record's dozens of objects, promoted and then
 * dropped when the segment retires (measured with `npm run bench`: about 8% less CPU per capture
 * than keeping the records with a WeakMap of their JSON).
 */
class SerializedCapture {
  constructor(
    readonly id: string,
    readonly json: string,
  ) {}
}

/** A segment's index in memory: records read from disk, or entries serialised on the capture path. */
interface SegmentIndex extends Omit<SegmentDocument, 'captures'> {
  captures: Array<StoredCapture | SerializedCapture>
}

/** A capture's frame, reserved in the log and ready to write, with its index entry. */
export interface PlacedFrame {
  stored: StoredCapture
  indexEntry: SerializedCapture
  /** The capture's metadata JSON as written into the frame. */
  loggedJson: string
  buffers: Buffer[]
}

export interface Segment {
  readonly number: number
  /** Bytes reserved in the log; the next frame goes at this offset. */
  logBytes: number
  /**
   * Reserves a capture's frame and returns the stored record and the buffers to write.
   * Synchronous, so offsets never collide.
   */
  place(capture: LoggedCapture, body: Buffer): PlacedFrame
  /**
   * Writes placed frames at their offsets (adjacent ones in one `writev`), then adds them to the
   * index document; on failure (it throws) nothing of them is indexed.
   *
   * Synchronous on purpose: a batch is a few dozen kilobytes into the page cache, tens of
   * microseconds, while a round trip through libuv's thread pool held every answer of the batch
   * for about a millisecond under load (measured with `npm run bench`).
   */
  writeFrames(frames: readonly PlacedFrame[]): void
  /** Removes captures from the index document (warm segments only; see `edit`). */
  forget(ids: Set<string>): void
  /**
   * Runs a change on the index document of any segment: a retired segment's document is not
   * kept in memory, so it is read back first, written after, and let go again. One at a time.
   */
  edit(change: (document: SegmentDocument) => void): Promise<void>
  /** Writes the index soon (coalesced); the log already holds everything it will contain. */
  persistSoon(): void
  /** Writes the index now; concurrent calls share writes. */
  persist(): Promise<void>
  readBody(frame: FrameLocation, size: number): Promise<Buffer>
  /** Overwrites a deleted capture's metadata and body with zeros, so deleting really removes the payload. */
  erase(frame: FrameLocation, bodySize: number): Promise<void>
  isFull(): boolean
  /** No more captures come to this segment: write its index once more, then let its document go. */
  retire(): void
  /** Lets the document go without writing it (it is as on disk). */
  release(): void
  /** Past 80% of its capacity: time to prepare the next segment. */
  isNearlyFull(): boolean
  close(): Promise<void>
  /** Deletes both files; the segment must be closed and hold no captures. */
  remove(): Promise<void>
}

function segmentPaths(dir: string, segmentNumber: number): { index: string; log: string } {
  const base = join(dir, String(segmentNumber).padStart(6, '0'))
  return { index: `${base}.json`, log: `${base}.log` }
}

async function attachSegment(dir: string, segmentNumber: number, document: Low<SegmentDocument>, handle: FileHandle, logBytes: number, io: LogFileIo): Promise<Segment> {
  // A document of records is an index whose entries all happen to be records; from here on the
  // capture path adds serialised entries (its adapter writes both, see stringifySegment).
  const db = document as unknown as Low<SegmentIndex>
  const paths = segmentPaths(dir, segmentNumber)
  /** Offsets of frames reserved but not yet written: the index may only claim what lies below them. */
  const unwritten = new Set<number>()
  const persist = createCoalescingWriter(() => {
    db.data.indexedLogBytes = unwritten.size > 0 ? Math.min(...unwritten) : segment.logBytes
    return db.write()
  })
  let flushTimer: NodeJS.Timeout | undefined
  /** A retired segment's document is read from disk only while it is being changed. */
  let cold = false
  let editing: Promise<unknown> = Promise.resolve()
  /** Runs `task` after every edit or retirement before it: one at a time. */
  const exclusively = (task: () => Promise<void>): Promise<void> => {
    const run = editing.then(task)
    editing = run.catch(() => undefined)
    return run
  }

  const segment: Segment = {
    number: segmentNumber,
    logBytes,
    place(capture, body) {
      const metadataJson = JSON.stringify(capture)
      // Header and metadata in one buffer: one allocation and one iovec per capture.
      const metadataBytes = Buffer.byteLength(metadataJson)
      const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + metadataBytes)
      encodeFrameHeader(head, metadataBytes, body.length)
      head.write(metadataJson, FRAME_HEADER_BYTES, 'utf8')
      const frame = { offset: segment.logBytes, metadataBytes }
      segment.logBytes += FRAME_HEADER_BYTES + metadataBytes + body.length
      // The logged record becomes the stored one (no copy: this runs for every capture), and its
      // index entry is the same JSON with the frame in front: serialised once.
      const stored = Object.assign(capture, { frame }) as StoredCapture
      const indexEntry = new SerializedCapture(capture.id, `{"frame":${JSON.stringify(frame)},${metadataJson.slice(1)}`)
      unwritten.add(frame.offset)
      return { stored, indexEntry, loggedJson: metadataJson, buffers: body.length > 0 ? [head, body] : [head] }
    },
    writeFrames(placed) {
      const frames = placed.map(({ stored, buffers }) => ({ offset: stored.frame.offset, buffers })).sort((a, b) => a.offset - b.offset)
      try {
        let run: Buffer[] = []
        let runStart = 0
        let runEnd = -1
        for (const frame of frames) {
          if (frame.offset !== runEnd) {
            if (run.length > 0) writeAll(io, handle.fd, run, runStart)
            run = []
            runStart = frame.offset
            runEnd = frame.offset
          }
          run.push(...frame.buffers)
          runEnd += frame.buffers.reduce((sum, buffer) => sum + buffer.length, 0)
        }
        if (run.length > 0) writeAll(io, handle.fd, run, runStart)
      } finally {
        for (const { stored } of placed) unwritten.delete(stored.frame.offset)
      }
      for (const { indexEntry } of placed) db.data.captures.push(indexEntry)
    },
    forget(ids) {
      db.data.captures = db.data.captures.filter((capture) => !ids.has(capture.id))
    },
    edit(change) {
      return exclusively(async () => {
        if (cold) {
          await db.read()
          const parsed = segmentDocumentSchema.safeParse(db.data)
          if (!parsed.success) throw new Error(`${paths.index} changed on disk and no longer reads as a capture index`)
          db.data = parsed.data
        }
        change(materialize(db.data))
        await persist()
        if (cold) db.data = { ...db.data, captures: [] }
      })
    },
    persistSoon() {
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined
        // A failed background write is retried by the next one; the log keeps the data safe.
        persist().catch(() => undefined)
      }, INDEX_FLUSH_DELAY_MS)
    },
    persist,
    async readBody(frame, size) {
      return readExactly(handle, size, frame.offset + FRAME_HEADER_BYTES + frame.metadataBytes, paths.log)
    },
    async erase(frame, bodySize) {
      const size = frame.metadataBytes + bodySize
      if (size > 0) await handle.write(Buffer.alloc(size), 0, size, frame.offset + FRAME_HEADER_BYTES)
    },
    isFull() {
      return db.data.captures.length + unwritten.size >= SEGMENT_MAX_CAPTURES || segment.logBytes >= SEGMENT_MAX_LOG_BYTES
    },
    release() {
      cold = true
      db.data = { ...db.data, captures: [] }
    },
    retire() {
      // One last write replaces any pending flush; after it nothing is left to write soon.
      if (flushTimer) {
        clearTimeout(flushTimer)
        flushTimer = undefined
      }
      // Not an edit: nothing changes, so the serialised entries are written as they are.
      void exclusively(async () => {
        await persist()
        // The in-memory index keeps what lists need; the full records stay on disk.
        cold = true
        db.data = { ...db.data, captures: [] }
      }).catch(() => undefined)
    },
    isNearlyFull() {
      return (db.data.captures.length + unwritten.size) * 5 >= SEGMENT_MAX_CAPTURES * 4 || segment.logBytes * 5 >= SEGMENT_MAX_LOG_BYTES * 4
    },
    async close() {
      // A retirement or an edit still writing the index must finish before the files close.
      await editing
      if (flushTimer) {
        clearTimeout(flushTimer)
        flushTimer = undefined
        await persist().catch(() => undefined)
      }
      await handle.close()
    },
    async remove() {
      await unlink(paths.index).catch(ignoreMissing)
      await unlink(paths.log).catch(ignoreMissing)
    },
  }
  return segment
}

async function readExactly(handle: FileHandle, size: number, position: number, file: string): Promise<Buffer> {
  const buffer = Buffer.alloc(size)
  if (size === 0) return buffer
  const { bytesRead } = await handle.read(buffer, 0, size, position)
  if (bytesRead !== size) throw new Error(`capture bytes missing from ${file} (expected ${size} at byte ${position}, found ${bytesRead})`)
  return buffer
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}

/** How segment logs are opened and written; injected so tests can make the disk fail. */
export interface LogFileIo {
  open(path: string): Promise<FileHandle>
  /** Like `fs.writevSync`: writes at `position`, returns the bytes written. */
  writev(fd: number, buffers: Buffer[], position: number): number
}

/** Positional writes at reserved offsets (not O_APPEND): a torn tail is simply overwritten. */
export const logFileIo: LogFileIo = {
  open: (path) => open(path, constants.O_RDWR | constants.O_CREAT, 0o600),
  writev: (fd, buffers, position) => writevSync(fd, buffers, position),
}

/** Writes every byte, continuing after a short write. */
function writeAll(io: LogFileIo, fd: number, buffers: Buffer[], position: number): void {
  let pending = buffers
  let at = position
  for (;;) {
    const total = pending.reduce((sum, buffer) => sum + buffer.length, 0)
    const written = io.writev(fd, pending, at)
    if (written >= total) return
    at += written
    let skip = written
    const rest: Buffer[] = []
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer)
        skip = 0
      }
    }
    pending = rest
  }
}

export interface LoadedSegments {
  segments: Segment[]
  issues: StorageIssue[]
}

/**
 * Opens every segment in `dir`: reads its index (moving an unreadable one aside, and then
 * rebuilding it from the log), then reads back from the log every capture the index had not
 * recorded yet.
 */
/**
 * `onSegment` sees each segment with its document loaded, in order; every segment but the last is
 * then let go of (its document stays on disk), so start-up never holds every record at once.
 */
export async function loadSegments(
  dir: string,
  quarantineDir: string,
  now: () => Date,
  io: LogFileIo,
  onSegment: (segment: Segment, captures: readonly StoredCapture[]) => void,
): Promise<LoadedSegments> {
  const names = await readdir(dir)
  const numbers = [...new Set(names.flatMap((name) => [INDEX_FILE.exec(name)?.[1], LOG_FILE.exec(name)?.[1]]).filter((match) => match !== undefined).map(Number))].sort(
    (a, b) => a - b,
  )
  const segments: Segment[] = []
  const issues: StorageIssue[] = []
  for (const segmentNumber of numbers) {
    const paths = segmentPaths(dir, segmentNumber)
    const initial = (): SegmentDocument => emptySegment(segmentNumber)
    let db: Low<SegmentDocument>
    let rebuilt = false
    if (names.includes(`${String(segmentNumber).padStart(6, '0')}.json`)) {
      const opened = await openDocument(paths.index, segmentDocumentSchema, initial, quarantineDir, now, stringifySegment)
      if (opened.db === null) {
        opened.issue.problem += '; its captures are read back from the capture log'
        issues.push(opened.issue)
        db = createDocument(paths.index, initial(), stringifySegment)
        rebuilt = true
      } else db = opened.db
    } else {
      db = createDocument(paths.index, initial(), stringifySegment)
      rebuilt = true
    }

    const handle = await io.open(paths.log)
    const fileBytes = (await handle.stat()).size
    let changed = rebuilt
    // The index lists only frames written in full; frames after its mark may hold answered
    // captures it had not recorded yet (the index trails the log): read them back.
    const known = new Set(db.data.captures.map((capture) => capture.id))
    const scan = await scanLog(handle, Math.min(db.data.indexedLogBytes, fileBytes), fileBytes)
    for (const frame of scan.frames) {
      const parsed = loggedCaptureSchema.safeParse(frame.metadata)
      if (!parsed.success || known.has(parsed.data.id)) continue
      // A frame whose body was still being written at the crash was never answered.
      if (!(await bodyMatches(handle, frame.bodyOffset, frame.bodyBytes, parsed.data.body.sha256))) continue
      db.data.captures.push({ frame: { offset: frame.frameOffset, metadataBytes: frame.metadataBytes }, ...parsed.data })
      changed = true
    }
    db.data.captures.sort((a, b) => a.seq - b.seq)
    // New frames go after the last complete one, overwriting a torn tail.
    const segment = await attachSegment(dir, segmentNumber, db, handle, scan.goodEnd, io)
    if (changed) await segment.persist()
    onSegment(segment, db.data.captures)
    if (segmentNumber !== numbers.at(-1)) segment.release()
    segments.push(segment)
  }
  return { segments, issues }
}

async function bodyMatches(handle: FileHandle, offset: number, size: number, sha256: string): Promise<boolean> {
  const body = Buffer.alloc(size)
  if (size > 0) await handle.read(body, 0, size, offset)
  return createHash('sha256').update(body).digest('hex') === sha256
}

export async function createSegment(dir: string, segmentNumber: number, io: LogFileIo): Promise<Segment> {
  const paths = segmentPaths(dir, segmentNumber)
  const db = createDocument(paths.index, emptySegment(segmentNumber), stringifySegment)
  const segment = await attachSegment(dir, segmentNumber, db, await io.open(paths.log), 0, io)
  await segment.persist()
  return segment
}

/**
 * A segment's index is rewritten whole while it fills: entries from the capture path are joined
 * as they were serialised; records read back from disk (a segment being edited) are serialised
 * again, so an edited record is never written stale.
 */
function stringifySegment(document: SegmentIndex): string {
  const captures = document.captures.map((capture) => (capture instanceof SerializedCapture ? capture.json : JSON.stringify(capture)))
  const { captures: _captures, ...header } = document
  return `${JSON.stringify(header).slice(0, -1)},"captures":[${captures.join(',')}]}`
}

/** The index with every entry as a record, for changes (deletions, new verdicts): rare, so parsing is fine. */
function materialize(document: SegmentIndex): SegmentDocument {
  const captures = document.captures.map((capture) => (capture instanceof SerializedCapture ? (JSON.parse(capture.json) as StoredCapture) : capture))
  return Object.assign(document, { captures })
}

function emptySegment(segmentNumber: number): SegmentDocument {
  return { schemaVersion: SCHEMA_VERSION, segment: segmentNumber, indexedLogBytes: 0, captures: [] as StoredCapture[] }
}
