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
import { open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Low } from 'lowdb'
import type { StorageIssue } from '../../shared/contract'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, moveAside, openDocument } from './data-file'
import { SCHEMA_VERSION, segmentDocumentSchema, type SegmentDocument, type StoredCapture } from './persisted-schema'

export const SEGMENT_MAX_CAPTURES = 250
export const SEGMENT_MAX_BODY_BYTES = 64 * 1024 * 1024

const SEGMENT_FILE = /^(\d{6,})\.json$/

export interface Segment {
  readonly number: number
  readonly db: Low<SegmentDocument>
  /** Bytes in the `.bodies` file; the next body is appended at this offset. */
  bodyBytes: number
  /** Writes the index document; concurrent calls share writes (group commit). */
  persist(): Promise<void>
  appendBodies(bodies: Buffer[]): Promise<void>
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
  // 'a+': every write appends, whatever other handles do, and reads can seek anywhere.
  const handle: FileHandle = await open(paths.bodies, 'a+')
  const persist = createCoalescingWriter(() => db.write())

  const segment: Segment = {
    number: segmentNumber,
    db,
    bodyBytes: (await handle.stat()).size,
    persist,
    async appendBodies(bodies) {
      const nonEmpty = bodies.filter((body) => body.length > 0)
      if (nonEmpty.length === 0) return
      try {
        const { bytesWritten } = await handle.writev(nonEmpty)
        segment.bodyBytes += bytesWritten
      } catch (error: unknown) {
        // A partial write leaves the file longer than we think: re-read the size so the next
        // capture's offset points past whatever landed.
        segment.bodyBytes = (await handle.stat().catch(() => ({ size: segment.bodyBytes }))).size
        throw error
      }
    },
    async readBody(offset, size) {
      const buffer = Buffer.alloc(size)
      if (size === 0) return buffer
      const { bytesRead } = await handle.read(buffer, 0, size, offset)
      if (bytesRead !== size) throw new Error(`body bytes missing from ${paths.bodies} (expected ${size}, found ${bytesRead})`)
      return buffer
    },
    async eraseBody(offset, size) {
      if (size === 0) return
      // Positional writes are ignored on an append-mode handle, so erase through a second one.
      const writer = await open(paths.bodies, 'r+')
      try {
        await writer.write(Buffer.alloc(size), 0, size, offset)
      } finally {
        await writer.close()
      }
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
