/**
 * The capture path: a group commit. Captures parsed while the previous commit ran share one
 * positional write of their frames and, with `sync` durability, one `fdatasync` (off the event
 * loop); each capture's promise resolves only after that, so the receiver answers a request only
 * once it would survive a kill -9 (`flush`) or a power loss (`sync`). Segments roll over here: the
 * next one is prepared ahead, so a full segment never makes a capture wait for file creation.
 */
import { entryFromLogged, type CaptureIndex } from './capture-index'
import { createSegment, type EncodedFrame, type Segment } from './capture-segments'
import { yieldToEventLoop } from '../event-loop'
import { SEGMENT_MAX_CAPTURES } from './capture-table'
import type { Durability, LogFileIo } from './log-file-io'
import type { OpenLogs } from './open-logs'
import type { LoggedCapture, StoredCapture } from './persisted-schema'
import type { RenderedIndex } from './table-snapshot'

/**
 * A capture to store: everything but its sequence number and where it lands on disk. Imports set
 * `origin: 'imported'`, `importedFrom` and the original `receivedAt`, and may carry a note and a pin.
 */
export type NewCapture = Omit<LoggedCapture, 'seq' | 'body' | 'senderLeftAt'> & { body: { sha256: string } }

export interface CaptureWriterDeps {
  dir: string
  io: LogFileIo
  openLogs: OpenLogs
  index: CaptureIndex
  /** Every segment by number; a new segment is added once it takes captures. */
  segments: Map<number, Segment>
  /** Where each segment's frames are indexed up to (the index may claim nothing past this). */
  indexedUpTo: Map<Segment, number>
  renderIndex: (segment: Segment, withSnapshot: boolean) => Promise<RenderedIndex>
  durability: () => Durability
  /** The segment found taking captures at start-up (none when the last one is sealed). */
  current: Segment | undefined
  nextSeq: number
  nextSegmentNumber: number
}

export interface CaptureWriter {
  /** Resolves once the capture is on disk (on stable storage with `sync`); rejects, keeping nothing, when it is not. */
  readonly append: (capture: NewCapture, bytes: Buffer, deliveryKey: string | undefined) => Promise<StoredCapture>
  /** The segment taking captures (kept even when all its captures are deleted). */
  readonly current: Segment | undefined
  /** Waits until every capture appended so far is committed, and keeps a segment prepared ahead. */
  close(): Promise<void>
}

interface Pending {
  capture: NewCapture
  bytes: Buffer
  deliveryKey: string | undefined
  resolve: (stored: StoredCapture) => void
  reject: (error: unknown) => void
}

interface Placed {
  item: Pending
  segment: Segment
  logged: LoggedCapture
  frame: EncodedFrame
}

export function createCaptureWriter(deps: CaptureWriterDeps): CaptureWriter {
  const { dir, io, openLogs, index, segments, indexedUpTo, renderIndex } = deps
  const table = index.table
  let { current, nextSeq, nextSegmentNumber } = deps
  let pending: Pending[] = []
  let committing: Promise<void> | null = null
  let spare: Promise<Segment> | null = null
  /** Slots reserved in the running commit, per segment (not in the table yet). */
  const reserved = new Map<Segment, number>()

  function scheduleCommit(): void {
    committing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      while (pending.length > 0) {
        const batch = pending
        pending = []
        try {
          const stored = await commit(batch)
          batch.forEach((item, index) => item.resolve(stored[index] as StoredCapture))
        } catch (error: unknown) {
          batch.forEach((item) => item.reject(error))
        }
      }
      committing = null
    })
  }

  const slotsUsed = (segment: Segment): number => table.block(segment.number).length + (reserved.get(segment) ?? 0)

  async function writableSegment(): Promise<Segment> {
    if (current && !current.isFull(slotsUsed(current), SEGMENT_MAX_CAPTURES)) {
      // Open the next segment ahead of time, so a full one never makes a capture wait for file creation.
      if (!spare && current.isNearlyFull(slotsUsed(current), SEGMENT_MAX_CAPTURES)) prepareSpare()
      return current
    }
    const next = await (spare ?? createSegment(dir, nextSegmentNumber++, io, renderIndex, openLogs))
    // Prepared ahead, its log may have been closed meanwhile (it was idle).
    await next.holdOpen()
    spare = null
    table.block(next.number)
    segments.set(next.number, next)
    indexedUpTo.set(next, 0)
    if (current) retiring.add(current)
    current = next
    return next
  }

  function prepareSpare(): void {
    const preparing = createSegment(dir, nextSegmentNumber++, io, renderIndex, openLogs)
    // A failed preparation (disk full) is forgotten: the next capture tries again once there is room.
    preparing.catch(() => {
      if (spare === preparing) spare = null
    })
    spare = preparing
  }

  /** Segments that stopped taking captures, retired once the commit that filled them is done. */
  const retiring = new Set<Segment>()

  async function commit(batch: Pending[]): Promise<StoredCapture[]> {
    const placed: Placed[] = []
    const firstOffset = new Map<Segment, number>()
    try {
      for (const item of batch) {
        const segment = await writableSegment()
        const logged = Object.assign(item.capture, { seq: nextSeq++, body: { size: item.bytes.length, sha256: item.capture.body.sha256 } }) as LoggedCapture
        const frame = segment.encode(JSON.stringify(logged), item.bytes)
        if (!firstOffset.has(segment)) firstOffset.set(segment, frame.offset)
        reserved.set(segment, (reserved.get(segment) ?? 0) + 1)
        placed.push({ item, segment, logged, frame })
      }
      const bySegment = new Map<Segment, EncodedFrame[]>()
      for (const { segment, frame } of placed) {
        const frames = bySegment.get(segment)
        if (frames) frames.push(frame)
        else bySegment.set(segment, [frame])
      }
      for (const [segment, frames] of bySegment) segment.writeFrames(frames)
      // One fdatasync per segment written (almost always one), in the thread pool.
      if (deps.durability() === 'sync') await Promise.all([...bySegment.keys()].map((segment) => segment.sync()))
    } catch (error: unknown) {
      // Nothing of the batch is kept: its senders are told to retry, and its space is reused.
      for (const [segment, offset] of firstOffset) segment.unreserve(offset)
      reserved.clear()
      retireFinished()
      throw error
    }
    reserved.clear()
    const stored: StoredCapture[] = []
    for (const { item, segment, logged, frame } of placed) {
      const block = table.block(segment.number)
      const entry = entryFromLogged(logged, { offset: frame.offset, metadataBytes: frame.metadataBytes }, item.deliveryKey)
      index.add(block, entry)
      indexedUpTo.set(segment, frame.offset + frame.length)
      stored.push(Object.assign<LoggedCapture, Pick<StoredCapture, 'frame'>>(logged, { frame: entry.frame }))
    }
    for (const segment of new Set(placed.map((entry) => entry.segment))) if (segment === current) segment.persistSoon()
    retireFinished()
    return stored
  }

  function retireFinished(): void {
    for (const segment of retiring) if (segment !== current) segment.retire()
    retiring.clear()
  }

  return {
    append(capture, bytes, deliveryKey) {
      return new Promise((resolve, reject) => {
        pending.push({ capture, bytes, deliveryKey, resolve, reject })
        scheduleCommit()
      })
    },
    get current() {
      return current
    },
    async close() {
      while (pending.length > 0 || committing) await (committing ?? yieldToEventLoop())
      if (spare) {
        const prepared = await spare.catch(() => undefined)
        if (prepared) {
          segments.set(prepared.number, prepared)
          table.block(prepared.number)
        }
      }
    },
  }
}
