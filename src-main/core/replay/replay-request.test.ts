import { createHash, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CaptureDetail } from '../../shared/views'
import type { HeaderPairs } from '../../shared/http-message'
import { diffText } from './body-diff'
import { sendReplay } from './http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { buildReplayRequest, sentRequestView, sentTarget } from './replay-request'
import { replayCaptureInputSchema } from '../../shared/replay'

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')
const endToEnd = (headers: HeaderPairs): HeaderPairs =>
  headers.filter(([name]) => !/^(host|connection|keep-alive|transfer-encoding|te|trailer|upgrade|proxy-.*|x-hop)$/i.test(name))

function captureOf(body: Buffer, headers: HeaderPairs, target = '/default/notify?orderId=1001'): Pick<CaptureDetail, 'request'> {
  return { request: { method: 'POST', target, httpVersion: '1.1', headers, trailers: [], bodyBase64: body.toString('base64'), bodySha256: sha256(body) } }
}

let target: LoopbackTarget | null = null
afterEach(async () => {
  await target?.close()
  target = null
})

describe('buildReplayRequest: trailer fields', () => {
  it("does not send a chunked body's trailer fields, and says so instead of calling the request the captured bytes", () => {
    const body = Buffer.from('{}')
    const capture = captureOf(body, [['Transfer-Encoding', 'chunked']])
    const trailers: HeaderPairs = [
      ['X-Digest', 'sha-256=:abc=:'],
      ['x-signature', 't=1,v1=ff'],
    ]
    const request = buildReplayRequest({ request: { ...capture.request, trailers } }, { targetUrl: 'http://127.0.0.1:9/hook' })
    expect(request.differences.filter((difference) => difference.kind !== 'path')).toEqual([
      { kind: 'header-added', name: 'Content-Length', value: '2', reason: 'recomputed' },
      { kind: 'trailers-not-sent', trailers },
    ])
    expect(request.headers).toEqual([
      ['Host', '127.0.0.1:9'],
      ['Content-Length', '2'],
    ])
    // Even where nothing else differs (a body sent with Content-Length), it is not the captured bytes.
    const framed = captureOf(body, [['Content-Length', '2']])
    expect(sentRequestView(buildReplayRequest({ request: { ...framed.request, trailers } }, { targetUrl: 'http://127.0.0.1:9/hook' })).differsFromCapture).toBe(
      true,
    )
    expect(sentRequestView(buildReplayRequest(framed, { targetUrl: 'http://127.0.0.1:9/hook' })).differsFromCapture).toBe(false)
  })
})

describe('buildReplayRequest + sendReplay: resend as captured', () => {
  it('delivers the captured body byte for byte and the headers in order and case, minus hop-by-hop and Host', async () => {
    target = await startLoopbackTarget()
    // Bytes that any re-encoding would damage: invalid UTF-8, NUL, CRLF, a BOM.
    const body = Buffer.concat([Buffer.from('\uFEFF{"amount":"9.99"}\r\n', 'utf8'), randomBytes(512), Buffer.from([0, 0xff, 0xfe, 0x80])])
    const headers: HeaderPairs = [
      ['Host', 'abc.loca.lt'],
      ['X-Forwarded-For', '203.0.113.1'],
      ['content-type', 'application/json; charset=utf-8'],
      ['Connection', 'keep-alive, X-Hop'],
      ['X-Hop', 'per-connection'],
      ['Content-Length', String(body.length)],
      ['X-Signature', 'abc=='],
      ['x-MiXeD-CaSe', 'Ünïcode bytes as latin1 \u00e9'],
      ['Accept', 'a'],
      ['Accept', 'b'],
      ['Keep-Alive', 'timeout=5'],
      ['Proxy-Authorization', 'Basic eA=='],
    ]
    const capture = captureOf(body, headers)
    const request = buildReplayRequest(capture, { targetUrl: `${target.url}/callbacks/ixopay` })
    expect(request.differences.filter((difference) => difference.kind !== 'path')).toEqual([])
    expect(request.droppedHeaders).toEqual(['Connection', 'X-Hop', 'Keep-Alive', 'Proxy-Authorization'])

    const outcome = await sendReplay(request)
    expect(outcome.kind).toBe('response')
    const received = target.received[0]
    if (!received) throw new Error('nothing received')
    expect(sha256(received.body)).toBe(capture.request.bodySha256)
    expect(received.target).toBe('/callbacks/ixopay')
    expect(endToEnd(received.headers)).toEqual(endToEnd(headers))
    expect(received.headers.find(([name]) => name === 'Host')?.[1]).toBe(new URL(target.url).host)
    const view = sentRequestView(request)
    expect(view.differsFromCapture).toBe(false)
    expect(view.bodySha256).toBe(capture.request.bodySha256)
  })

  it('adds Content-Length for a capture that arrived chunked, and no chunked framing', async () => {
    target = await startLoopbackTarget()
    const body = Buffer.from('{"chunked":true}')
    const request = buildReplayRequest(
      captureOf(body, [
        ['Transfer-Encoding', 'chunked'],
        ['Content-Type', 'application/json'],
      ]),
      { targetUrl: target.url },
    )
    await sendReplay(request)
    const received = target.received[0]
    expect(received?.body.equals(body)).toBe(true)
    expect(received?.headers.some(([name]) => /transfer-encoding/i.test(name))).toBe(false)
    expect(received?.headers.find(([name]) => /content-length/i.test(name))?.[1]).toBe(String(body.length))
    expect(request.differences).toContainEqual({ kind: 'header-added', name: 'Content-Length', value: String(body.length), reason: 'recomputed' })
  })
})

