/**
 * A seeded property test of export and import: many varied requests (binary and non-UTF-8 bodies,
 * gzip, empty bodies, chunked framing, duplicate headers, odd header casing, empty and latin-1
 * values, headers of kilobytes, HTTP/1.0, absolute-form targets, queries with odd encodings) are
 * written byte by byte on sockets to the receiver, exported in each format and imported into
 * another endpoint. What each format claims to keep must come back exactly (README "Round trip"):
 *
 * - bundle and HAR: method, target, HTTP version, header pairs (order, case, duplicates), trailer
 *   fields, body bytes, note and pin, and the time it arrived;
 * - raw HTTP and curl: method, target, HTTP version, header pairs and body bytes, raw HTTP the
 *   trailer fields and curl the note. They cannot carry a pin or the time (an import takes its own), nor raw HTTP a note,
 *   which is not compared;
 * - "Copy as curl" (one command per capture, without the script's records): method, target, HTTP
 *   version, the headers the command sends and body bytes.
 *
 * The seed is printed with each difference; `ROUND_TRIP_SEED=n` reruns one.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect } from 'vitest'
import { buildCurlCommand, capturedCurlRequest, curlSendsHeader } from '../../shared/curl-command'
import type { CaptureDetail, Endpoint } from '../../shared/views'
import { exportedFile } from '../../test-support/exported-file'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { seededRandom as seeded } from '../../test-support/seeded-random'

const SEED = Number(process.env.ROUND_TRIP_SEED ?? 20261207)
const REQUESTS = 120

interface Generated {
  /** What it is, for a difference's message. */
  description: string
  /** The request as written on the socket (latin-1: one character per byte). */
  wire: Buffer
  note: string | null
  pinned: boolean
}

const PATHS = ['cb', 'caf%C3%A9', 'a%2Fb', 'x;y=1', '~user', "it's", '%ZZ', 'deep/er/path/', 'UPPER', '', 'a+b', 'emoji%F0%9F%98%80']
const QUERIES = [
  '',
  '?',
  '?a=1&a=2',
  '?q=a+b%20c',
  '?x=%FF%00',
  '?k=%zz&%=1',
  '?a=1;b=2',
  '?e=%E2%82%AC',
  '?json=%7B%22a%22%3A1%7D',
  '?a[b]=1&c%5Bd%5D=2',
  '?empty=&=&&',
  '?sig=abc%2Bdef%2F%3D%3D',
]
const METHODS = ['POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'PURGE', 'OPTIONS']
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain; charset=iso-8859-1',
  'application/octet-stream',
  'text/xml',
  'multipart/form-data; boundary=xyz',
]

