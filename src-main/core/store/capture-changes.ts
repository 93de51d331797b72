/**
 * Changes to stored captures: deletions (one, a selection, an endpoint's, retention's) and changed
 * index entries (notes, pins, new verdicts). Each segment's index is written with the change first,
 * and memory changes only once it is written, so a failed write (a read-only folder) changes
 * nothing, now or after a restart. Work goes one segment at a time, yielding to the event loop
 * between segments, so the receiver keeps answering during a large deletion.
 *
 * A deletion holds nothing per capture but what it returns (`DeletedCaptures`, 26 bytes a capture
 * in typed arrays): which captures it takes is asked of a `SlotSelection` one segment at a time,
 * in that segment's turn, so clearing 100,000 captures never lists them all as objects.
 */
import type { CaptureIndex, EntryPatch, IndexTweak } from './capture-index'
import { FRAME_HEADER_BYTES } from './capture-log'
import type { Segment } from './capture-segments'
import type { LogSpaceReclaimer } from './sparse-log'
import { FLAG_PINNED, FRAME_NOT_IN_LOG, type CaptureTable, type SegmentBlock, type SlotRef } from './capture-table'
import { syncDirectory } from './data-file'
import { DeletedCaptures } from './deleted-captures'
import type { Durability } from './log-file-io'
import type { RecognitionOverrides } from './recognition-overrides'
import type { SpaceReserve } from './space-reserve'
import type { RenderedIndex } from './table-snapshot'
import { yieldToEventLoop } from '../event-loop'

/**
 * The captures a deletion takes, asked one segment at a time: the segments to visit (ascending),
 * and the slots of each, asked in that segment's turn (the deletion skips slots no longer live).
 */
export interface SlotSelection {
  readonly segments: readonly number[]
  slotsIn(block: SegmentBlock): number[]
  /** How many captures it will most likely take (what the result is sized for). */
  readonly expected: number
}

/** A changed index entry, and how memory applies it once written. */
export interface SlotChange extends SlotRef {
  patch: EntryPatch
  apply: () => void
}

export interface CaptureChangesDeps {
  dir: string
  index: CaptureIndex
  segments: Map<number, Segment>
  indexedUpTo: Map<Segment, number>
  recognitions: RecognitionOverrides
  renderIndex: (segment: Segment, tweak?: IndexTweak) => Promise<RenderedIndex>
  durability: () => Durability
  /** Lets go of the segment taking captures when a deletion emptied it (see `CaptureWriter.releaseIfEmpty`). */
  releaseIfEmpty: (segment: Segment) => boolean
  /** Space set aside for deletions on a full disk. */
  reserve: SpaceReserve
  /** Gives erased log space back to the file system (sparse-log.ts). */
  reclaimer: LogSpaceReclaimer<Segment>
}

export interface CaptureChanges {
  /** Removes an emptied segment's files (the caller syncs the folder once for a run of removals). */
  removeSegment(segment: Segment): Promise<void>
  /** Deletes the selected captures and erases their bytes (a segment left empty is removed); returns those deleted, oldest first. */
  deleteSlots(selection: SlotSelection): Promise<DeletedCaptures>
  /** Writes changed entries of some captures, then applies them in memory. */
  patchSlots(changes: readonly SlotChange[]): Promise<void>
}

/** Segments a deletion works on at once (see `deleteSlots`). */
export const SEGMENTS_DELETED_AT_ONCE = 4

