import type { Sequence } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'

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
      fingerprints.clear()
      return
    }
    fingerprints.delete(endpointId)
    for (const [key, counter] of counters) {
      if (counter.endpointId === endpointId) counters.delete(key)
    }
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
      const previous = counters.get(key)
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
      return counters.size
    },
    snapshot() {
      return {
        fingerprints: [...fingerprints].map(([endpointId, fingerprint]) => ({ endpointId, fingerprint })),
        counters: [...counters.values()].map((counter) => ({ ...counter })),
      }
    },
  }
}
