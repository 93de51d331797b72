/**
 * The rule for a URL the app sends to (resend, bulk replay, forward, simulate): http or https, with
 * a host, at most {@link MAX_TARGET_URL_CHARS}. Zod-free, so the API's schemas and the renderer's
 * forms call this one rule and agree on every input (the form used to accept a URL the API refused).
 */

/** Longest target URL accepted. */
export const MAX_TARGET_URL_CHARS = 2048

/** The example the API's messages show; a form shows one for the provider it sends (target-url-example.ts in the renderer). */
export const TARGET_URL_EXAMPLE = 'http://localhost:3000/callbacks/ixopay'

/**
 * `null` when `value` is an acceptable target URL, else why not, in words a form can show. `example`
 * is the URL the words suggest: a form sending a Stripe capture suggests a Stripe route, not IXOPAY's.
 */
export function describeInvalidTargetUrl(value: string, example: string = TARGET_URL_EXAMPLE): string | null {
  if (value.trim() === '') return `Enter the URL to send to, e.g. ${example}`
  if (value.length > MAX_TARGET_URL_CHARS) return `A URL of at most ${MAX_TARGET_URL_CHARS} characters`
  let url: URL
  try {
    url = new URL(value)
  } catch (error: unknown) {
    // The URL constructor throws a TypeError for text that is not a URL; anything else is a bug.
    if (error instanceof TypeError) return `Not a URL: use e.g. ${example}`
    throw error
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// URL'
  if (url.hostname === '') return 'Use an http:// or https:// URL'
  // Requests go to the URL's origin and path only: a user name or password in it is never sent,
  // yet it would be kept in the settings and in every forwarded capture, and exported with them.
  if (hasCredentials(url)) return 'Remove the user name and password from the URL: they are not sent (send credentials in a header)'
  return null
}

function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== ''
}

/**
 * `value` without a user name or password; unchanged (exactly as typed) when it has none or is not
 * a URL. For target URLs stored before such URLs were refused: they never carried their
 * credentials anywhere, so dropping them loses nothing and keeps them out of exports.
 */
export function withoutCredentials(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return value
  }
  if (!hasCredentials(url)) return value
  url.username = ''
  url.password = ''
  return url.href
}

/** Whether `value` is an acceptable target URL (see {@link describeInvalidTargetUrl}). */
export function isTargetUrl(value: string): boolean {
  return describeInvalidTargetUrl(value) === null
}
