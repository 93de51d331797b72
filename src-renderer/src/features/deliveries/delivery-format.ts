/** Wording of the Delivery view: gaps between attempts, schedule kinds, how early or late an attempt came. */
import type { RetryScheduleKind, RetryStep } from '@shared/deliveries'
import { formatCount } from '../../lib/format'

/** A gap between two attempts: `850 ms`, `12 s`, `2 min 1 s`, `3 h 5 min`, `1 d 12 h`. */
export function formatGap(ms: number): string {
  const sign = ms < 0 ? '−' : ''
  const abs = Math.abs(ms)
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`
  const seconds = Math.round(abs / 1000)
  if (seconds < 60) return `${sign}${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${sign}${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${sign}${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
  const days = Math.floor(hours / 24)
  return `${sign}${days} d${hours % 24 ? ` ${hours % 24} h` : ''}`
}

/** How an attempt's arrival compares with the time the schedule expected: `on time`, `4 min late`, `30 s early`. */
export function describeDrift(receivedAt: string, expectedAt: string): string {
  const drift = Date.parse(receivedAt) - Date.parse(expectedAt)
  // Providers schedule in whole seconds or minutes and queue work: a few seconds either way is on time.
  if (Math.abs(drift) < 5_000) return 'on time'
  return drift > 0 ? `${formatGap(drift)} late` : `${formatGap(-drift)} early`
}

export const SCHEDULE_KIND_LABELS: Record<RetryScheduleKind, string> = {
  'published-times': 'published schedule',
  'example-times': 'example schedule from the specification',
  outline: 'published outline (no per-attempt times)',
  'no-automatic-retries': 'no automatic retries',
  'not-published': 'no published schedule',
}

/** Consecutive retries with the same wait after the attempt before: attempts `firstAttempt`..`lastAttempt`. */
export interface RetryStepRun {
  firstAttempt: number
  lastAttempt: number
  step: RetryStep
}

/**
 * A schedule's retries as runs, so "then every hour for 72 hours" is one line and not 72 equal
 * ones (Square, Paystack). Only waits counted from the attempt before repeat; a retry timed from
 * the first attempt is always its own line. Attempt 1 is the original delivery, so the first
 * retry is attempt 2.
 */
export function retryStepRuns(retries: readonly RetryStep[]): RetryStepRun[] {
  const runs: RetryStepRun[] = []
  retries.forEach((step, index) => {
    const attempt = index + 2
    const last = runs.at(-1)
    if (last && step.from === 'previous-attempt' && last.step.from === 'previous-attempt' && last.step.delayMs === step.delayMs) {
      last.lastAttempt = attempt
    } else {
      runs.push({ firstAttempt: attempt, lastAttempt: attempt, step })
    }
  })
  return runs
}

/**
 * What an attempt that came after an acknowledged one (a duplicate) is tagged with, in the
 * Delivery view, the detail and the grouped list's badge. It said "after a 2xx": since b31266c an
 * attempt is judged by its provider's acknowledgement (`providerTakesItAs`), and IXOPAY's retry of
 * a 200 without `OK` follows a 2xx without being a duplicate.
 */
export const AFTER_ACKNOWLEDGED = 'after an acknowledged attempt'

/** The duplicates tag: `2 after an acknowledged attempt`, counted by the core over the whole delivery (`DeliveryView.duplicateCount`). */
export function describeDuplicates(duplicates: number): string {
  return `${formatCount(duplicates)} ${AFTER_ACKNOWLEDGED}`
}

/**
 * The delivery's outcome, for the Delivery view's headline and the grouped list's badge. Since
 * b31266c delivered means acknowledged as its provider documents it, not any 2xx: IXOPAY retries a
 * 200 without the body OK, so "delivered (2xx)" beside it read as a contradiction.
 */
export function describeDeliveryOutcome(succeeded: boolean): string {
  return succeeded ? 'delivered (acknowledged)' : 'not delivered yet'
}

/** What "delivered" is judged by (`DeliveryView.succeeded`), for the headline's tooltip. */
export const DELIVERED_RULE =
  'Delivered: an attempt got the answer its provider documents as an acknowledgement (IXOPAY: 200 with the body OK; ' +
  'any provider: in time, before its timeout). For a sender with no documented acknowledgement, any 2xx.'
