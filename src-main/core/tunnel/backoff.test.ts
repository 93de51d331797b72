import { describe, expect, it } from 'vitest'
import { computeBackoffDelayMs } from './backoff'

describe('computeBackoffDelayMs', () => {
  const config = { initialMs: 1_000, maxMs: 30_000 }

  it('doubles the ceiling per attempt up to the cap, scaled by the random draw', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) => computeBackoffDelayMs(attempt, config, () => 0.999_999))
    expect(ceilings).toEqual([999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999])
    expect(computeBackoffDelayMs(3, config, () => 0.5)).toBe(2_000)
  })

  it('is full jitter: anywhere from 0 to the ceiling', () => {
    expect(computeBackoffDelayMs(4, config, () => 0)).toBe(0)
    expect(computeBackoffDelayMs(4, config, () => 0.25)).toBe(2_000)
  })

  it('stays finite and in range for absurd attempts and draws', () => {
    expect(computeBackoffDelayMs(10_000, config, () => 0.5)).toBe(15_000)
    expect(computeBackoffDelayMs(0, config, () => 0.5)).toBe(500)
    expect(computeBackoffDelayMs(2, config, () => 7)).toBe(2_000)
    expect(computeBackoffDelayMs(2, config, () => -1)).toBe(0)
  })
})
