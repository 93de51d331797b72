import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '../../shared/views'
import type { ProviderId } from '../../shared/providers'
import { buildDeliveryView, deliveryGroupInfo, MAX_TIMELINE_ATTEMPTS } from './delivery-timeline'
import { expectedAttemptTimes, retryScheduleFor } from './retry-schedules'

const MINUTE = 60_000
const T0 = Date.parse('2026-12-06T08:00:00.000Z')

function attempt(index: number, atMs: number, status: number | null, provider: ProviderId = 'chip', variant: string | null = 'collect'): CaptureSummary {
  return {
    id: `cap-${index}`,
    seq: index,
    endpointId: 'ep',
    receivedAt: new Date(atMs).toISOString(),
    outcome: 'captured',
    refusal: null,
    recognition: {
      provider: { id: provider, name: provider, variant },
      verdict: { status: 'valid', reason: null, message: '' },
      summary: { eventType: 'purchase.paid', status: 'paid', objectId: 'p-1', reference: null, amount: null, paymentMethod: null, signalOnly: false },
    },
    response: { kind: status === null ? 'close' : 'respond', status, headers: [], bodySize: 0, delayMs: 0, chosenBy: { kind: 'default' } },
  } as Partial<CaptureSummary> as CaptureSummary
}

describe('retry schedules', () => {
  it('gives CHIP Collect the documented 3^(n-1)-1 minute offsets from the first attempt', () => {
    const chip = retryScheduleFor('chip', 'collect')!
    expect(chip.retries.map((step) => step.delayMs / MINUTE)).toEqual([2, 8, 26, 80, 242, 728, 2186])
    expect(chip.retries.every((step) => step.from === 'first-attempt')).toBe(true)
    expect(chip.sourceUrl).toMatch(/^https:\/\/docs\.chip-in\.asia\//)
  })

  it('names a public source for every schedule and predicts nothing where no times are published', () => {
    for (const provider of ['ixopay', 'stripe', 'adyen', 'standard-webhooks', 'swedbankpay', 'shopify', 'paypal', 'github', 'chip'] as const) {
      const schedule = retryScheduleFor(provider, null)!
      expect(schedule.sourceUrl).toMatch(/^https:\/\//)
      if (schedule.kind !== 'published-times' && schedule.kind !== 'example-times') expect(schedule.retries).toEqual([])
    }
    expect(retryScheduleFor('chip', 'send')?.title).toBe('CHIP Send')
    expect(retryScheduleFor('plexo', null)).toBeNull()
    expect(retryScheduleFor('unknown', null)).toBeNull()
  })

  it('counts previous-attempt steps from the real arrival of the attempt before', () => {
    const svix = retryScheduleFor('standard-webhooks', 'svix')!
    const late = T0 + 60_000 // the second attempt came 60 s after the first, not 5 s
    const expected = expectedAttemptTimes(svix, [T0, late])
    expect(expected).toEqual([null, T0 + 5_000, late + 5 * MINUTE])
  })
})

describe('buildDeliveryView', () => {
  it('lists gaps, answers and expected times, and expects the next attempt after a failure', () => {
    const view = buildDeliveryView('chip:p-1:purchase.paid:paid', [attempt(1, T0, 500), attempt(2, T0 + 2 * MINUTE + 1_000, 500)])
    expect(view.timeline.map((row) => [row.attempt, row.sincePreviousMs, row.answeredStatus, row.succeeded, row.afterSuccess])).toEqual([
      [1, null, 500, false, false],
      [2, 2 * MINUTE + 1_000, 500, false, false],
    ])
    expect(view.timeline[1]?.expectedAt).toBe(new Date(T0 + 2 * MINUTE).toISOString())
    expect(view.nextExpected).toEqual({ attempt: 3, at: new Date(T0 + 8 * MINUTE).toISOString() })
    expect(view.schedule?.title).toBe('CHIP Collect')
  })

  it('flags attempts after a 2xx as duplicates and expects nothing more', () => {
    const view = buildDeliveryView('k', [
      attempt(1, T0, 500),
      attempt(2, T0 + MINUTE, 200),
      attempt(3, T0 + 2 * MINUTE, 200),
      attempt(4, T0 + 3 * MINUTE, null),
    ])
    expect(view.timeline.map((row) => row.afterSuccess)).toEqual([false, false, true, true])
    expect(view.nextExpected).toBeNull()
    expect(deliveryGroupInfo('k', view.attempts)).toMatchObject({ attemptCount: 4, succeeded: true, duplicateCount: 2 })
  })

  it('has no schedule for an unknown sender and keeps only the newest attempts of a huge delivery', () => {
    const many = Array.from({ length: MAX_TIMELINE_ATTEMPTS + 3 }, (_, index) => attempt(index, T0 + index * 1000, index === 0 ? 200 : 500, 'unknown', null))
    const view = buildDeliveryView('sha256:x', many)
    expect(view.schedule).toBeNull()
    expect(view.attempts).toHaveLength(MAX_TIMELINE_ATTEMPTS)
    expect(view.totalAttempts).toBe(MAX_TIMELINE_ATTEMPTS + 3)
    expect(view.timeline[0]?.attempt).toBe(4)
    // The first (skipped) attempt was a 2xx: every listed one is a duplicate.
    expect(view.timeline.every((row) => row.afterSuccess)).toBe(true)
  })
})
