/**
 * The export's last checks, given what the scrub would have missed: each must find a configured
 * secret wherever a reader of the file could still decode it, and pass what the scrub leaves.
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { exchangeCapture } from '../../test-support/exchange-capture'
import type { ExchangeCapture } from './exchange-capture'
import { encodeExport } from './export-output'
import { redactCaptures } from './redaction'
import { checkNoSecretInLabels, checkNoSecretLeft, secretLocation } from './secret-check'
import { secretForms } from './secret-presence'

const SECRET = 'hook-secret-???>>>???-2026'
const FORMS = secretForms([SECRET])
const base64 = (text: string) => Buffer.from(text).toString('base64')
/** Base64 of a JSON body holding the secret: its encoding holds `/` and `+` (? is 0x3f, > is 0x3e). */
const ENCODED = base64(`{"apiKey":"${SECRET}"}`)
/** Base64 wrapped every 8 characters (CRLF), so a line break falls inside the encoded secret. */
const WRAPPED = (ENCODED.match(/.{1,8}/g) ?? []).join('\r\n')

describe('the check on each capture as the files are written from it', () => {
  const cases: Array<{ name: string; capture: Partial<ExchangeCapture>; where: string }> = [
    { name: 'a header name', capture: { headers: [[`X-${SECRET}`, 'v']] }, where: 'capture.headers[0][0]' },
    { name: 'the endpoint name', capture: { endpoint: { name: `Shop ${SECRET}`, slug: 'shop' } }, where: 'capture.endpoint.name' },
    { name: 'the method', capture: { method: `POST${SECRET}` }, where: 'capture.method' },
    {
      name: 'base64 in a gzip body',
      capture: { headers: [['Content-Encoding', 'gzip']], body: gzipSync(`{"payload":"${ENCODED}"}`) },
      where: 'body',
    },
    {
      name: 'base64 in a deflate body',
      capture: { headers: [['Content-Encoding', 'deflate']], body: deflateSync(`{"payload":"${ENCODED}"}`) },
      where: 'body',
    },
    // Neither has bytes to recognise it by: read by their Content-Encoding only.
    {
      name: 'base64 in a raw deflate body',
      capture: { headers: [['Content-Encoding', 'deflate']], body: deflateRawSync(`{"payload":"${ENCODED}"}`) },
      where: 'body',
    },
    { name: 'base64 in a br body', capture: { headers: [['Content-Encoding', 'br']], body: brotliCompressSync(`{"payload":"${ENCODED}"}`) }, where: 'body' },
    { name: 'zlib data with no Content-Encoding', capture: { body: deflateSync(`{"payload":"${ENCODED}"}`) }, where: 'body' },
    {
      name: 'base64 with \\u002F and \\u002B',
      capture: { body: Buffer.from(`{"p":"${ENCODED.replaceAll('/', '\\u002F').replaceAll('+', '\\u002B')}"}`) },
      where: 'body',
    },
    { name: 'base64 with \\/', capture: { body: Buffer.from(`{"p":"${ENCODED.replaceAll('/', '\\/')}"}`) }, where: 'body' },
    { name: 'line-wrapped base64', capture: { headers: [['Content-Type', 'text/plain']], body: Buffer.from(`data:\r\n${WRAPPED}\r\n`) }, where: 'body' },
    { name: 'the secret JSON-escaped', capture: { body: Buffer.from(`{"p":"\\u0068${SECRET.slice(1)}"}`) }, where: 'body' },
    { name: 'the secret percent-encoded', capture: { target: `/cb?k=${encodeURIComponent(SECRET)}` }, where: 'capture.target' },
    {
      name: 'a UTF-16 body',
      capture: { headers: [['Content-Type', 'text/plain; charset=utf-16le']], body: Buffer.from(`k=${SECRET}`, 'utf16le') },
      where: 'body',
    },
    {
      name: 'a compressed body in the resend history',
      capture: {
        resends: [
          {
            id: 'r',
            sent: { headers: [['Content-Encoding', 'gzip']], bodyBase64: gzipSync(`k=${SECRET}`).toString('base64') },
          } as unknown as ExchangeCapture['resends'][number],
        ],
      },
      where: 'capture.resends[0].sent.bodyBase64',
    },
  ]

  it('finds a secret the scrub did not remove, and says where without saying what', () => {
    for (const { name, capture, where } of cases) {
      expect(secretLocation(exchangeCapture(capture), FORMS), name).toBe(where)
      expect(() => checkNoSecretLeft(exchangeCapture(capture), 2, FORMS), name).toThrow(`(capture 3, ${where})`)
      try {
        checkNoSecretLeft(exchangeCapture(capture), 2, FORMS)
      } catch (error: unknown) {
        expect((error as Error).message, name).not.toContain(SECRET)
      }
    }
  })

  it('passes every one of them once scrubbed, redacted or not, and ordinary captures', () => {
    for (const { name, capture } of cases) {
      for (const redact of [false, true]) {
        const scrubbed = redactCaptures([exchangeCapture(capture)], { redact, personalData: false, secrets: [SECRET] }).captures[0]!
        expect(secretLocation(scrubbed, FORMS), `${name}, redact=${redact}`).toBeNull()
      }
    }
    const ordinary = exchangeCapture({
      headers: [['Content-Encoding', 'gzip']],
      body: gzipSync(`{"payload":"${base64('{"apiKey":"another value of that length"}')}"}`),
    })
    expect(secretLocation(ordinary, FORMS)).toBeNull()
    expect(() => checkNoSecretLeft(ordinary, 0, secretForms([]))).not.toThrow()
  })

  it('finds a secret in the file name and the list of changes', () => {
    expect(() => checkNoSecretInLabels(`shop-${SECRET}-20261207.har`, [], FORMS)).toThrow('(the file name)')
    expect(() => checkNoSecretInLabels('shop.har', [{ capture: 0, location: `header X-${SECRET}`, action: 'removed' }], FORMS)).toThrow('(the list of changes)')
    expect(() => checkNoSecretInLabels('shop.har', [{ capture: 0, location: 'header X-[secret removed]', action: 'removed' }], FORMS)).not.toThrow()
  })
})

