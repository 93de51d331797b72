/**
 * The attempt facts of deliveries (`store.deliveryAttemptFacts`), kept while the store's revision
 * stays the same. Every page of a delivery's Delivery view, and every page of the grouped list,
 * asked for them again, and each ask is a pass over what memory holds of every capture (and the
 * facts of a delivery of thousands of attempts built again): paging through one delivery, or
 * scrolling the grouped list, repeated that pass on each page though nothing had changed.
 *
 * Sound because the facts are derived from memory alone, and the store's revision changes with
 * every change of what memory knows of any capture (added, deleted, annotated, recognised again,
 * found damaged): a fact set gathered at one revision is the answer for as long as it lasts. Facts
 * gathered while the revision moved are handed back but not kept.
 */
import type { CaptureStore, DeliveryAttemptFact } from '../store/capture-store'

/** What the cache reads of the store. */
export type DeliveryFactsStore = Pick<CaptureStore, 'deliveryAttemptFacts' | 'revision'>

/**
 * Facts kept at most, over all deliveries: a delivery of 20,000 attempts (a ping retried for
 * ever) is a few megabytes of them. The deliveries asked longest ago go first.
 */
export const MAX_KEPT_DELIVERY_FACTS = 100_000

/** `store.deliveryAttemptFacts`, answered from what was gathered at the store's current revision where it can be. */
export function cachingDeliveryFacts(store: DeliveryFactsStore): CaptureStore['deliveryAttemptFacts'] {
  /** By delivery (endpoint and key), in the order asked (the oldest first, to be dropped first). */
  const kept = new Map<string, DeliveryAttemptFact[]>()
  let keptRevision = store.revision()
  let keptFacts = 0

  function keep(key: string, facts: DeliveryAttemptFact[]): void {
    if (facts.length > MAX_KEPT_DELIVERY_FACTS) return
    keptFacts += facts.length
    kept.set(key, facts)
    for (const [oldest, oldestFacts] of kept) {
      if (keptFacts <= MAX_KEPT_DELIVERY_FACTS) break
      kept.delete(oldest)
      keptFacts -= oldestFacts.length
    }
  }

  return async (deliveries) => {
    const revision = store.revision()
    if (revision !== keptRevision) {
      kept.clear()
      keptFacts = 0
      keptRevision = revision
    }
    const keys = deliveries.map(({ endpointId, deliveryKey }) => JSON.stringify([endpointId, deliveryKey]))
    const missing = new Map<string, { deliveryKey: string; endpointId: string }>()
    keys.forEach((key, index) => {
      if (!kept.has(key)) missing.set(key, deliveries[index] as { deliveryKey: string; endpointId: string })
    })
    const gathered = new Map<string, DeliveryAttemptFact[]>()
    if (missing.size > 0) {
      const facts = await store.deliveryAttemptFacts([...missing.values()])
      const stillCurrent = store.revision() === revision && keptRevision === revision
      ;[...missing.keys()].forEach((key, index) => {
        const found = facts[index] ?? []
        gathered.set(key, found)
        if (stillCurrent) keep(key, found)
      })
    }
    // Copies: a caller sorting or filtering its list must not change what is kept.
    return keys.map((key) => [...(gathered.get(key) ?? kept.get(key) ?? [])])
  }
}
