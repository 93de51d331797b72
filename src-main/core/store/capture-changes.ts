/**
 * Changes to stored captures: deletions (one, a selection, an endpoint's, retention's) and changed
 * index entries (notes, pins, new verdicts). Each segment's index is written with the change first,
 * and memory changes only once it is written, so a failed write (a read-only folder) changes
 * nothing, now or after a restart. Work goes one segment at a time, yielding to the event loop
 * between segments, so the receiver keeps answering during a large deletion.
 */
import type { CaptureIndex, EntryPatch, IndexTweak } from './capture-index'
import { FRAME_HEADER_BYTES } from './capture-log'
import type { Segment } from './capture-segments'
import type { SegmentBlock, SlotRef } from './capture-table'
import { syncDirectory } from './data-file'
import type { Durability } from './log-file-io'
import type { RecognitionOverrides } from './recognition-overrides'
import type { RenderedIndex } from './table-snapshot'
import { yieldToEventLoop } from '../event-loop'

/** What is left to know of a deleted capture: enough to drop its history and tell the views. */
export interface DeletedCapture {
  id: string
  seq: number
  endpointId: string
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
  /** The segment taking captures: never removed, even when emptied. */
  current: () => Segment | undefined
}

export interface CaptureChanges {
  /** Removes an emptied segment's files (the caller syncs the folder once for a run of removals). */
  removeSegment(segment: Segment): Promise<void>
  /** Deletes these captures and erases their bytes (a segment left empty is removed); returns those deleted. */
  deleteSlots(doomed: readonly SlotRef[]): Promise<DeletedCapture[]>
  /** Writes changed entries of some captures, then applies them in memory. */
  patchSlots(changes: readonly SlotChange[]): Promise<void>
}

/** Deletions and index changes yield to the event loop between segments, so the receiver keeps answering. */
export function createCaptureChanges(deps: CaptureChangesDeps): CaptureChanges {
  const { index, segments, indexedUpTo, recognitions, renderIndex } = deps
  const table = index.table

  async function removeSegment(segment: Segment): Promise<void> {
    segments.delete(segment.number)
    indexedUpTo.delete(segment)
    index.dropBlock(segment.number)
    recognitions.forget(segment.number)
    await segment.destroy()
  }

  /**
   * One segment at a time: its index is written without the doomed captures first, and only then
   * are they dropped from memory and their bytes erased.
   */
  async function deleteSlots(doomed: readonly SlotRef[]): Promise<DeletedCapture[]> {
    const bySegment = new Map<number, number[]>()
    for (const { block, slot } of doomed) {
      if (!block.isLive(slot)) continue
      const slots = bySegment.get(block.number)
      if (slots) slots.push(slot)
      else bySegment.set(block.number, [slot])
    }
    const deleted: DeletedCapture[] = []
    let removedAny = false
    for (const [segmentNumber, slots] of [...bySegment].sort((a, b) => a[0] - b[0])) {
      const segment = segments.get(segmentNumber)
      if (!segment) continue
      const block = table.block(segmentNumber)
      const gone = slots.filter((slot) => block.isLive(slot))
      const exclude = new Set(gone)
      const records = gone.map((slot) => ({ id: table.idOf(block, slot), seq: block.seq[slot] as number, endpointId: table.endpointOf(block, slot) }))
      const emptied = gone.length === block.live && segment !== deps.current()
      // The index is written without them first (a failed write, e.g. a read-only folder, changes nothing).
      await segment.persist(
        () => renderIndex(segment, { exclude }),
        () => {
          for (const slot of gone) index.delete(block, slot)
          recognitions.forget(segmentNumber, gone)
        },
      )
      deleted.push(...records)
      if (emptied) {
        // Then its files go whole (see Segment.destroy); the folder is synced once for the run.
        await removeSegment(segment)
        removedAny = true
      } else {
        // The index no longer lists them; a failed erase leaves bytes nobody refers to.
        await segment.erase(erasedRanges(block, gone), deps.durability()).catch(() => undefined)
      }
      await yieldToEventLoop()
    }
    if (removedAny) await syncDirectory(deps.dir)
    return deleted
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
      const patch = new Map(group.map(({ slot, patch: fields }) => [slot, fields]))
      await segment.persist(
        () => renderIndex(segment, { patch }),
        () => group.forEach(({ apply }) => apply()),
      )
      await yieldToEventLoop()
    }
  }

  return { removeSegment, deleteSlots, patchSlots }
}

/** The metadata and body of each deleted frame (its header stays, so a scan still steps over it). */
function erasedRanges(block: SegmentBlock, slots: readonly number[]): Array<{ offset: number; length: number }> {
  return slots.map((slot) => ({
    offset: (block.offset[slot] as number) + FRAME_HEADER_BYTES,
    length: (block.metadataBytes[slot] as number) + (block.bodySize[slot] as number),
  }))
}
