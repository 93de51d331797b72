/**
 * The delivery key is computed once, in the capture pipeline, and passed to the store's delivery
 * index and the live `capture-received` view: each must agree with the key the stored record
 * gives (a refused request's key names its own capture id), so the Delivery view finds every
 * attempt whether it was built from the live event or from the store.
 */
import { expect } from 'vitest'
import type { CaptureSummary } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'

const test = useInspector({ config: { maxBodyBytes: 200 } })

test('the live view, the stored record and the delivery index agree on each capture’s delivery key', async ({ inspector, events }) => {
  const deliver = async (body: string) =>
    (
      await send(`${inspector.receiverUrl}/default/callbacks`, {
        method: 'POST',
        headers: [['Content-Type', 'application/json; charset=utf-8']],
        body,
      })
    ).status
  const ixopay = '{"result":"OK","uuid":"tx-1","merchantTransactionId":"order-1","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}'
  expect(await deliver(ixopay)).toBe(200)
  expect(await deliver(ixopay)).toBe(200)
  expect(await deliver('{"hello":"world"}')).toBe(200)
  expect(await deliver(JSON.stringify({ padding: 'x'.repeat(300) }))).toBe(413)

  const live = events.flatMap((event) => (event.type === 'capture-received' ? [event.capture] : []))
  expect(live).toHaveLength(4)
  const stored = new Map<string, CaptureSummary>()
  for (const capture of (await inspector.procedures.listCaptures({})).items) stored.set(capture.id, capture)
  for (const capture of live) expect(stored.get(capture.id)?.deliveryKey).toBe(capture.deliveryKey)
  expect(live[0]!.deliveryKey).toBe(live[1]!.deliveryKey)
  expect(live[2]!.deliveryKey).toMatch(/^sha256:[0-9a-f]{64}$/)
  expect(live[2]!.deliveryKey).not.toBe(live[0]!.deliveryKey)
  expect(live[3]!.deliveryKey).toBe(`refused:${live[3]!.id}`)
  // The store indexed the key it was given: both attempts are found from either capture.
  for (const capture of live.slice(0, 2)) {
    const delivery = await inspector.procedures.getDelivery({ captureId: capture.id })
    expect(delivery.attempts.map((attempt) => attempt.id)).toEqual([live[0]!.id, live[1]!.id])
  }
  expect((await inspector.procedures.getDelivery({ captureId: live[3]!.id })).attempts.map((attempt) => attempt.id)).toEqual([live[3]!.id])
})

test('two CHIP events of one purchase with one event type are two deliveries unless they share updated_on', async ({ inspector, events }) => {
  // CHIP dedupes on (id, event_type, updated_on) (providers.md §2.4): a retry resends the same
  // snapshot; a second failed payment of the same purchase is a new event with a new updated_on.
  const deliver = async (updatedOn: number) =>
    (
      await send(`${inspector.receiverUrl}/default/callbacks`, {
        method: 'POST',
        // An RSA-2048-sized X-Signature: recognised as CHIP (no key is configured, so not verified).
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Signature', Buffer.alloc(256, 7).toString('base64')],
        ],
        body: `{"id":"5a1b","type":"purchase","event_type":"purchase.payment_failure","status":"error","updated_on":${updatedOn}}`,
      })
    ).status
  expect(await deliver(1700000000)).toBe(200)
  expect(await deliver(1700000000)).toBe(200)
  expect(await deliver(1700000090)).toBe(200)
  const live = events.flatMap((event) => (event.type === 'capture-received' ? [event.capture] : []))
  expect(live.map((capture) => capture.recognition?.provider.id)).toEqual(['chip', 'chip', 'chip'])
  expect(live[0]!.deliveryKey).toBe('chip:5a1b:purchase.payment_failure:error:1700000000')
  expect(live[1]!.deliveryKey).toBe(live[0]!.deliveryKey)
  expect(live[2]!.deliveryKey).toBe('chip:5a1b:purchase.payment_failure:error:1700000090')
  const stored = new Map((await inspector.procedures.listCaptures({})).items.map((capture) => [capture.id, capture.deliveryKey]))
  for (const capture of live) expect(stored.get(capture.id)).toBe(capture.deliveryKey)
  expect((await inspector.procedures.getDelivery({ captureId: live[2]!.id })).attempts.map((attempt) => attempt.id)).toEqual([live[2]!.id])
  expect((await inspector.procedures.getDelivery({ captureId: live[0]!.id })).attempts.map((attempt) => attempt.id)).toEqual([live[0]!.id, live[1]!.id])
})
