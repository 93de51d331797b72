import { describe, expect, it } from 'vitest'
import { matchesPathPattern, matchesPreparedPathPattern, preparePathPattern } from './path-pattern'
import { escapeRegex } from '../../shared/escape-regex'
import { seededRandom as random } from '../../test-support/seeded-random'

/**
 * The regex the matcher replaced, kept here only as the reference for the semantics: on short
 * inputs it is fast enough to compare against, and any disagreement is a bug in the new matcher.
 */
function referenceRegex(pattern: string): RegExp {
  const segments = (pattern.startsWith('/') ? pattern : `/${pattern}`).split('/').slice(1)
  let source = ''
  let previousWasGlobstar = false
  for (const segment of segments) {
    if (/^\*{2,}$/.test(segment)) {
      if (!previousWasGlobstar) source += '(?:/.*)?'
      previousWasGlobstar = true
      continue
    }
    previousWasGlobstar = false
    source += '/'
    for (const token of segment.split(/(\*+)/)) {
      if (token === '') continue
      if (token.startsWith('*')) source += token.length >= 2 ? '.*' : '[^/]*'
      else source += escapeRegex(token)
    }
  }
  return new RegExp(`^${source === '' ? '/' : source}$`)
}

describe('path pattern matcher', () => {
  it('agrees with the reference regex on thousands of random short patterns and paths', () => {
    const next = random(12)
    const pick = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')
    for (let round = 0; round < 4000; round++) {
      const pattern = pick('ab/*-', 1 + Math.floor(next() * 8))
      const path = `/${pick('ab/-', Math.floor(next() * 10))}`
      expect(matchesPathPattern(pattern, path), `${pattern} vs ${path}`).toBe(referenceRegex(pattern).test(path))
    }
  })

  it('matches the documented examples', () => {
    expect(matchesPathPattern('/orders/**', '/orders')).toBe(true)
    expect(matchesPathPattern('/orders/**/refunds', '/orders/refunds')).toBe(true)
    expect(matchesPathPattern('/**', '/')).toBe(true)
    expect(matchesPathPattern('/*', '/a/b')).toBe(false)
    expect(matchesPathPattern('/a**z', '/a/b/z')).toBe(true)
    expect(matchesPathPattern('', '/')).toBe(true)
  })

  it('does bounded work on patterns that made the regex take cubic time', () => {
    // The review's case: three `*` in one segment against 4,000 dashes took 15 s with the regex.
    // Counting steps, not timing: every path character advances each pattern position at most once.
    const path = `/${'-'.repeat(4000)}/x`
    for (const pattern of ['/*-*-*', '/*_*_*.json', '/*-*-*-*-*-*-*-*', '/**-**-**/y']) {
      const prepared = preparePathPattern(pattern)
      let steps = 0
      const counted = new Proxy(prepared.nodes, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) steps++
          return Reflect.get(target, key, receiver) as unknown
        },
      })
      matchesPreparedPathPattern({ pattern, nodes: counted }, path)
      expect(steps, pattern).toBeLessThanOrEqual(4 * (path.length + 1) * (prepared.nodes.length + 1))
    }
  })
})
