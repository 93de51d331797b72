/**
 * The capture path: a pipelined group commit. Captures parsed in the same turn of the event loop
 * share one positional write of their frames, in libuv's thread pool, off the event loop; with
 * `sync` durability it is a synchronous write (`O_DSYNC`: the write and its `fdatasync` in one
 * call, see capture-segments.ts). Each capture's promise resolves only after that, so the
 * receiver answers a request only once it would survive a kill -9 (`flush`) or a power loss
 * (`sync`).
 *
 * Pipelined when the disk is slow: once the running batch's I/O has taken `OVERLAP_SYNC_AFTER_MS`,
 * the next batch is written and synced without waiting for it (up to `MAX_SYNCS_IN_FLIGHT`). The
 * disk serves concurrent flushes together, so on a busy disk a capture waits for its own sync
 * instead of the one before it and then its own; on a quick one, batches wait and grow, since every
 * write and sync costs CPU. Batches still finish in the order they were written: a capture enters
 * the index only once it and every capture before it are durable, and when a write or sync fails,
 * every batch written after the failed one fails with it (their frames lie after its frames, whose
 * space is given back once no write of them is still running).
 *
 * Segments roll over here: the next one is prepared ahead, so a full segment never makes a
 * capture wait for file creation.
 */
import { entryFromLogged, type CaptureIndex } from './capture-index'
import { createSegment, type EncodedFrame, type Segment } from './capture-segments'
import { yieldToEventLoop } from '../event-loop'
import { SEGMENT_MAX_CAPTURES } from './capture-table'
import type { Durability, LogFileIo } from './log-file-io'
import type { OpenLogs } from './open-logs'
import { unreadableCaptureProblem, type LoggedCapture, type StoredCapture } from './persisted-schema'
import type { RenderedIndex } from './table-snapshot'

/**
 * How many batches may wait for their (synchronous) write at once. libuv's thread pool has four
 * threads; one stays free for index writes and the API's reads.
 */
export const MAX_SYNCS_IN_FLIGHT = 3
/**
 * A batch's I/O running longer than this lets the next batch start its own. Each sync costs CPU
 * (about 0.2 ms in the kernel here), so while the disk is quick a batch waits for the running one
 * and grows (the fewest syncs per capture); once a sync is slow (a busy disk), waiting for it would
 * only add its time to the next batch's.
 */
export const OVERLAP_SYNC_AFTER_MS = 2

/**
 * A capture to store: everything but its sequence number and where it lands on disk. Imports set
 * `origin: 'imported'`, `importedFrom` and the original `receivedAt`, and may carry a note and a pin.
 */
export type NewCapture = Omit<LoggedCapture, 'seq' | 'body' | 'senderLeftAt' | 'appStoppedAt'> & { body: { sha256: string } }

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
  /**
   * Lets go of `segment`, which a deletion emptied, when no capture is on its way to it: true when
   * the caller may remove it. The one taking captures is let go of too (the next capture opens
   * another), so a Clear gives back its log's space as well. False, changing nothing, otherwise.
   */
  releaseIfEmpty(segment: Segment): boolean
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

/** Captures written together, waiting to be durable. */
interface Batch {
  placed: Placed[]
  /** Where the batch's first frame went in each segment it wrote to: the space to give back if it fails. */
  firstOffset: Map<Segment, number>
  /** Slots the batch holds in each segment until its captures enter the table. */
  slots: Map<Segment, number>
  /** `writing`: its write (with `sync`, until on stable storage) is still running in the thread pool. */
  outcome: { state: 'writing' } | { state: 'durable' } | { state: 'failed'; error: unknown }
  /** When its I/O started (`performance.now()`). */
  ioStartedAt: number
}