describe("the check on the file's bytes", () => {
  it('reads the escapes a JSON file writes over a body’s own, and percent-encoding', async () => {
    // As HAR writes a JSON body as text: `\u002F` in the body becomes `\\u002F` in the file.
    const refused = [
      JSON.stringify({ text: `{"p":"${ENCODED.replaceAll('/', '\\u002F')}"}` }),
      JSON.stringify({ text: `{"p":"${ENCODED.replaceAll('/', '\\/').replaceAll('+', '\\u002b')}"}` }),
      JSON.stringify({ text: `{"p":"\\u0068${SECRET.slice(1)}"}` }),
      // A wrapped value in a text body: the file writes its line breaks as \r\n escapes.
      JSON.stringify({ text: `data:\r\n${WRAPPED}\r\n` }),
      JSON.stringify({ url: `http://x/cb?k=${[...SECRET].map((char) => `%${char.charCodeAt(0).toString(16)}`).join('')}` }),
    ]
    for (const text of refused) await expect(encodeExport([text], [SECRET], { json: true }), text).rejects.toThrow('still held a configured secret')
    const other = JSON.stringify({ text: `{"p":"${base64('{"apiKey":"another value of that length"}').replaceAll('/', '\\u002F')}"}` })
    expect((await encodeExport([other], [SECRET], { json: true })).byteLength).toBe(other.length)
  })

  it('reads one level of escapes in a file that is not JSON (a raw HTTP body keeps its own)', async () => {
    await expect(encodeExport([`POST / HTTP/1.1\r\n\r\n{"p":"${ENCODED.replaceAll('/', '\\u002F')}"}`], [SECRET])).rejects.toThrow(
      'still held a configured secret',
    )
    // Escaped twice, it is text about an escape, as the scrub leaves it.
    const twice = `POST / HTTP/1.1\r\n\r\n{"p":"\\\\u0068${SECRET.slice(1)}"}`
    expect((await encodeExport([twice], [SECRET])).byteLength).toBe(twice.length)
  })
})
