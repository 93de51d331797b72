import { describe, expect, it } from 'vitest'
import { describeDrift, describeDuplicates, formatGap, retryStepRuns } from './delivery-format'

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

describe('describeDuplicates', () => {
  it('gives the count with thousands separators', () => {
    expect(describeDuplicates(1)).toBe('1 after an acknowledged attempt')
    expect(describeDuplicates(9_999)).toBe('9,999 after an acknowledged attempt')
  })
})
