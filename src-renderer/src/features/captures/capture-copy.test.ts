import { describe, expect, it } from 'vitest'
import type { CaptureDetail, Endpoint } from '@shared/views'
import { keepPreparedBodies } from '../../api/capture-detail-loader'
import { bytesToBase64 } from '../../lib/bytes'
import { readBodyText } from '../../lib/prepared-body'
import { buildCurlCommand } from '../../lib/curl'
import type { ContentDecoding } from '../../lib/content-coding'
import { bodyTextForCopy, curlForCapture, curlLeavesOut } from './capture-copy'

const IDENTITY: ContentDecoding = { kind: 'identity' }

/** The bytes compressed by the platform's CompressionStream (Node's and the browser's alike). */
async function compressed(bytes: Uint8Array, format: 'gzip' | 'deflate' | 'deflate-raw'): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer())
}

/** Only what copying reads; the rest of a detail does not matter here. */
function captureWith(body: Uint8Array, contentType: string, contentEncoding?: string): CaptureDetail {
  const headers = [['Content-Type', contentType], ...(contentEncoding === undefined ? [] : [['Content-Encoding', contentEncoding]])]
  return {
    request: { method: 'POST', target: '/x', httpVersion: '1.1', headers, bodyBase64: bytesToBase64(body), bodySha256: '' },
    responseBodyBase64: '',
  } as unknown as CaptureDetail
}

/** The same capture whose base64 cannot be read: what the capture loader hands over for a large body is read from its prepared bytes only. */
function withUnreadableBase64(capture: CaptureDetail): CaptureDetail {
  const request = { ...capture.request }
  Object.defineProperty(request, 'bodyBase64', {
    get() {
      throw new Error('the base64 was decoded again on the UI thread')
    },
  })
  return { ...capture, request }
}

describe('bodyTextForCopy', () => {
  it('copies the text in its declared charset, exactly', async () => {
    const latin1 = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x31, 0x30, 0x2e, 0x31, 0x30])
    expect(await bodyTextForCopy(captureWith(latin1, 'text/plain; charset=iso-8859-1'))).toEqual({ ok: true, text: 'Müller 10.10' })
  })

  it('copies a gzip-encoded body decompressed, as the body view shows it; a corrupt one is refused', async () => {
    const latin1 = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x31, 0x30, 0x2e, 0x31, 0x30])
    expect(await bodyTextForCopy(captureWith(await compressed(latin1, 'gzip'), 'text/plain; charset=iso-8859-1', 'gzip'))).toEqual({
      ok: true,
      text: 'Müller 10.10',
    })
    const cut = (await compressed(latin1, 'gzip')).subarray(0, 15)
    expect(await bodyTextForCopy(captureWith(cut, 'text/plain', 'gzip'))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('cannot be decompressed'),
    })
  })

  it('takes the text the capture loader already decoded instead of decoding the body again', async () => {
    const bytes = new TextEncoder().encode('{"amount": 12345678901234567891, "note": "café"}')
    const capture = withUnreadableBase64(captureWith(bytes, 'application/json'))
    const prepared = { bytes, content: IDENTITY, ...readBodyText(bytes, 'application/json'), json: null }
    keepPreparedBodies(capture, {
      request: prepared,
      response: { bytes: new Uint8Array(0), content: IDENTITY, ...readBodyText(new Uint8Array(0), null), json: null },
    })
    expect(await bodyTextForCopy(capture)).toEqual({ ok: true, text: '{"amount": 12345678901234567891, "note": "café"}' })
  })

  it('refuses bytes that are not text, and an empty body', async () => {
    expect(await bodyTextForCopy(captureWith(new Uint8Array([0x63, 0xe9]), 'text/plain'))).toMatchObject({ ok: false })
    expect(await bodyTextForCopy(captureWith(new Uint8Array(0), 'text/plain'))).toEqual({ ok: false, problem: 'This capture has no body to copy.' })
  })
})

describe('curlForCapture', () => {
  it('builds the command of a large body from the bytes the capture loader decoded, never from the base64 on the UI thread', async () => {
    // Over the size built at once: the command goes to the worker (built in place where there is none, as here).
    const bytes = new TextEncoder().encode(JSON.stringify({ note: 'x'.repeat(200_000), amount: '10.10' }))
    const capture = withUnreadableBase64(captureWith(bytes, 'application/json'))
    keepPreparedBodies(capture, {
      request: { bytes, content: IDENTITY, ...readBodyText(bytes, 'application/json'), json: null },
      response: { bytes: new Uint8Array(0), content: IDENTITY, ...readBodyText(new Uint8Array(0), null), json: null },
    })
    const endpoint = { url: 'http://127.0.0.1:4100/shop' } as Endpoint
    const command = await curlForCapture(capture, endpoint)
    expect(command).toBe(buildCurlCommand({ method: 'POST', url: 'http://127.0.0.1:4100/x', headers: [['Content-Type', 'application/json']], body: bytes }))
  })
})

describe('curlLeavesOut', () => {
  it("says a capture's trailer fields are not in the command, in the words a resend uses; nothing when it has none", () => {
    const capture = captureWith(new TextEncoder().encode('{}'), 'application/json')
    const withTrailers = (trailers: Array<[string, string]>) => ({ ...capture, request: { ...capture.request, trailers } })
    expect(curlLeavesOut(withTrailers([]))).toBeNull()
    expect(
      curlLeavesOut(
        withTrailers([
          ['X-Digest', 'sha-256=:abc=:'],
          ['x-digest', 'second'],
          ['X-Digest', 'third'],
        ]),
      ),
    ).toBe('trailer fields not sent (X-Digest, x-digest): curl cannot send them')
  })
})
