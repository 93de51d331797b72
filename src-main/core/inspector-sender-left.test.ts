/** A capture whose sender hung up while its (delayed or held) answer was pending says so. */
import { request } from 'node:http'
import { expect } from 'vitest'
import type { CaptureSummary } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'

const test = useInspector()

/** Sends a POST and gives up (destroys the socket) after `giveUpMs`. */
function sendAndGiveUp(url: string, giveUpMs: number): Promise<void> {
  return new Promise((resolve) => {
    const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } })
    outgoing.on('error', () => resolve())
    outgoing.end('{"a":1}')
    setTimeout(() => {
      outgoing.destroy()
      resolve()
    }, giveUpMs)
  })
}

async function answerWith(current: Inspector, answer: Record<string, unknown>): Promise<string> {
  const [endpoint] = await current.procedures.listEndpoints({})
  await current.procedures.setAnswerConfig({
    endpointId: endpoint!.id,
    config: { defaultAnswer: answer, rules: [], sequence: null, failureRate: null },
  })
  return endpoint!.id
}

test('records when the sender left during a delay, and tells the views', async ({ inspector: current }) => {
  const endpointId = await answerWith(current, { kind: 'respond', status: 200, delayMs: 2000 })
  const updates: CaptureSummary[] = []
  current.events.subscribe((event) => {
    if (event.type === 'capture-updated') updates.push(event.capture)
  })
  await sendAndGiveUp(`${current.receiverUrl}/default/late`, 300)
  await expect.poll(() => updates.length, { timeout: 3000 }).toBe(1)
  const [capture] = (await current.procedures.listCaptures({ endpointId })).items
  expect(capture?.senderLeftAt).not.toBeNull()
  const leftAfterMs = Date.parse(capture!.senderLeftAt!) - Date.parse(capture!.receivedAt)
  expect(leftAfterMs).toBeGreaterThanOrEqual(200)
  expect(leftAfterMs).toBeLessThan(2000)
  expect(updates[0]?.id).toBe(capture?.id)

  // A sender that waits for its answer did not leave.
  await send(`${current.receiverUrl}/default/patient`, { method: 'POST', body: '{}' })
  const [patient] = (await current.procedures.listCaptures({ endpointId, limit: 1 })).items
  expect(patient?.senderLeftAt).toBeNull()
})

test('records a sender that gave up on an answer held open', async ({ inspector: current }) => {
  const endpointId = await answerWith(current, { kind: 'hang' })
  await sendAndGiveUp(`${current.receiverUrl}/default/held`, 200)
  await expect.poll(async () => (await current.procedures.listCaptures({ endpointId })).items[0]?.senderLeftAt ?? null, { timeout: 3000 }).not.toBeNull()
})
