import { describe, expect, it } from 'vitest'
import type { CaptureDetail } from '@shared/views'
import { keepPreparedBodies } from '../../api/capture-detail-loader'
import { bytesToBase64 } from '../../lib/bytes'
import { readBodyText } from '../../lib/prepared-body'
import { bodyTextForCopy } from './capture-copy'

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