/** Deletions and index changes yield to the event loop between segments, so the receiver keeps answering. */
export function createCaptureChanges(deps: CaptureChangesDeps): CaptureChanges {
  const { index, segments, indexedUpTo, recognitions, renderIndex } = deps
  const table = index.table

  async function removeSegment(segment: Segment): Promise<void> {
    segments.delete(segment.number)
    indexedUpTo.delete(segment)
    index.dropBlock(segment.number)
    recognitions.forget(segment.number)
    deps.reclaimer.forget(segment)
    await segment.destroy()
  }

  /**
   * Segment by segment: a segment's index is written without the doomed captures first, and only
   * then are they dropped from memory and their bytes erased. Up to `SEGMENTS_DELETED_AT_ONCE`
   * segments are at it together: each mostly waits for its syncs (the index document's, the
   * erased log's), which the disk serves together. The result still lists them oldest first.
   */
  async function deleteSlots(selection: SlotSelection): Promise<DeletedCaptures> {
    const deleted = new DeletedCaptures(selection.expected)
    let removedAny = false
    /** Started in segment order; their captures join the result in that order once done. */
    const started: Array<{ done: Promise<number[]>; block: SegmentBlock }> = []
    const finishFirst = async (): Promise<void> => {
      const { done, block } = started.shift() as (typeof started)[number]
      for (const slot of await done) deleted.addSlot(table, block, slot)
    }
    /** Deletes what is still live of `candidates` when the segment's turn comes; resolves with the slots it deleted. */
    const deleteIn = async (segment: Segment, block: SegmentBlock, candidates: number[]): Promise<number[]> => {
      let gone: number[] = []
      let emptied = false
      // The index is written without them first (a failed write, e.g. a read-only folder, changes
      // nothing; on a full disk the space reserve is given back for it). Which of them are still
      // live is asked in the segment's turn, once every change queued before it was applied: two
      // clears of one endpoint at once both took the same captures, and the second erased a log
      // the first had already removed.
      await deps.reserve.withRoom(() =>
        segment.persist(
          () => {
            gone = candidates.filter((slot) => block.isLive(slot))
            emptied = gone.length > 0 && gone.length === block.live
            return renderIndex(segment, { exclude: new Set(gone) })
          },
          () => {
            for (const slot of gone) index.delete(block, slot)
            recognitions.forget(segment.number, gone)
          },
        ),
      )
      if (gone.length === 0) return gone
      // The segment taking captures goes too when nothing is on its way to it: the next capture opens another.
      if (emptied && deps.releaseIfEmpty(segment)) {
        // Then its files go whole (see Segment.destroy); the folder is synced once for the run.
        await removeSegment(segment)
        removedAny = true
      } else {
        // The index no longer lists them; a failed erase leaves bytes nobody refers to.
        // Located in the log's turn: a compaction running now moves the frames (log-compaction.ts).
        const erased = await segment.erase(() => erasedRanges(block, gone), deps.durability()).catch(() => null)
        if (erased) deps.reclaimer.erased(segment, erased)
      }
      return gone
    }
    try {
      for (const segmentNumber of selection.segments) {
        const segment = segments.get(segmentNumber)
        if (!segment) continue
        const block = table.block(segmentNumber)
        // Taken now, so a clear takes only the captures stored when it started.
        const candidates = selection.slotsIn(block).filter((slot) => block.isLive(slot))
        if (candidates.length === 0) continue
        const done = deleteIn(segment, block, candidates)
        // Awaited in turn by finishFirst; until then a failure must not count as unhandled.
        done.catch(() => undefined)
        started.push({ done, block })
        if (started.length >= SEGMENTS_DELETED_AT_ONCE) await finishFirst()
        await yieldToEventLoop()
      }
      while (started.length > 0) await finishFirst()
    } finally {
      // A failed segment stops the deletion: those already started end before it is reported.
      await Promise.allSettled(started.map(({ done }) => done))
    }
    if (removedAny) {
      await syncDirectory(deps.dir)
      // Space came back: set the reserve aside again if a full disk took it (in the background).
      void deps.reserve.ensure()
    }
    return deleted
  }

  /**
   * Changes waiting for their segment's next index write. A change made while the segment's index
   * is being written joins the next write with every other change made meanwhile (a group commit):
   * each pass-through forward records its answer this way, and one write per change (a document
   * rewritten and synced each time) held twenty concurrent forwards to about 35 a second.
   */
  const queuedPatches = new Map<Segment, { patch: Map<number, EntryPatch>; applies: Array<() => void>; written: Promise<void> }>()

  function patchSegment(segment: Segment, group: readonly SlotChange[]): Promise<void> {
    let queued = queuedPatches.get(segment)
    if (queued === undefined) {
      const patch = new Map<number, EntryPatch>()
      const applies: Array<() => void> = []
      const written = segment.persist(
        () => {
          // Rendered now: a change made from here on waits for the next write.
          queuedPatches.delete(segment)
          return renderIndex(segment, { patch })
        },
        () => applies.forEach((apply) => apply()),
      )
      const batch = { patch, applies, written }
      queuedPatches.set(segment, batch)
      // A segment removed meanwhile is never rendered: its batch must not wait there for changes.
      const forget = (): void => {
        if (queuedPatches.get(segment) === batch) queuedPatches.delete(segment)
      }
      written.then(forget, forget)
      queued = batch
    }
    for (const { slot, patch, apply } of group) {
      const earlier = queued.patch.get(slot)
      queued.patch.set(slot, earlier ? mergePatches(earlier, patch) : patch)
      queued.applies.push(apply)
    }
    return queued.written
  }

  async function patchSlots(changes: readonly SlotChange[]): Promise<void> {
    const bySegment = new Map<number, SlotChange[]>()
    for (const change of changes) {
      const group = bySegment.get(change.block.number)
      if (group) group.push(change)
      else bySegment.set(change.block.number, [change])
    }
    for (const [segmentNumber, group] of bySegment) {
      const segment = segments.get(segmentNumber)
      if (!segment) continue
      await patchSegment(segment, group)
      await yieldToEventLoop()
    }
  }

  return { removeSegment, deleteSlots, patchSlots }
}

