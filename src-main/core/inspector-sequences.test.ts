/** Answer sequences across a restart: a provider's retries go on for hours, so the counters must too. */
import { afterEach, expect } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { startInspector, type Inspector } from './inspector'
import { silentLogger } from './logger'

// The app is started and stopped by hand on the fixture's folder: the test restarts it.
const test = useInspector()
let inspector: Inspector | undefined
afterEach(async () => {
  await inspector?.stop()
  inspector = undefined
})

const start = async (dataDir: string) => (inspector = await startInspector({ dataDir, receiverPort: 0, version: 'test' }, { logger: silentLogger }))

async function deliver(current: Inspector, transaction: string): Promise<number> {
  const body = JSON.stringify({ result: 'OK', uuid: transaction, merchantTransactionId: `order-${transaction}`, transactionType: 'DEBIT' })
  const response = await send(`${current.receiverUrl}/default/callbacks`, { method: 'POST', headers: [['content-type', 'application/json']], body })
  return response.status
}

test('goes on with "500 twice, then 200" after a restart, per delivery, until reset', async ({ dataDir }) => {
  let current = await start(dataDir)
  const [endpoint] = await current.procedures.listEndpoints({})
  await current.procedures.setAnswerConfig({
    endpointId: endpoint!.id,
    config: {
      defaultAnswer: 'provider-default',
      rules: [],
      sequence: {
        enabled: true,
        afterLast: 'repeat-last',
        steps: [
          { kind: 'respond', status: 500 },
          { kind: 'respond', status: 500 },
          { kind: 'respond', status: 200, body: { text: 'OK' } },
        ],
      },
      failureRate: null,
    },
  })
  expect(await deliver(current, 'tx-a')).toBe(500)
  expect(await deliver(current, 'tx-b')).toBe(500)
  expect(await deliver(current, 'tx-a')).toBe(500)

  await current.stop()
  current = await start(dataDir)
  expect(await deliver(current, 'tx-a')).toBe(200)
  expect(await deliver(current, 'tx-b')).toBe(500)
  expect(await deliver(current, 'tx-b')).toBe(200)

  await current.procedures.resetAnswerSequence({ endpointId: endpoint!.id })
  await current.stop()
  current = await start(dataDir)
  expect(await deliver(current, 'tx-a')).toBe(500)
})
