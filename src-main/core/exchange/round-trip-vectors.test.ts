/**
 * Every export format gives back each capture byte for byte on import: the shared provider
 * vectors (../shared/fixtures/vectors) and hostile bodies (binary, gzip, invalid UTF-8, a CR
 * alone, 5 MB), sent to the receiver over HTTP, exported as a bundle, HAR, raw HTTP and curl,
 * imported into another endpoint: method, target, header pairs (order and case), body bytes, and
 * the HTTP version where the format has one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect } from 'vitest'
import type { CaptureDetail, Endpoint } from '../../shared/views'
import { exportedFile } from '../../test-support/exported-file'
import { send, sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { loadVectors, vectorFiles } from '../../test-support/vectors'

interface Sent {
  name: string
  method: string
  path: string
  headers: Array<[string, string]>
  body: Buffer
}

const hostile: Sent[] = [
  // Every byte value, and `^"` and `^` + line end, which made a curl script read as cmd.exe's.
  {
    name: 'binary',
    method: 'POST',
    path: '/bin?x=%00%FF',
    headers: [['Content-Type', 'application/octet-stream']],
    body: Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_unused, byte) => byte)), Buffer.from('^"\x00^\n^\r\n'), randomBytes(4096)]),
  },
  {
    name: 'a caret before a quote in JSON and a header',
    method: 'POST',
    path: '/caret',
    headers: [
      ['X-Caret', 'a^'],
      ['Content-Type', 'application/json'],
    ],
    body: Buffer.from('{"a":"^","b":"x^"}'),
  },
  {
    name: 'gzip',
    method: 'POST',
    path: '/gz',
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ],
    body: gzipSync('{"amount":"10.10","big":12345678901234567891}'),
  },
  {
    name: 'invalid UTF-8',
    method: 'PUT',
    path: '/bad-utf8',
    headers: [['Content-Type', 'application/json; charset=utf-8']],
    body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff, 0x22, 0x7d]),
  },
  { name: 'CR alone and NUL', method: 'POST', path: '/cr', headers: [['Content-Type', 'text/plain']], body: Buffer.from('a\rb\r\n\0c\n') },
  { name: 'quotes and dollars', method: 'POST', path: "/q?a='b'&c=$(id)", headers: [['X-Q', `it's "$HOME" \\ \`x\``]], body: Buffer.from(`'"$HOME\\\`%s%b`) },
  { name: '5 MB', method: 'POST', path: '/five', headers: [['Content-Type', 'text/plain']], body: Buffer.from('0123456789abcdef\n'.repeat(5 * 1024 * 64)) },
]

/** Requests only a raw socket sends: the request line and framing as written here (`{slug}` is the endpoint's). */
const raw: Array<{ name: string; text: (slug: string) => string }> = [
  {
    name: 'chunked, with a trailer',
    text: (slug) =>
      `POST /${slug}/chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n`,
  },
  { name: 'GET with a body, HTTP/1.0', text: (slug) => `GET /${slug}/get-body HTTP/1.0\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc` },
  {
    name: 'a method curl has no flag for',
    text: (slug) => `PURGE /${slug}/purge HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Empty:\r\nx-dup: 1\r\nX-DUP: 2\r\nContent-Length: 0\r\n\r\n`,
  },
  {
    name: 'latin-1 header bytes',
    text: (slug) => `POST /${slug}/latin HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Caf: caf\xe9 \xff\x80\r\nContent-Length: 1\r\n\r\n\xe9`,
  },
]

const vectors: Sent[] = vectorFiles().flatMap((file) =>
  loadVectors(file).map((vector) => ({
    name: vector.name,
    method: vector.method,
    path: vector.path,
    headers: Object.entries(vector.headers),
    body: Buffer.from(vector.body, 'utf8'),
  })),
)

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

const test = useInspector({ scope: 'file' })

describe('round trip of every format', () => {
  let source: Endpoint
  let originals: CaptureDetail[]

  test.beforeAll(async ({ inspector }) => {
    source = await inspector.procedures.createEndpoint({ name: 'Vectors' })
    for (const request of [...vectors, ...hostile]) {
      const response = await send(`${source.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body })
      expect(response.status, request.name).toBeLessThan(300)
    }
    for (const request of raw) {
      const answer = await sendRaw(source.url, Buffer.from(request.text(source.slug), 'latin1'))
      expect(answer.slice(0, 12), request.name).toMatch(/^HTTP\/1\.[01] 2/)
    }
    const page = await inspector.procedures.listCaptures({ endpointId: source.id, limit: 200 })
    // Oldest first, as an export writes them.
    originals = (await Promise.all(page.items.map((item) => inspector.procedures.getCapture({ id: item.id })))).reverse()
    expect(originals).toHaveLength(vectors.length + hostile.length + raw.length)
  }, 120_000)

  /** What every format keeps (a curl command sends an HTTP/1.0 request with --http1.0; before, every one as HTTP/1.1). */
  const essentials = (capture: CaptureDetail) => ({
    method: capture.request.method,
    target: capture.request.target,
    httpVersion: capture.request.httpVersion,
    headers: capture.request.headers,
    body: sha256(Buffer.from(capture.request.bodyBase64, 'base64')),
  })

  for (const format of ['bundle', 'har', 'http', 'curl'] as const) {
    test(`${format}: method, target, header pairs and body bytes of each capture`, { timeout: 120_000 }, async ({ inspector }) => {
      const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format })
      expect(exported.redactions).toBeUndefined()
      const target = await inspector.procedures.createEndpoint({ name: `Vectors ${format}` })
      const result = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: exportedFile(exported).toString('base64'), format })
      expect(result.failures).toEqual([])
      const copies = await Promise.all(result.importedIds.map((id) => inspector.procedures.getCapture({ id })))
      expect(copies.map(essentials)).toEqual(originals.map(essentials))
    })
  }
})
