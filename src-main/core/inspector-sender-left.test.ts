/**
 * A capture whose sender hung up while its (delayed or held) answer was pending says so.
 *
 * The sender leaves once its capture is stored (the answer is then certainly pending), not after a
 * fixed time: on a busy machine a fixed time can run out before the request has even arrived. The
 * app's clock moves only when the test moves it, so the time the sender left is known exactly.
 */
import { request } from 'node:http'
import { expect } from 'vitest'
import type { CaptureSummary } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { waitFor } from '../test-support/wait-for'
import type { Inspector } from './inspector'

let clockMs = Date.parse('2026-03-02T10:00:00.000Z')
const test = useInspector({ deps: { now: () => new Date(clockMs) } })

/** Longer than any test: the answer is still pending whenever the sender leaves (stopping the app ends it). */
const PENDING_FOR_THE_WHOLE_TEST_MS = 60_000

/**
 * Sends a POST to `path`, waits until the app has stored its capture (its answer is then pending),
 * moves the app's clock on by `leaveAfterMs`, and hangs up without waiting for the answer.
 */
async function sendAndLeaveOnceStored(current: Inspector, path: string, leaveAfterMs: number): Promise<void> {
  let unsubscribe = (): void => undefined
  const stored = new Promise<void>((resolve) => {
    unsubscribe = current.events.subscribe((event) => {
      if (event.type === 'capture-received') resolve()
    })
  })
  const outgoing = request(`${current.receiverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } })
  let answered = false
  outgoing.on('response', () => {
    answered = true
  })
  outgoing.on('error', () => undefined)
  outgoing.end('{"a":1}')
  try {
    await stored
  } finally {
    unsubscribe()
  }
  expect(answered).toBe(false)
  clockMs += leaveAfterMs
  outgoing.destroy()
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
  const endpointId = await answerWith(current, { kind: 'respond', status: 200, delayMs: PENDING_FOR_THE_WHOLE_TEST_MS })
  const updates: CaptureSummary[] = []
  current.events.subscribe((event) => {
    if (event.type === 'capture-updated') updates.push(event.capture)
  })
  await sendAndLeaveOnceStored(current, '/default/late', 700)
  await waitFor(() => (updates.length > 0 ? updates : undefined))
  const [capture] = (await current.procedures.listCaptures({ endpointId })).items
  // The time it left (700 ms on the app's clock after it arrived), not the time it arrived.
  expect(capture?.senderLeftAt).toBe(new Date(Date.parse(capture!.receivedAt) + 700).toISOString())
  expect(updates.map((update) => ({ id: update.id, senderLeftAt: update.senderLeftAt }))).toEqual([{ id: capture!.id, senderLeftAt: capture!.senderLeftAt }])

  // A sender that waits for its (delayed) answer did not leave.
  await answerWith(current, { kind: 'respond', status: 200, delayMs: 500 })
  expect((await send(`${current.receiverUrl}/default/patient`, { method: 'POST', body: '{}' })).status).toBe(200)
  const [patient] = (await current.procedures.listCaptures({ endpointId, limit: 1 })).items
  expect(patient?.target).toBe('/default/patient')
  expect(patient?.senderLeftAt).toBeNull()
})

test('records a sender that gave up on an answer held open', async ({ inspector: current }) => {
  const endpointId = await answerWith(current, { kind: 'hang' })
  await sendAndLeaveOnceStored(current, '/default/held', 200)
  const leftAt = await waitFor(async () => (await current.procedures.listCaptures({ endpointId })).items[0]?.senderLeftAt ?? undefined)
  const [capture] = (await current.procedures.listCaptures({ endpointId })).items
  expect(leftAt).toBe(new Date(Date.parse(capture!.receivedAt) + 200).toISOString())
})
