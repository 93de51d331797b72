import { gzipSync } from 'node:zlib'
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { beforeEach, describe, expect } from 'vitest'
import type { InspectorEvent } from '../shared/contract'
import type { CaptureDetail } from '../shared/views'
import { send, sendRaw } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { startInspector, type Inspector } from './inspector'
import { silentLogger } from './logger'
import { logFileIo } from './store/capture-segments'

/** The app as these tests drive it: started (with a body limit) and stopped by hand, as a restart needs. */
interface Run {
  start: (maxBodyBytes?: number) => Promise<Inspector>
  stop: () => Promise<void>
  /** The newest capture of the app started last. */
  latest: () => Promise<CaptureDetail>
  /** The events of the app started last, from its start. */
  events: InspectorEvent[]
}

let diskFull = false
const test = useInspector({
  deps: {
    logIo: {
      ...logFileIo,
      writev(fd, buffers, position) {
        if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        return logFileIo.writev(fd, buffers, position)
      },
    },
  },
}).extend<{ run: Run }>({
  run: async ({ app }, use) => {
    let current: Inspector | undefined
    const events: InspectorEvent[] = []
    await use({
      start: async (maxBodyBytes) => {
        const started = (current = await app.start({ maxBodyBytes }))
        events.length = 0
        started.events.subscribe((event) => events.push(event))
        return started
      },
      stop: () => app.stop(),
      latest: async () => {
        const page = await current!.procedures.listCaptures({ limit: 1 })
        return current!.procedures.getCapture({ id: page.items[0]!.id })
      },
      events,
    })
  },
})

