/**
 * The delivery facts cache over the real store: a change to one delivery (a new attempt, one
 * deleted, annotated or recognised again) drops what is kept of that delivery only, so while
 * callbacks of other deliveries keep arriving a delivery's pages keep their facts; and whatever is
 * kept, each answer is what the store itself gives at that moment.
 */
import { describe, expect } from 'vitest'
import type { CaptureRecognition } from '../../shared/views'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore } from '../store/capture-store'
import { DELIVERY_CHANGES_KEPT } from '../store/delivery-change-log'
import { cachingDeliveryFacts } from './delivery-facts-cache'

const test = useCaptureStore({ now: () => new Date('2026-12-06T08:00:00.000Z') })

/** The cache over `store`, counting the deliveries it had to gather facts for (each a pass over memory). */
function counted(store: CaptureStore) {
  const gatheredFor: string[] = []
  const facts = cachingDeliveryFacts({
    revision: () => store.revision(),
    deliveryHashesChangedSince: (revision) => store.deliveryHashesChangedSince(revision),
    deliveryAttemptFacts: (deliveries) => {
      gatheredFor.push(...deliveries.map(({ deliveryKey }) => deliveryKey))
      return store.deliveryAttemptFacts(deliveries)
    },
  })
  /** The cached answer, checked against the store's own, and whether it had to be gathered. */
  const ask = async (deliveryKey: string) => {
    const before = gatheredFor.length
    const [cached] = await facts([{ deliveryKey, endpointId: 'e1' }])
    const [truth] = await store.deliveryAttemptFacts([{ deliveryKey, endpointId: 'e1' }])
    expect(cached).toEqual(truth)
    return { ids: cached!.map((fact) => fact.id), statuses: cached!.map((fact) => fact.answerStatus), gathered: gatheredFor.length > before }
  }
  return { ask }
}

/** A capture of the delivery made of identical bodies `name` (no sender recognised: the key is the body's hash). */
async function arrive(store: CaptureStore, name: string): Promise<{ id: string; key: string }> {
  const body = Buffer.from(`{"ping":"${name}"}`)
  const stored = await store.append(testCapture(body), body)
  return { id: stored.id, key: `sha256:${stored.body.sha256}` }
}

/** Recognised as Stripe's event `eventId`: its delivery becomes that event's. */
function stripeEvent(eventId: string): CaptureRecognition {
  return {
    provider: { id: 'stripe', name: 'Stripe', variant: null },
    verdict: { status: 'valid', reason: null, message: 'signature valid' },
    summary: { eventType: null, status: null, objectId: null, eventId, reference: null, amount: null, paymentMethod: null, signalOnly: false },
  }
}

