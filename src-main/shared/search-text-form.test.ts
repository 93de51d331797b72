import { describe, expect, it } from 'vitest'
import { foldForSearch, withoutJsonSpacing, withoutJsonSpacingNeedle } from './search-text-form'

describe('foldForSearch', () => {
  it('folds precomposed and decomposed spellings to one string, in lower case', () => {
    const composed = 'Caf\u00e9 M\u00fcller'
    const decomposed = 'Cafe\u0301 Mu\u0308ller'
    expect(composed).not.toBe(decomposed)
    expect(foldForSearch(decomposed)).toBe('caf\u00e9 m\u00fcller')
    expect(foldForSearch(composed)).toBe(foldForSearch(decomposed))
    // Singletons and Hangul too: the Ångström sign is Å, conjoining jamo are one syllable.
    expect(foldForSearch('\u212b')).toBe('\u00e5')
    expect(foldForSearch('\u1100\u1161')).toBe('\uac00')
  })

  it('returns ASCII and Latin-1 text as plain lower case', () => {
    expect(foldForSearch('Order-4711 Gr\u00fc\u00dfe')).toBe('order-4711 gr\u00fc\u00dfe')
  })
})

describe('withoutJsonSpacing', () => {
  it('drops whitespace next to { } [ ] : , and keeps the rest', () => {
    expect(withoutJsonSpacing('{\n  "result": "OK",\n  "items": [ 1, 2 ]\n}')).toBe('{"result":"OK","items":[1,2]}')
    expect(withoutJsonSpacing('"a" : "b"')).toBe('"a":"b"')
    expect(withoutJsonSpacing('{"name":"Alex Smith"}')).toBe('{"name":"Alex Smith"}')
    expect(withoutJsonSpacing('declined, retry later')).toBe('declined,retry later')
    expect(withoutJsonSpacing('no punctuation here')).toBe('no punctuation here')
    // Only JSON's whitespace: a no-break space is text.
    expect(withoutJsonSpacing('a:\u00a0b')).toBe('a:\u00a0b')
  })

  it('returns the text itself when nothing is dropped', () => {
    const compact = '{"a":[1,2],"b":"c d"}'
    expect(withoutJsonSpacing(compact)).toBe(compact)
  })

  it('gives every fragment of a text, as a needle, inside the whole text', () => {
    const pretty = JSON.stringify({ result: 'OK', amount: 1000, items: [{ id: 'a b' }, 2], note: 'x : y , z' }, null, 2)
    const whole = withoutJsonSpacing(pretty)
    for (let start = 0; start < pretty.length; start++)
      for (let end = start + 1; end <= pretty.length; end++) {
        const fragment = pretty.slice(start, end)
        if (fragment.trim() === '') continue
        expect(whole.includes(withoutJsonSpacingNeedle(fragment)), JSON.stringify(fragment)).toBe(true)
      }
  })

  it('is linear on long runs of whitespace, next to punctuation or not', () => {
    const spaces = ' '.repeat(2_000_000)
    const started = performance.now()
    // Lengths compared, not strings: a failure must not print a diff of megabytes.
    expect(withoutJsonSpacing(`a${spaces}b:${spaces}c`).length).toBe(spaces.length + 4)
    expect(withoutJsonSpacingNeedle(`${spaces}:${spaces}`).length).toBe(1)
    // A quadratic pass over 2 million spaces would take minutes.
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe('withoutJsonSpacingNeedle', () => {
  it('finds compact JSON by a phrase pasted from pretty-printed JSON, and the other way round', () => {
    expect(withoutJsonSpacingNeedle('"result": "ok"')).toBe('"result":"ok"')
    expect(withoutJsonSpacingNeedle('"amount": 1000,\n  "currency": "eur"')).toBe('"amount":1000,"currency":"eur"')
    expect(withoutJsonSpacing('{"result" : "ok"}').includes(withoutJsonSpacingNeedle('"result":"ok"'))).toBe(true)
  })

  it('drops whitespace at its ends, and keeps a phrase of whitespace alone as it is', () => {
    expect(withoutJsonSpacingNeedle(' hello ')).toBe('hello')
    expect(withoutJsonSpacingNeedle('  ')).toBe('  ')
  })
})
