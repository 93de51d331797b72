/**
 * Export and import through the real inspector: requests sent over HTTP to the receiver,
 * exported with the procedures, imported into another endpoint, compared byte for byte.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { isIPv4, isIPv6 } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import Ajv from 'ajv'
import type { InspectorEvent } from '../../shared/contract'
import type { CaptureDetail, Endpoint } from '../../shared/views'
import { MAX_CAPTURE_NOTE_CHARS, procedureInputs } from '../../shared/contract'
import { exportedFile } from '../../test-support/exported-file'
import type { ExportAnswer } from './exchange-service'
import { send } from '../../test-support/http-client'
import { startLoopbackTarget } from '../../test-support/loopback-target'
import { useInspector } from '../../test-support/inspector-fixture'
import { makeTempDir } from '../../test-support/temp-dir'
import type { Inspector } from '../inspector'

/** The parts of an exported HAR file (with this app's `_` extensions) the tests read. */
interface ExportedHar {
  log: {
    _redaction?: unknown
    entries: Array<{
      request: { url: string; postData?: unknown }
      response: { status: number }
      _verdict: { computedBeforeRedaction?: boolean }
      _answerChosenBy: { description: string }
      _provider: unknown
    }>
  }
}

/** The parts of an exported bundle the tests read. */
interface ExportedBundle {
  redaction: { items: unknown }
  captures: Array<{
    recognitionComputedBeforeRedaction: boolean
    resends: unknown[]
    pinned: boolean
    target: string
    headers: Array<[string, string]>
    body: { base64: string }
  }>
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64')

/** Requests covering every body kind the round trip must keep exactly. */
const ROUND_TRIP_REQUESTS: Array<{ name: string; method: string; path: string; headers: Array<[string, string]>; body: Buffer }> = [
  {
    name: 'json',
    method: 'POST',
    path: '/json?a=1&a=2&b=%20x',
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from('{"amount": 10.10, "big": 12345678901234567891, "dup": 1, "dup": 2}'),
  },
  { name: 'form', method: 'PUT', path: '/form', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from('a=1&b=%C3%A9+x&a=3') },
  {
    name: 'xml',
    method: 'POST',
    path: '/xml',
    headers: [['Content-Type', 'text/xml; charset=utf-8']],
    body: Buffer.from('<?xml version="1.0"?>\r\n<a x="1"><b>t</b><![CDATA[<x>]]></a>'),
  },
  {
    name: 'binary',
    method: 'POST',
    path: '/bin',
    headers: [['Content-Type', 'application/octet-stream']],
    body: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x27, 0x40]),
  },
  {
    name: 'latin-1 text',
    method: 'POST',
    path: '/latin',
    headers: [['Content-Type', 'text/plain; charset=iso-8859-1']],
    body: Buffer.from('M\xfcller \xe9t\xe9', 'latin1'),
  },
  {
    name: 'gzip',
    method: 'POST',
    path: '/gz',
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ],
    body: gzipSync('{"compressed":true}'),
  },
  {
    name: 'odd headers',
    method: 'PATCH',
    path: '/headers',
    headers: [
      ['x-DUP', 'one'],
      ['X-Dup', 'two'],
      ['x-dup', ''],
      ['WEIRD-case', 'v\xe9'],
      ['Content-Type', 'text/plain'],
    ],
    body: Buffer.from('@/etc/hostname'),
  },
  { name: 'empty GET', method: 'GET', path: '/get?x=%2F', headers: [['Accept', '*/*']], body: Buffer.alloc(0) },
]

// One app for the file: the captures sent in beforeAll are what every test exports.
const test = useInspector({ scope: 'file' })

