/**
 * The rule for a URL the app sends to (resend, bulk replay, forward, simulate): http or https, with
 * a host, at most {@link MAX_TARGET_URL_CHARS}. Zod-free, so the API's schemas and the renderer's
 * forms call this one rule and agree on every input (the form used to accept a URL the API refused).
 */

/** Longest target URL accepted. */
export const MAX_TARGET_URL_CHARS = 2048

/** The example the forms and messages show. */
export const TARGET_URL_EXAMPLE = 'http://localhost:3000/callbacks/ixopay'

/** `null` when `value` is an acceptable target URL, else why not, in words a form can show. */
export function describeInvalidTargetUrl(value: string): string | null {
  if (value.trim() === '') return `Enter the URL to send to, e.g. ${TARGET_URL_EXAMPLE}`
  if (value.length > MAX_TARGET_URL_CHARS) return `A URL of at most ${MAX_TARGET_URL_CHARS} characters`
  let url: URL
  try {
    url = new URL(value)
  } catch (error: unknown) {
    // The URL constructor throws a TypeError for text that is not a URL; anything else is a bug.
    if (error instanceof TypeError) return `Not a URL: use e.g. ${TARGET_URL_EXAMPLE}`
    throw error
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return null
  return 'Use an http:// or https:// URL'
}

/** Whether `value` is an acceptable target URL (see {@link describeInvalidTargetUrl}). */
export function isTargetUrl(value: string): boolean {
  return describeInvalidTargetUrl(value) === null
}
