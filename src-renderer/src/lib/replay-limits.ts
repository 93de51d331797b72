/** Replay limits for the forms: the shared catalogue is the source; the API checks again. */
export { BULK_MAX_CONCURRENCY, BULK_MAX_RATE_PER_SECOND, FORWARD_TIMEOUT_MS, REPLAY_TIMEOUT_MS } from '../../../src-main/shared/replay-limits'
/** Send timeout bounds of `sendOptionsSchema` (100 ms to 10 min). */
export const SEND_TIMEOUT_MIN_MS = 100
export const SEND_TIMEOUT_MAX_MS = 10 * 60_000
/** Forward timeout bounds of `forwardConfigSchema` (100 ms to 2 min). */
export const FORWARD_TIMEOUT_MAX_MS = 120_000

/** `null` when `value` is an http(s) URL with a host (the API's rule), else why not. */
export function describeInvalidTargetUrl(value: string): string | null {
  if (value.trim() === '') return 'Enter the URL to send to, e.g. http://localhost:3000/callbacks/ixopay'
  try {
    const url = new URL(value)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return null
    return 'Use an http:// or https:// URL'
  } catch {
    return 'Not a URL: use e.g. http://localhost:3000/callbacks/ixopay'
  }
}
