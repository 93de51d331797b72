/**
 * Forward loops, as the app runs them: a forward to the app's own receiver is refused, and two
 * endpoints forwarding to each other through an address the app cannot recognise (a relay, as a
 * second tunnel or a host name for this machine would be) stop after one hop.
 */
import { request as httpRequest } from 'node:http'
import { describe, expect } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { EVENTUAL_WAIT_MS } from '../test-support/wait-for'
import { FORWARD_TIMEOUT_MS } from '../shared/replay'

const test = useInspector()
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('forward loops', () => {
  test("refuses a forward target that is the app's own receiver, however it is spelled", async ({ inspector }) => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    const port = new URL(inspector.receiverUrl).port
    for (const host of ['127.0.0.1', 'localhost', '127.1.2.3', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0', 'app.localhost']) {
      const targetUrl = `http://${host}:${port}/default`
      await expect(
        procedures.setForwardConfig({
          endpointId: endpoint!.id,
          config: { enabled: true, targetUrl, mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
        }),
        targetUrl,
      ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining("this app's own receiver") })
    }
    // Another port on loopback is somebody else's app: allowed.
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: 'http://127.0.0.1:1/x', mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
    })
  })

  test('a failed pass-through forward shows in the capture row, a relayed one too', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    const dead = 'http://127.0.0.1:1/hooks'
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: dead, mode: 'pass-through', timeoutMs: 2000, keepCapturedPath: false },
    })
    const answered = await send(`${endpoint!.url}/x`, { body: '{}' })
    // The provider still gets the configured answer...
    expect(answered.status).toBe(200)
    // ...and the row says the forward failed, and why.
    const [failed] = (await procedures.listCaptures({})).items
    expect(failed!.forward).toMatchObject({ mode: 'pass-through', targetUrl: dead, state: 'failed', reason: expect.stringMatching(/refused|connect/i) })

    const relay = await startTarget((_request, response) => response.end('ok from target'))
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: relay.url, mode: 'pass-through', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
    })
    await send(`${endpoint!.url}/y`, { body: '{}' })
    expect((await procedures.listCaptures({})).items[0]!.forward).toMatchObject({ state: 'relayed', reason: null })
  })

  test("listEndpoints carries each endpoint's forward settings, so a list needs no call per endpoint", async ({ inspector }) => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    expect(endpoint!.forward).toBeNull()
    const config = { enabled: true, targetUrl: 'http://127.0.0.1:1/hooks', mode: 'background' as const, timeoutMs: 2000, keepCapturedPath: false }
    await procedures.setForwardConfig({ endpointId: endpoint!.id, config })
    expect((await procedures.listEndpoints({}))[0]!.forward).toEqual(config)
  })

  test('two endpoints forwarding to each other through a relay stop after one hop', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    // The relay passes every request on to the receiver, as a tunnel would.
    const relay = await startTarget((request, response) => {
      const onward = httpRequest(`${inspector.receiverUrl}${request.target}`, { method: request.method, headers: request.headers.flat() }, (answer) => {
        response.writeHead(answer.statusCode ?? 502)
        answer.pipe(response)
      })
      onward.on('error', () => response.writeHead(502).end())
      onward.end(request.body)
    })
    const a = await procedures.createEndpoint({ name: 'A' })
    const b = await procedures.createEndpoint({ name: 'B' })
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      await procedures.setForwardConfig({
        endpointId: from.id,
        config: { enabled: true, targetUrl: `${relay.url}/${to.slug}`, mode: 'background', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
      })
    }
    await send(`${a.url}/first`, { body: '{"id":1}' })
    await expect.poll(async () => (await procedures.listCaptures({ endpointId: b.id })).items.length, { timeout: EVENTUAL_WAIT_MS }).toBe(1)
    // Give a loop time to show itself: without the mark this grows by hundreds a second.
    await delay(500)
    expect((await procedures.listCaptures({ endpointId: a.id })).items).toHaveLength(1)
    expect((await procedures.listCaptures({ endpointId: b.id })).items).toHaveLength(1)
    expect(relay.received).toHaveLength(1)
    expect(relay.received[0]!.headers.some(([name, value]) => name === 'X-Callback-Inspector-Forwarded' && value === '1')).toBe(true)

    // B's capture says why it was not forwarded, in its list row and its history.
    const atB = (await procedures.listCaptures({ endpointId: b.id })).items[0]!
    expect(atB.forward).toMatchObject({ mode: 'background', state: 'refused-loop', reason: expect.stringContaining('forwarded by Callback Inspector') })
    // A's forward reached B (through the relay), which answered: A's row says so once it settled.
    await expect
      .poll(async () => (await procedures.listCaptures({ endpointId: a.id })).items[0]!.forward, { timeout: EVENTUAL_WAIT_MS })
      .toMatchObject({ state: 'sent', status: 200, reason: null })
    await expect.poll(async () => (await procedures.listReplays({ captureId: atB.id }))[0]?.forward?.reason, { timeout: EVENTUAL_WAIT_MS }).toBe('forward-loop')
    const [record] = await procedures.listReplays({ captureId: atB.id })
    expect(record!.outcome.kind === 'failure' && record!.outcome.failure.message).toMatch(/forwarded by Callback Inspector/)
  })
})