export function createCaptureWriter(deps: CaptureWriterDeps): CaptureWriter {
  const { dir, io, openLogs, index, segments, indexedUpTo, renderIndex } = deps
  const table = index.table
  let { current, nextSeq, nextSegmentNumber } = deps
  let pending: Pending[] = []
  /** Written batches, in the order they were written; the first one finishes first. */
  const written: Batch[] = []
  let spare: Promise<Segment> | null = null
  /** Slots held by written batches and the one being placed, per segment (not in the table yet). */
  const reserved = new Map<Segment, number>()
  /** Segments that stopped taking captures, retired once no written batch has frames in them. */
  const retiring = new Set<Segment>()
  let pumping: Promise<void> | null = null
  /** A batch is being placed (across the awaits of `writableSegment`): the current segment must stay. */
  let placing = false
  let gathering = false
  let wake: (() => void) | null = null

  function notify(): void {
    const resolve = wake
    wake = null
    resolve?.()
  }

  function scheduleCommit(): void {
    if (gathering) return
    gathering = true
    // Requests parsed in the same turn of the event loop share a batch.
    setImmediate(() => {
      gathering = false
      if (pumping) notify()
      else pumping = pump().finally(() => (pumping = null))
    })
  }

  /** Writes batches as they come and finishes them in order as their I/O completes; the only code that moves offsets. */
  async function pump(): Promise<void> {
    for (;;) {
      await finishDurable()
      const overlapIn = pending.length > 0 ? msUntilWritable() : Number.POSITIVE_INFINITY
      if (overlapIn <= 0) {
        const items = pending
        pending = []
        await write(items)
        continue
      }
      if (pending.length === 0 && written.length === 0) return
      // Woken by a batch's I/O completing, new captures, or the running I/O becoming slow enough to overlap.
      const slow = Number.isFinite(overlapIn) ? setTimeout(notify, Math.ceil(overlapIn)) : undefined
      await new Promise<void>((resolve) => (wake = resolve))
      clearTimeout(slow)
    }
  }

  /** How long until the next batch may be written: 0 now, else when the oldest running batch gets slow (or never, at the limit). */
  function msUntilWritable(): number {
    const oldest = written[0]
    if (oldest === undefined) return 0
    // A failed batch fails every later one: nothing more is written until its space is given back.
    if (written.length >= MAX_SYNCS_IN_FLIGHT || written.some((batch) => batch.outcome.state === 'failed')) return Number.POSITIVE_INFINITY
    return oldest.ioStartedAt + OVERLAP_SYNC_AFTER_MS - performance.now()
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
    // Zero-filled ahead only with `sync`: with `flush`, a power loss may lose frames the index lists,
    // and start-up sees that from a log shorter than its index; zeros would hide it.
    const preallocate = deps.durability() === 'sync' && current ? current.expectedFullLogBytes(slotsUsed(current), SEGMENT_MAX_CAPTURES) : 0
    const preparing = createSegment(dir, nextSegmentNumber++, io, renderIndex, openLogs, preallocate)
    // A failed preparation (disk full) is forgotten: the next capture tries again once there is room.
    preparing.catch(() => {
      if (spare === preparing) spare = null
    })
    spare = preparing
  }

  /** Places a batch's frames and starts writing (and, with `sync`, syncing) them; on a failed placement, nothing of it is kept. */
  async function write(items: Pending[]): Promise<void> {
    const batch: Batch = { placed: [], firstOffset: new Map(), slots: new Map(), outcome: { state: 'writing' }, ioStartedAt: 0 }
    const bySegment = new Map<Segment, EncodedFrame[]>()
    placing = true
    try {
      for (const item of items) {
        const segment = await writableSegment()
        const logged = Object.assign(item.capture, { seq: nextSeq++, body: { size: item.bytes.length, sha256: item.capture.body.sha256 } }) as LoggedCapture
        const frame = segment.encode(JSON.stringify(logged), item.bytes)
        const frames = bySegment.get(segment)
        if (frames) frames.push(frame)
        else {
          bySegment.set(segment, [frame])
          batch.firstOffset.set(segment, frame.offset)
        }
        batch.slots.set(segment, (batch.slots.get(segment) ?? 0) + 1)
        reserved.set(segment, (reserved.get(segment) ?? 0) + 1)
        batch.placed.push({ item, segment, logged, frame })
      }
      placing = false
    } catch (error: unknown) {
      placing = false
      // Nothing of the batch was written yet: its senders are told to retry, and its space is reused.
      await Promise.all([...batch.firstOffset].map(([segment, offset]) => segment.unreserve(offset)))
      release(batch)
      for (const item of items) item.reject(error)
      retireFinished()
      return
    }
    written.push(batch)
    batch.ioStartedAt = performance.now()
    const sync = deps.durability() === 'sync'
    // One write per segment written (almost always one), in the thread pool; with `sync`, one that
    // returns once on stable storage.
    Promise.all([...bySegment].map(([segment, frames]) => segment.writeFrames(frames, sync))).then(
      () => {
        batch.outcome = { state: 'durable' }
        notify()
      },
      (error: unknown) => {
        batch.outcome = { state: 'failed', error }
        notify()
      },
    )
  }

  /** Finishes written batches from the first, as far as they are durable. */
  async function finishDurable(): Promise<void> {
    while (written.length > 0) {
      const first = written[0] as Batch
      if (first.outcome.state === 'writing') return
      if (first.outcome.state === 'failed') {
        // The space is given back only once no later batch's write can still land in it.
        if (written.some((batch) => batch.outcome.state === 'writing')) return
        await failWritten(first.outcome.error)
        return
      }
      written.shift()
      finish(first)
    }
  }

  function finish(batch: Batch): void {
    release(batch)
    for (const { item, segment, logged, frame } of batch.placed) {
      const entry = entryFromLogged(logged, { offset: frame.offset, metadataBytes: frame.metadataBytes }, item.deliveryKey)
      index.add(table.block(segment.number), entry)
      indexedUpTo.set(segment, frame.offset + frame.length)
      item.resolve(Object.assign<LoggedCapture, Pick<StoredCapture, 'frame'>>(logged, { frame: entry.frame }))
    }
    for (const segment of batch.firstOffset.keys()) if (segment === current) segment.persistSoon()
    retireFinished()
  }

  /** A write or sync failed: that batch and every one written after it (their frames lie after its frames) fail. */
  async function failWritten(error: unknown): Promise<void> {
    const failed = written.splice(0)
    const giveBackFrom = new Map<Segment, number>()
    for (const batch of failed) for (const [segment, offset] of batch.firstOffset) if (!giveBackFrom.has(segment)) giveBackFrom.set(segment, offset)
    await Promise.all([...giveBackFrom].map(([segment, offset]) => segment.unreserve(offset)))
    for (const batch of failed) {
      release(batch)
      for (const { item } of batch.placed) item.reject(error)
    }
    retireFinished()
  }

  function release(batch: Batch): void {
    for (const [segment, slots] of batch.slots) {
      const left = (reserved.get(segment) ?? 0) - slots
      if (left > 0) reserved.set(segment, left)
      else reserved.delete(segment)
    }
  }

  function retireFinished(): void {
    for (const segment of retiring) {
      if (segment === current || written.some((batch) => batch.firstOffset.has(segment))) continue
      segment.retire()
      retiring.delete(segment)
    }
  }

  return {
    append(capture, bytes, deliveryKey) {
      // Never answered as stored when its record would not read back after a restart.
      const problem = unreadableCaptureProblem(capture)
      if (problem !== null) return Promise.reject(new Error(`capture ${capture.id} was not stored: its record would not read back (${problem})`))
      return new Promise((resolve, reject) => {
        pending.push({ capture, bytes, deliveryKey, resolve, reject })
        scheduleCommit()
      })
    },
    get current() {
      return current
    },
    releaseIfEmpty(segment) {
      if (table.block(segment.number).live > 0 || (reserved.get(segment) ?? 0) > 0 || (segment === current && placing)) return false
      if (segment === current) current = undefined
      retiring.delete(segment)
      return true
    },
    async close() {
      while (pending.length > 0 || pumping) await (pumping ?? yieldToEventLoop())
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
