/**
 * Background forwards, as the app runs them: the provider gets the configured answer at once, and
 * when the copy to the developer's server settles the capture says how it went (its list row
 * shows it), live through 'capture-updated' and after a restart.
 */
import { describe, expect } from 'vitest'
import type { CaptureSummary } from '../shared/views'
import { FORWARD_TIMEOUT_MS } from '../shared/replay'
import { send } from '../test-support/http-client'
import { useInspector, type AppLifecycle } from '../test-support/inspector-fixture'
import { waitFor } from '../test-support/wait-for'
import type { Inspector } from './inspector'

// The tests start the app themselves (`app`): one restarts it.
const test = useInspector()

describe('background forwards', () => {
  let updates: CaptureSummary[]

  /** Starts the app and records its capture-updated events in `updates`. */
  const start = async (app: AppLifecycle): Promise<Inspector> => {
    const inspector = await app.start()
    updates = []
    inspector.events.subscribe((event) => {
      if (event.type === 'capture-updated') updates.push(event.capture)
    })
    return inspector
  }

  test('a background forward to a closed port marks its capture failed, live and after a restart', async ({ app }) => {
    let inspector = await start(app)
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    const dead = 'http://127.0.0.1:1/hooks'
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: dead, mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
    })
    const answered = await send(`${endpoint!.url}/x`, { body: '{}' })
    expect(answered.status).toBe(200)

    const update = await waitFor(() => updates.find((capture) => capture.forward?.state !== 'background'))
    expect(update.forward).toMatchObject({ mode: 'background', targetUrl: dead, state: 'failed', reason: expect.stringMatching(/refused|connect/i) })
    const [listed] = (await procedures.listCaptures({})).items
    expect(listed!.id).toBe(update.id)
    expect(listed!.forward).toMatchObject({ state: 'failed' })
    expect((await procedures.getCapture({ id: update.id })).forward).toMatchObject({ state: 'failed' })

    // Kept like the other annotations: in the index document, read back at start-up.
    await app.stop()
    inspector = await start(app)
    expect((await inspector.procedures.listCaptures({})).items[0]!.forward).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/refused|connect/i),
    })
  })

  test('a background forward that gets an HTTP answer records its status, a 5xx too', async ({ app, startTarget }) => {
    const { procedures } = await start(app)
    const [endpoint] = await procedures.listEndpoints({})
    let status = 503
    const target = await startTarget((_request, response) => {
      response.statusCode = status
      response.end('from target')
    })
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: target.url, mode: 'background', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
    })
    await send(`${endpoint!.url}/a`, { body: '{}' })
    const failing = await waitFor(() => updates.find((capture) => capture.forward?.state === 'sent'))
    expect(failing.forward).toMatchObject({ state: 'sent', status: 503, reason: null })

    status = 204
    await send(`${endpoint!.url}/b`, { body: '{}' })
    const fine = await waitFor(() => updates.find((capture) => capture.forward?.status === 204))
    expect(fine.id).not.toBe(failing.id)
    expect((await procedures.listCaptures({})).items.map((capture) => capture.forward?.status)).toEqual([204, 503])
  })
})
