/**
 * Deliveries: the attempts of one notification grouped together (see core/deliveries), with the
 * provider's published retry schedule beside them. Types only: the core computes, views show
 * (`getDelivery`'s answer, `DeliveryView`, is in views.ts with the other API views).
 */
import type { ProviderId } from './provider-catalog'

/** Attempts of a delivery `getDelivery` lists at once, at most (and by default): older ones page in. */
export const MAX_DELIVERY_PAGE_SIZE = 500

/** One planned retry: a delay counted from the first attempt, or from the attempt before it. */
export interface RetryStep {
  delayMs: number
  from: 'first-attempt' | 'previous-attempt'
}

/**
 * How much the provider publishes: exact times, an example schedule, only a count and a span, or
 * nothing (attempts are then shown as they arrive, without expectations).
 */
export type RetryScheduleKind = 'published-times' | 'example-times' | 'outline' | 'no-automatic-retries' | 'not-published'

/** A provider's retry policy as its public documentation states it. */
export interface RetrySchedule {
  provider: ProviderId
  /** e.g. "CHIP Collect". */
  title: string
  kind: RetryScheduleKind
  /** The policy in one or two sentences, e.g. "Up to 8 attempts over 36 h 26 min: 3^(n−1)−1 minutes after the first". */
  description: string
  /** What the provider counts as delivered, e.g. "any 2xx". */
  successRule: string
  /** The retries after the first attempt, in order; empty when no times are published. */
  retries: RetryStep[]
  /** The public page the policy comes from. */
  sourceUrl: string
  sourceTitle: string
  /** False when the figures come from secondary summaries and not the provider's own page. */
  confirmed: boolean
  /** A known ambiguity in the source, shown beside the schedule. */
  caveat: string | null
}

/** One attempt of a delivery, as the Delivery view lists it (oldest first). */
export interface DeliveryAttemptInfo {
  captureId: string
  /** 1 for the first attempt stored. */
  attempt: number
  receivedAt: string
  /** Milliseconds since the attempt before; `null` for the first. */
  sincePreviousMs: number | null
  sinceFirstMs: number
  /** The HTTP status answered, `null` when none was sent (close, reset, hang) or the request was refused before an answer was chosen. */
  answeredStatus: number | null
  /** The answer counts as delivered (a 2xx response). */
  succeeded: boolean
  /** An earlier attempt was already answered with a 2xx: the provider sent it again anyway. */
  afterSuccess: boolean
  /** When the provider's published schedule expected this attempt (ISO); `null` when it publishes no times or the schedule ran out. */
  expectedAt: string | null
}

/** One row of `listCaptures { groupBy: "delivery" }`: a delivery shown by its newest attempt. */
export interface DeliveryGroupInfo {
  deliveryKey: string
  attemptCount: number
  firstReceivedAt: string
  latestReceivedAt: string
  /** Some attempt was acknowledged: answered 2xx, and not taken as a failure by its provider (`providerTakesItAs`). */
  succeeded: boolean
  /** Attempts that arrived after an acknowledged one. */
  duplicateCount: number
}
