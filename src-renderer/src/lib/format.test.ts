import { describe, expect, it } from 'vitest'
import { formatCharacters } from './format'

describe('formatCharacters', () => {
  it('counts characters in words, not as a byte size', () => {
    expect(formatCharacters(65_536)).toBe('65,536 characters')
    expect(formatCharacters(1)).toBe('1 character')
  })
})
