/** Answer sequences across a restart: a provider's retries go on for hours, so the counters must too. */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { FAIL_TWICE_THEN_OK } from '../test-support/answer-configs'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'

// The test restarts the app, so it starts and stops it through `app`.
const test = useInspector()

async function deliver(current: Inspector, transaction: string): Promise<number> {
  const body = JSON.stringify({ result: 'OK', uuid: transaction, merchantTransactionId: `order-${transaction}`, transactionType: 'DEBIT' })
  const response = await send(`${current.receiverUrl}/default/callbacks`, { method: 'POST', headers: [['content-type', 'application/json']], body })
  return response.status
}

test('goes on with "500 twice, then 200" after a restart, per delivery, until reset', async ({ app }) => {
  let current = await app.start()
  const [endpoint] = await current.procedures.listEndpoints({})
  await current.procedures.setAnswerConfig({ endpointId: endpoint!.id, config: FAIL_TWICE_THEN_OK })
  expect(await deliver(current, 'tx-a')).toBe(500)
  expect(await deliver(current, 'tx-b')).toBe(500)
  expect(await deliver(current, 'tx-a')).toBe(500)

  await app.stop()
  current = await app.start()
  expect(await deliver(current, 'tx-a')).toBe(200)
  expect(await deliver(current, 'tx-b')).toBe(500)
  expect(await deliver(current, 'tx-b')).toBe(200)

  await current.procedures.resetAnswerSequence({ endpointId: endpoint!.id })
  await app.stop()
  current = await app.start()
  expect(await deliver(current, 'tx-a')).toBe(500)
})

test('keeps the counters an earlier version saved under a rounded id past 2^53, for that delivery only', async ({ app, dataDir }) => {
  // Paystack transaction ids are JSON numbers; these two are different transactions that JSON.parse reads as one value.
  const exact = '12345678901234567890'
  const neighbour = '12345678901234567891'
  const deliverPaystack = async (current: Inspector, id: string): Promise<number> => {
    const body = `{"event":"charge.success","data":{"id":${id},"status":"success","reference":"ref-${id}","amount":50000,"currency":"NGN"}}`
    const headers: Array<[string, string]> = [
      ['content-type', 'application/json'],
      ['x-paystack-signature', 'a'.repeat(128)],
    ]
    return (await send(`${current.receiverUrl}/default/callbacks`, { method: 'POST', headers, body })).status
  }
  let current = await app.start()
  const [endpoint] = await current.procedures.listEndpoints({})
  await current.procedures.setAnswerConfig({ endpointId: endpoint!.id, config: FAIL_TWICE_THEN_OK })
  expect(await deliverPaystack(current, exact)).toBe(500)
  expect(await deliverPaystack(current, exact)).toBe(500)
  await app.stop()

  // The file as versions before exact-digit keys wrote it: no `deliveryKeys`, the id rounded in the key.
  const file = join(dataDir, 'answer-sequences.json')
  const saved = JSON.parse(await readFile(file, 'utf8')) as { deliveryKeys?: string; formerCounters?: unknown; counters: Array<{ deliveryKey: string }> }
  expect(saved.counters.map((counter) => counter.deliveryKey)).toEqual([`paystack:charge.success:${exact}:success`])
  const { deliveryKeys: _marker, formerCounters: _former, ...earlier } = saved
  earlier.counters = saved.counters.map((counter) => ({ ...counter, deliveryKey: counter.deliveryKey.replace(exact, String(Number(exact))) }))
  await writeFile(file, JSON.stringify(earlier))

  current = await app.start()
  expect(await deliverPaystack(current, exact)).toBe(200)
  expect(await deliverPaystack(current, neighbour)).toBe(500)
  await app.stop()
  current = await app.start()
  expect(await deliverPaystack(current, exact)).toBe(200)
  expect(await deliverPaystack(current, neighbour)).toBe(500)
  expect(await deliverPaystack(current, neighbour)).toBe(200)
})

test('keeps the counters the version before saved under a CHIP key without updated_on, for that event only', async ({ app, dataDir }) => {
  // Two failed payment attempts on one purchase: one event type and status, told apart by updated_on.
  const deliverChip = async (current: Inspector, updatedOn: number): Promise<number> => {
    const body = `{"id":"p-1","type":"purchase","event_type":"purchase.payment_failure","status":"error","updated_on":${updatedOn}}`
    const headers: Array<[string, string]> = [
      ['content-type', 'application/json'],
      ['x-signature', Buffer.alloc(256, 7).toString('base64')],
    ]
    return (await send(`${current.receiverUrl}/default/callbacks`, { method: 'POST', headers, body })).status
  }
  let current = await app.start()
  const [endpoint] = await current.procedures.listEndpoints({})
  await current.procedures.setAnswerConfig({ endpointId: endpoint!.id, config: FAIL_TWICE_THEN_OK })
  expect(await deliverChip(current, 1700000000)).toBe(500)
  expect(await deliverChip(current, 1700000000)).toBe(500)
  await app.stop()

  // The file as the version before wrote it: `exact-digits`, the CHIP key without updated_on.
  const file = join(dataDir, 'answer-sequences.json')
  const saved = JSON.parse(await readFile(file, 'utf8')) as { deliveryKeys?: string; counters: Array<{ deliveryKey: string }> }
  expect(saved.counters.map((counter) => counter.deliveryKey)).toEqual(['chip:p-1:purchase.payment_failure:error:1700000000'])
  saved.deliveryKeys = 'exact-digits'
  saved.counters = saved.counters.map((counter) => ({ ...counter, deliveryKey: counter.deliveryKey.replace(/:1700000000$/, '') }))
  await writeFile(file, JSON.stringify(saved))

  current = await app.start()
  expect(await deliverChip(current, 1700000000)).toBe(200)
  expect(await deliverChip(current, 1700000090)).toBe(500)
  await app.stop()
  current = await app.start()
  expect(await deliverChip(current, 1700000000)).toBe(200)
  expect(await deliverChip(current, 1700000090)).toBe(500)
  expect(await deliverChip(current, 1700000090)).toBe(200)
})
