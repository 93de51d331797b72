/**
 * Delivery keys carried forward from bodies. A record an earlier version stored may not give
 * today's delivery key from itself (a CHIP Collect record from before its summary kept
 * `updated_on`, an id past 2^53 that was keyed rounded: `readsKeyFromBody`), so its key is read
 * again from its body when it is listed. That read is carried forward once, durably: the
 * recognition the body gives (today's summary, the verdict as it was) is written into the
 * segment's index as the entry's `carriedRecognition` (recognition-overrides.ts), so later
 * listings, and those after a restart, read no body for it. Its index entry's delivery hash
 * becomes that of today's key. A capture recognised again since (new keys) has its recomputed
 * recognition refined instead.
 *
 * Not kept as a recomputed recognition, as version 3 indexes did: a search reads every capture
 * with one from its log (a new verdict changes what it matches), and each search read the index
 * of every segment holding one. A carried key changes no verdict, so a search matches the capture
 * as logged, as its sidecar holds it. Indexes of version 3 are sorted out in the background after
 * start-up (`sortOut`), reading only the captures they mark as recognised again.
 *
 * In the background, one index write per segment for the captures a listing found; a failed write
 * leaves the capture read from its body again next time, as before. Each change is queued in its
 * segment's index turn, after checking that the capture was not recognised again since it was
 * read (a key change), so a newer recognition is never overwritten by the older one carried here.
 */
import { isDeepStrictEqual } from 'node:util'
import type { CaptureRecognition } from '../../shared/views'
import { deliveryKeyOf, readsKeyFromBody } from '../deliveries/delivery-key'
import { IDENTIFYING_FIELDS } from '../recognition'
import { fieldsOf, type CaptureIndex } from './capture-index'
import type { CaptureChanges, SlotChange } from './capture-changes'
import type { Segment } from './capture-segments'
import { FLAG_RECOGNIZED_AGAIN, type SegmentBlock } from './capture-table'
import type { LoggedCapture } from './persisted-schema'
import type { RecognitionOverrides } from './recognition-overrides'

export interface CarriedDeliveryKeys {
  /** `logged` (as read, with the recognition the key was read with) is to keep `recognition`, which the body gave. */
  carry: (block: SegmentBlock, slot: number, logged: LoggedCapture, recognition: CaptureRecognition) => void
  /** Resolves once every change carried so far was written (or failed). */
  settled(): Promise<void>
  /**
   * Moves the carried keys a version 3 index kept as recomputed recognitions to their own field,
   * reading the records of its captures recognised again. `sorted` is called in the segment's index
   * turn, before its index is written (it is written in the current version from then on); the
   * promise resolves once it was written (or failed).
   */
  sortOut(segment: Segment, sorted: () => void): Promise<void>
}