describe('delivery facts kept across changes to other deliveries', () => {
  test('a new capture drops the facts of its own delivery only', async ({ openStore }) => {
    const store = await openStore()
    const a1 = await arrive(store, 'a')
    const b1 = await arrive(store, 'b')
    const { ask } = counted(store)
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id], gathered: true })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: true })

    // Callbacks of another delivery keep arriving: a's facts are kept (before: gathered again after each).
    const others: string[] = [b1.id]
    for (let index = 0; index < 5; index++) others.push((await arrive(store, 'b')).id)
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id], gathered: false })
    expect(await ask(b1.key)).toMatchObject({ ids: others, gathered: true })

    // A new attempt of a: its facts are gathered again and show it; b's are kept.
    const a2 = await arrive(store, 'a')
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id, a2.id], gathered: true })
    expect(await ask(b1.key)).toMatchObject({ ids: others, gathered: false })
  })

  test('a deleted capture drops the facts of its delivery only', async ({ openStore }) => {
    const store = await openStore()
    const [a1, a2, b1, b2] = [await arrive(store, 'a'), await arrive(store, 'a'), await arrive(store, 'b'), await arrive(store, 'b')]
    const { ask } = counted(store)
    await ask(a1.key)
    await ask(b1.key)

    await store.deleteMany([b2.id])
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id, a2.id], gathered: false })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: true })

    await store.deleteMany([a1.id])
    expect(await ask(a1.key)).toMatchObject({ ids: [a2.id], gathered: true })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: false })
  })

  test('an annotation drops the facts of its capture’s delivery only, and its new answer shows', async ({ openStore }) => {
    const store = await openStore()
    const [a1, b1] = [await arrive(store, 'a'), await arrive(store, 'b')]
    const { ask } = counted(store)
    expect((await ask(a1.key)).statuses).toEqual([200])
    await ask(b1.key)

    // A pass-through forward's capture gets the answer that was sent.
    const response = { kind: 'respond' as const, status: 502, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' as const } }
    await store.annotate(a1.id, { response })
    expect(await ask(a1.key)).toMatchObject({ statuses: [502], gathered: true })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: false })

    await store.annotate(b1.id, { note: 'look', pinned: true })
    expect(await ask(a1.key)).toMatchObject({ statuses: [502], gathered: false })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: true })
  })

  test('a capture recognised again drops the facts of the delivery it leaves and of the one it joins', async ({ openStore }) => {
    const store = await openStore()
    const [a1, a2, b1, c1] = [await arrive(store, 'a'), await arrive(store, 'a'), await arrive(store, 'b'), await arrive(store, 'c')]
    const { ask } = counted(store)
    // Stripe's event evt_1 already has an attempt: c1, recognised as it.
    await store.updateRecognitions([{ id: c1.id, recognition: stripeEvent('evt_1') }])
    const event = (await store.get(c1.id))!.deliveryKey
    expect(event).not.toBe(c1.key)
    await ask(a1.key)
    await ask(b1.key)
    expect(await ask(event)).toMatchObject({ ids: [c1.id], gathered: true })

    // a2 leaves a for evt_1 (oldest first, it comes before c1): both are gathered again, b is kept.
    await store.updateRecognitions([{ id: a2.id, recognition: stripeEvent('evt_1') }])
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id], gathered: true })
    expect(await ask(event)).toMatchObject({ ids: [a2.id, c1.id], gathered: true })
    expect(await ask(b1.key)).toMatchObject({ ids: [b1.id], gathered: false })
  })

  test('more changes than are remembered between two asks: everything is gathered again, and right', async ({ openStore }) => {
    const store = await openStore()
    const a1 = await arrive(store, 'a')
    const { ask } = counted(store)
    await ask(a1.key)
    for (let index = 0; index <= DELIVERY_CHANGES_KEPT; index++) await arrive(store, `other-${index}`)
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id], gathered: true })
    expect(await ask(a1.key)).toMatchObject({ ids: [a1.id], gathered: false })
  }, 60_000)

  test('facts gathered while their delivery changed are not kept; those of another delivery are', async ({ openStore }) => {
    const store = await openStore()
    const [a1, b1] = [await arrive(store, 'a'), await arrive(store, 'b')]
    let during: (() => Promise<unknown>) | null = null
    const gathered: string[] = []
    const facts = cachingDeliveryFacts({
      revision: () => store.revision(),
      deliveryHashesChangedSince: (revision) => store.deliveryHashesChangedSince(revision),
      deliveryAttemptFacts: async (deliveries) => {
        gathered.push(...deliveries.map(({ deliveryKey }) => deliveryKey))
        const found = await store.deliveryAttemptFacts(deliveries)
        const change = during
        during = null
        await change?.()
        return found
      },
    })
    const idsOf = async (key: string) => (await facts([{ deliveryKey: key, endpointId: 'e1' }]))[0]!.map((fact) => fact.id)

    // While a's facts are gathered, another attempt of a arrives: they are handed back, not kept.
    let a2 = ''
    during = async () => (a2 = (await arrive(store, 'a')).id)
    expect(await idsOf(a1.key)).toEqual([a1.id])
    expect(await idsOf(a1.key)).toEqual([a1.id, a2])
    expect(gathered).toEqual([a1.key, a1.key])

    // While b's are gathered, a capture of c arrives: b's are kept, and a's too.
    during = () => arrive(store, 'c')
    expect(await idsOf(b1.key)).toEqual([b1.id])
    expect(await idsOf(b1.key)).toEqual([b1.id])
    expect(await idsOf(a1.key)).toEqual([a1.id, a2])
    expect(gathered).toEqual([a1.key, a1.key, b1.key])
  })
})
