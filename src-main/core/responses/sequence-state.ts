import type { Sequence } from '../../shared/responses'
import { assertNever } from './assert-never'

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
}

interface Counter {
  endpointId: string
  lastStep: number
}

/** Creates an empty {@link SequenceState}; the app keeps one in memory (counters do not survive a restart). */
export function createSequenceState(options: { maxKeys?: number } = {}): SequenceState {
  const maxKeys = options.maxKeys ?? MAX_SEQUENCE_KEYS
  // A Map iterates in insertion order; deleting and re-inserting on use makes it an LRU.
  const counters = new Map<string, Counter>()
  const fingerprints = new Map<string, string>()
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

  function reset(endpointId?: string): void {
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
        reset(endpointId)
        fingerprints.set(endpointId, fingerprint)
      }
      // JSON of the pair cannot collide, whatever characters the ids hold.
      const key = JSON.stringify([endpointId, deliveryKey])
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
      counters.set(key, { endpointId, lastStep: step })
      if (counters.size > maxKeys) {
        const oldest = counters.keys().next()
        if (oldest.done !== true) counters.delete(oldest.value)
      }
      return step
    },
    reset,
    get size() {
      return counters.size
    },
  }
}
