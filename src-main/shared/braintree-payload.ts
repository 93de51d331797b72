/**
 * Braintree posts its notification as a form whose `bt_payload` field is base64 of an XML
 * document. This reads that XML out of the stored body: the core's summary and the renderer's
 * derived view both use it, so the two cannot disagree on what the payload says. The result is a
 * view derived from the stored bytes, which stay the truth. Plain TypeScript (no Node or DOM
 * specifics beyond `atob` and `TextDecoder`), for both sides.
 */

export type BraintreePayloadView = { ok: true; xml: string } | { ok: false; problem: string }

/** Base64 as Braintree writes it, once its newlines are removed (padding optional). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The `bt_payload` form field as received (form-decoded), or `null` when the body has none. */
export function braintreePayloadField(body: Uint8Array): string | null {
  if (body.length === 0) return null
  const text = new TextDecoder('utf-8').decode(body)
  if (!text.includes('bt_payload=')) return null
  return new URLSearchParams(text).get('bt_payload')
}

/** The XML inside `bt_payload`, decoded from base64 and read as UTF-8, or why it cannot be. */
export function decodeBraintreePayload(body: Uint8Array): BraintreePayloadView {
  const payload = braintreePayloadField(body)
  if (payload === null) return { ok: false, problem: 'no bt_payload form parameter' }
  const base64 = payload.replace(/\n/g, '')
  if (!BASE64.test(base64) || base64.replace(/=+$/, '').length % 4 === 1) {
    return { ok: false, problem: `bt_payload is not base64${payload.includes(' ') ? " (a '+' sent unencoded in the form reads as a space)" : ''}` }
  }
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return { ok: true, xml: new TextDecoder('utf-8').decode(bytes) }
}
