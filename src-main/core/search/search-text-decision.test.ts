/**
 * What a capture's search text alone settles of a query: absence settles a term false, presence
 * settles only a bare word true, and everything the search text cannot see is left open.
 */
import { describe, expect, it } from 'vitest'
import { parseCaptureQuery } from '../../shared/capture-query-parser'
import { searchTextDecision } from './search-text-decision'

function decisionOf(source: string | null, summaryText?: string) {
  if (source === null) return searchTextDecision(null, summaryText)
  const parsed = parseCaptureQuery(source, { now: Date.parse('2026-12-07T10:00:00Z') })
  if (!parsed.ok) throw new Error(parsed.error.message)
  return searchTextDecision(parsed.query, summaryText)
}

/**
 * The decision for a capture whose search text holds exactly `present`, `inBody` in its body text,
 * `inSummary` in its summary text and `inPath` in its path texts.
 */
const decide = (
  source: string | null,
  present: string[],
  summaryText?: string,
  inBody: string[] = [],
  inSummary: string[] = [],
  inPath: string[] = [],
  inId: string[] = [],
) =>
  decisionOf(source, summaryText).decide({
    has: (text) => present.includes(text) || inBody.includes(text) || inSummary.includes(text) || inPath.includes(text) || inId.includes(text),
    inBody: (text) => inBody.includes(text),
    inSummary: (text) => inSummary.includes(text),
    inPath: (text) => inPath.includes(text),
    inId: (text) => inId.includes(text),
  })

describe('searchTextDecision', () => {
  it('settles a bare word both ways, and its negation', () => {
    expect(decide('jane', ['jane'])).toBe(true)
    expect(decide('jane', [])).toBe(false)
    expect(decide('-stripe', ['stripe'])).toBe(false)
    expect(decide('-stripe', [])).toBe(true)
    expect(decide('jane -stripe', ['jane'])).toBe(true)
    expect(decide('jane -stripe', ['jane', 'stripe'])).toBe(false)
    expect(decide('jane OR zanzibar', ['zanzibar'])).toBe(true)
    expect(decide('jane OR zanzibar', [])).toBe(false)
  })

  it('leaves a bare word found in the capture id to the matcher, which finds an id only whole or by its start', () => {
    expect(decide('ab12', [], undefined, [], [], [], ['ab12'])).toBeNull()
    expect(decide('-ab12', [], undefined, [], [], [], ['ab12'])).toBeNull()
    expect(decide('ab12', ['ab12'])).toBe(true)
  })

  it('looks for every text a term under a NOT or an OR needs, folded as the query is', () => {
    expect([...decisionOf('Jane -STRIPE OR "Order 17"').texts].sort()).toEqual(['jane', 'order 17', 'stripe'])
  })

  it('settles a body: term by its text in the body text, and by its absence', () => {
    expect(decide('body:jane', [], undefined, ['jane'])).toBe(true)
    expect(decide('-body:jane', [], undefined, ['jane'])).toBe(false)
    // Found, but not in the body text (a header, the summary): the capture is read.
    expect(decide('body:customer_mail', ['customer_mail'])).toBeNull()
  })

  it('settles another field term only by absence: its text may be in another part of the search text', () => {
    expect(decide('body:jane', [])).toBe(false)
    expect(decide('-body:jane', [])).toBe(true)
    expect(decide('-body:jane', ['jane'])).toBeNull()
    expect(decide('header.x-batch:tenth', ['tenth'])).toBeNull()
    expect(decide('event:payment', ['payment'])).toBeNull()
  })

  it('leaves open what the search text cannot see, unless the rest settles it', () => {
    expect(decide('method:post', [])).toBeNull()
    expect(decide('provider:stripe jane', ['jane'])).toBeNull()
    expect(decide('provider:stripe jane', [])).toBe(false)
    expect(decide('status:2xx OR jane', ['jane'])).toBe(true)
    expect(decide('note:refund', [])).toBeNull()
    expect(decide('query.order:7', [])).toBeNull()
  })

  it('settles a path: term both ways by its text in the path texts, and what it is part of', () => {
    expect(decide('path:/shop', [], undefined, [], [], ['/shop'])).toBe(true)
    expect(decide('path:/shop', [])).toBe(false)
    // Elsewhere only (the query string, a header, the body): not in the path.
    expect(decide('path:/shop', ['/shop'])).toBe(false)
    expect(decide('path:/shop', [], undefined, ['/shop'], ['/shop'])).toBe(false)
    expect(decide('-path:/shop', ['/shop'])).toBe(true)
    expect(decide('-path:/shop', [], undefined, [], [], ['/shop'])).toBe(false)
    expect(decide('path:/shop -path:/shop/test jane', ['jane'], undefined, [], [], ['/shop'])).toBe(true)
    expect(decide('path:/shop method:post', [], undefined, [], [], ['/shop'])).toBeNull()
    expect(decide('path:/shop method:post', ['/shop'])).toBe(false)
  })

  it('settles a header line pasted whole only by the absence of its pieces', () => {
    // `x-signature: abc` matches across a header's name and value, which the search text keeps on separate lines.
    expect(decide('"x-signature: abc"', ['x-signature', 'abc'])).toBeNull()
    expect(decide('"x-signature: abc"', ['x-signature'])).toBe(false)
    expect(decide('-"x-signature: abc"', ['abc'])).toBe(true)
  })

  it('settles the summary text filter by its absence, and by its presence in the summary text alone (it looks in the summary, not everywhere)', () => {
    expect(decide(null, [], 'n=12')).toBe(false)
    expect(decide(null, ['n=12'], 'n=12')).toBeNull()
    expect(decide('jane', ['jane', 'n=12'], 'n=12')).toBeNull()
    expect(decide('jane', ['n=12'], 'n=12')).toBe(false)
    expect(decisionOf(null).texts).toEqual([])
    // In the summary text: the filter matches, and the query decides the rest.
    expect(decide(null, [], 'n=12', [], ['n=12'])).toBe(true)
    expect(decide('jane', ['jane'], 'n=12', [], ['n=12'])).toBe(true)
    expect(decide('-jane', ['jane'], 'n=12', [], ['n=12'])).toBe(false)
    expect(decide('method:post', [], 'n=12', [], ['n=12'])).toBeNull()
  })
})
