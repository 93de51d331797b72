/**
 * A capture whose delayed or held answer the app's own stop cut short says so: the connection was
 * closed without the answer it records, and after a restart the capture still says when the app
 * stopped (it read "answered 200 after 60 s" as if the sender had got it).
 */
import { request } from 'node:http'
import { expect } from 'vitest'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'

const test = useInspector()

/** Sends a POST to `path` and resolves once the app has stored it (its answer is then pending); `closed` settles when the connection ends. */
async function sendAndWaitUntilStored(app: Inspector, path: string): Promise<{ closed: Promise<'answered' | 'closed'> }> {
  let unsubscribe = (): void => undefined
  const stored = new Promise<void>((resolve) => {
    unsubscribe = app.events.subscribe((event) => {
      if (event.type === 'capture-received' && event.capture.target === path) resolve()
    })
  })
  const outgoing = request(`${app.receiverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } })
  const closed = new Promise<'answered' | 'closed'>((resolve) => {
    outgoing.on('response', () => resolve('answered'))
    outgoing.on('error', () => resolve('closed'))
  })
  outgoing.end('{"a":1}')
  try {
    await stored
  } finally {
    unsubscribe()
  }
  return { closed }
}

test('a delayed or held answer cut short by the app stopping is recorded as not sent, across a restart', async ({ app: { start, stop } }) => {
  let current = await start()
  const [endpoint] = await current.procedures.listEndpoints({})
  const endpointId = endpoint!.id
  await current.procedures.setAnswerConfig({
    endpointId,
    config: {
      defaultAnswer: { kind: 'respond', status: 200, delayMs: 60_000 },
      rules: [{ id: 'held', name: 'held', enabled: true, match: { pathPattern: '/held' }, answer: { kind: 'hang' } }],
    },
  })
  const delayed = await sendAndWaitUntilStored(current, '/default/delayed')
  const held = await sendAndWaitUntilStored(current, '/default/held')
  const stoppingAt = Date.now()
  await stop()
  expect([await delayed.closed, await held.closed]).toEqual(['closed', 'closed'])

  current = await start()
  const { items } = await current.procedures.listCaptures({ endpointId })
  expect(items.map((capture) => capture.target).sort()).toEqual(['/default/delayed', '/default/held'])
  for (const capture of items) {
    expect(capture.senderLeftAt).toBeNull()
    expect(Date.parse(capture.appStoppedAt ?? '')).toBeGreaterThanOrEqual(stoppingAt - 1_000)
    expect((await current.procedures.getCapture({ id: capture.id })).appStoppedAt).toBe(capture.appStoppedAt)
  }
})
