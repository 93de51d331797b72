/**
 * Providers' retry policies as their public pages state them (each provider module's
 * `retrySchedule`), and the times they predict for the attempts of one delivery. Each schedule
 * names its page (`sourceUrl`), which the Delivery view links to; where a page gives no times, the
 * schedule says so and predicts nothing rather than guessing.
 */
import type { ProviderId } from '../../shared/provider-catalog'
import type { RetrySchedule } from '../../shared/deliveries'
import { findProviderModule } from '../providers/registry'

/**
 * The retry policy of a provider (and product, for CHIP), or `null` where no public policy is
 * known (Plexo, Mollie, generic and unknown senders).
 */
export function retryScheduleFor(provider: ProviderId, variant: string | null): RetrySchedule | null {
  // Looked up as data: a stored capture may name a provider this version does not know.
  return findProviderModule(provider)?.retrySchedule(variant) ?? null
}

/**
 * When the schedule expected each attempt, given when the attempts actually came (ms since the
 * epoch, oldest first): index 0 is the first attempt (never expected), index i the i-th retry.
 * A step counted from the previous attempt uses that attempt's real arrival, so one late attempt
 * does not shift every later expectation by a guess. One more entry than `arrivals` is returned:
 * the next attempt the schedule expects. `null` where the schedule gives no time.
 */
export function expectedAttemptTimes(schedule: RetrySchedule, arrivals: readonly number[]): Array<number | null> {
  const expected: Array<number | null> = [null]
  const first = arrivals[0]
  if (first === undefined) return expected
  for (let attempt = 1; attempt <= arrivals.length; attempt++) {
    const step = schedule.retries[attempt - 1]
    if (step === undefined) {
      expected.push(null)
      continue
    }
    const base = step.from === 'first-attempt' ? first : (arrivals[attempt - 1] ?? expected[attempt - 1] ?? null)
    expected.push(base === null ? null : base + step.delayMs)
  }
  return expected
}