describe('export and import through the inspector', () => {
  let inspector: Inspector
  let source: Endpoint
  const events: InspectorEvent[] = []

  test.beforeAll(async ({ inspector: app }) => {
    inspector = app
    inspector.events.subscribe((event) => events.push(event))
    source = await inspector.procedures.createEndpoint({ name: 'Source' })
    for (const request of ROUND_TRIP_REQUESTS) {
      const response = await send(`${source.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' ? undefined : request.body,
      })
      expect(response.status).toBeLessThan(300)
    }
    // A refused one (over the 10 MiB limit): exported and imported as refused, never as an empty body.
    expect(
      (await send(`${source.url}/too-large`, { headers: [['Content-Type', 'application/octet-stream']], body: Buffer.alloc(11 * 1024 * 1024) })).status,
    ).toBe(413)
    // A 10 MB body (the receiver's limit is 10 MiB).
    const large = randomBytes(10_000_000)
    expect((await send(`${source.url}/large`, { headers: [['Content-Type', 'application/octet-stream']], body: large })).status).toBe(200)
    const page = await inspector.procedures.listCaptures({ endpointId: source.id })
    await inspector.procedures.setCaptureNote({ id: page.items[0]!.id, note: 'the large one\nline two <b>not html</b>' })
    await inspector.procedures.setCapturePinned({ id: page.items[1]!.id, pinned: true })
    // As long as a note may be, in characters the API counts as one each and UTF-16 as two: a HAR
    // import cut it to half (UTF-16 units), a curl script's record was not read at all.
    await inspector.procedures.setCaptureNote({ id: page.items[2]!.id, note: '😀'.repeat(MAX_CAPTURE_NOTE_CHARS) })
  }, 60_000)

  async function details(endpointId: string): Promise<CaptureDetail[]> {
    const page = await inspector.procedures.listCaptures({ endpointId, limit: 100 })
    const list = await Promise.all(page.items.map((item) => inspector.procedures.getCapture({ id: item.id })))
    return list.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.request.target.localeCompare(b.request.target))
  }

  const essentials = (capture: CaptureDetail) => ({
    method: capture.request.method,
    target: capture.request.target,
    headers: capture.request.headers,
    bodySha256: sha256(Buffer.from(capture.request.bodyBase64, 'base64')),
    note: capture.note,
    outcome: capture.outcome,
    refusal: capture.refusal,
  })

  for (const format of ['bundle', 'har'] as const) {
    it(`round-trips every capture byte for byte through ${format}, with notes`, async () => {
      const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format })
      expect(exported.redactions).toBeUndefined()
      const target = await inspector.procedures.createEndpoint({ name: `Imported ${format}` })
      const result = await inspector.procedures.importCaptures({
        endpointId: target.id,
        dataBase64: exportedFile(exported).toString('base64'),
        sourceName: exported.fileName,
      })
      expect(result.failures).toEqual([])
      expect(result.importedIds).toHaveLength(ROUND_TRIP_REQUESTS.length + 2)
      const originals = await details(source.id)
      const copies = await details(target.id)
      expect(copies.map(essentials)).toEqual(originals.map(essentials))
      for (const [index, copy] of copies.entries()) {
        expect(copy.origin).toBe('imported')
        expect(copy.importedFrom).toContain(format === 'har' ? 'HAR' : 'bundle')
        expect(copy.receivedAt).toBe(originals[index]!.receivedAt)
        expect(copy.pinned).toBe(originals[index]!.pinned)
        expect(copy.recognition?.provider.id).toBe(originals[index]!.recognition?.provider.id)
        expect(copy.response.status).toBe(originals[index]!.response.status)
        expect(copy.forward ?? null).toEqual(originals[index]!.forward ?? null)
      }
    }, 60_000)
  }

  it('writes HAR that validates against the HAR 1.2 schema, with the answer and the verdict', async () => {
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'har' })
    const har = JSON.parse(exportedFile(exported).toString('utf8')) as ExportedHar
    const all = createRequire(import.meta.url)('har-schema') as Record<string, object>
    // The schema's formats: ISO 8601 times as the HAR spec writes them, absolute URLs, IP addresses.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      formats: {
        'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
        uri: (value: string) => URL.canParse(value),
        ipv4: (value: string) => isIPv4(value),
        ipv6: (value: string) => isIPv6(value),
      },
    })
    // har-schema is written in JSON Schema draft-06, and its files refer to each other by their $id.
    ajv.addMetaSchema(createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json') as object)
    for (const [name, schema] of Object.entries(all)) if (name !== 'har') ajv.addSchema(schema)
    const validate = ajv.compile(all.har!)
    expect(validate(har), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    const redacted = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'har', redact: true })
    const redactedHar = JSON.parse(exportedFile(redacted).toString('utf8')) as ExportedHar
    expect(validate(redactedHar), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(redactedHar.log._redaction).toEqual(redacted.redactions)
    expect(redactedHar.log.entries[0]?._verdict.computedBeforeRedaction).toBe(true)
    const binary = har.log.entries.find((entry) => entry.request.url.endsWith('/bin'))!
    expect(binary.request.postData).toMatchObject({ encoding: 'base64', text: b64(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x27, 0x40])) })
    expect(binary.response.status).toBe(200)
    expect(binary._verdict).toMatchObject({ status: expect.any(String) })
    expect(binary._answerChosenBy.description).toEqual(expect.any(String))
    expect(binary._provider).toMatchObject({ id: 'unknown' })
  })

  it('exports a selection as raw HTTP and curl that import back', async () => {
    const originals = await details(source.id)
    const picked = originals.filter((capture) => ['/json?a=1&a=2&b=%20x', '/form', '/bin'].some((path) => capture.request.target.endsWith(path)))
    for (const format of ['http', 'curl'] as const) {
      const exported = await inspector.procedures.exportCaptures({ captureIds: picked.map((capture) => capture.id), format })
      const target = await inspector.procedures.createEndpoint({ name: `Imported ${format}` })
      const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: exportedFile(exported).toString('base64'), format: 'auto' })
      expect(result.failures).toEqual([])
      const copies = await details(target.id)
      expect(copies.map((copy) => sha256(Buffer.from(copy.request.bodyBase64, 'base64'))).sort()).toEqual(
        picked.map((capture) => capture.request.bodySha256).sort(),
      )
      expect(copies.map((copy) => copy.request.method).sort()).toEqual(picked.map((capture) => capture.request.method).sort())
      expect(copies.map((copy) => copy.request.target).sort()).toEqual(picked.map((capture) => capture.request.target).sort())
    }
  })

  it('exports a whole endpoint as raw HTTP, a refused request and a 10 MB body among them, that imports back header for header', async () => {
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'http' })
    const target = await inspector.procedures.createEndpoint({ name: 'Imported raw endpoint' })
    const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: exportedFile(exported).toString('base64') })
    expect(result.failures).toEqual([])
    const originals = await details(source.id)
    const copies = await details(target.id)
    const request = (capture: CaptureDetail) => ({
      method: capture.request.method,
      target: capture.request.target,
      headers: capture.request.headers,
      outcome: capture.outcome,
      refusal: capture.refusal,
    })
    // Imported ones have no arrival time of their own: compared in the file's order.
    expect(new Set(copies.map((copy) => JSON.stringify(request(copy))))).toEqual(new Set(originals.map((original) => JSON.stringify(request(original)))))
    expect(copies.map((copy) => copy.request.bodySha256).sort()).toEqual(originals.map((original) => original.request.bodySha256).sort())
    // As curl too: the refused request is sent without a body, and imported as refused, not as an empty body.
    const refused = originals.find((original) => original.outcome === 'refused')!
    const script = await inspector.procedures.exportCaptures({ captureIds: [refused.id], format: 'curl' })
    const fromCurl = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: exportedFile(script).toString('base64') })
    expect(request(await inspector.procedures.getCapture({ id: fromCurl.importedIds[0]! }))).toEqual(request(refused))
  }, 60_000)

  /** A sender whose own headers bear this app's label names, and the headers curl sets itself. */
  async function senderWithLabelNames(): Promise<CaptureDetail> {
    const endpoint = await inspector.procedures.createEndpoint({ name: `Sender labels ${Date.now()}` })
    const sent = await send(`${endpoint.url}/hook?o=1`, {
      headers: [
        ['Host', 'shop.example:8443'],
        ['X-Callback-Inspector-Redacted', 'the sender says so'],
        ['Content-Type', 'application/json'],
        ['Connection', 'keep-alive'],
        ['X-Callback-Inspector-Changed-Before-Export', '{"reason":"redacted"}'],
        ['Keep-Alive', 'timeout=5'],
        ['X-Callback-Inspector-Sender-Headers', '1'],
      ],
      body: '{"id":1}',
    })
    expect(sent.status).toBe(200)
    const [item] = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
    return inspector.procedures.getCapture({ id: item!.id })
  }

  for (const format of ['http', 'curl'] as const) {
    it(`gives back every header as received through ${format}, the sender's own X-Callback-Inspector-* and Connection too, never as labels`, async () => {
      const original = await senderWithLabelNames()
      expect(original.request.headers.map(([name]) => name)).toContain('Connection')
      for (const redact of [false, true]) {
        const exported = await inspector.procedures.exportCaptures({ captureIds: [original.id], format, redact })
        const target = await inspector.procedures.createEndpoint({ name: `Labels ${format} ${redact}` })
        const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: exportedFile(exported).toString('base64') })
        expect(result.failures).toEqual([])
        const copy = await inspector.procedures.getCapture({ id: result.importedIds[0]! })
        expect(copy.request.headers, `redact=${redact}`).toEqual(original.request.headers)
        expect(copy.request.bodySha256).toBe(original.request.bodySha256)
        // Unredacted, it is the request as received; redacted, the export's own labels still say so.
        if (redact) expect(copy.changedBeforeExport?.reason).toBe('redacted')
        else expect(copy.changedBeforeExport).toBeUndefined()
      }
    })
  }

  it('writes a selection oldest first, as an endpoint export does, however its ids were listed', async () => {
    const newestFirst = (await inspector.procedures.listCaptures({ endpointId: source.id, limit: 100 })).items.map((item) => item.id)
    const targetsOf = async (exported: ExportAnswer) =>
      (JSON.parse(exportedFile(exported).toString('utf8')) as { captures: Array<{ target: string }> }).captures.map((capture) => capture.target)
    const whole = await targetsOf(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' }))
    const selection = await targetsOf(await inspector.procedures.exportCaptures({ captureIds: newestFirst, format: 'bundle' }))
    expect(selection).toEqual(whole)
    const oldestFirst = (await inspector.procedures.listCaptures({ endpointId: source.id, limit: 100 })).items.map((item) => item.target).reverse()
    expect(selection).toEqual(oldestFirst)
  })

  it('writes a curl script that bash replays exactly: a 1 MB body, a body starting with @, odd headers', async () => {
    const endpoint = await inspector.procedures.createEndpoint({ name: 'Curl replay' })
    const large = randomBytes(1024 * 1024)
    await send(`${endpoint.url}/large?x=1`, {
      method: 'PUT',
      headers: [
        ['Content-Type', 'application/octet-stream'],
        ['x-DUP', 'a'],
        ['X-Dup', 'b'],
      ],
      body: large,
    })
    await send(`${endpoint.url}/at`, {
      headers: [
        ['Content-Type', 'text/plain'],
        ['X-Odd', 'caf\xe9'],
      ],
      body: '@/etc/hostname',
    })
    const originals = await details(endpoint.id)
    const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'curl' })
    const script = exportedFile(exported).toString('utf8')
    for (const line of script.split('\n')) expect(line.length).toBeLessThan(128 * 1024)
    const { dir, remove: removeDir } = await makeTempDir()
    try {
      await writeFile(join(dir, exported.fileName), script)
      await promisify(execFile)('bash', [join(dir, exported.fileName)], { cwd: dir, maxBuffer: 16 * 1024 * 1024 })
    } finally {
      await removeDir()
    }
    const all = await details(endpoint.id)
    const replayed = all.filter((capture) => !originals.some((original) => original.id === capture.id))
    expect(replayed).toHaveLength(2)
    const withoutFraming = (capture: CaptureDetail) => ({
      ...essentials(capture),
      // Hop-by-hop and framing headers are curl's own to send.
      headers: capture.request.headers.filter(([name]) => !/^(host|content-length|connection)$/i.test(name)),
    })
    expect(replayed.map(withoutFraming)).toEqual(originals.map(withoutFraming))
    expect(Buffer.from(replayed.find((capture) => capture.request.target.endsWith('/at'))!.request.bodyBase64, 'base64').toString()).toBe('@/etc/hostname')
  }, 60_000)

  it('imports a DevTools-style HAR (HTTP/2 pseudo-headers, params-only form, base64 body)', async () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        pages: [],
        entries: [
          {
            startedDateTime: '2026-11-30T10:00:00.123Z',
            time: 12.5,
            request: {
              method: 'POST',
              url: 'https://shop.example/webhooks/stripe?x=1',
              httpVersion: 'http/2.0',
              headers: [
                { name: ':method', value: 'POST' },
                { name: ':authority', value: 'shop.example' },
                { name: 'content-type', value: 'application/json' },
                { name: 'Stripe-Signature', value: 't=1,v1=abc' },
              ],
              queryString: [{ name: 'x', value: '1' }],
              cookies: [],
              headersSize: -1,
              bodySize: 17,
              postData: { mimeType: 'application/json', text: '{"type":"ping"}\n' },
            },
            response: {
              status: 204,
              statusText: '',
              httpVersion: 'http/2.0',
              headers: [],
              cookies: [],
              content: { size: 0, mimeType: 'x-unknown' },
              redirectURL: '',
              headersSize: -1,
              bodySize: 0,
            },
            cache: {},
            timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 10, receive: 2 },
            serverIPAddress: '1.2.3.4',
            _initiator: { type: 'script' },
          },
          {
            startedDateTime: '2026-11-30T10:00:01Z',
            request: {
              method: 'POST',
              url: 'https://shop.example/form',
              httpVersion: 'HTTP/1.1',
              headers: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
              postData: {
                mimeType: 'application/x-www-form-urlencoded',
                params: [
                  { name: 'a', value: '1 2' },
                  { name: 'b', value: 'é' },
                ],
              },
            },
            response: { status: 0 },
          },
          {
            startedDateTime: '2026-11-30T10:00:02Z',
            request: {
              method: 'PUT',
              url: 'https://shop.example/raw',
              headers: [],
              postData: { mimeType: 'application/octet-stream', text: b64(Buffer.from([0, 255])), encoding: 'base64' },
            },
          },
          { request: { method: 'POST', url: 'https://shop.example/bad', headers: [], postData: { mimeType: 'x', text: '!!!', encoding: 'base64' } } },
          // HTTP Toolkit: a binary body in _content; a body it discarded is reported, never imported empty.
          {
            request: {
              method: 'POST',
              url: 'https://shop.example/toolkit',
              headers: [],
              _requestBodyStatus: 'discarded:not-representable',
              _content: { text: b64(Buffer.from([1, 2, 0xfe])), size: 3, encoding: 'base64' },
            },
          },
          { request: { method: 'POST', url: 'https://shop.example/huge', headers: [], bodySize: 99999999, _requestBodyStatus: 'discarded:too-large' } },
        ],
      },
    }
    const target = await inspector.procedures.createEndpoint({ name: 'DevTools' })
    const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(JSON.stringify(har)), format: 'har' })
    expect(result.importedIds).toHaveLength(4)
    expect(result.failures).toEqual([
      { entry: 4, message: 'request.postData: text is marked base64 but is not valid base64' },
      { entry: 6, message: 'the tool that wrote this HAR left the request body out (discarded:too-large)' },
    ])
    const [first, second, third, fourth] = await Promise.all(result.importedIds.map((id) => inspector.procedures.getCapture({ id })))
    expect(Buffer.from(fourth!.request.bodyBase64, 'base64')).toEqual(Buffer.from([1, 2, 0xfe]))
    expect(first!.request).toMatchObject({
      method: 'POST',
      target: '/webhooks/stripe?x=1',
      headers: [
        ['content-type', 'application/json'],
        ['Stripe-Signature', 't=1,v1=abc'],
      ],
    })
    expect(Buffer.from(first!.request.bodyBase64, 'base64').toString()).toBe('{"type":"ping"}\n')
    expect(first!.receivedAt).toBe('2026-11-30T10:00:00.123Z')
    expect(first!.response.status).toBe(204)
    expect(first!.recognition?.provider.id).toBe('stripe')
    expect(Buffer.from(second!.request.bodyBase64, 'base64').toString()).toBe('a=1%202&b=%C3%A9')
    expect(second!.response).toMatchObject({ kind: 'none', status: null, chosenBy: { kind: 'imported' } })
    expect(Buffer.from(third!.request.bodyBase64, 'base64')).toEqual(Buffer.from([0, 255]))
  })

  it('imports pasted curl commands (continuations, -u, --data-urlencode, -G, $-quoting)', async () => {
    const text = [
      "curl -X PUT 'http://example.test/hooks/a?x=1' \\",
      '  -H \'Content-Type: application/json\' -H "X-Trace: $HOME" \\',
      `  --data-raw '{"a":\n "b"}'`,
      '# a comment',
      "curl http://example.test/hooks/b -u user:pa55 --data-urlencode 'msg=a b&c' -d x=1",
      "curl -G http://example.test/q -d a=1 -d b=2 -H $'X-Bytes: \\xe9'",
      'curl -d @/etc/passwd http://example.test/file',
    ].join('\n')
    const target = await inspector.procedures.createEndpoint({ name: 'Curl' })
    const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(text), format: 'auto' })
    expect(result.failures).toEqual([{ entry: 4, message: expect.stringContaining('reads a file') }])
    const [put, post, get] = await Promise.all(result.importedIds.map((id) => inspector.procedures.getCapture({ id })))
    expect(put!.request).toMatchObject({ method: 'PUT', target: '/hooks/a?x=1' })
    expect(put!.request.headers).toEqual([
      ['Host', 'example.test'],
      ['Content-Type', 'application/json'],
      ['X-Trace', '$HOME'],
      ['Content-Length', '11'],
    ])
    expect(Buffer.from(put!.request.bodyBase64, 'base64').toString()).toBe('{"a":\n "b"}')
    expect(post!.request.headers).toContainEqual(['Authorization', `Basic ${b64('user:pa55')}`])
    expect(Buffer.from(post!.request.bodyBase64, 'base64').toString()).toBe('msg=a%20b%26c&x=1')
    expect(get!.request).toMatchObject({ method: 'GET', target: '/q?a=1&b=2', bodyBase64: '' })
    expect(get!.request.headers).toContainEqual(['X-Bytes', '\xe9'])
  })

  it('recognises a pasted body as the provider the user names', async () => {
    const target = await inspector.procedures.createEndpoint({ name: 'Labelled' })
    const message = 'POST /x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"result":"OK"}'.replace(
      '13',
      String(Buffer.byteLength('{"result":"OK"}')),
    )
    const plain = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(message), format: 'http' })
    const labelled = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(message), format: 'http', asProvider: 'ixopay' })
    expect((await inspector.procedures.getCapture({ id: plain.importedIds[0]! })).recognition?.provider.id).not.toBe('ixopay')
    const provider = async (id: string) => {
      const detail = await inspector.procedures.getCapture({ id })
      return { listed: detail.recognition?.provider.id, analysed: detail.analysis?.provider.id }
    }
    const id = labelled.importedIds[0]!
    // The detail's analysis says what the list says (it judged the body again as an unknown sender).
    expect(await provider(id)).toEqual({ listed: 'ixopay', analysed: 'ixopay' })
    // A key change judges every capture of the endpoint again: still as the provider the user named.
    await inspector.procedures.addKey({ endpointId: target.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'ixopay-shared-secret-0001' } })
    expect(await provider(id)).toEqual({ listed: 'ixopay', analysed: 'ixopay' })
    // Exported as a bundle and imported elsewhere, it is judged as that provider there too.
    const copy = await inspector.procedures.createEndpoint({ name: 'Copy' })
    const bundle = await inspector.procedures.exportCaptures({ captureIds: [id], format: 'bundle' })
    const again = await inspector.procedures.importCaptures({ endpointId: copy.id, dataBase64: exportedFile(bundle).toString('base64') })
    expect(await provider(again.importedIds[0]!)).toEqual({ listed: 'ixopay', analysed: 'ixopay' })
  })

  it("finds a merchant's imported captures by the file they came from (from:), beside the endpoint's received ones", async () => {
    const endpoint = await inspector.procedures.createEndpoint({ name: 'Support inbox' })
    // Order names no capture id can hold by chance (text search matches inside words: "A-2" is in "…0a-2c…").
    for (const order of ['Q-1', 'Q-2']) await send(`${endpoint.url}/hook?order=${order}`, { body: `{"order":"${order}"}` })
    const received = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items.map((item) => item.id)
    const bundle = await inspector.procedures.exportCaptures({ captureIds: received, format: 'bundle' })
    const merchant = await inspector.procedures.importCaptures({
      endpointId: endpoint.id,
      dataBase64: exportedFile(bundle).toString('base64'),
      sourceName: 'Merchant-4711 callbacks.bundle.json',
    })
    const pasted = await inspector.procedures.importCaptures({ endpointId: endpoint.id, dataBase64: b64('POST /p HTTP/1.1\r\n\r\n'), pasted: 'body' })
    const found = async (query: string) =>
      (await inspector.procedures.listCaptures({ endpointId: endpoint.id, filter: { query } })).items.map((item) => item.id).sort()
    const sorted = (ids: string[]) => [...ids].sort()
    // Any case, any part of the source: the file name, the format, a phrase with spaces.
    expect(await found('from:merchant-4711')).toEqual(sorted(merchant.importedIds))
    expect(await found('from:"4711 CALLBACKS.bundle"')).toEqual(sorted(merchant.importedIds))
    expect(await found('from:pasted')).toEqual(sorted(pasted.importedIds))
    expect(await found('from:""')).toEqual(sorted([...merchant.importedIds, ...pasted.importedIds]))
    expect(await found('-from:""')).toEqual(sorted(received))
    // With other terms, and counted as listed.
    expect(await found('from:merchant "Q-2"')).toHaveLength(1)
    expect((await inspector.procedures.countCaptures({ endpointId: endpoint.id, filter: { query: 'from:merchant' } })).total).toBe(2)
  })

  it('names a pasted import as pasted: a pasted body without the raw HTTP it was sent as, pasted text with its format', async () => {
    const target = await inspector.procedures.createEndpoint({ name: 'Pasted' })
    const message = `POST /x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"result":"OK"}`
    const importedFrom = async (input: { format?: 'http' | 'curl'; pasted?: 'text' | 'body'; sourceName?: string; data?: string }) => {
      const imported = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(input.data ?? message), ...input })
      return Promise.all(imported.importedIds.map(async (id) => (await inspector.procedures.getCapture({ id })).importedFrom))
    }
    expect(await importedFrom({ format: 'http', pasted: 'body' })).toEqual(['pasted body'])
    expect(await importedFrom({ pasted: 'text', data: `curl -d a=1 http://x/a\ncurl -d b=2 http://x/b` })).toEqual([
      'pasted curl, entry 1',
      'pasted curl, entry 2',
    ])
    // A file keeps its format and name.
    expect(await importedFrom({ format: 'http', sourceName: 'request.http' })).toEqual(['raw HTTP request.http, entry 1'])
  })

  it('imports a signed capture without a key as "no key" and verifies it once the key is added', async () => {
    const secret = 'github-webhook-secret-123'
    const body = '{"zen":"Keep it logically awesome.","hook_id":1}'
    const message = [
      'POST /github HTTP/1.1',
      'Host: example.test',
      'Content-Type: application/json',
      'X-GitHub-Event: ping',
      'X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958',
      `X-Hub-Signature-256: sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n')
    const target = await inspector.procedures.createEndpoint({ name: 'GitHub' })
    const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(message) })
    expect(result.failures).toEqual([])
    const before = await inspector.procedures.getCapture({ id: result.importedIds[0]! })
    expect(before.recognition).toMatchObject({ provider: { id: 'github' }, verdict: { status: 'no-key' } })
    await inspector.procedures.addKey({ endpointId: target.id, key: { kind: 'hmac-secret', provider: 'github', value: secret } })
    const after = await inspector.procedures.getCapture({ id: result.importedIds[0]! })
    expect(after.recognition?.verdict.status).toBe('valid')

    // Every export of it, redacted or not, in every format, leaves the secret out.
    await send(`${target.url}/echo?token=${secret}`, {
      headers: [
        ['X-Api-Key', secret],
        ['X-Echo', `has ${secret} inside`],
      ],
      body: `{"secret":"${secret}"}`,
    })
    // Encoded, as a sender may write it: HAR's queryString decodes the query, so this one came out
    // whole (and the HAR export was refused as INTERNAL); the JSON escape and the Basic credentials
    // read as the secret once decoded.
    const percentEncoded = [...secret].map((char) => `%${char.charCodeAt(0).toString(16)}`).join('')
    await send(`${target.url}/encoded?token=${percentEncoded}`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', `Basic ${Buffer.from(`merchant:${secret}`).toString('base64')}`],
      ],
      body: `{"secret":"\\u${secret.charCodeAt(0).toString(16).padStart(4, '0')}${secret.slice(1)}"}`,
    })
    const spellsSecret = (text: string) =>
      text.includes(secret) ||
      text.includes(percentEncoded) ||
      text.includes(secret.slice(1)) ||
      text.includes(Buffer.from(`merchant:${secret}`).toString('base64'))
    for (const format of ['har', 'bundle', 'http', 'curl'] as const) {
      for (const redact of [false, true]) {
        const exported = await inspector.procedures.exportCaptures({ endpointId: target.id, format, redact })
        const text = exportedFile(exported).toString('latin1')
        expect(spellsSecret(text), `${format} redact=${redact}`).toBe(false)
        // Bundles and HAR carry bodies as base64 too.
        const decodedBodies = [...text.matchAll(/"(?:bodyBase64|text)": ?"([A-Za-z0-9+/=]{8,})"/g)].map((match) =>
          Buffer.from(match[1]!, 'base64').toString('latin1'),
        )
        expect(decodedBodies.some(spellsSecret), `${format} redact=${redact} (base64 bodies)`).toBe(false)
        expect(exported.redactions).toContainEqual(expect.objectContaining({ action: 'configured secret removed' }))
      }
    }
  })

  it('refuses malformed and hostile files with a message that says where, in bounded memory', async () => {
    const target = await inspector.procedures.createEndpoint({ name: 'Hostile' })
    const refuse = (dataBase64: string, format?: 'har' | 'bundle' | 'http' | 'curl') =>
      inspector.procedures.importCaptures({ endpointId: target.id, dataBase64, format }).then(
        () => 'imported',
        (error: unknown) => (error as Error).message,
      )
    expect(await refuse(b64('{\n "log": {\n  "entries": [,]\n }\n}'))).toMatch(/not valid JSON at line 3, column 15/)
    expect(await refuse(b64(`{"log":${'['.repeat(100_000)}`))).toMatch(/nests deeper than 64 levels at line 1, column 71/)
    // A gzip bomb: 1 GiB of zeros compresses to about 1 MB and stops expanding at the limit.
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 })
    expect(await refuse(bomb.toString('base64'))).toMatch(/expands to more than 32 MiB/)
    // Sizes as the app writes them everywhere (shared/byte-size.ts): the limit in MiB, a count with separators.
    expect(await refuse(b64('POST /x HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\nabc'))).toMatch(
      /declares 999,999,999,999 bytes, more than the 10 MiB limit/,
    )
    expect(await refuse(b64('POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'))).toMatch(/declares 10 bytes but only 3 follow/)
    expect(await refuse('not base64!')).toMatch(/not valid base64/)
    expect(await refuse(b64('hello there'))).toMatch(/could not tell what kind of file/)
    // A merchant's saved webhook body is the likeliest file of no format: the refusal says how to import one.
    const bodyAlone = /; if it is a request body alone, import it as "A pasted body", with its method, path and headers$/
    for (const body of ['{"id":"evt_1","type":"charge.succeeded"}', '[{"eventCode":"AUTHORISATION"}]', 'status=paid&id=tx_1'])
      expect(await refuse(b64(body))).toMatch(bodyAlone)
    // A file imported as the wrong format says which one it looks like, instead of failing on each line.
    const message = 'POST /x HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'
    expect(await refuse(b64(message), 'curl')).toBe('the text holds no curl command; it looks like raw HTTP: import it as that')
    expect(await refuse(b64(message), 'har')).toMatch(/^the file is not valid JSON at line 1, column 1: .*; it looks like raw HTTP: import it as that$/)
    expect(await refuse(b64('{"format":"callback-inspector-bundle","version":1,"captures":[]}'), 'har')).toBe(
      'this is not a HAR file; it looks like a bundle: import it as that',
    )
    expect(await refuse(b64('curl -d a=1 http://x/y'), 'http')).toMatch(/; it looks like curl commands: import it as that$/)
    expect(await refuse(b64('{"format":"callback-inspector-bundle","version":99,"captures":[]}'))).toMatch(/bundle version 99 is not supported/)
    // A 100 MB file is refused before it is decoded (and the API schema refuses it earlier still).
    const huge = 'A'.repeat(136 * 1024 * 1024)
    expect(await refuse(huge)).toMatch(/larger than 20 MiB/)
    expect(procedureInputs.importCaptures.safeParse({ endpointId: target.id, dataBase64: huge }).success).toBe(false)
    // A bundle whose entries are bad fails those entries alone, each with its reason.
    const bundle = {
      format: 'callback-inspector-bundle',
      version: 1,
      captures: [
        { bad: true },
        {
          receivedAt: null,
          durationMs: 0,
          method: 'POST',
          target: '/x',
          httpVersion: '1.1',
          headers: [],
          body: { base64: 'QUJD', size: 3, sha256: 'wrong' },
          remoteAddress: '',
          remotePort: 0,
          outcome: 'captured',
          refusal: null,
          recognition: null,
          response: null,
        },
        {
          receivedAt: null,
          durationMs: 0,
          method: 'POST',
          target: '/x',
          httpVersion: '1.1',
          headers: [],
          body: { base64: 'QU=JD', size: 3, sha256: 'x' },
          remoteAddress: '',
          remotePort: 0,
          outcome: 'captured',
          refusal: null,
          recognition: null,
          response: null,
        },
      ],
    }
    const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(JSON.stringify(bundle)) })
    expect(result.importedIds).toEqual([])
    expect(result.failures.map((failure) => failure.entry)).toEqual([1, 2, 3])
    expect(result.failures[0]!.message).toMatch(/^receivedAt: /)
    expect(result.failures[1]!.message).toBe('body.sha256 does not match the body bytes')
    expect(result.failures[2]!.message).toBe('body.base64 is not valid base64')
    // An arrival time that is no time, a status no receiver sends, a head no receiver takes: that entry fails, with why.
    const valid = { ...bundle.captures[1]!, body: { base64: 'QUJD', size: 3, sha256: sha256(Buffer.from('ABC')) } }
    const odd = [
      { ...valid, receivedAt: '2026-13-45T99:99:99Z' },
      { ...valid, response: { kind: 'respond', status: 99999, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } } },
      { ...valid, headers: Array.from({ length: 5 }, (_, index) => [`X-Big-${index}`, 'a'.repeat(60_000)]) },
      { ...valid, receivedAt: '2026-12-06T09:00:00+01:00' },
      { ...valid, receivedAt: '+275760-09-13T00:00:00.000Z' },
    ]
    const oddResult = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(JSON.stringify({ ...bundle, captures: odd })) })
    expect(oddResult.failures).toEqual([
      { entry: 1, message: 'receivedAt: "2026-13-45T99:99:99Z" is not a date and time' },
      { entry: 2, message: expect.stringMatching(/^response\.status: /) },
      { entry: 3, message: "the headers (300,055 bytes) are larger than the 256 KiB a request's head may be" },
      { entry: 5, message: 'receivedAt: "+275760-09-13T00:00:00.000Z" is outside the years 0000-9999' },
    ])
    // Any ISO form is kept as the app writes times, so it sorts among the others.
    expect((await inspector.procedures.getCapture({ id: oddResult.importedIds[0]! })).receivedAt).toBe('2026-12-06T08:00:00.000Z')
    const longHeader = await inspector.procedures.importCaptures({
      endpointId: target.id,
      dataBase64: b64(`curl http://h/x -H 'X-Long: ${'a'.repeat(15_000_000)}'`),
    })
    expect(longHeader.failures).toEqual([{ entry: 1, message: "the headers (15,000,019 bytes) are larger than the 256 KiB a request's head may be" }])
    // More header lines than a receiver's head can hold (each costs every provider's look-ups: 80
    // requests of 40,000 lines held callbacks for 10 s): that entry fails; 4,096 are imported.
    const lines = (count: number) => `POST /lines/${count} HTTP/1.1\r\n${'X: a\r\n'.repeat(count)}\r\n`
    const manyLines = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(lines(4096) + lines(4097) + lines(40_000)) })
    expect((await inspector.procedures.getCapture({ id: manyLines.importedIds[0]! })).request.headers).toHaveLength(4096)
    expect(manyLines.failures).toEqual(
      [4097, 40_000].map((count, index) => ({
        entry: index + 2,
        message: `the request has ${count} header lines; at most 4096 are imported (more would not fit in the 16 KiB head the receiver takes)`,
      })),
    )
  }, 60_000)

  it('imports 10,000 entries in batches with progress while the receiver keeps capturing', async () => {
    const target = await inspector.procedures.createEndpoint({ name: 'Many' })
    const message = (index: number) =>
      `POST /many/${index} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${String(index).length + 8}\r\n\r\n{"n":"${index}"}`
    const file = Array.from({ length: 10_000 }, (_, index) => message(index)).join('')
    events.length = 0
    let isImportDone = false
    const importing = inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: b64(file) }).then((result) => {
      isImportDone = true
      return result
    })
    // Wait for the first batch, then send a live callback: it is answered before the import ends.
    while (!events.some((event) => event.type === 'import-progress')) await new Promise((resolve) => setTimeout(resolve, 5))
    const live = await send(`${target.url}/live`, { body: '{}' })
    expect(live.status).toBe(200)
    expect(isImportDone).toBe(false)
    const result = await importing
    expect(result.failures).toEqual([])
    expect(result.importedIds).toHaveLength(10_000)
    const progress = events.filter((event): event is Extract<InspectorEvent, { type: 'import-progress' }> => event.type === 'import-progress')
    expect(progress.length).toBe(100)
    expect(progress.at(-1)).toMatchObject({ done: 10_000, total: 10_000, finished: true })
    expect((await inspector.procedures.listCaptures({ endpointId: target.id })).total).toBe(10_001)
  }, 120_000)

  it('keeps resend history and pins in bundles; a redacted bundle lists what it masked and leaves the history out', async () => {
    const target = await inspector.procedures.createEndpoint({ name: 'Cards' })
    const body = JSON.stringify({
      card: { number: '4111 1111 1111 1111', cvv: '123', expiryMonth: '12', cardHolder: 'Jane Doe' },
      email: 'jane@example.com',
      order: '4111111111111112',
    })
    await send(`${target.url}/pay?pan=5500-0000-0000-0004`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', 'Bearer abc.def'],
      ],
      body,
    })
    const [captured] = (await inspector.procedures.listCaptures({ endpointId: target.id })).items
    const developerApp = await startLoopbackTarget((_request, response) => response.end('thanks'))
    try {
      await inspector.procedures.replayCapture({ captureId: captured!.id, targetUrl: `${developerApp.url}/hooks` })
    } finally {
      await developerApp.close()
    }
    await inspector.procedures.setCapturePinned({ id: captured!.id, pinned: true })

    // Faithful: the resend comes along, attached to the imported capture.
    const faithful = await inspector.procedures.exportCaptures({ endpointId: target.id, format: 'bundle' })
    const copyEndpoint = await inspector.procedures.createEndpoint({ name: 'Cards copy' })
    const copied = await inspector.procedures.importCaptures({ endpointId: copyEndpoint.id, dataBase64: exportedFile(faithful).toString('base64') })
    const history = await inspector.procedures.listReplays({ captureId: copied.importedIds[0]! })
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ captureId: copied.importedIds[0], sent: { url: `${developerApp.url}/hooks` } })
    expect((await inspector.procedures.getCapture({ id: copied.importedIds[0]! })).pinned).toBe(true)

    const exported = await inspector.procedures.exportCaptures({ endpointId: target.id, format: 'bundle', redact: true, redactPersonalData: true })
    const bundle = JSON.parse(exportedFile(exported).toString()) as ExportedBundle
    expect(bundle.redaction.items).toEqual(exported.redactions)
    const capture = bundle.captures[0]!
    expect(capture.recognitionComputedBeforeRedaction).toBe(true)
    expect(capture.resends).toEqual([])
    expect(capture.pinned).toBe(true)
    expect(capture.target).toBe('/' + target.slug + '/pay?pan=5500-00**-****-0004')
    expect(capture.headers.map(([name]) => name)).not.toContain('Authorization')
    const redactedBody = JSON.parse(Buffer.from(capture.body.base64, 'base64').toString())
    expect(redactedBody).toEqual({
      card: { number: '4111 11** **** 1111', expiryMonth: '**', cardHolder: 'J***' },
      email: 'j***@example.com',
      order: '4111111111111112',
    })
    expect(exported.redactions!.map((item) => item.location)).toEqual(
      expect.arrayContaining(['header Authorization', 'query', 'body $.card.cvv', 'body $.card.expiryMonth']),
    )
  })
})
