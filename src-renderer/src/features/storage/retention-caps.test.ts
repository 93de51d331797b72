import { describe, expect, it } from 'vitest'
import { retentionLimitsSchema } from '@shared/storage-settings'
import { capProblem, capText, invalidCapName, MIB, parseCap } from './retention-caps'

describe('retention caps as typed', () => {
  it('shows a byte cap as its exact number of MiB, which reads back as the same bytes', () => {
    // Set through the API: rounded to whole MiB they showed as 0 (refused) and 1 (saved as 1,048,576).
    for (const bytes of [500_000, 1_500_000, 1, 3 * MIB, Number.MAX_SAFE_INTEGER]) expect(parseCap(capText(bytes, MIB), 'maxMiB')).toBe(bytes)
    expect(capText(500_000, MIB)).toBe('0.476837158203125')
    expect(capText(3 * MIB, MIB)).toBe('3')
    expect(capText(1, MIB)).toBe('0.00000095367431640625')
  })

  it('takes a fraction of a MiB, never less than a byte; other caps are whole numbers of at least 1', () => {
    expect(parseCap('1.5', 'maxMiB')).toBe(1_572_864)
    expect(parseCap(' .5 ', 'maxMiB')).toBe(MIB / 2)
    expect(parseCap('0', 'maxMiB')).toBe('invalid')
    expect(parseCap('0.0000001', 'maxMiB')).toBe('invalid')
    expect(parseCap('1e3', 'maxMiB')).toBe('invalid')
    expect(parseCap('-1', 'maxMiB')).toBe('invalid')
    expect(parseCap('1.5', 'maxCaptures')).toBe('invalid')
    expect(parseCap('12', 'maxAgeDays')).toBe(12)
    expect(parseCap('', 'maxCaptures')).toBeNull()
    expect(capProblem('-1', 'maxMiB')).toBe('Not a limit: a number of MiB above 0 (1.5), or empty for none.')
    expect(capProblem('1.5', 'maxAgeDays')).toBe('Not a limit: a whole number of at least 1, or empty for none.')
    expect(capProblem('', 'maxMiB')).toBeNull()
  })

  it('refuses as typed, in MiB, a cap the API refuses; the most it takes is accepted', () => {
    // 10,000,000,000 MiB was offered to Save, and the API's refusal said "maxBytes is at most 9007199254740991".
    const tooLarge = 'Too large: at most 8589934591 MiB, or empty for none.'
    for (const text of ['10000000000', '8589934592', '9'.repeat(400)]) {
      expect(parseCap(text, 'maxMiB')).toBe('invalid')
      expect(capProblem(text, 'maxMiB')).toBe(tooLarge)
    }
    expect(invalidCapName('Keep at most (MiB)', '10000000000', 'maxMiB')).toBe('Keep at most (MiB) (at most 8589934591 MiB)')
    expect(invalidCapName('Keep at most (MiB)', '-1', 'maxMiB')).toBe('Keep at most (MiB)')
    // The most the message names can be typed back as it reads.
    expect(capProblem('8589934591', 'maxMiB')).toBeNull()
    expect(capProblem('100000001', 'maxCaptures')).toBe('Too large: at most 100000000 captures, or empty for none.')
    expect(capProblem('36501', 'maxAgeDays')).toBe('Too large: at most 36500 days, or empty for none.')
    // The dialog and the API agree at each limit: what one takes the other takes.
    for (const [field, text, key] of [
      ['maxMiB', '8589934591.99999904632568359375', 'maxBytes'],
      ['maxCaptures', '100000000', 'maxCaptures'],
      ['maxAgeDays', '36500', 'maxAgeDays'],
    ] as const) {
      const value = parseCap(text, field)
      expect(capProblem(text, field)).toBeNull()
      expect(retentionLimitsSchema.safeParse({ [key]: value }).success).toBe(true)
      expect(retentionLimitsSchema.safeParse({ [key]: (value as number) + 1 }).success).toBe(false)
    }
  })
})
