import { describe, expect, it } from 'vitest'
import { hasHidden, splitHidden } from './hidden-characters'

describe('splitHidden', () => {
  it('cuts out direction overrides, zero-width and control characters, in order', () => {
    expect(splitHidden('"\u202Eevil\u202C" a\u200Bb\u0000')).toEqual([
      '"',
      { character: '\u202E', codePoint: 'U+202E', name: 'right-to-left override' },
      'evil',
      { character: '\u202C', codePoint: 'U+202C', name: 'pop directional formatting' },
      '" a',
      { character: '\u200B', codePoint: 'U+200B', name: 'zero-width space' },
      'b',
      { character: '\u0000', codePoint: 'U+0000', name: 'control character' },
    ])
  })

  it('gives the text back whole when it has none, and put together again it is the text', () => {
    const plain = 'Grüße 日本 👩‍👩‍👧 tab\there\r\nnew line, ZWJ and ZWNJ kept: a\u200Db\u200Cc'
    expect(splitHidden(plain)).toEqual([plain])
    expect(hasHidden(plain)).toBe(false)
    const mixed = '\uFEFFa\u2066b\u2069\u2028c\u00AD\u061C\u007F\u009F'
    expect(hasHidden(mixed)).toBe(true)
    expect(
      splitHidden(mixed)
        .map((part) => (typeof part === 'string' ? part : part.character))
        .join(''),
    ).toBe(mixed)
    expect(splitHidden(mixed).filter((part) => typeof part !== 'string')).toHaveLength(8)
  })

  it('answers the same when asked twice (the pattern keeps no position between calls)', () => {
    expect(hasHidden('a\u200Bb')).toBe(true)
    expect(hasHidden('a\u200Bb')).toBe(true)
    expect(splitHidden('\u202E')).toHaveLength(1)
    expect(splitHidden('\u202E')).toHaveLength(1)
  })
})
