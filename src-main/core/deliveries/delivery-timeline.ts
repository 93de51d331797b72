/**
 * The Delivery view of a delivery's attempts: the gaps between them, what each was answered, which
 * came after a 2xx (duplicates), and when the provider's schedule expected them.
 */
import type { CaptureSummary } from '../../shared/views'
import type { DeliveryAttemptInfo, DeliveryGroupInfo, RetrySchedule } from '../../shared/deliveries'
import type { DeliveryView } from '../../shared/views'
import { describeDeliveryKey } from './delivery-key'
import { expectedAttemptTimes, retryScheduleFor } from './retry-schedules'

/** Attempts a Delivery view lists at most (the newest are kept); a body-hash delivery of a test payload sent thousands of times stays cheap. */
export const MAX_TIMELINE_ATTEMPTS = 500

/** An attempt counts as delivered when it was answered with a 2xx status. */
export function answeredWith2xx(capture: CaptureSummary): boolean {
  const { kind, status } = capture.response
  return capture.outcome === 'captured' && kind === 'respond' && status !== null && status >= 200 && status <= 299
}

/** The schedule of the provider that sent the attempts: the first recognised attempt decides. */
export function scheduleOf(attempts: readonly CaptureSummary[]): RetrySchedule | null {
  const recognised = attempts.find((attempt) => attempt.recognition !== null && attempt.recognition.provider.id !== 'unknown')?.recognition
  return recognised ? retryScheduleFor(recognised.provider.id, recognised.provider.variant) : null
}

/**
 * Builds the view from every stored attempt of one delivery, oldest first. `allAttempts` may be
 * longer than what is listed: the duplicate flags still see the earliest 2xx.
 */
export function buildDeliveryView(deliveryKey: string, allAttempts: readonly CaptureSummary[]): DeliveryView {
  const skipped = Math.max(0, allAttempts.length - MAX_TIMELINE_ATTEMPTS)
  const schedule = scheduleOf(allAttempts)
  const arrivals = allAttempts.map((attempt) => Date.parse(attempt.receivedAt))
  const expected = schedule ? expectedAttemptTimes(schedule, arrivals) : []
  const timeline: DeliveryAttemptInfo[] = []
  let succeededBefore = false
  for (const [index, attempt] of allAttempts.entries()) {
    const succeeded = answeredWith2xx(attempt)
    if (index >= skipped) {
      const arrival = arrivals[index] as number
      const previous = index === 0 ? null : (arrivals[index - 1] as number)
      const expectedAt = expected[index] ?? null
      timeline.push({
        captureId: attempt.id,
        attempt: index + 1,
        receivedAt: attempt.receivedAt,
        sincePreviousMs: previous === null ? null : arrival - previous,
        sinceFirstMs: arrival - (arrivals[0] as number),
        answeredStatus: attempt.response.status,
        succeeded,
        afterSuccess: succeededBefore,
        expectedAt: expectedAt === null ? null : new Date(expectedAt).toISOString(),
      })
    }
    succeededBefore ||= succeeded
  }
  const next = expected[allAttempts.length] ?? null
  return {
    deliveryKey,
    groupedBy: describeDeliveryKey(deliveryKey),
    attempts: allAttempts.slice(skipped),
    timeline,
    totalAttempts: allAttempts.length,
    schedule,
    nextExpected: succeededBefore || next === null ? null : { attempt: allAttempts.length + 1, at: new Date(next).toISOString() },
  }
}

/** The list row facts of a delivery (`listCaptures { groupBy: "delivery" }`), from its attempts oldest first. */
export function deliveryGroupInfo(deliveryKey: string, attempts: readonly CaptureSummary[]): DeliveryGroupInfo {
  let succeeded = false
  let duplicateCount = 0
  for (const attempt of attempts) {
    if (succeeded) duplicateCount++
    succeeded ||= answeredWith2xx(attempt)
  }
  return {
    deliveryKey,
    attemptCount: attempts.length,
    firstReceivedAt: attempts[0]?.receivedAt ?? '',
    latestReceivedAt: attempts[attempts.length - 1]?.receivedAt ?? '',
    succeeded,
    duplicateCount,
  }
}
