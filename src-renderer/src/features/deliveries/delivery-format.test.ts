import { describe, expect, it } from 'vitest'
import { describeDrift, formatGap } from './delivery-format'

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
