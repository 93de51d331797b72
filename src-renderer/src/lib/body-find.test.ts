import { describe, expect, it } from 'vitest'
import { findAll, firstMatchFrom, matchCountLabel, matchesIn, MAX_FIND_NEEDLE_CHARS, startFind, type FindOptions } from './body-find'

const starts = (text: string, needle: string, matchCase = false) => [...findAll(text, needle, { matchCase }).starts]

describe('findAll', () => {
  it('finds every occurrence, left to right, without overlaps', () => {
    expect(starts('order-4711 and ORDER-4711', 'order-4711')).toEqual([0, 15])
    expect(starts('aaaa', 'aa')).toEqual([0, 2])
    expect(starts('abcabcabd', 'abcabd')).toEqual([3])
  })

  it('folds ASCII and Latin-1 letters unless matching case', () => {
    expect(starts('MÜLLER müller', 'müller')).toEqual([0, 7])
    expect(starts('MÜLLER müller', 'müller', true)).toEqual([7])
    // The multiplication sign is not a capital letter; its neighbour ÷ must not match it.
    expect(starts('×', '÷')).toEqual([])
  })

  /** The shown text of each match. */
  const found = (text: string, needle: string, matchCase = false) => {
    const matches = findAll(text, needle, { matchCase })
    return [...matches.starts].map((start, index) => text.slice(start, matches.ends[index]))
  }

  it('compares as the capture search does: any Unicode normalisation, highlighting what the text holds', () => {
    // Typed with a precomposed é, shown with e and a combining accent (and the other way round).
    expect(found('Cafe\u0301 Olé, CAFÉ', 'café')).toEqual(['Cafe\u0301', 'CAFÉ'])
    expect(found('Caf\u00e9 au lait', 'cafe\u0301')).toEqual(['Caf\u00e9'])
    // Past Latin-1 too: Greek capitals (a final sigma included) and the dotted capital I.
    expect(found('ΟΔΟΣ Οδός', 'οδος')).toEqual(['ΟΔΟΣ'])
    expect(found('\u0130STANBUL', 'stanbul')).toEqual(['STANBUL'])
    // Matching case still takes either spelling of an accent.
    expect(found('cafe\u0301 CAFÉ', 'café', true)).toEqual(['cafe\u0301'])
  })

  it('ignores whitespace next to JSON punctuation, as the search does, and highlights the spaced text', () => {
    const pretty = '{\n  "result": "OK",\n  "amount": 100\n}'
    expect(found(pretty, '"result":"OK"')).toEqual(['"result": "OK"'])
    expect(found(pretty, '"OK", "amount"')).toEqual(['"OK",\n  "amount"'])
    expect(found('{"result":"OK"}', '"result": "OK"')).toEqual(['"result":"OK"'])
    // Other spaces count.
    expect(found('Alex Smith, AlexSmith', 'alex smith')).toEqual(['Alex Smith'])
  })

  it('stays linear on text made to defeat its folding', () => {
    const size = 1_000_000
    const started = performance.now()
    expect(findAll('e\u0301'.repeat(size), 'é'.repeat(3), { matchCase: false, maxMatches: size }).starts.length).toBe(Math.floor(size / 3))
    expect(findAll(`Σ${'\u0301'.repeat(size)}${'a'.repeat(size)}x`, 'ax', { matchCase: false }).starts.length).toBe(1)
    expect(findAll(`${' '.repeat(size)}:${' '.repeat(size)}`, ' : ', { matchCase: false }).starts.length).toBe(1)
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('treats regular expression characters as plain text', () => {
    expect(starts('a.b a+b (a|b) [x]', 'a+b')).toEqual([4])
    expect(starts('(a|b) .*', '.*')).toEqual([6])
    expect(starts('[x] ^$\\', '^$\\')).toEqual([4])
  })

  it('returns nothing for an empty needle or a needle longer than the text', () => {
    expect(starts('abc', '')).toEqual([])
    expect(starts('ab', 'abc')).toEqual([])
  })

  it('stops counting at the cap and says so', () => {
    const result = findAll('x'.repeat(50), 'x', { matchCase: false, maxMatches: 10 })
    expect(result.starts.length).toBe(10)
    expect(result.isTruncated).toBe(true)
    expect(matchCountLabel(result, 0)).toBe('1 of 10+')
  })

  it('cuts a needle to the longest allowed', () => {
    const needle = 'y'.repeat(MAX_FIND_NEEDLE_CHARS + 5)
    const matches = findAll('y'.repeat(MAX_FIND_NEEDLE_CHARS), needle, { matchCase: false })
    expect([...matches.starts]).toEqual([0])
    expect([...matches.ends]).toEqual([MAX_FIND_NEEDLE_CHARS])
  })

  it('stays linear on the classic worst case for naive search', () => {
    // aaaa…ab in aaaa…a: a naive scan costs text × needle; KMP one pass.
    const text = 'a'.repeat(2_000_000)
    expect(starts(text, 'a'.repeat(999) + 'b')).toEqual([])
  })
})

describe('match lookups', () => {
  const matches = findAll('ab ab ab ab', 'ab', { matchCase: false })

  it('finds the first match at or after an offset', () => {
    expect(firstMatchFrom(matches.starts, 0)).toBe(0)
    expect(firstMatchFrom(matches.starts, 1)).toBe(1)
    expect(firstMatchFrom(matches.starts, 10)).toBe(4)
  })

  it('lists the matches that overlap a range, including one that starts before it', () => {
    expect(matchesIn(matches, 4, 7)).toEqual([1, 3])
    expect(matchesIn(matches, 0, 1)).toEqual([0, 1])
    expect(matchesIn(matches, 2, 3)).toEqual([1, 1])
  })

  it('labels counts', () => {
    expect(matchCountLabel(matches, 1)).toBe('2 of 4')
    expect(matchCountLabel(findAll('a', 'b', { matchCase: false }), -1)).toBe('No matches')
  })
})

describe('startFind', () => {
  /** Runs a scan `sliceChars` characters at a time to its end. */
  const inSlices = (text: string, needle: string, sliceChars: number, options: FindOptions = { matchCase: false }) => {
    const scan = startFind(text, needle, options)
    let steps = 1
    let matches = scan.step(sliceChars)
    while (matches === null) {
      matches = scan.step(sliceChars)
      steps++
    }
    return { matches, steps }
  }

  it('finds in slices exactly what one pass finds, matches cut by a slice boundary included', () => {
    const text = 'abcab abcabd ABCABD xabcabdabcabd'
    for (const needle of ['abcabd', 'ab', 'd x', 'missing']) {
      const whole = findAll(text, needle, { matchCase: false })
      for (const sliceChars of [1, 2, 3, 5, 7, text.length]) {
        expect(inSlices(text, needle, sliceChars).matches, `${needle} in slices of ${sliceChars}`).toEqual(whole)
      }
    }
  })

  it('reads no more than a slice per step', () => {
    expect(inSlices('ab'.repeat(50), 'ab', 10).steps).toBe(10)
  })

  it('stops at the cap, saying there are more', () => {
    const { matches } = inSlices('x'.repeat(50), 'x', 7, { matchCase: false, maxMatches: 10 })
    expect(matches.starts.length).toBe(10)
    expect(matches.isTruncated).toBe(true)
  })
})
