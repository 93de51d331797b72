import { describe, expect, it } from 'vitest'
import { MultiTextSearch } from './multi-text-search'

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
