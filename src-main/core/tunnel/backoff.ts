/** Exponential backoff bounds for reconnect attempts. */
export interface BackoffConfig {
  /** Ceiling of the first delay. */
  initialMs: number
  /** Ceiling no delay ever exceeds. */
  maxMs: number
}

/**
 * Delay before reconnect attempt `attempt` (1-based): "full jitter", a uniform draw in
 * `[0, min(maxMs, initialMs * 2^(attempt - 1)))`.
 *
 * Full jitter rather than a fixed schedule because every inspector that lost the same public
 * server (a localtunnel.me restart drops all clients at once) would otherwise come back in
 * lock-step and hammer it; the random spread costs one expected halving of the delay.
 *
 * @param random a source in `[0, 1)`, injected so tests can pin it.
 */
export function computeBackoffDelayMs(attempt: number, config: BackoffConfig, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1)
  // 2 ** 1024 is Infinity, which Math.min tames; keep the exponent bounded anyway to stay exact.
  const ceilingMs = Math.min(config.maxMs, config.initialMs * 2 ** Math.min(exponent, 52))
  const draw = Math.min(Math.max(random(), 0), 1)
  return Math.floor(draw * ceilingMs)
}
