/** What "Copy as curl" and "Copy body" put on the clipboard, for the detail's buttons and the `c`/`b` keys alike. */
import type { CaptureDetail, Endpoint } from '../../../../src-main/shared/contract'
import { headerValue } from '../../../../src-main/shared/http-message'
import { base64ToBytes, declaredCharset, decodeUtf8Strict, decodeWithCharset } from '../../lib/bytes'
import { buildCurlCommand, captureUrl } from '../../lib/curl'

/** A curl command resending the capture's exact bytes to its endpoint's capture URL. */
export function curlForCapture(capture: CaptureDetail, endpoint: Endpoint | undefined, body: Uint8Array = base64ToBytes(capture.request.bodyBase64)): string {
  const { request } = capture
  return buildCurlCommand({
    method: request.method,
    url: captureUrl(endpoint?.url ?? window.location.origin, request.target),
    headers: request.headers,
    body,
  })
}

/** The body as text in its declared charset, or why it cannot be copied as text. */
export function bodyTextForCopy(capture: CaptureDetail): { ok: true; text: string } | { ok: false; problem: string } {
  const bytes = base64ToBytes(capture.request.bodyBase64)
  if (bytes.length === 0) return { ok: false, problem: 'This capture has no body to copy.' }
  const charset = declaredCharset(headerValue(capture.request.headers, 'content-type'))
  const text = decodeWithCharset(bytes, charset) ?? decodeUtf8Strict(bytes)
  if (text === null) return { ok: false, problem: 'The body is not text (binary or not valid in its charset): save it from the body view instead.' }
  return { ok: true, text }
}
