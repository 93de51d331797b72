/** Answer sequences across a restart: a provider's retries go on for hours, so the counters must too. */
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