export interface CarriedDeliveryKeysDeps {
  index: CaptureIndex
  segments: ReadonlyMap<number, Segment>
  recognitions: RecognitionOverrides
  patchSlots: CaptureChanges['patchSlots']
  /** The capture's delivery key may have changed: forget the one remembered (delivery-lookups.ts). */
  forgetKey(block: SegmentBlock, slot: number): void
  /** The record as it arrived (capture-reader.ts `readArrived`). */
  readArrived(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture>
  /** Writes the segment's index as memory has it. */
  persist(segment: Segment): Promise<void>
}

interface Carried {
  block: SegmentBlock
  slot: number
  logged: LoggedCapture
  recognition: CaptureRecognition
}

export function createCarriedDeliveryKeys(deps: CarriedDeliveryKeysDeps): CarriedDeliveryKeys {
  /** By segment, then slot: a capture listed twice before the write is carried once. */
  let pending = new Map<number, Map<number, Carried>>()
  let running: Promise<void> = Promise.resolve()
  let scheduled = false

  async function writeSegment(segment: Segment, carried: Carried[]): Promise<void> {
    // In the index turn: every write queued before this one (a key change's) is applied by now, and
    // one queued after it is applied after this one.
    const { written } = await segment.inTurn(async () => {
      const recomputed = carried.some(({ block, slot }) => flagged(block, slot)) ? (await deps.recognitions.ofSegmentInTurn(segment)).recomputed : null
      const changes: SlotChange[] = []
      for (const { block, slot, logged, recognition } of carried) {
        if (!block.isLive(slot)) continue
        // Recognised again since it was read: the newer recognition stays (it was read from the body too).
        if (flagged(block, slot) && JSON.stringify(recomputed?.get(slot)) !== JSON.stringify(logged.recognition)) continue
        const fields = fieldsOf({ ...logged, recognition })
        if (flagged(block, slot)) {
          changes.push({
            block,
            slot,
            patch: { recognition, provider: fields.provider, verdict: fields.verdict, deliveryHash: fields.deliveryHash },
            apply: () => {
              if (!block.isLive(slot)) return
              deps.recognitions.remember(block.number, slot, recognition)
              deps.index.recognise(block, slot, fields)
              deps.forgetKey(block, slot)
            },
          })
          continue
        }
        changes.push({
          block,
          slot,
          patch: { carriedRecognition: recognition, deliveryHash: fields.deliveryHash },
          apply: () => {
            if (!block.isLive(slot)) return
            deps.recognitions.rememberCarried(block.number, slot, recognition)
            deps.index.carryKey(block, slot, fields.deliveryHash)
            deps.forgetKey(block, slot)
          },
        })
      }
      // Not awaited here: the write runs in a later turn of this segment. Wrapped, so this turn does not wait for it.
      return { written: deps.patchSlots(changes) }
    })
    await written
  }

  function schedule(): void {
    if (scheduled) return
    scheduled = true
    running = running.then(async () => {
      // After the listing that found them: its other captures join this write.
      await new Promise((resolve) => setImmediate(resolve))
      scheduled = false
      const batch = pending
      pending = new Map<number, Map<number, Carried>>()
      for (const [number, bySlot] of batch) {
        const segment = deps.segments.get(number)
        if (segment) await writeSegment(segment, [...bySlot.values()]).catch(() => undefined)
      }
    })
  }

  return {
    carry(block, slot, logged, recognition) {
      let bySlot = pending.get(block.number)
      if (!bySlot) pending.set(block.number, (bySlot = new Map<number, Carried>()))
      bySlot.set(slot, { block, slot, logged, recognition })
      schedule()
    },
    settled: () => running,
    async sortOut(segment, sorted) {
      const block = deps.index.table.block(segment.number)
      const recomputed = await deps.recognitions.all(segment)
      const found = new Map<number, CaptureRecognition>()
      for (const [slot, recognition] of recomputed) {
        if (recognition === null || !block.isLive(slot) || !flagged(block, slot)) continue
        // A record that cannot be read keeps what it has.
        const arrived = await deps.readArrived(block, slot, segment).catch(() => null)
        if (arrived !== null && isCarriedKey(arrived, recognition)) found.set(slot, recognition)
      }
      const { written } = await segment.inTurn(async () => {
        const now = await deps.recognitions.ofSegmentInTurn(segment)
        const changes: SlotChange[] = []
        for (const [slot, recognition] of found) {
          // Recognised again while the records were read: the newer recognition stays where it is.
          if (!block.isLive(slot) || !flagged(block, slot) || !isDeepStrictEqual(now.recomputed.get(slot), recognition)) continue
          changes.push({
            block,
            slot,
            patch: { carriedRecognition: recognition, clear: ['recognition'] },
            apply: () => {
              if (!block.isLive(slot)) return
              deps.recognitions.forget(block.number, [slot])
              deps.recognitions.rememberCarried(block.number, slot, recognition)
              deps.index.carriedNotRecomputed(block, slot)
            },
          })
        }
        sorted()
        // Not awaited here: the write runs in a later turn of this segment. Wrapped, so this turn does not wait for it.
        return { written: changes.length > 0 ? deps.patchSlots(changes) : deps.persist(segment) }
      })
      await written
    },
  }
}

/**
 * Whether a recomputed recognition is only a carried key: the one the capture arrived with, with
 * the identifying summary fields its body gave, for a record whose key is read from its body.
 * Such a recognition changes nothing a search matches but those fields, so it is kept as carried.
 */
function isCarriedKey(arrived: LoggedCapture, recomputed: CaptureRecognition): boolean {
  const first = arrived.recognition
  if (first === null || !readsKeyFromBody(arrived, deliveryKeyOf(arrived))) return false
  const summary: Record<string, unknown> = { ...first.summary }
  for (const field of IDENTIFYING_FIELDS) summary[field] = recomputed.summary[field]
  // As the index holds them: absent fields and fields set to undefined alike.
  const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
  return isDeepStrictEqual(asStored({ ...first, summary }), asStored(recomputed))
}

function flagged(block: SegmentBlock, slot: number): boolean {
  return ((block.flags[slot] as number) & FLAG_RECOGNIZED_AGAIN) !== 0
}
