/**
 * The Delivery view of a delivery's attempts: the gaps between them, what each was answered, which
 * came after a 2xx (duplicates), and when the provider's schedule expected them.
 */
import type { CaptureSummary } from '../../shared/views'
import { MAX_DELIVERY_PAGE_SIZE, type DeliveryAttemptInfo, type DeliveryGroupInfo, type RetrySchedule } from '../../shared/deliveries'
import type { DeliveryView } from '../../shared/views'
import { describeDeliveryKey } from './delivery-key'
import { expectedAttemptTimes, retryScheduleFor } from './retry-schedules'

/**
 * Attempts a Delivery view lists at once (the newest first; older ones page in): a body-hash
 * delivery of a test payload sent thousands of times stays cheap.
 */
export const MAX_TIMELINE_ATTEMPTS = MAX_DELIVERY_PAGE_SIZE

/**
 * An attempt counts as delivered when it was answered with a 2xx status that its provider does not
 * document as a failure (`AnswerRecord.providerTakesItAs`): IXOPAY retries a 200 without the body
 * OK, and a provider retries an answer sent past its timeout, so the attempts after those are
 * retries, not duplicates. A 2xx the provider only may refuse (Swedbank Pay's 204) still counts.
 */
export function answeredWith2xx(capture: CaptureSummary): boolean {
  const { kind, status, providerTakesItAs } = capture.response
  return capture.outcome === 'captured' && kind === 'respond' && status !== null && status >= 200 && status <= 299 && providerTakesItAs !== 'failure'
}

/** The schedule of the provider that sent the attempts: the first recognised attempt decides. */
export function scheduleOf(attempts: readonly CaptureSummary[]): RetrySchedule | null {
  const recognised = attempts.find((attempt) => attempt.recognition !== null && attempt.recognition.provider.id !== 'unknown')?.recognition
  return recognised ? retryScheduleFor(recognised.provider.id, recognised.provider.variant) : null
}

/** What the timeline needs of every attempt, listed or not: memory knows it without reading the record. */
export interface AttemptArrival {
  id: string
  receivedAtMs: number
}

/** One page of a delivery's timeline, from what is known of every attempt and the records of the listed ones. */
export interface DeliveryPageInput {
  deliveryKey: string
  /** Every attempt of the delivery, oldest first. */
  arrivals: readonly AttemptArrival[]
  /** The records of the listed attempts: `arrivals[start]` onwards, in order. */
  listed: readonly CaptureSummary[]
  start: number
  /** The capture asked about and its index in `arrivals` (listed or not). */
  asked: { record: CaptureSummary; index: number }
  /** Index in `arrivals` of the first attempt answered with a 2xx, `-1` when none was. */
  firstSuccess: number
  schedule: RetrySchedule | null
  /** `seq` of the first listed attempt when older attempts are left out, else `null`. */
  nextCursor: string | null
}

/**
 * The view of one page of a delivery. Attempt numbers, gaps, expected times and duplicate flags
 * are those of the whole delivery: they come from `arrivals` and `firstSuccess`, not from the
 * page, so a page costs the records it lists and not the delivery's.
 */
export function buildDeliveryPage(input: DeliveryPageInput): DeliveryView {
  const { arrivals, listed, start, firstSuccess, schedule } = input
  const times = arrivals.map((arrival) => arrival.receivedAtMs)
  const expected = schedule ? expectedAttemptTimes(schedule, times) : []
  const first = times[0] as number
  const infoOf = (attempt: CaptureSummary, index: number): DeliveryAttemptInfo => {
    const arrival = times[index] as number
    const expectedAt = expected[index] ?? null
    return {
      captureId: attempt.id,
      attempt: index + 1,
      receivedAt: attempt.receivedAt,
      sincePreviousMs: index === 0 ? null : arrival - (times[index - 1] as number),
      sinceFirstMs: arrival - first,
      answeredStatus: attempt.response.status,
      succeeded: answeredWith2xx(attempt),
      afterSuccess: firstSuccess !== -1 && index > firstSuccess,
      expectedAt: expectedAt === null ? null : new Date(expectedAt).toISOString(),
    }
  }
  const next = expected[arrivals.length] ?? null
  return {
    deliveryKey: input.deliveryKey,
    groupedBy: describeDeliveryKey(input.deliveryKey),
    attempts: [...listed],
    timeline: listed.map((attempt, offset) => infoOf(attempt, start + offset)),
    totalAttempts: arrivals.length,
    succeeded: firstSuccess !== -1,
    // Every attempt after the first 2xx, listed on this page or not: counted from the arrivals alone.
    duplicateCount: firstSuccess === -1 ? 0 : arrivals.length - 1 - firstSuccess,
    askedAttempt: infoOf(input.asked.record, input.asked.index),
    schedule,
    nextExpected: firstSuccess !== -1 || next === null ? null : { attempt: arrivals.length + 1, at: new Date(next).toISOString() },
    nextCursor: input.nextCursor,
  }
}

/**
 * Builds the view from every stored attempt of one delivery, oldest first, listing the latest
 * `MAX_TIMELINE_ATTEMPTS`: the duplicate flags still see the earliest 2xx. (What `getDelivery`
 * answers page by page without reading every attempt; tests compare the two.) `askedId`: the
 * capture asked about (the latest attempt when not given).
 */
export function buildDeliveryView(deliveryKey: string, allAttempts: readonly CaptureSummary[], askedId?: string): DeliveryView {
  const start = Math.max(0, allAttempts.length - MAX_TIMELINE_ATTEMPTS)
  const askedIndex = askedId === undefined ? allAttempts.length - 1 : allAttempts.findIndex((attempt) => attempt.id === askedId)
  return buildDeliveryPage({
    deliveryKey,
    arrivals: allAttempts.map((attempt) => ({ id: attempt.id, receivedAtMs: Date.parse(attempt.receivedAt) })),
    listed: allAttempts.slice(start),
    start,
    asked: { record: allAttempts[askedIndex] as CaptureSummary, index: askedIndex },
    firstSuccess: allAttempts.findIndex(answeredWith2xx),
    schedule: scheduleOf(allAttempts),
    nextCursor: start > 0 ? String((allAttempts[start] as CaptureSummary).seq) : null,
  })
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
