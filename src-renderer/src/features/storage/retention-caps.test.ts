import { describe, expect, it } from 'vitest'
import { capText, MIB, parseCap } from './retention-caps'

describe('retention caps as typed', () => {
  it('shows a byte cap as its exact number of MiB, which reads back as the same bytes', () => {
    // Set through the API: rounded to whole MiB they showed as 0 (refused) and 1 (saved as 1,048,576).
    for (const bytes of [500_000, 1_500_000, 1, 3 * MIB, Number.MAX_SAFE_INTEGER]) expect(parseCap(capText(bytes, MIB), MIB)).toBe(bytes)
    expect(capText(500_000, MIB)).toBe('0.476837158203125')
    expect(capText(3 * MIB, MIB)).toBe('3')
    expect(capText(1, MIB)).toBe('0.00000095367431640625')
  })

  it('takes a fraction of a MiB, never less than a byte; other caps are whole numbers of at least 1', () => {
    expect(parseCap('1.5', MIB)).toBe(1_572_864)
    expect(parseCap(' .5 ', MIB)).toBe(MIB / 2)
    expect(parseCap('0', MIB)).toBe('invalid')
    expect(parseCap('0.0000001', MIB)).toBe('invalid')
    expect(parseCap('1e3', MIB)).toBe('invalid')
    expect(parseCap('-1', MIB)).toBe('invalid')
    expect(parseCap('1.5')).toBe('invalid')
    expect(parseCap('12')).toBe(12)
    expect(parseCap('')).toBeNull()
  })
})
