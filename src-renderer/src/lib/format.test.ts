import { describe, expect, it } from 'vitest'
import { formatBytes, formatCharacters } from './format'

describe('formatBytes', () => {
  it('names binary multiples as binary units', () => {
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MiB')
    expect(formatBytes(1024)).toBe('1 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(21 * 1024 * 1024 + 1)).toBe('21 MiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB')
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
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB')
    expect(formatBytes(1023.4 * 1024)).toBe('1023 KiB')
  })
})

describe('formatCharacters', () => {
  it('counts characters in words, not as a byte size', () => {
    expect(formatCharacters(65_536)).toBe('65,536 characters')
    expect(formatCharacters(1)).toBe('1 character')
  })
})
