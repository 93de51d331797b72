/**
 * One segment of the capture store: a lowdb index document (`000042.json`) holding the metadata
 * of at most `SEGMENT_MAX_CAPTURES` captures, beside an append-only file of their raw body bytes
 * (`000042.bodies`).
 *
 * Why segments: lowdb rewrites a whole document on every write, so a single document grows slower
 * with every capture (environment.md: 560-670 ms a write at 50k records). A segment is bounded, so
 * storing one capture costs the same whether 10 or 100,000 are already stored, and only the newest
 * segment is written on the capture path. Bodies stay out of the JSON for the same reason and are
 * read only when a capture is opened.
 */
import { constants } from 'node:fs'
import { open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Low } from 'lowdb'
import type { StorageIssue } from '../../shared/contract'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, moveAside, openDocument } from './data-file'
import { SCHEMA_VERSION, segmentDocumentSchema, type SegmentDocument, type StoredCapture } from './persisted-schema'

export const SEGMENT_MAX_CAPTURES = 100
export const SEGMENT_MAX_BODY_BYTES = 64 * 1024 * 1024

const SEGMENT_FILE = /^(\d{6,})\.json$/

export interface Segment {
  readonly number: number
  readonly db: Low<SegmentDocument>
  /** Bytes reserved in the `.bodies` file; the next body goes at this offset. */
  bodyBytes: number
  /** Writes the index document; concurrent calls share writes (group commit). */
  persist(): Promise<void>
  /** Reserves room for a body and returns its offset (synchronous, so offsets never collide). */
  reserve(size: number): number
  /** Writes bodies at their reserved offsets; adjacent ones go out in one `writev`. */
  writeBodies(bodies: Array<{ offset: number; bytes: Buffer }>): Promise<void>
  readBody(offset: number, size: number): Promise<Buffer>
  /** Overwrites a deleted capture's bytes with zeros, so deleting really removes the payload. */
  eraseBody(offset: number, size: number): Promise<void>
  isFull(): boolean
  close(): Promise<void>
  /** Deletes both files; the segment must be closed and hold no captures. */
  remove(): Promise<void>
}

function segmentPaths(dir: string, segmentNumber: number): { index: string; bodies: string } {
  const base = join(dir, String(segmentNumber).padStart(6, '0'))
  return { index: `${base}.json`, bodies: `${base}.bodies` }
}

async function attachSegment(dir: string, segmentNumber: number, db: Low<SegmentDocument>): Promise<Segment> {
  const paths = segmentPaths(dir, segmentNumber)
  // Positional writes at reserved offsets (not O_APPEND), so several commits can be in flight
  // at once without their bodies landing out of order.
  const handle: FileHandle = await open(paths.bodies, constants.O_RDWR | constants.O_CREAT, 0o600)
  const persist = createCoalescingWriter(() => db.write())

  const segment: Segment = {
    number: segmentNumber,
    db,
    bodyBytes: (await handle.stat()).size,
    persist,
    reserve(size) {
      const offset = segment.bodyBytes
      segment.bodyBytes += size
      return offset
    },
    async writeBodies(bodies) {
      const sorted = bodies.filter((body) => body.bytes.length > 0).sort((a, b) => a.offset - b.offset)
      let run: Buffer[] = []
      let runStart = 0
      let runEnd = -1
      const writes: Array<Promise<unknown>> = []
      for (const body of sorted) {
        if (body.offset !== runEnd) {
          if (run.length > 0) writes.push(handle.writev(run, runStart))
          run = []
          runStart = body.offset
        }
        run.push(body.bytes)
        runEnd = body.offset + body.bytes.length
      }
      if (run.length > 0) writes.push(handle.writev(run, runStart))
      await Promise.all(writes)
    },
    async readBody(offset, size) {
      const buffer = Buffer.alloc(size)
      if (size === 0) return buffer
      const { bytesRead } = await handle.read(buffer, 0, size, offset)
      if (bytesRead !== size) throw new Error(`body bytes missing from ${paths.bodies} (expected ${size}, found ${bytesRead})`)
      return buffer
    },
    async eraseBody(offset, size) {
      if (size > 0) await handle.write(Buffer.alloc(size), 0, size, offset)
    },
    isFull() {
      return db.data.captures.length >= SEGMENT_MAX_CAPTURES || segment.bodyBytes >= SEGMENT_MAX_BODY_BYTES
    },
    async close() {
      await handle.close()
    },
    async remove() {
      await unlink(paths.index).catch(ignoreMissing)
      await unlink(paths.bodies).catch(ignoreMissing)
    },
  }
  return segment
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}

export interface LoadedSegments {
  segments: Segment[]
  issues: StorageIssue[]
}

/** Opens every segment in `dir`; unreadable ones are moved to `quarantineDir` with their bodies. */
export async function loadSegments(dir: string, quarantineDir: string, now: () => Date): Promise<LoadedSegments> {
  const numbers = (await readdir(dir))
    .map((name) => SEGMENT_FILE.exec(name)?.[1])
    .filter((match): match is string => match !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  const segments: Segment[] = []
  const issues: StorageIssue[] = []
  for (const segmentNumber of numbers) {
    const paths = segmentPaths(dir, segmentNumber)
    const opened = await openDocument(paths.index, segmentDocumentSchema, () => emptySegment(segmentNumber), quarantineDir, now)
    if (opened.db === null) {
      issues.push(opened.issue)
      // Its bodies belong with it: keep them together, out of the way of new segments.
      const bodiesExist = await stat(paths.bodies).then(() => true, () => false)
      if (bodiesExist) await moveAside(paths.bodies, 'belongs to an unreadable index file', quarantineDir, now)
      continue
    }
    segments.push(await attachSegment(dir, segmentNumber, opened.db))
  }
  return { segments, issues }
}

export async function createSegment(dir: string, segmentNumber: number): Promise<Segment> {
  const db = createDocument(segmentPaths(dir, segmentNumber).index, emptySegment(segmentNumber))
  const segment = await attachSegment(dir, segmentNumber, db)
  await segment.persist()
  return segment
}

function emptySegment(segmentNumber: number): SegmentDocument {
  return { schemaVersion: SCHEMA_VERSION, segment: segmentNumber, captures: [] as StoredCapture[] }
}