describe('edit, then resend', () => {
  it('reports every difference and sends the edit', async () => {
    target = await startLoopbackTarget()
    const body = Buffer.from('{\n  "amount": "9.99",\n  "currency": "EUR"\n}\n')
    const headers: HeaderPairs = [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
      ['X-Removed', '1'],
      ['X-Changed', 'old'],
    ]
    const edited = '{\n  "amount": "19.99",\n  "currency": "EUR"\n}\n'
    const request = buildReplayRequest(captureOf(body, headers), {
      targetUrl: `${target.url}/dev`,
      edits: {
        method: 'PUT',
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Length', '1'],
          ['X-Changed', 'new'],
          ['X-Added', 'yes'],
        ],
        body: { encoding: 'utf8', text: edited },
      },
    })
    const kinds = request.differences.map((difference) => difference.kind)
    expect(kinds).toEqual(expect.arrayContaining(['method', 'path', 'header-removed', 'header-changed', 'header-added', 'body']))
    expect(request.differences).toContainEqual({ kind: 'method', captured: 'POST', sent: 'PUT' })
    expect(request.differences).toContainEqual({ kind: 'header-removed', name: 'X-Removed', value: '1', reason: 'edited' })
    expect(request.differences).toContainEqual({ kind: 'header-changed', name: 'X-Changed', captured: 'old', sent: 'new', reason: 'edited' })
    expect(request.differences).toContainEqual({
      kind: 'header-changed',
      name: 'Content-Length',
      captured: String(body.length),
      sent: String(Buffer.byteLength(edited)),
      reason: 'recomputed',
    })
    expect(request.differences).toContainEqual({
      kind: 'body',
      captured: { sha256: sha256(body), size: body.length },
      sent: { sha256: sha256(Buffer.from(edited)), size: Buffer.byteLength(edited) },
      reason: 'edited',
    })
    expect(sentRequestView(request).differsFromCapture).toBe(true)

    await sendReplay(request)
    const received = target.received[0]
    expect(received?.method).toBe('PUT')
    expect(received?.body.toString()).toBe(edited)
    expect(received?.headers.find(([name]) => name === 'Content-Length')?.[1]).toBe(String(Buffer.byteLength(edited)))

    const diff = diffText(body.toString(), edited)
    expect(diff.unified).toContain('-  "amount": "9.99",')
    expect(diff.unified).toContain('+  "amount": "19.99",')
    expect(diff).toMatchObject({ addedLines: 1, removedLines: 1, truncated: false })
  })

  it('keepCapturedPath appends the captured path and query relative to the endpoint', async () => {
    target = await startLoopbackTarget()
    const request = buildReplayRequest(captureOf(Buffer.from('x'), [], '/my-endpoint/notify/v2?orderId=1001&x=%20'), {
      targetUrl: `${target.url}/callbacks/ixopay/`,
      keepCapturedPath: true,
    })
    await sendReplay(request)
    expect(target.received[0]?.target).toBe('/callbacks/ixopay/notify/v2?orderId=1001&x=%20')
    const base = new URL('http://h/cb?k=1')
    expect(sentTarget(base, '/slug?orderId=1', true)).toBe('/cb?k=1&orderId=1')
    expect(sentTarget(base, '/slug', true)).toBe('/cb?k=1')
    expect(sentTarget(base, '/slug/a', false)).toBe('/cb?k=1')
  })

  it('rejects a target that is not http(s)', () => {
    expect(() => buildReplayRequest(captureOf(Buffer.from(''), []), { targetUrl: 'ftp://example.com/' })).toThrow(/http/)
  })

  it('diffs large inputs without quadratic blow-up and says when it gave up', () => {
    const lines = (count: number, tag: string) => Array.from({ length: count }, (_, index) => `${tag}${index}`).join('\n')
    const diff = diffText(lines(5000, 'a'), lines(5000, 'b'))
    expect(diff.truncated).toBe(true)
  })
})

describe('edited header values', () => {
  const input = (value: string) => ({ captureId: 'c', targetUrl: 'http://127.0.0.1:9/hook', edits: { headers: [['X-Customer', value]] } })

  it('are refused before sending when the client cannot write them, and the bytes of every other one reach the wire', async () => {
    // ✓ (U+2713) and a control character cannot be written by the HTTP client: refused with a reason.
    for (const value of ['Müller ✓', 'a\u0007b']) {
      const parsed = replayCaptureInputSchema.safeParse(input(value))
      expect(parsed.success).toBe(false)
      expect(parsed.error?.issues[0]?.message).toMatch(/sent as bytes/)
    }
    // Latin-1 text and UTF-8 bytes written one char per byte (as captured headers are kept) are sent byte for byte.
    const utf8AsBytes = Buffer.from('Müller ✓', 'utf8').toString('latin1')
    target = await startLoopbackTarget()
    for (const value of ['Müller', utf8AsBytes, 'tab\tinside']) {
      expect(replayCaptureInputSchema.safeParse(input(value)).success).toBe(true)
      const request = buildReplayRequest(captureOf(Buffer.from('x'), []), { targetUrl: target.url, edits: { headers: [['X-Customer', value]] } })
      const outcome = await sendReplay(request)
      expect(outcome.kind).toBe('response')
      expect(target.received.at(-1)!.headers.find(([name]) => name === 'X-Customer')?.[1]).toBe(value)
    }
  })
})
