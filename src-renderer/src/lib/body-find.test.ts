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
    expect(findAll('y'.repeat(MAX_FIND_NEEDLE_CHARS), needle, { matchCase: false }).length).toBe(MAX_FIND_NEEDLE_CHARS)
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
