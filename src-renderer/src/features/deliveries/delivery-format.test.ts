import { describe, expect, it } from 'vitest'
import type { DeliveryAttemptInfo } from '@shared/deliveries'
import { deliveryOutcome, describeDrift, describeDuplicates, formatGap, retryStepRuns } from './delivery-format'

describe('formatGap', () => {
  it('reads at the scale of the gap', () => {
    expect(formatGap(850)).toBe('850 ms')
    expect(formatGap(12_000)).toBe('12 s')
    expect(formatGap(121_000)).toBe('2 min 1 s')
    expect(formatGap(120_000)).toBe('2 min')
    expect(formatGap(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min')
    expect(formatGap(36 * 3_600_000)).toBe('1 d 12 h')
  })
})

describe('describeDrift', () => {
  it('says on time within a few seconds, else how early or late', () => {
    const expected = '2026-12-06T08:02:00.000Z'
    expect(describeDrift('2026-12-06T08:02:03.000Z', expected)).toBe('on time')
    expect(describeDrift('2026-12-06T08:06:00.000Z', expected)).toBe('4 min late')
    expect(describeDrift('2026-12-06T08:01:30.000Z', expected)).toBe('30 s early')
  })
})

describe('retryStepRuns', () => {
  const MIN = 60_000
  const HOUR = 60 * MIN
  const previous = (delayMs: number) => ({ delayMs, from: 'previous-attempt' as const })
  const first = (delayMs: number) => ({ delayMs, from: 'first-attempt' as const })

  it('folds equal waits after the attempt before into one run, numbered from attempt 2', () => {
    const square = [1, 2, 4, 8, 16, 32].map((minutes) => previous(minutes * MIN)).concat(Array.from({ length: 72 }, () => previous(HOUR)))
    const runs = retryStepRuns(square)
    expect(runs).toHaveLength(7)
    expect(runs[0]).toEqual({ firstAttempt: 2, lastAttempt: 2, step: previous(MIN) })
    expect(runs[6]).toEqual({ firstAttempt: 8, lastAttempt: 79, step: previous(HOUR) })
  })

  it('keeps every wait counted from the first attempt on its own line, even when equal', () => {
    expect(retryStepRuns([first(HOUR), first(HOUR), previous(HOUR), previous(HOUR)]).map((run) => [run.firstAttempt, run.lastAttempt])).toEqual([
      [2, 2],
      [3, 3],
      [4, 5],
    ])
  })

  it('is empty for no retries', () => {
    expect(retryStepRuns([])).toEqual([])
  })
})

describe('deliveryOutcome', () => {
  const attempt = (number: number, status: number, afterSuccess: boolean): DeliveryAttemptInfo => ({
    captureId: `c${number}`,
    attempt: number,
    receivedAt: '2026-12-06T08:00:00.000Z',
    sincePreviousMs: number === 1 ? null : 1000,
    sinceFirstMs: (number - 1) * 1000,
    answeredStatus: status,
    succeeded: status >= 200 && status < 300,
    afterSuccess,
    expectedAt: null,
  })

  it('counts what the listed attempts show when every attempt is listed', () => {
    const timeline = [attempt(1, 500, false), attempt(2, 200, false), attempt(3, 200, true)]
    expect(deliveryOutcome(timeline, 3)).toEqual({ delivered: true, duplicates: 1, moreDuplicatesUnlisted: false })
    expect(deliveryOutcome([attempt(1, 500, false), attempt(2, 503, false)], 2)).toEqual({ delivered: false, duplicates: 0, moreDuplicatesUnlisted: false })
  })

  it('knows a capped delivery was delivered when its 2xx is among the attempts left out', () => {
    // Attempts 9,501-10,000 of 10,000: all answered 500, all after the 2xx of attempt 1.
    const timeline = Array.from({ length: 500 }, (_, index) => attempt(9_501 + index, 500, true))
    const outcome = deliveryOutcome(timeline, 10_000)
    expect(outcome).toEqual({ delivered: true, duplicates: 500, moreDuplicatesUnlisted: true })
    expect(describeDuplicates(outcome.duplicates, outcome.moreDuplicatesUnlisted)).toBe('at least 500 after a 2xx')
  })

  it('gives an exact count when the oldest listed attempt came before the 2xx', () => {
    const timeline = [attempt(501, 500, false), attempt(502, 200, false), attempt(503, 200, true)]
    expect(deliveryOutcome(timeline, 1_000)).toEqual({ delivered: true, duplicates: 1, moreDuplicatesUnlisted: false })
    expect(describeDuplicates(1, false)).toBe('1 after a 2xx')
    expect(describeDuplicates(1_200, false)).toBe('1,200 after a 2xx')
  })
})