function generate(seed: number, slug: string, origin: string): Generated[] {
  const random = seeded(seed)
  const below = (count: number) => Math.floor(random() * count)
  const pick = <T>(items: readonly T[]): T => items[below(items.length)]!
  const chance = (probability: number) => random() < probability
  const bytes = (count: number) => Buffer.from(Array.from({ length: count }, () => below(256)))
  const casing = (name: string) => (chance(0.5) ? name : [...name].map((char) => (chance(0.5) ? char.toUpperCase() : char.toLowerCase())).join(''))

  return Array.from({ length: REQUESTS }, (_unused, index) => {
    const traits: string[] = []
    const version = chance(0.15) ? '1.0' : '1.1'
    if (version === '1.0') traits.push('HTTP/1.0')
    const method = pick(METHODS)
    let target = `/${slug}/${index}/${pick(PATHS)}${pick(QUERIES)}`
    if (chance(0.15)) {
      // Absolute form, as some proxies send it; the scheme in any case.
      target = `${chance(0.5) ? 'http' : 'HTTP'}://${new URL(origin).host}${target}`
      traits.push('absolute-form')
    }

    let body: Buffer
    const headers: Array<[string, string]> = []
    const kind = pick(['empty', 'json', 'binary', 'non-UTF-8', 'gzip', 'form', 'large', 'CR and NUL', 'UTF-16', 'latin-1 text'] as const)
    traits.push(`${kind} body`)
    switch (kind) {
      case 'empty':
        body = Buffer.alloc(0)
        break
      case 'json':
        body = Buffer.from(JSON.stringify({ id: `evt_${index}`, amount: '10.10', big: 12345678901234567891n.toString(), name: 'Zoë ^"x" $HOME' }))
        break
      case 'binary':
        body = Buffer.concat([bytes(below(2048) + 1), Buffer.from('^"\x00^\n%b\\x41')])
        break
      case 'non-UTF-8':
        body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0x22, 0x7d])
        break
      case 'gzip':
        body = gzipSync(`{"n":${index},"pad":"${'z'.repeat(below(5000))}"}`)
        headers.push([casing('Content-Encoding'), 'gzip'])
        break
      case 'form':
        body = Buffer.from(`a=1&b=%FF%zz&c=x+y&card%5Bnumber%5D=0&d=${'%41'.repeat(below(50))}`)
        break
      case 'large':
        body = bytes(64 * 1024 + below(256 * 1024))
        break
      case 'CR and NUL':
        body = Buffer.from('a\rb\r\n\0c\n\n')
        break
      case 'UTF-16':
        body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"é"}', 'utf16le')])
        break
      case 'latin-1 text':
        body = Buffer.from('caf\xe9 na\xefve \xa3', 'latin1')
        break
    }

    if (version === '1.1' || chance(0.7)) headers.unshift([casing('Host'), new URL(origin).host])
    if (chance(0.8)) headers.push([casing('Content-Type'), pick(CONTENT_TYPES)])
    if (chance(0.4)) {
      headers.push(['X-Dup', '1'], [casing('x-dup'), '2'], ['X-DUP', ''])
      traits.push('duplicate headers')
    }
    if (chance(0.3)) {
      headers.push([casing('X-Empty'), ''])
      traits.push('an empty value')
    }
    if (chance(0.3)) {
      headers.push(['X-Latin', 'caf\xe9 \xff\x80 a  b\tc'])
      traits.push('latin-1 and inner blanks in a value')
    }
    if (chance(0.15)) {
      headers.push(['X-Big', 'b'.repeat(1000 + below(10_000))])
      traits.push('a header of kilobytes')
    }
    if (chance(0.2)) headers.push([casing('User-Agent'), `Provider/${index} (+https://example.com)`])
    if (chance(0.2)) headers.push(['Stripe-Signature', `t=1700000000,v1=${'ab'.repeat(32)}`])
    // Framing: chunked (1.1 only, random chunk sizes) or Content-Length, or none for an empty body.
    const isChunked = version === '1.1' && body.length > 0 && chance(0.25)
    let framedBody = body
    if (isChunked) {
      traits.push('chunked')
      headers.push([casing('Transfer-Encoding'), 'chunked'])
      const chunks: Buffer[] = []
      for (let at = 0; at < body.length;) {
        const size = Math.min(body.length - at, 1 + below(4096))
        chunks.push(Buffer.from(`${size.toString(16)}${chance(0.1) ? ';ext=1' : ''}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'))
        at += size
      }
      // Trailer fields after the last chunk on some: kept as received, like headers (order, case, repeats).
      const trailers: Array<[string, string]> = chance(0.5)
        ? [
            ['X-Digest', `sha-256=:${index}:`],
            [casing('x-signature'), 't=1,v1=ab'],
            ['X-Digest', 'caf\xe9'],
          ]
        : []
      if (trailers.length > 0) traits.push('trailers')
      framedBody = Buffer.concat([...chunks, Buffer.from(`0\r\n${trailers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`, 'latin1')])
    } else if (body.length > 0 || chance(0.5)) {
      headers.push([casing('Content-Length'), String(body.length)])
    }
    // Shuffle a little (the order must come back as sent), then close after the answer.
    if (chance(0.3)) headers.reverse()
    if (version === '1.1') headers.push([casing('Connection'), 'close'])
    const head = `${method} ${target} HTTP/${version}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`
    const note = chance(0.2)
      ? `note ${index}: ${pick(['plain', 'multi\nline\r\nand CR', 'ünïcödé \u2028 😀', '"quoted" \\ ^ \' $HOME', `long ${'n'.repeat(3000)}`])}`
      : null
    const pinned = chance(0.15)
    return {
      description: `request ${index} (${method} ${target.slice(0, 80)}; ${traits.join(', ')})`,
      wire: Buffer.concat([Buffer.from(head, 'latin1'), framedBody]),
      note,
      pinned,
    }
  })
}

const sha256 = (base64: string) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex')

type Format = 'bundle' | 'har' | 'http' | 'curl'

/** What each format claims to give back (README "Round trip"). */
function claimed(format: Format, capture: CaptureDetail): Record<string, unknown> {
  const request = {
    method: capture.request.method,
    target: capture.request.target,
    httpVersion: capture.request.httpVersion,
    headers: capture.request.headers,
    bodySha256: sha256(capture.request.bodyBase64),
    bodySize: capture.bodySize,
  }
  // A curl command cannot send trailer fields (its comment lists them for people).
  if (format === 'curl') return { ...request, note: capture.note }
  const withTrailers = { ...request, trailers: capture.request.trailers }
  if (format === 'http') return withTrailers
  return { ...withTrailers, note: capture.note, pinned: capture.pinned, receivedAt: capture.receivedAt }
}

const test = useInspector({ scope: 'file' })

describe(`round trip of ${REQUESTS} seeded requests (seed ${SEED})`, () => {
  let source: Endpoint
  let generated: Generated[]
  let originals: CaptureDetail[]

  test.beforeAll(async ({ inspector }) => {
    source = await inspector.procedures.createEndpoint({ name: 'Property' })
    generated = generate(SEED, source.slug, source.url)
    for (const request of generated) {
      const answer = await sendRaw(source.url, request.wire)
      expect(answer.slice(0, 12), request.description).toMatch(/^HTTP\/1\.[01] 2/)
    }
    const page = await inspector.procedures.listCaptures({ endpointId: source.id, limit: 500 })
    // Oldest first, as they were sent and as an export writes them.
    originals = (await Promise.all(page.items.map((item) => inspector.procedures.getCapture({ id: item.id })))).reverse()
    expect(originals).toHaveLength(generated.length)
    for (const [index, request] of generated.entries()) {
      const id = originals[index]!.id
      if (request.note !== null) await inspector.procedures.setCaptureNote({ id, note: request.note })
      if (request.pinned) await inspector.procedures.setCapturePinned({ id, pinned: true })
    }
    originals = await Promise.all(originals.map((capture) => inspector.procedures.getCapture({ id: capture.id })))
  }, 120_000)

  test('the receiver kept every request as sent (the generator is what it says)', () => {
    for (const [index, request] of generated.entries()) {
      const head = request.wire.subarray(0, request.wire.indexOf('\r\n\r\n')).toString('latin1').split('\r\n')
      const [method, target, version] = head[0]!.split(' ')
      const capture = originals[index]!
      expect([capture.request.method, capture.request.target, `HTTP/${capture.request.httpVersion}`], request.description).toEqual([method, target, version])
      expect(
        capture.request.headers.map(([name, value]) => `${name}: ${value}`),
        request.description,
      ).toEqual(head.slice(1))
    }
  })

  for (const format of ['bundle', 'har', 'http', 'curl'] as const) {
    test(`${format}: every capture comes back as the format claims`, { timeout: 120_000 }, async ({ inspector }) => {
      const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format })
      expect(exported.redactions).toBeUndefined()
      const copyEndpoint = await inspector.procedures.createEndpoint({ name: `Property ${format}` })
      const result = await inspector.procedures.importCaptures({
        endpointId: copyEndpoint.id,
        dataBase64: exportedFile(exported).toString('base64'),
        format,
      })
      expect(result.failures, `seed ${SEED}`).toEqual([])
      expect(result.importedIds).toHaveLength(originals.length)
      const copies = await Promise.all(result.importedIds.map((id) => inspector.procedures.getCapture({ id })))
      const differences = originals.flatMap((original, index) => {
        const want = claimed(format, original)
        const got = claimed(format, copies[index]!)
        return Object.keys(want)
          .filter((field) => JSON.stringify(want[field]) !== JSON.stringify(got[field]))
          .map((field) => ({
            request: generated[index]!.description,
            field,
            sent: JSON.stringify(want[field]).slice(0, 300),
            imported: JSON.stringify(got[field]).slice(0, 300),
          }))
      })
      expect(differences, `seed ${SEED}: ${format}`).toEqual([])
    })
  }

  // "Copy as curl" builds one command per capture with the same rule as the export (shared/curl-command.ts),
  // without the script's records: what it claims is what the command sends (curl sets framing and Host itself).
  test('Copy as curl: each command sends the method, target, HTTP version, headers and body as captured', { timeout: 120_000 }, async ({ inspector }) => {
    const commands = originals.map((capture) =>
      buildCurlCommand(capturedCurlRequest(source.url, capture.request, Buffer.from(capture.request.bodyBase64, 'base64'))),
    )
    const copyEndpoint = await inspector.procedures.createEndpoint({ name: 'Property copied curl' })
    const result = await inspector.procedures.importCaptures({
      endpointId: copyEndpoint.id,
      dataBase64: Buffer.from(commands.join('\n\n')).toString('base64'),
      format: 'curl',
    })
    expect(result.failures, `seed ${SEED}`).toEqual([])
    const copies = await Promise.all(result.importedIds.map((id) => inspector.procedures.getCapture({ id })))
    // What a curl export claims but the note, which only the script's record carries.
    const sent = (capture: CaptureDetail) => {
      const { note: _note, ...request } = claimed('curl', capture)
      return { ...request, headers: capture.request.headers.filter(([name]) => curlSendsHeader(name)) }
    }
    const differences = originals.flatMap((original, index) => {
      const want = sent(original)
      const got = copies[index] === undefined ? {} : sent(copies[index])
      return Object.keys(want)
        .filter((field) => JSON.stringify(want[field as keyof typeof want]) !== JSON.stringify(got[field as keyof typeof got]))
        .map((field) => ({ request: generated[index]!.description, field }))
    })
    expect(differences, `seed ${SEED}: copy as curl`).toEqual([])
  })
})
