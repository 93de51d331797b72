/** How a timestamp's age reads in verdicts and notes (verification.ts describeSkew). */
import { describe, expect, it } from 'vitest'
import { roughDuration } from '../../shared/rough-duration'
import { describeSkew } from './verification'

describe('describeSkew', () => {
  it('says seconds alone below an hour', () => {
    expect(describeSkew(301)).toBe('301 s old')
    expect(describeSkew(-12)).toBe('12 s in the future')
    expect(describeSkew(3599)).toBe('3599 s old')
  })

  it('adds the span in words from an hour on, keeping the exact seconds', () => {
    // A Stripe vector sent years after it was signed read "signed 96644058 s old".
    expect(describeSkew(96_644_058)).toBe('96644058 s old, about 3.1 years')
    expect(describeSkew(3600)).toBe('3600 s old, about 1 hour')
    expect(describeSkew(-5400)).toBe('5400 s in the future, about 1.5 hours')
    expect(describeSkew(3 * 86_400 + 43_200)).toBe('302400 s old, about 3.5 days')
  })

  it('words spans by the largest unit that keeps them short', () => {
    expect(roughDuration(59 * 60)).toBeNull()
    expect(roughDuration(47 * 3600)).toBe('47 hours')
    expect(roughDuration(48 * 3600)).toBe('2 days')
    expect(roughDuration(200 * 86_400)).toBe('200 days')
    expect(roughDuration(366 * 86_400)).toBe('1 year')
  })
})
