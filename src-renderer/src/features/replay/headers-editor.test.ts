import { describe, expect, it } from 'vitest'
import { rowProblem } from './headers-editor'

const row = (name: string, value: string) => ({ id: 1, name, value })

describe('rowProblem', () => {
  it('names a character a header value cannot carry, at its header', () => {
    expect(rowProblem(row('X-Status', 'done ✓'))).toBe(
      'X-Status: “✓” (U+2713) cannot be sent in a header value, which goes out one byte per character (tab, printable ASCII and Latin-1 only): percent-encode it',
    )
    expect(rowProblem(row('X-Bell', 'a\u0007b'))).toMatch(/^X-Bell: U\+0007 cannot be sent in a header value/)
    expect(rowProblem(row('X-Emoji', '🙂'))).toMatch(/^X-Emoji: “🙂” \(U\+1F642\) cannot be sent/)
  })

  it('lets through what the client writes: tab, printable ASCII, Latin-1 (and UTF-8 kept as bytes, one character each)', () => {
    expect(rowProblem(row('X-Name', 'Müller\tcafé'))).toBeNull()
    // "Müller" in UTF-8, one character per byte.
    expect(rowProblem(row('X-Name', 'M\u00c3\u00bcller'))).toBeNull()
  })

  it('still refuses line breaks and names that are not tokens', () => {
    expect(rowProblem(row('X-A', 'a\nb'))).toBe('X-A: a value cannot contain line breaks')
    expect(rowProblem(row('X A', 'v'))).toBe('“X A” is not a header name')
  })
})
