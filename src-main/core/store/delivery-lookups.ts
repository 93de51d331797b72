/**
 * Finding a delivery's attempts (every capture carrying its delivery key) from memory. The index
 * keeps only a 32-bit hash of each capture's key (`deliveryHash`), so a capture under an asked hash
 * is a candidate until its record was read once; the keys read are remembered
 * (delivery-key-memory.ts), so later look-ups read only the captures stored since.
 */
import type { ProviderId } from '../../shared/provider-catalog'
import type { CaptureSummary } from '../../shared/views'
import { indexedDeliveryKeysOf } from '../deliveries/delivery-key'
import type { CaptureIndex } from './capture-index'
import type { CaptureReader } from './capture-reader'
import type { Segment } from './capture-segments'
import { FLAG_REFUSED, hashDeliveryKey, type SegmentBlock, type SlotRef } from './capture-table'
import { DeliveryKeyMemory } from './delivery-key-memory'

/** What memory knows of one stored attempt of a delivery, without reading its record (`deliveryAttemptFacts`). */
export interface DeliveryAttemptFact {
  id: string
  seq: number
  receivedAtMs: number
  /** `null` when no HTTP answer was sent. */
  answerStatus: number | null
  outcome: 'captured' | 'refused'
  /** The recognised provider (`unknown` for no known sender), `null` when not recognised (refused). */
  provider: ProviderId | null
}
export interface DeliveryLookups {
  /** Every stored attempt of one delivery, oldest first, read from the log. */
  attempts(deliveryKey: string): Promise<CaptureSummary[]>
  /** The attempts of each delivery on its endpoint, oldest first, from memory (see `CaptureStore.deliveryAttemptFacts`). */
  attemptFacts(deliveries: ReadonlyArray<{ deliveryKey: string; endpointId: string }>): Promise<DeliveryAttemptFact[][]>
  /** A slot's delivery key may have changed (it was recognised again): read its record again when asked. */
  forget(block: SegmentBlock, slot: number): void
}

export interface DeliveryLookupsDeps {
  index: CaptureIndex
  segments: ReadonlyMap<number, Segment>
  reader: CaptureReader
}

/** Candidate records read at once: a delivery of thousands of attempts read all together put thousands of reads in flight. */
const DELIVERY_READ_BATCH = 200

export function createDeliveryLookups({ index, segments, reader }: DeliveryLookupsDeps): DeliveryLookups {
  const table = index.table
  const deliveryKeys = new DeliveryKeyMemory()

  /** Reads the records of slots whose delivery key is not known yet, a batch at a time, and remembers their keys. */
  async function confirmDeliveryKeys(slots: readonly SlotRef[]): Promise<void> {
    const unread = new Map<string, SlotRef>()
    for (const { block, slot } of slots) unread.set(`${block.number}:${slot}`, { block, slot })
    const pending = [...unread.values()]
    for (let start = 0; start < pending.length; start += DELIVERY_READ_BATCH) {
      const batch = pending.slice(start, start + DELIVERY_READ_BATCH).filter(({ block, slot }) => block.isLive(slot) && segments.has(block.number))
      const read = await reader.summariesOf(batch)
      batch.forEach(({ block, slot }, at) => {
        const key = (read[at] as CaptureSummary).deliveryKey
        // An unreadable record names no delivery (it is left out, and read again next time).
        if (block.isLive(slot) && !key.startsWith('damaged:')) deliveryKeys.remember(block, slot, key)
      })
    }
  }

  return {
    async attempts(deliveryKey) {
      const wanted = indexedHashesOf(deliveryKey)
      // Memory keeps a 32-bit hash of each key: the few candidates are confirmed on their records.
      const candidates = index.slotsOf(undefined, (block, slot) => wanted.has(block.deliveryHash[slot] as number))
      // Read a batch at a time: a delivery of thousands of attempts (a monitoring ping's identical
      // bytes every 10 s) read all at once put 9,000 reads in flight together, each with its buffer
      // and promises, and garbage collection took 27% of getDelivery's time (V8 CPU profile).
      const attempts: CaptureSummary[] = []
      for (let start = 0; start < candidates.length; start += DELIVERY_READ_BATCH) {
        const batch = await reader.summariesOf(candidates.slice(start, start + DELIVERY_READ_BATCH))
        for (const summary of batch) if (summary.deliveryKey === deliveryKey) attempts.push(summary)
      }
      return attempts
    },

    async attemptFacts(deliveries) {
      /** Each hash asked for: which deliveries (by index) want it, on which endpoint (the table's code). */
      const wanted = new Map<number, Array<{ delivery: number; endpoint: number }>>()
      deliveries.forEach(({ deliveryKey, endpointId }, delivery) => {
        const endpoint = table.endpointCodeOf(endpointId)
        if (endpoint === -1) return
        for (const hash of indexedHashesOf(deliveryKey)) {
          const askers = wanted.get(hash) ?? []
          askers.push({ delivery, endpoint })
          wanted.set(hash, askers)
        }
      })
      /** Slots indexed under an asked hash, oldest first (blocks by segment number, slots in order), with who asked. */
      const candidates: Array<{ block: SegmentBlock; slot: number; delivery: number }> = []
      if (wanted.size > 0) {
        for (const block of table.blocks) {
          for (let slot = 0; slot < block.length; slot++) {
            const askers = wanted.get(block.deliveryHash[slot] as number)
            if (askers === undefined || !block.isLive(slot)) continue
            for (const { delivery, endpoint } of askers) if (block.endpoint[slot] === endpoint) candidates.push({ block, slot, delivery })
          }
        }
      }
      // A hash match is a candidate until its key is known (another delivery's key may share the
      // hash): the records of those never read are read once, and their keys remembered.
      await confirmDeliveryKeys(candidates.filter(({ block, slot }) => deliveryKeys.keyOf(block, slot) === undefined))
      const found: DeliveryAttemptFact[][] = deliveries.map(() => [])
      for (const { block, slot, delivery } of candidates) {
        if (!block.isLive(slot) || deliveryKeys.keyOf(block, slot) !== (deliveries[delivery] as { deliveryKey: string }).deliveryKey) continue
        ;(found[delivery] as DeliveryAttemptFact[]).push({
          id: table.idOf(block, slot),
          seq: block.seq[slot] as number,
          receivedAtMs: block.receivedAtMs[slot] as number,
          answerStatus: block.answerStatusOf(slot),
          outcome: (block.flags[slot] as number) & FLAG_REFUSED ? 'refused' : 'captured',
          provider: table.providerOf(block, slot),
        })
      }
      return found
    },

    forget: (block, slot) => deliveryKeys.forget(block, slot),
  }
}

/**
 * The hashes a delivery's attempts are indexed under: its key's, and those of the keys earlier
 * versions gave the same delivery (kept in the index of captures they stored).
 */
export function indexedHashesOf(deliveryKey: string): Set<number> {
  return new Set(indexedDeliveryKeysOf(deliveryKey).map(hashDeliveryKey))
}
