/** What "Copy as curl" and "Copy body" put on the clipboard, for the detail's buttons and the `c`/`b` keys alike. */
import type { CaptureDetail, Endpoint } from '@shared/views'
import { headerValue } from '@shared/http-message'
import { trailersNotSent } from '@shared/trailers-not-sent'
import { preparedBodiesOf } from '../../api/capture-detail-loader'
import { decodeBody } from '../../lib/body-charset'
import { base64ToBytes } from '../../lib/bytes'
import { decodeContentCoding } from '../../lib/content-coding'
import { contentBytes } from '../../lib/prepared-body'
import { buildCurlCommandOffThread } from '../../api/capture-detail-curl'
import { capturedCurlRequest } from '../../lib/curl'

/**
 * A curl command resending the capture's exact bytes to its endpoint's capture URL, for the
 * detail's Copy as curl button and the `c` key alike: built in a worker when the body is large
 * (10-40 MB of shell text for a 10 MB body), at once when it is small.
 */
export function curlForCapture(capture: CaptureDetail, endpoint: Endpoint | undefined, body: Uint8Array = requestBodyBytes(capture)): Promise<string> {
  return buildCurlCommandOffThread(capturedCurlRequest(endpoint?.url ?? window.location.origin, capture.request, body))
}

/**
 * What a curl command of the capture leaves out, said where it is copied (the detail's button, the
 * `c` key) in the words a resend uses for the same loss; `null` when it sends everything.
 */
export function curlLeavesOut(capture: CaptureDetail): string | null {
  return capture.request.trailers.length > 0 ? trailersNotSent(capture.request.trailers, 'curl') : null
}

/** The body as text in its declared charset (decompressed, as the body view shows it), or why it cannot be copied as text. */
export async function bodyTextForCopy(capture: CaptureDetail): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
  const prepared = preparedBodiesOf(capture)?.request
  const bytes = prepared?.bytes ?? base64ToBytes(capture.request.bodyBase64)
  if (bytes.length === 0) return { ok: false, problem: 'This capture has no body to copy.' }
  // The same decoding as the body view (Content-Encoding undone, then the declared charset:
  // ISO-8859-1, UTF-16...; else UTF-8), done off the UI thread when the capture was loaded:
  // decoding a 10 MB body here stalled the `b` key.
  if (prepared !== undefined) return copyableText(prepared.decoded.text)
  const content = await decodeContentCoding(bytes, headerValue(capture.request.headers, 'content-encoding') ?? null)
  if (content.kind === 'failed') return { ok: false, problem: `The body cannot be decompressed (${content.reason}): save it from the body view instead.` }
  return copyableText(decodeBody(contentBytes(bytes, content), headerValue(capture.request.headers, 'content-type') ?? null).text)
}

function copyableText(text: string | null): { ok: true; text: string } | { ok: false; problem: string } {
  if (text === null) return { ok: false, problem: 'The body is not text (binary or not valid in its charset): save it from the body view instead.' }
  return { ok: true, text }
}

/** The request body's bytes: as the capture loader decoded them off the UI thread, else decoded here. */
function requestBodyBytes(capture: CaptureDetail): Uint8Array {
  return preparedBodiesOf(capture)?.request.bytes ?? base64ToBytes(capture.request.bodyBase64)
}