/** Two changes of one entry as one: the later one's fields win, and what it clears stays cleared. */
function mergePatches(earlier: EntryPatch, later: EntryPatch): EntryPatch {
  const merged: EntryPatch = { ...earlier, ...later }
  for (const key of later.clear ?? []) delete merged[key]
  merged.clear = [...new Set([...(earlier.clear ?? []).filter((key) => !(key in later)), ...(later.clear ?? [])])]
  return merged
}

/**
 * The deleted captures' whole frames, headers included: a scan steps over zeros (capture-log.ts),
 * and captures deleted side by side then make one run of zeros, which a sparse copy can give back
 * (a 12-byte header kept every 3 KB left no whole block of 2 KB captures zero). A capture deleted
 * before a compaction copied the log has no frame in the new one (`FRAME_NOT_IN_LOG`): nothing to zero.
 */
function erasedRanges(block: SegmentBlock, slots: readonly number[]): Array<{ offset: number; length: number }> {
  return slots
    .filter((slot) => (block.offset[slot] as number) !== FRAME_NOT_IN_LOG)
    .map((slot) => ({
      offset: block.offset[slot] as number,
      length: FRAME_HEADER_BYTES + (block.metadataBytes[slot] as number) + (block.bodySize[slot] as number),
    }))
}

/** These slots (retention's step: at most a few thousand). */
export function selectSlots(refs: readonly SlotRef[]): SlotSelection {
  const bySegment = new Map<number, number[]>()
  for (const { block, slot } of refs) {
    const slots = bySegment.get(block.number)
    if (slots) slots.push(slot)
    else bySegment.set(block.number, [slot])
  }
  return {
    segments: [...bySegment.keys()].sort((a, b) => a - b),
    slotsIn: (block) => bySegment.get(block.number) ?? [],
    expected: refs.length,
  }
}

/**
 * The captures with these ids that are stored (a selection of up to 10,000, or one), located
 * first as numbers (segment × `SEGMENT_SPAN` + slot) in one sorted typed array, so duplicates and
 * unknown ids fall out and each segment's slots are a run of it.
 */
export function selectIds(table: CaptureTable, ids: readonly string[]): SlotSelection {
  const located = new Float64Array(ids.length)
  let count = 0
  for (const id of ids) {
    const found = table.locate(id)
    if (found) located[count++] = found.block.number * SEGMENT_SPAN + found.slot
  }
  const locations = located.subarray(0, count).sort()
  const segments: number[] = []
  for (const location of locations) {
    const segmentNumber = Math.floor(location / SEGMENT_SPAN)
    if (segments.at(-1) !== segmentNumber) segments.push(segmentNumber)
  }
  return {
    segments,
    expected: locations.length,
    slotsIn(block) {
      const slots: number[] = []
      const first = block.number * SEGMENT_SPAN
      for (let at = firstAtLeast(locations, first); at < locations.length && (locations[at] as number) < first + SEGMENT_SPAN; at++) {
        const slot = (locations[at] as number) - first
        if (slots.at(-1) !== slot) slots.push(slot)
      }
      return slots
    },
  }
}

/**
 * An endpoint's captures (pinned ones only with `includePinned`) as stored when the deletion
 * starts: captures arriving while it runs are not taken, even in a segment it has not reached.
 */
export function selectEndpoint(table: CaptureTable, endpointId: string, includePinned: boolean): SlotSelection {
  const endpoint = table.endpointCodeOf(endpointId)
  if (endpoint === -1) return { segments: [], slotsIn: () => [], expected: 0 }
  /** Each segment's length when the deletion started: one number a segment. */
  const lengthAtStart = new Map(table.blocks.map((block) => [block.number, block.length]))
  return {
    segments: [...lengthAtStart.keys()],
    expected: table.count(endpointId),
    slotsIn(block) {
      const slots: number[] = []
      const length = lengthAtStart.get(block.number) ?? 0
      for (let slot = 0; slot < length; slot++) {
        if (block.endpoint[slot] !== endpoint || !block.isLive(slot)) continue
        if (includePinned || ((block.flags[slot] as number) & FLAG_PINNED) === 0) slots.push(slot)
      }
      return slots
    },
  }
}

/** Wider than any segment's slots: a location is segment × this + slot. */
const SEGMENT_SPAN = 1024

/** The first position of the sorted `values` holding at least `wanted`. */
function firstAtLeast(values: Float64Array, wanted: number): number {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((values[middle] as number) < wanted) low = middle + 1
    else high = middle
  }
  return low
}
