import { describe, expect, it, vi } from 'vitest'
import { includesText, LinearTextSearch, MAX_NATIVE_SEARCH_UNITS, MultiTextSearch, nativeSearchIsLinear } from './multi-text-search'

/** A small deterministic generator (xorshift), so a failure names a reproducible case. */
function randomOf(seed: number): (below: number) => number {
  let state = seed
  return (below) => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % below
  }
}

describe('MultiTextSearch', () => {
  it('finds what includes finds, text by text, on texts built to overlap', () => {
    // Few letters, so texts overlap, nest and repeat; surrogate pairs and a combining mark split
    // across texts, as includes compares code units.
    const alphabet = ['a', 'b', 'ß', 's', '\u0301', '😀', '\ud83d', ':']
    for (let seed = 1; seed <= 300; seed++) {
      const random = randomOf(seed)
      const word = (length: number): string => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('')
      const haystack = word(random(60))
      const texts = Array.from({ length: 1 + random(12) }, () => word(random(5)))
      const search = new MultiTextSearch(texts)
      const found = search.foundIn(haystack)
      for (const text of texts) expect(found.has(text), `seed ${seed}: ${JSON.stringify(text)} in ${JSON.stringify(haystack)}`).toBe(haystack.includes(text))
      expect(search.anyIn(haystack), `seed ${seed}`).toBe(texts.some((text) => haystack.includes(text)))
    }
  })

  it('finds what includes finds where the texts start far apart and close together (the reader jumps, then steps)', () => {
    const alphabet = ['a', 'b', 'c', 'é', '😀']
    for (let seed = 1; seed <= 200; seed++) {
      const random = randomOf(seed)
      const word = (length: number): string => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('')
      // Runs of a letter no text holds (jumped over), between runs of the letters texts are made of (stepped through).
      const haystack = Array.from({ length: 1 + random(20) }, () => (random(2) === 0 ? 'z'.repeat(random(300)) : word(random(40)))).join('')
      const texts = Array.from({ length: 1 + random(4) }, () => word(1 + random(4)))
      const search = new MultiTextSearch(texts)
      const found = search.foundIn(haystack)
      for (const text of texts) expect(found.has(text), `seed ${seed}: ${JSON.stringify(text)}`).toBe(haystack.includes(text))
      expect(search.anyIn(haystack), `seed ${seed}`).toBe(texts.some((text) => haystack.includes(text)))
    }
  })

  it('finds texts that end inside another found text, and each text however often it repeats', () => {
    const search = new MultiTextSearch(['she', 'he', 'hers', 'his', 'e'])
    expect([...search.foundIn('ushers')].sort()).toEqual(['e', 'he', 'hers', 'she'])
    expect(search.anyIn('xyz')).toBe(false)
    expect(search.anyIn('xhisy')).toBe(true)
    const letters = new MultiTextSearch(['aa', 'ab', 'a'.repeat(40)])
    expect([...letters.foundIn('a'.repeat(100_000))].sort()).toEqual(['aa', 'a'.repeat(40)])
  })

  it('treats the empty text as includes does: in every text, the empty one too', () => {
    const search = new MultiTextSearch(['', 'x'])
    expect([...search.foundIn('')]).toEqual([''])
    expect(search.anyIn('')).toBe(true)
    expect([...new MultiTextSearch(['']).foundIn('abc')]).toEqual([''])
  })

  it('looks for a set of texts once each, however often they are given', () => {
    expect(new MultiTextSearch(['a', 'b', 'a']).texts).toEqual(['a', 'b'])
    expect(new MultiTextSearch([]).anyIn('abc')).toBe(false)
  })
})

describe('texts too long for the built-in search', () => {
  // V8's includes skips with tables over a text's last 250 units: `a…a b a…a` with its `b` before
  // them is compared back over its whole length at nearly every `a` of the text searched (5-6 s
  // for a 1,000-unit text over 10 MB of `a`). These are looked for in one linear pass.
  const hostileText = (length: number, at: number): string => `${'a'.repeat(at)}b${'a'.repeat(length - at - 1)}`

  it('reads each unit of what it searches once, however the text is made', () => {
    const haystack = 'a'.repeat(1_000_000)
    for (const text of [hostileText(1000, 250), hostileText(1000, 500), hostileText(251, 0), `${'ab'.repeat(400)}c`, 'a'.repeat(999) + 'b']) {
      const search = new LinearTextSearch(text)
      expect(search.in(haystack)).toBe(false)
      expect(search.unitsRead).toBeLessThanOrEqual(haystack.length)
      const planted = `${haystack}${text}${haystack}`
      expect(search.in(planted)).toBe(true)
      expect(search.unitsRead).toBeLessThanOrEqual(2 * haystack.length + text.length)
    }
  })

  it('finds what includes finds, on texts built to overlap and repeat', () => {
    const alphabet = ['a', 'b', '😀', '\ud83d']
    for (let seed = 1; seed <= 400; seed++) {
      const random = randomOf(seed)
      const word = (length: number): string => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('')
      // A period of a few units repeated, with a change somewhere: the texts that make Knuth-Morris-Pratt fall back.
      const period = word(1 + random(3))
      const text = period.repeat(random(8)) + word(random(3)) + period.repeat(random(8))
      const haystack = Array.from({ length: 1 + random(6) }, () => (random(3) === 0 ? text : period.repeat(random(10)) + word(random(4)))).join('')
      expect(new LinearTextSearch(text).in(haystack), `seed ${seed}: ${JSON.stringify(text)} in ${JSON.stringify(haystack)}`).toBe(haystack.includes(text))
    }
  })

  it('leaves no text longer than the built-in search is linear for to it', () => {
    const long = hostileText(MAX_NATIVE_SEARCH_UNITS + 1, 0)
    expect(nativeSearchIsLinear([long])).toBe(false)
    expect(nativeSearchIsLinear(['a'.repeat(MAX_NATIVE_SEARCH_UNITS)])).toBe(true)
    expect(new MultiTextSearch([long]).oneByOne).toBe(false)
    expect(new MultiTextSearch(['word', 'a'.repeat(MAX_NATIVE_SEARCH_UNITS)]).oneByOne).toBe(true)

    const haystack = 'a'.repeat(2_000_000)
    const searches = vi.spyOn(String.prototype, 'includes')
    const longSearches = (): number => searches.mock.calls.filter(([text]) => String(text).length > MAX_NATIVE_SEARCH_UNITS).length
    try {
      for (const text of [hostileText(1000, 250), hostileText(1000, 600), hostileText(300, 10)]) {
        expect(includesText(haystack, text)).toBe(false)
        expect(includesText(`${haystack}${text}`, text)).toBe(true)
        expect(new MultiTextSearch([text]).foundIn(haystack).size).toBe(0)
        expect(new MultiTextSearch([text, 'b']).anyIn(`x${text}`)).toBe(true)
      }
      // A short text still goes to the built-in search (it is far quicker through ordinary text).
      expect(includesText(haystack, 'aab')).toBe(false)
      expect(longSearches()).toBe(0)
    } finally {
      searches.mockRestore()
    }
  })
})
