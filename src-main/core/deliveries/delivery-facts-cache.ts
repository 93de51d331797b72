/**
 * The attempt facts of deliveries (`store.deliveryAttemptFacts`), kept until a change touches the
 * delivery. Every page of a delivery's Delivery view, and every page of the grouped list, asked for
 * them again, and each ask is a pass over what memory holds of every capture (and the facts of a
 * delivery of thousands of attempts built again): paging through one delivery, or scrolling the
 * grouped list, repeated that pass on each page though nothing had changed.
 *
 * Sound because the facts are derived from memory alone, and every change of what memory knows of
 * a capture (added, deleted, annotated, recognised again, found damaged) moves the store's revision
 * and names the deliveries it touched by the hash of their key (`deliveryHashesChangedSince`, a
 * capture recognised again naming both its old and its new one), or says it touched them all (a
 * segment dropped by retention or taken in whole, or more changes than are remembered). Before
 * answering, what is kept of each delivery touched since the last ask is dropped; facts gathered
 * while a change touched their delivery are handed back but not kept. Kept only by revision, a
 * new capture of any delivery dropped them all, so while callbacks kept arriving (a sandbox
 * session) the cache almost never answered.
 */
import type { CaptureStore, DeliveryAttemptFact } from '../store/capture-store'
import { indexedHashesOf } from '../store/delivery-lookups'

/** What the cache reads of the store. */
export type DeliveryFactsStore = Pick<CaptureStore, 'deliveryAttemptFacts' | 'revision' | 'deliveryHashesChangedSince'>

/**
 * Facts kept at most, over all deliveries: a delivery of 20,000 attempts (a ping retried for
 * ever) is a few megabytes of them. The deliveries asked longest ago go first.
 */
export const MAX_KEPT_DELIVERY_FACTS = 100_000

interface Kept {
  facts: DeliveryAttemptFact[]
  /** The hashes its attempts are indexed under (a change naming one of them drops it). */
  hashes: ReadonlySet<number>
}

/** `store.deliveryAttemptFacts`, answered from what was gathered since the last change to each delivery where it can be. */
export function cachingDeliveryFacts(store: DeliveryFactsStore): CaptureStore['deliveryAttemptFacts'] {
  /** By delivery (endpoint and key), in the order asked (the oldest first, to be dropped first). */
  const kept = new Map<string, Kept>()
  /** The revision `kept` is up to date with. */
  let keptRevision = store.revision()
  let keptFacts = 0

  function drop(key: string): void {
    const gone = kept.get(key)
    if (gone === undefined) return
    kept.delete(key)
    keptFacts -= gone.facts.length
  }

  /** Drops what changed since `keptRevision`. */
  function catchUp(): void {
    const revision = store.revision()
    if (revision === keptRevision) return
    const changed = store.deliveryHashesChangedSince(keptRevision)
    keptRevision = revision
    if (changed === 'all') {
      kept.clear()
      keptFacts = 0
      return
    }
    if (changed.size === 0) return
    for (const [key, { hashes }] of kept) if ([...hashes].some((hash) => changed.has(hash))) drop(key)
  }

  function keep(key: string, entry: Kept): void {
    if (entry.facts.length > MAX_KEPT_DELIVERY_FACTS) return
    keptFacts += entry.facts.length
    kept.set(key, entry)
    for (const [oldest, oldestEntry] of kept) {
      if (keptFacts <= MAX_KEPT_DELIVERY_FACTS) break
      kept.delete(oldest)
      keptFacts -= oldestEntry.facts.length
    }
  }

  return async (deliveries) => {
    catchUp()
    const askedAt = store.revision()
    const keys = deliveries.map(({ endpointId, deliveryKey }) => JSON.stringify([endpointId, deliveryKey]))
    const missing = new Map<string, { deliveryKey: string; endpointId: string }>()
    keys.forEach((key, index) => {
      if (!kept.has(key)) missing.set(key, deliveries[index] as { deliveryKey: string; endpointId: string })
    })
    const gathered = new Map<string, DeliveryAttemptFact[]>()
    if (missing.size > 0) {
      const facts = await store.deliveryAttemptFacts([...missing.values()])
      // What changed while they were gathered: kept facts of the deliveries touched go, and the
      // gathered facts of those are handed back without being kept (they may predate the change).
      catchUp()
      const changedMeanwhile = store.deliveryHashesChangedSince(askedAt)
      ;[...missing.entries()].forEach(([key, { deliveryKey }], index) => {
        const found = facts[index] ?? []
        gathered.set(key, found)
        if (changedMeanwhile === 'all') return
        const hashes = indexedHashesOf(deliveryKey)
        if ([...hashes].some((hash) => changedMeanwhile.has(hash))) return
        drop(key)
        keep(key, { facts: found, hashes })
      })
    }
    // Copies: a caller sorting or filtering its list must not change what is kept.
    return keys.map((key) => [...(gathered.get(key) ?? kept.get(key)?.facts ?? [])])
  }
}
