import { describe, expect, it } from 'vitest'
import type { DeliveryAttemptInfo } from '@shared/deliveries'
import type { CaptureSummary, DeliveryView } from '@shared/views'
import { joinDeliveryPages, unlistedAttempts } from './delivery-pages'

/** A page listing attempts `first`..`last` of a delivery of `total`. */
function page(first: number, last: number, total: number): DeliveryView {
  const numbers = Array.from({ length: last - first + 1 }, (_, index) => first + index)
  return {
    deliveryKey: 'sha256:aa',
    groupedBy: 'the same body bytes',
    attempts: numbers.map((attempt) => ({ id: `c${attempt}`, seq: attempt * 2 }) as Partial<CaptureSummary> as CaptureSummary),
    timeline: numbers.map((attempt) => ({ captureId: `c${attempt}`, attempt }) as Partial<DeliveryAttemptInfo> as DeliveryAttemptInfo),
    totalAttempts: total,
    succeeded: false,
    duplicateCount: 0,
    askedAttempt: { captureId: `c${last}`, attempt: last } as Partial<DeliveryAttemptInfo> as DeliveryAttemptInfo,
    schedule: null,
    nextExpected: null,
    nextCursor: first > 1 ? String(first * 2) : null,
  }
}

describe('joinDeliveryPages', () => {
  it('lists the older pages before the latest, oldest attempt first, and goes on from the oldest page', () => {
    const joined = joinDeliveryPages([page(701, 1200, 1200), page(201, 700, 1200), page(1, 200, 1200)])!
    expect(joined.timeline.map((row) => row.attempt)).toEqual(Array.from({ length: 1200 }, (_, index) => index + 1))
    expect(joined.attempts.map((attempt) => attempt.id)).toEqual(joined.timeline.map((row) => row.captureId))
    expect(joined.nextCursor).toBeNull()
    expect(joined.totalAttempts).toBe(1200)
    expect(unlistedAttempts(joined)).toBe(0)
  })

  it('says how many older attempts are left after the pages fetched', () => {
    const joined = joinDeliveryPages([page(701, 1200, 1200), page(201, 700, 1200)])!
    expect(unlistedAttempts(joined)).toBe(200)
    expect(joined.nextCursor).toBe('402')
    expect(joinDeliveryPages([])).toBeUndefined()
  })
})
