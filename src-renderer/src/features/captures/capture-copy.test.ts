import { describe, expect, it } from 'vitest'
import type { CaptureDetail, Endpoint } from '@shared/views'
import { keepPreparedBodies } from '../../api/capture-detail-loader'
import { bytesToBase64 } from '../../lib/bytes'
import { readBodyText } from '../../lib/prepared-body'
import { buildCurlCommand } from '../../lib/curl'
import { bodyTextForCopy, curlForCapture } from './capture-copy'

/** Only what copying reads; the rest of a detail does not matter here. */
function captureWith(body: Uint8Array, contentType: string): CaptureDetail {
  return {
    request: { method: 'POST', target: '/x', httpVersion: '1.1', headers: [['Content-Type', contentType]], bodyBase64: bytesToBase64(body), bodySha256: '' },
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
  it('copies the text in its declared charset, exactly', () => {
    const latin1 = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x31, 0x30, 0x2e, 0x31, 0x30])
    expect(bodyTextForCopy(captureWith(latin1, 'text/plain; charset=iso-8859-1'))).toEqual({ ok: true, text: 'Müller 10.10' })
  })

  it('takes the text the capture loader already decoded instead of decoding the body again', () => {
    const bytes = new TextEncoder().encode('{"amount": 12345678901234567891, "note": "café"}')
    const capture = withUnreadableBase64(captureWith(bytes, 'application/json'))
    const prepared = { bytes, ...readBodyText(bytes, 'application/json'), json: null }
    keepPreparedBodies(capture, { request: prepared, response: { bytes: new Uint8Array(0), ...readBodyText(new Uint8Array(0), null), json: null } })
    expect(bodyTextForCopy(capture)).toEqual({ ok: true, text: '{"amount": 12345678901234567891, "note": "café"}' })
  })

  it('refuses bytes that are not text, and an empty body', () => {
    expect(bodyTextForCopy(captureWith(new Uint8Array([0x63, 0xe9]), 'text/plain'))).toMatchObject({ ok: false })
    expect(bodyTextForCopy(captureWith(new Uint8Array(0), 'text/plain'))).toEqual({ ok: false, problem: 'This capture has no body to copy.' })
  })
})

describe('curlForCapture', () => {
  it('builds the command of a large body from the bytes the capture loader decoded, never from the base64 on the UI thread', async () => {
    // Over the size built at once: the command goes to the worker (built in place where there is none, as here).
    const bytes = new TextEncoder().encode(JSON.stringify({ note: 'x'.repeat(200_000), amount: '10.10' }))
    const capture = withUnreadableBase64(captureWith(bytes, 'application/json'))
    keepPreparedBodies(capture, {
      request: { bytes, ...readBodyText(bytes, 'application/json'), json: null },
      response: { bytes: new Uint8Array(0), ...readBodyText(new Uint8Array(0), null), json: null },
    })
    const endpoint = { url: 'http://127.0.0.1:4100/shop' } as Endpoint
    const command = await curlForCapture(capture, endpoint)
    expect(command).toBe(buildCurlCommand({ method: 'POST', url: 'http://127.0.0.1:4100/x', headers: [['Content-Type', 'application/json']], body: bytes }))
  })
})
