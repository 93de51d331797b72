import { describe, expect, it } from 'vitest'
import { formatByteLimit, formatBytes, formatExactBytes } from './byte-size'

const MIB = 1024 * 1024

describe('formatBytes', () => {
  it('names binary multiples as binary units', () => {
    expect(formatBytes(20 * MIB)).toBe('20 MiB')
    expect(formatBytes(1024)).toBe('1 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(21 * MIB + 1)).toBe('21 MiB')
    expect(formatBytes(3 * 1024 * MIB)).toBe('3 GiB')
  })

  it('counts bytes below 1 KiB', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
  })

  it('keeps one decimal below 100 and none above', () => {
    expect(formatBytes(99.94 * 1024)).toBe('99.9 KiB')
    expect(formatBytes(123.4 * 1024)).toBe('123 KiB')
  })

  it('moves to the next unit when the number shown reaches 1,024', () => {
    expect(formatBytes(MIB - 1)).toBe('1 MiB')
    expect(formatBytes(1023.4 * 1024)).toBe('1023 KiB')
  })
})

describe('formatExactBytes', () => {
  it('counts every byte', () => {
    expect(formatExactBytes(1_048_577)).toBe('1,048,577 bytes')
    expect(formatExactBytes(1)).toBe('1 byte')
  })
})

describe('formatByteLimit', () => {
  it('states a whole number of binary units as such, anything else exactly', () => {
    expect(formatByteLimit(MIB)).toBe('1 MiB')
    expect(formatByteLimit(8 * MIB)).toBe('8 MiB')
    expect(formatByteLimit(8 * 1024)).toBe('8 KiB')
    expect(formatByteLimit(1536 * 1024)).toBe('1,536 KiB')
    expect(formatByteLimit(MIB + 1)).toBe('1,048,577 bytes')
    expect(formatByteLimit(10)).toBe('10 bytes')
    expect(formatByteLimit(0)).toBe('0 bytes')
  })
})
