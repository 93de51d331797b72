import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect } from 'vitest'
import { silentLogger } from '../core/logger'
import { useInspector } from '../test-support/inspector-fixture'
import { send } from '../test-support/http-client'
import { createDispatch } from './dispatch'
import { createHttpApi, MAX_API_BODY_BYTES } from './http-api'

const TOKEN = 'test-token-0123456789'

/** The API's result envelope, as much of it as these tests read. */
interface ApiEnvelope {
  ok: boolean
  value: Array<{ slug: string }>
  error: { code: string; message: string }
}

/** `origin`: the HTTP API in front of the fixture's app, on a loopback port of its own; closed after the test. */
const test = useInspector().extend<{ origin: string }>({
  origin: async ({ inspector }, use) => {
    let origin = ''
    const api = createHttpApi(
      { token: TOKEN, allowedOrigins: () => [origin], allowedHosts: () => [new URL(origin).host] },
      { dispatch: createDispatch(inspector.procedures, silentLogger), subscribe: (listener) => inspector.events.subscribe(listener) },
    )
    const server = createServer((request, response) => {
      void api(request, response).then((handled) => {
        if (!handled) response.writeHead(404).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await use(origin)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  },
})

const call = (origin: string, procedure: string, input: unknown, headers: Array<[string, string]> = []) =>
  send(`${origin}/api/${procedure}`, {
    headers: [['Authorization', `Bearer ${TOKEN}`], ['Content-Type', 'application/json'], ...headers],
    body: JSON.stringify(input),
  }).then((response) => ({ status: response.status, json: JSON.parse(response.body.toString()) as ApiEnvelope }))

describe('HTTP API', () => {
  test('runs procedures and wraps results in the envelope', async ({ origin }) => {
    const { status, json } = await call(origin, 'listEndpoints', {})
    expect(status).toBe(200)
    expect(json.ok).toBe(true)
    expect(json.value[0]?.slug).toBe('default')
  })

  test('takes exactly JSON, and answers with nosniff', async ({ origin }) => {
    const withType = (type: string) =>
      send(`${origin}/api/listEndpoints`, {
        headers: [
          ['Authorization', `Bearer ${TOKEN}`],
          ['Content-Type', type],
        ],
        body: '{}',
      })
    expect((await withType('application/json-seq')).status).toBe(415)
    expect((await withType('application/jsonx')).status).toBe(415)
    expect((await withType('application/json; charset=utf-8')).status).toBe(200)
    expect((await withType('Application/JSON')).status).toBe(200)
    const raw = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    })
    expect(raw.headers['x-content-type-options']).toBe('nosniff')
  })

  test('maps errors to codes and matching statuses', async ({ origin }) => {
    expect(await call(origin, 'nope', {})).toMatchObject({ status: 404, json: { ok: false, error: { code: 'UNKNOWN_PROCEDURE' } } })
    expect(await call(origin, 'getCapture', { id: 'missing' })).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } })
    const invalid = await call(origin, 'listCaptures', { limit: 'ten', extra: 1 })
    expect(invalid.status).toBe(400)
    expect(invalid.json.error.message).toMatch(/limit/)
    const conflict = await call(origin, 'createEndpoint', { name: 'Again', slug: 'default' })
    expect(conflict).toMatchObject({ status: 409, json: { error: { code: 'CONFLICT' } } })
  })

  test('refuses a missing or wrong token, a foreign origin, a foreign host and non-JSON posts', async ({ origin }) => {
    const noToken = await send(`${origin}/api/listEndpoints`, { headers: [['Content-Type', 'application/json']], body: '{}' })
    expect(noToken.status).toBe(401)
    const wrongToken = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Authorization', 'Bearer nope'],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    })
    expect(wrongToken.status).toBe(401)
    expect((await call(origin, 'listEndpoints', {}, [['Origin', 'https://evil.example']])).status).toBe(403)
    expect((await call(origin, 'listEndpoints', {}, [['Origin', origin]])).status).toBe(200)
    const rebound = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Host', 'evil.example'],
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    })
    expect(rebound.status).toBe(403)
    // Two Host headers, the loopback one first (the one Node keeps): refused, not read as the first.
    const twoHosts = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Host', new URL(origin).host],
        ['Host', 'evil.example'],
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    })
    expect(twoHosts.status).toBe(403)
    const form = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'text/plain'],
      ],
      body: '{}',
    })
    expect(form.status).toBe(415)
    const badJson = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{"limit": 5,}',
    })
    expect(badJson.status).toBe(400)
    // Where it went wrong, as JSON.parse says it.
    expect(JSON.parse(badJson.body.toString())).toMatchObject({
      error: { message: expect.stringMatching(/^the request body is not valid JSON: .*position 12/) },
    })
    // A UTF-8 byte order mark before the JSON is not an error.
    const withBom = await send(`${origin}/api/listEndpoints`, {
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '\uFEFF{}',
    })
    expect(withBom.status).toBe(200)
  })

  test('refuses a callback forwarded to it, token and all: the receiver and the tunnel never reach the API', async ({ inspector, endpoint, origin }) => {
    // An endpoint forwarding to the API (a mistake, or a pasted URL), keeping the captured path, in
    // pass-through: whatever reaches the receiver is sent on to /api/<path> and its answer relayed.
    await inspector.procedures.setForwardConfig({
      endpointId: endpoint.id,
      config: { enabled: true, targetUrl: `${origin}/api`, mode: 'pass-through', timeoutMs: 5000, keepCapturedPath: true },
    })
    const relayed = await send(`${endpoint.url}/listEndpoints`, {
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Content-Type', 'application/json'],
      ],
      body: '{}',
    })
    expect(relayed.status).toBe(403)
    expect(JSON.parse(relayed.body.toString())).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    // The same call made directly is answered: it is the forward that is refused.
    expect((await call(origin, 'listEndpoints', {})).status).toBe(200)
  })

  test('answers an input over the limit with 413, whether its size is declared or chunked', async ({ origin }) => {
    const tooLarge = Buffer.alloc(MAX_API_BODY_BYTES + 1, ' ')
    const withHeaders = (framing: Array<[string, string]>) =>
      send(`${origin}/api/listEndpoints`, {
        headers: [['Authorization', `Bearer ${TOKEN}`], ['Content-Type', 'application/json'], ...framing],
        body: tooLarge,
      })
    // The caller reads the refusal (the connection used to be cut, so it got a reset instead).
    for (const response of [await withHeaders([]), await withHeaders([['Transfer-Encoding', 'chunked']])]) {
      expect(response.status).toBe(413)
      // In words a person reads: '33554432 bytes' before.
      expect(JSON.parse(response.body.toString())).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'API input is limited to 32 MiB' } })
    }
    // The app still answers afterwards.
    expect((await call(origin, 'listEndpoints', {})).status).toBe(200)
  })

  test('streams capture-received events over server-sent events', async ({ inspector, origin }) => {
    const controller = new AbortController()
    const response = await fetch(`${origin}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal })
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = response.body!.getReader()
    await reader.read() // ': connected'
    await send(`${inspector.receiverUrl}/default/sse`, { body: 'hello' })
    let text = ''
    while (!text.includes('\n\n') || !text.includes('capture-received')) text += new TextDecoder().decode((await reader.read()).value)
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!)
    expect(data).toMatchObject({ type: 'capture-received', capture: { target: '/default/sse', bodySize: 5 } })
    controller.abort()
  })
})
