import type { Sequence } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'
import { indexedDeliveryKeysOf } from '../deliveries/delivery-key'

/**
 * How many delivery keys the counters remember. Delivery keys come from the network: anyone who
 * can reach the public tunnel URL can mint new ones (a different body is a different hash), so an
 * unbounded map is a memory leak waiting for a load test. 10k is far above the transactions a QA
 * session retries at once; when it overflows, the least recently seen key is forgotten and its
 * next retry starts the sequence again.
 */
export const MAX_SEQUENCE_KEYS = 10_000

/** Per-endpoint, per-delivery-key step counters for answer sequences. */
export interface SequenceState {
  /**
   * Counts one more delivery for this key and returns the 1-based step that answers it.
   * When the endpoint's steps or `afterLast` differ from the ones its counters were made for,
   * its counters start again: the steps they pointed into no longer exist.
   */
  nextStep(endpointId: string, deliveryKey: string, sequence: Sequence): number
  /** Forgets the counters of one endpoint, or of all endpoints: every delivery starts at step 1. */
  reset(endpointId?: string): void
  /** How many delivery keys are being counted. */
  readonly size: number
  /** Every counter, least recently used first, for saving; {@link createSequenceState} takes it back. */
  snapshot(): SequenceSnapshot
}

/**
 * The counters as saved between runs. A provider retries for hours (CHIP: about eight times over
 * 36 hours), so a "500 twice, then 200" test must not start over because the app restarted.
 */
export interface SequenceSnapshot {
  /** The steps each endpoint's counters were made for (see `nextStep`). */
  fingerprints: Array<{ endpointId: string; fingerprint: string }>
  /** Least recently used first. */
  counters: Array<{ endpointId: string; deliveryKey: string; lastStep: number }>
  /**
   * Counters saved by a version whose delivery keys were made otherwise: an id past 2^53 as
   * JSON.parse rounded it (`paystack:charge.success:12345678901234567000:success` for the id
   * 12345678901234567890), a Plexo state by its number. Each is taken over, once, by the first
   * delivery whose key today's rule gives that key for (`indexedDeliveryKeysOf`), so a retry test
   * running across the upgrade goes on where it was; after that it is the delivery's own counter,
   * and a second delivery whose id rounds alike starts its own.
   */
  formerCounters?: Array<{ endpointId: string; deliveryKey: string; lastStep: number }>
}

interface Counter {
  endpointId: string
  deliveryKey: string
  lastStep: number
}

export interface SequenceStateOptions {
  maxKeys?: number
  /** Counters saved by an earlier run. */
  restored?: SequenceSnapshot
  /** Called after every change (a counted delivery, a reset), so the caller can save soon. */
  onChange?: () => void
}

/** Creates a {@link SequenceState}, empty or from a snapshot. */
export function createSequenceState(options: SequenceStateOptions = {}): SequenceState {
  const maxKeys = options.maxKeys ?? MAX_SEQUENCE_KEYS
  const onChange = options.onChange ?? (() => undefined)
  // A Map iterates in insertion order; deleting and re-inserting on use makes it an LRU.
  const counters = new Map<string, Counter>()
  const fingerprints = new Map<string, string>()
  // JSON of the pair cannot collide, whatever characters the ids hold.
  const keyOf = (endpointId: string, deliveryKey: string): string => JSON.stringify([endpointId, deliveryKey])
  for (const { endpointId, fingerprint } of options.restored?.fingerprints ?? []) fingerprints.set(endpointId, fingerprint)
  for (const counter of (options.restored?.counters ?? []).slice(-maxKeys)) counters.set(keyOf(counter.endpointId, counter.deliveryKey), { ...counter })
  // Counters under an earlier version's keys, until a delivery takes one over (see `SequenceSnapshot.formerCounters`).
  const formerCounters = new Map<string, Counter>()
  for (const counter of (options.restored?.formerCounters ?? []).slice(-maxKeys))
    formerCounters.set(keyOf(counter.endpointId, counter.deliveryKey), { ...counter })
  // The same persisted sequence object is passed for every delivery; serialise it once.
  const fingerprintCache = new WeakMap<Sequence, string>()

  function fingerprintOf(sequence: Sequence): string {
    let fingerprint = fingerprintCache.get(sequence)
    if (fingerprint === undefined) {
      fingerprint = JSON.stringify({ steps: sequence.steps, afterLast: sequence.afterLast })
      fingerprintCache.set(sequence, fingerprint)
    }
    return fingerprint
  }

  function forget(endpointId?: string): void {
    if (endpointId === undefined) {
      counters.clear()
      formerCounters.clear()
      fingerprints.clear()
      return
    }
    fingerprints.delete(endpointId)
    for (const map of [counters, formerCounters]) {
      for (const [key, counter] of map) {
        if (counter.endpointId === endpointId) map.delete(key)
      }
    }
  }

  /** The counter an earlier version saved for this delivery, removed from those still waiting; `undefined` when none. */
  function takeFormerCounter(endpointId: string, deliveryKey: string): Counter | undefined {
    if (formerCounters.size === 0) return undefined
    // Its own key first (an id that was never rounded kept its key), then the forms earlier versions gave it.
    for (const former of indexedDeliveryKeysOf(deliveryKey)) {
      const key = keyOf(endpointId, former)
      const counter = formerCounters.get(key)
      if (counter !== undefined) {
        formerCounters.delete(key)
        return counter
      }
    }
    return undefined
  }

  return {
    nextStep(endpointId, deliveryKey, sequence) {
      const fingerprint = fingerprintOf(sequence)
      if (fingerprints.get(endpointId) !== fingerprint) {
        forget(endpointId)
        fingerprints.set(endpointId, fingerprint)
      }
      const key = keyOf(endpointId, deliveryKey)
      const stepCount = sequence.steps.length
      const previous = counters.get(key) ?? takeFormerCounter(endpointId, deliveryKey)
      let step: number
      if (previous === undefined) {
        step = 1
      } else {
        counters.delete(key)
        switch (sequence.afterLast) {
          case 'repeat-last':
            step = Math.min(previous.lastStep + 1, stepCount)
            break
          case 'restart':
            step = previous.lastStep >= stepCount ? 1 : previous.lastStep + 1
            break
          default:
            return assertNever(sequence.afterLast)
        }
      }
      counters.set(key, { endpointId, deliveryKey, lastStep: step })
      if (counters.size > maxKeys) {
        const oldest = counters.keys().next()
        if (oldest.done !== true) counters.delete(oldest.value)
      }
      onChange()
      return step
    },
    reset(endpointId) {
      forget(endpointId)
      onChange()
    },
    get size() {
      return counters.size + formerCounters.size
    },
    snapshot() {
      return {
        fingerprints: [...fingerprints].map(([endpointId, fingerprint]) => ({ endpointId, fingerprint })),
        counters: [...counters.values()].map((counter) => ({ ...counter })),
        formerCounters: [...formerCounters.values()].map((counter) => ({ ...counter })),
      }
    },
  }
}