describe('inspector: receiver + store + procedures', () => {
  beforeEach(() => {
    diskFull = false
  })

  test('creates a default endpoint on first start and captures any method and path under it', async ({ run: { start, latest, events } }) => {
    const app = await start()
    const [endpoint] = await app.procedures.listEndpoints({})
    expect(endpoint).toMatchObject({ name: 'Default', slug: 'default', url: `${app.receiverUrl}/default` })
    const response = await send(`${app.receiverUrl}/default/deep/path?b=2&a=1&a=%20x`, { method: 'PATCH', body: 'hi' })
    expect(response.status).toBe(200)
    expect(response.body.length).toBe(0)
    const capture = await latest()
    expect(capture.method).toBe('PATCH')
    expect(capture.target).toBe('/default/deep/path?b=2&a=1&a=%20x')
    expect(events.map((event) => event.type)).toContain('capture-received')
  })

  test('stores headers as ordered raw pairs and the body byte for byte', async ({ run: { start, latest } }) => {
    const app = await start()
    const body = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(4096)])
    const headers: Array<[string, string]> = [
      ['X-Signature', 'abc=='],
      ['content-TYPE', 'application/octet-stream'],
      ['X-Dup', 'one'],
      ['x-dup', 'two'],
      ['X-Latin1', 'caf\u00e9'],
    ]
    await send(`${app.receiverUrl}/default`, { headers, body })
    const capture = await latest()
    const sent = capture.request.headers.filter(([name]) => !['host', 'connection', 'content-length'].includes(name.toLowerCase()))
    expect(sent).toEqual(headers)
    expect(Buffer.from(capture.request.bodyBase64, 'base64').equals(body)).toBe(true)
    expect(capture.request.bodySha256).toBe(createHash('sha256').update(body).digest('hex'))
    expect(capture.bodySize).toBe(body.length)
  })

  test('records every header the sender got, including Date and the connection headers', async ({ run: { start, latest } }) => {
    const app = await start()
    const raw = await sendRaw(app.receiverUrl, 'POST /default/close HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}')
    const received = raw
      .split('\r\n\r\n')[0]!
      .split('\r\n')
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])
    expect((await latest()).response.headers).toEqual(received)
    expect(received.map(([name]) => name)).toEqual(['Content-Length', 'Date', 'Connection'])

    // Kept open: Node's own Connection and Keep-Alive would otherwise be missing from the record.
    const agent = new Agent({ keepAlive: true })
    const rawHeaders = await new Promise<string[]>((resolve, reject) => {
      const outgoing = request(`${app.receiverUrl}/default/kept`, { method: 'POST', agent }, (incoming) => {
        incoming.resume()
        incoming.on('end', () => resolve(incoming.rawHeaders))
      })
      outgoing.on('error', reject)
      outgoing.end('{}')
    })
    agent.destroy()
    const pairs = rawHeaders.flatMap((value, index) => (index % 2 === 0 ? [[value, rawHeaders[index + 1]]] : []))
    expect((await latest()).response.headers).toEqual(pairs)
    expect(pairs.map(([name]) => name)).toEqual(['Content-Length', 'Date', 'Connection', 'Keep-Alive'])
  })

  test('keeps a gzip body as received', async ({ run: { start, latest } }) => {
    const app = await start()
    const body = gzipSync(Buffer.from('{"a":1}'))
    await send(`${app.receiverUrl}/default`, { headers: [['Content-Encoding', 'gzip']], body })
    expect(Buffer.from((await latest()).request.bodyBase64, 'base64').equals(body)).toBe(true)
  })

  test('refuses a body over the limit with 413 and records the refusal (declared and streamed)', async ({ run: { start, latest } }) => {
    const app = await start(1024)
    const declared = await send(`${app.receiverUrl}/default`, { body: Buffer.alloc(2048, 1) })
    expect(declared.status).toBe(413)
    expect(declared.body.toString()).toMatch(/larger than this inspector accepts/)
    let capture = await latest()
    // The limit in words ('1024 bytes' before); getStatus keeps the exact figure.
    expect(capture.refusal?.reason).toBe('The body is larger than this inspector accepts (1 KiB).')
    expect((await app.procedures.getStatus({})).maxBodyBytes).toBe(1024)
    expect(capture.outcome).toBe('refused')
    // The rest of the body was read and thrown away, so the sender could read the 413.
    expect(capture.refusal).toMatchObject({ status: 413, declaredSize: 2048, receivedBytes: 2048 })
    expect(capture.response.status).toBe(413)

    const chunked = await sendRaw(
      app.receiverUrl,
      `POST /default/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'a'.repeat(2048)}\r\n0\r\n\r\n`,
    )
    expect(chunked).toMatch(/^HTTP\/1.1 413/)
    capture = await latest()
    expect(capture.target).toBe('/default/chunked')
    expect(capture.refusal).toMatchObject({ declaredSize: null })
    expect(capture.refusal!.receivedBytes).toBeGreaterThan(1024)

    // A sender waiting for 100-continue is refused before it sends the body.
    const expecting = await sendRaw(app.receiverUrl, 'POST /default/expect HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n')
    expect(expecting).toMatch(/^HTTP\/1.1 413/)
    expect(expecting).not.toMatch(/100 Continue/)
    capture = await latest()
    expect(capture.refusal).toMatchObject({ declaredSize: 4096, receivedBytes: 0 })
  })

  test('answers unknown endpoints with 404 without capturing, and serves the health path', async ({ run: { start } }) => {
    const app = await start()
    const unknown = await send(`${app.receiverUrl}/nope/x`, { body: 'x' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.toString()).toMatch(/No endpoint "nope"/)
    const health = await send(`${app.receiverUrl}/__inspector/health`, { method: 'GET' })
    expect(JSON.parse(health.body.toString())).toMatchObject({ service: 'callback-inspector' })
    expect((await app.procedures.listCaptures({})).total).toBe(0)
  })

  test('answers malformed HTTP with 400 and keeps serving', async ({ run: { start } }) => {
    const app = await start()
    expect(await sendRaw(app.receiverUrl, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    expect(await sendRaw(app.receiverUrl, `GET /default HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1.1 431/)
    expect((await send(`${app.receiverUrl}/default`, { body: 'still fine' })).status).toBe(200)
  })

  test('answers 503 while captures cannot be written, reports it, and recovers', async ({ run: { start, events } }) => {
    const app = await start()
    await send(`${app.receiverUrl}/default`, { body: 'first' })
    diskFull = true
    const failed = await send(`${app.receiverUrl}/default`, { body: 'second' })
    expect(failed.status).toBe(503)
    // A sender that honours Retry-After comes back later instead of at once (or never).
    expect(failed.headers['retry-after']).toBe('30')
    expect((await app.procedures.getStatus({})).storage.lastError?.message).toMatch(/no space left/)
    expect(events.some((event) => event.type === 'storage-failed')).toBe(true)
    expect((await app.procedures.listCaptures({})).total).toBe(1)

    diskFull = false
    expect((await send(`${app.receiverUrl}/default`, { body: 'third' })).status).toBe(200)
    expect((await app.procedures.getStatus({})).storage.lastError).toBeNull()
    expect(events.some((event) => event.type === 'storage-recovered')).toBe(true)
  })

  test('keeps everything across a restart, and manages endpoints', async ({ run: { start, stop } }) => {
    let app = await start()
    const created = await app.procedures.createEndpoint({ name: 'CHIP sandbox' })
    expect(created.slug).toBe('chip-sandbox')
    await expect(app.procedures.createEndpoint({ name: 'x', slug: 'chip-sandbox' })).rejects.toMatchObject({ code: 'CONFLICT' })
    await send(`${app.receiverUrl}/chip-sandbox/cb`, { body: '{"event_type":"purchase.paid"}' })
    const renamed = await app.procedures.updateEndpoint({ id: created.id, name: 'CHIP', slug: 'chip' })
    expect(renamed.url).toBe(`${app.receiverUrl}/chip`)
    await stop()

    app = await start()
    const endpoints = await app.procedures.listEndpoints({})
    expect(endpoints.map((endpoint) => endpoint.slug)).toEqual(['default', 'chip'])
    expect(endpoints[1]).toMatchObject({ captureCount: 1, pinnedCount: 0 })
    expect((await send(`${app.receiverUrl}/chip/again`, { body: 'x' })).status).toBe(200)
    const [pinned] = (await app.procedures.listCaptures({ endpointId: created.id })).items
    await app.procedures.setCapturePinned({ id: pinned!.id, pinned: true })
    expect((await app.procedures.listEndpoints({}))[1]).toMatchObject({ captureCount: 2, pinnedCount: 1 })
    expect((await app.procedures.clearEndpoint({ id: created.id, includePinned: true })).deletedCount).toBe(2)
    await app.procedures.deleteEndpoint({ id: created.id })
    expect((await send(`${app.receiverUrl}/chip/gone`, { body: 'x' })).status).toBe(404)
  })

  test('reports an unreadable settings file, keeps it aside, and recovers the endpoints of stored captures', async ({ run: { start, stop }, dataDir: dir }) => {
    let app = await start()
    const custom = await app.procedures.createEndpoint({ name: 'Plexo' })
    await send(`${app.receiverUrl}/plexo`, { body: '{}' })
    await stop()
    await writeFile(join(dir, 'inspector.json'), 'not json at all')

    app = await start()
    const status = await app.procedures.getStatus({})
    expect(status.storage.issues).toHaveLength(1)
    expect(status.storage.issues[0]!.file).toBe(join(dir, 'inspector.json'))
    const endpoints = await app.procedures.listEndpoints({})
    const recovered = endpoints.find((endpoint) => endpoint.id === custom.id)
    expect(recovered?.captureCount).toBe(1)
    expect(endpoints.some((endpoint) => endpoint.slug === 'default')).toBe(true)
  })

  test('refuses a second inspector on the same data folder', async ({ run: { start }, dataDir: dir }) => {
    await start()
    await expect(startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })).rejects.toThrow(/in use/)
  })

  test('answers as configured, records which step answered, and persists the configuration', async ({ run: { start, stop } }) => {
    let app = await start()
    const [endpoint] = await app.procedures.listEndpoints({})
    await expect(
      app.procedures.setAnswerConfig({ endpointId: endpoint!.id, config: { defaultAnswer: { kind: 'respond', status: 600 } } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    const ok = { kind: 'respond', status: 200, body: { text: 'OK' } }
    await app.procedures.setAnswerConfig({
      endpointId: endpoint!.id,
      config: {
        defaultAnswer: ok,
        rules: [],
        sequence: { enabled: true, steps: [{ kind: 'respond', status: 500 }, { kind: 'respond', status: 500 }, ok], afterLast: 'repeat-last' },
        failureRate: null,
      },
    })
    const statuses: number[] = []
    for (const body of ['{"uuid":"a"}', '{"uuid":"b"}', '{"uuid":"a"}', '{"uuid":"a"}', '{"uuid":"b"}']) {
      statuses.push((await send(`${app.receiverUrl}/default`, { body })).status)
    }
    // Each delivery walks the sequence on its own retries.
    expect(statuses).toEqual([500, 500, 500, 200, 500])
    const page = await app.procedures.listCaptures({})
    expect(page.items.map((capture) => capture.response.chosenBy)).toEqual([
      { kind: 'sequence', step: 2, of: 3 },
      { kind: 'sequence', step: 3, of: 3 },
      { kind: 'sequence', step: 2, of: 3 },
      { kind: 'sequence', step: 1, of: 3 },
      { kind: 'sequence', step: 1, of: 3 },
    ])
    const last = await app.procedures.getCapture({ id: page.items[1]!.id })
    expect(Buffer.from(last.responseBodyBase64, 'base64').toString()).toBe('OK')
    await stop()
    app = await start()
    expect((await app.procedures.getAnswerConfig({ endpointId: endpoint!.id })).config.sequence?.steps).toHaveLength(3)
  })
})
