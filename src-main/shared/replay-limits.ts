/** Replay limits: plain data, so the renderer's forms check the same bounds the API enforces. */
/** Total time a replay may take (connect, send, answer), unless the user sets another. */
export const REPLAY_TIMEOUT_MS = 30_000
/** Time allowed to open the TCP (and TLS) connection. */
export const REPLAY_CONNECT_TIMEOUT_MS = 10_000
/** Response body bytes kept; the rest is not read (the record says it was truncated). */
export const REPLAY_MAX_RESPONSE_BYTES = 1024 * 1024
/** Sent-body bytes kept inline in a replay record; the hash and size always cover the whole body. */
export const REPLAY_RECORD_BODY_BYTES = 64 * 1024
/** Largest body a replay sends (the receiver's own cap is in the same range). */
export const REPLAY_MAX_REQUEST_BYTES = 64 * 1024 * 1024
/** Redirect hops followed when the user turns following on. */
export const REPLAY_MAX_REDIRECTS = 5
/** Pass-through forwarding: how long the provider's request waits for the target's answer. */
export const FORWARD_TIMEOUT_MS = 10_000
/** Bounds of a send's total and connect timeouts (`sendOptionsSchema`, the resend form): 100 ms to 10 min. */
export const SEND_TIMEOUT_MIN_MS = 100
export const SEND_TIMEOUT_MAX_MS = 10 * 60_000
/** Bounds of a pass-through forward's timeout (`forwardConfigSchema`, the forward form): 100 ms to 2 min. */
export const FORWARD_TIMEOUT_MIN_MS = 100
export const FORWARD_TIMEOUT_MAX_MS = 120_000

/**
 * `null` when `timeoutMs` is a whole number of milliseconds within `[minMs, maxMs]`, else the
 * bounds in seconds, as the forms ask for seconds. The schemas check the same bounds.
 */
export function describeInvalidTimeout(timeoutMs: number, minMs: number, maxMs: number): string | null {
  if (Number.isInteger(timeoutMs) && timeoutMs >= minMs && timeoutMs <= maxMs) return null
  return `between ${minMs / 1000} and ${maxMs / 1000} seconds`
}

export const BULK_MAX_CONCURRENCY = 32
export const BULK_MAX_RATE_PER_SECOND = 100
