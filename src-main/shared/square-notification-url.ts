/**
 * The rule for a Square key's notification URL, shared by the key schema (core and API) and the
 * key form (renderer): Square signs the subscription's notification URL followed by the body, so
 * the URL is kept exactly as entered (only surrounding whitespace is dropped) and never
 * normalised: `new URL` would turn `https://example.com` into `https://example.com/`, which Square
 * does not sign.
 */

/** No real notification URL comes close; a longer one is refused. */
export const SQUARE_NOTIFICATION_URL_MAX_CHARS = 2048

/** What the key form shows as an example. */
export const SQUARE_NOTIFICATION_URL_EXAMPLE = 'https://your-subdomain.loca.lt/square/webhooks'

/** Why a notification URL cannot be the one Square signs, or `null` when it can. Expects the trimmed text. */
export function describeInvalidSquareNotificationUrl(url: string): string | null {
  if (url === '') return 'the notification URL is empty'
  if (url.length > SQUARE_NOTIFICATION_URL_MAX_CHARS) return `the notification URL is longer than ${SQUARE_NOTIFICATION_URL_MAX_CHARS} characters`
  if (/\s/.test(url)) return 'the notification URL contains whitespace'
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error: unknown) {
    // new URL throws a TypeError on anything that is not an absolute URL.
    if (error instanceof TypeError) return `the notification URL must be absolute, like ${SQUARE_NOTIFICATION_URL_EXAMPLE}`
    throw error
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'the notification URL must start with https:// (Square accepts only https)'
  return null
}

/** A note for a usable URL that Square itself would not accept (plain http), or `null`. */
export function squareNotificationUrlWarning(url: string): string | null {
  return url.startsWith('http://') ? 'Square accepts only https notification URLs; this one can only match a local sender (a resend or the simulator)' : null
}
