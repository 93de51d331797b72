import { describe, expect, it } from 'vitest'
import type { DeliveryAttemptInfo } from '@shared/deliveries'
import type { CaptureSummary, DeliveryView } from '@shared/views'
import { describeListedAttempts, joinDeliveryPages, laterAttempts, pageEndFor, unlistedAttempts } from './delivery-pages'

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

describe('pageEndFor', () => {
  it('ends the page holding an attempt where paging back from the latest would, 500 at a time', () => {
    // Attempts 21-520 are the latest page, 1-20 the one before it.
    expect(pageEndFor(7, 520, 500)).toBe(20)
    expect(pageEndFor(20, 520, 500)).toBe(20)
    expect(pageEndFor(21, 520, 500)).toBe(520)
    expect(pageEndFor(520, 520, 500)).toBe(520)
    // 10,000 attempts: 9,501-10,000, 9,001-9,500, …, 1-500.
    expect(pageEndFor(1_234, 10_000, 500)).toBe(1_500)
    expect(pageEndFor(1_500, 10_000, 500)).toBe(1_500)
    expect(pageEndFor(1_501, 10_000, 500)).toBe(2_000)
    expect(pageEndFor(1, 10_000, 500)).toBe(500)
  })

  it('holds the attempt on a page of pageSize, with the attempts after it on that page', () => {
    for (const [total, size] of [
      [520, 500],
      [10_000, 500],
      [7, 3],
    ] as const) {
      for (let attempt = 1; attempt <= total; attempt += 1) {
        const end = pageEndFor(attempt, total, size)
        expect(end).toBeGreaterThanOrEqual(attempt)
        expect(end - size).toBeLessThan(attempt)
        expect((total - end) % size).toBe(0)
      }
    }
  })
})

describe('describeListedAttempts and laterAttempts', () => {
  it('names the latest attempts, or the range of an older page and how many come after it', () => {
    const latest = joinDeliveryPages([page(21, 520, 520)])!
    expect(describeListedAttempts(latest)).toBe('The 500 latest of 520 attempts are listed.')
    expect(laterAttempts(latest)).toBe(0)
    const older = joinDeliveryPages([page(1, 20, 520)])!
    expect(describeListedAttempts(older)).toBe('Attempts 1 to 20 of 520 are listed.')
    expect(laterAttempts(older)).toBe(500)
    const paged = joinDeliveryPages([page(1_001, 1_500, 10_000), page(501, 1_000, 10_000)])!
    expect(describeListedAttempts(paged)).toBe('Attempts 501 to 1,500 of 10,000 are listed.')
    expect(laterAttempts(paged)).toBe(8_500)
    expect(unlistedAttempts(paged)).toBe(500)
  })
})
