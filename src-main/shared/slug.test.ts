/** shared/slug.ts: endpoint slugs, and how a capture's target splits into its slug and the path within it. */
import { describe, expect, it } from 'vitest'
import { FALLBACK_SLUG, slugFromName, slugProblem, splitTarget, uniqueSlugFromName } from './slug'

describe('splitTarget', () => {
  it('splits off the slug, lower-cased, and keeps the rest as received', () => {
    expect(splitTarget('/shop/callbacks/ixopay?orderId=1')).toEqual({ slug: 'shop', rest: '/callbacks/ixopay?orderId=1' })
    expect(splitTarget('/SHOP/X')).toEqual({ slug: 'shop', rest: '/X' })
  })

  it('gives a path of its own to a bare slug and to a query right after it', () => {
    expect(splitTarget('/shop')).toEqual({ slug: 'shop', rest: '/' })
    expect(splitTarget('/shop?x=1')).toEqual({ slug: 'shop', rest: '/?x=1' })
    expect(splitTarget('/')).toEqual({ slug: '', rest: '/' })
  })

  it('splits an absolute-form target (from a proxy) by its path', () => {
    expect(splitTarget('http://proxy.example:8080/SHOP/callbacks?x=1')).toEqual({ slug: 'shop', rest: '/callbacks?x=1' })
    expect(splitTarget('http://proxy.example')).toEqual({ slug: '', rest: '/' })
  })
})

describe('slugFromName: one rule for the endpoint form and the core', () => {
  it('drops accents rather than splitting the word at them', () => {
    expect(slugFromName('Crème brûlée')).toBe('creme-brulee')
    expect(slugFromName('Stripe (test)')).toBe('stripe-test')
    expect(slugFromName('Zürich Ödön')).toBe('zurich-odon')
  })

  it('suggests the fallback for a name with no letter a URL can carry', () => {
    expect(slugFromName('日本')).toBe(FALLBACK_SLUG)
    expect(slugFromName('!!!')).toBe(FALLBACK_SLUG)
  })

  it('stays a valid slug within the length asked for', () => {
    const long = slugFromName(`${'a'.repeat(60)} ${'b'.repeat(30)}`, 56)
    expect(long.length).toBeLessThanOrEqual(56)
    expect(slugProblem(long)).toBeNull()
  })
})

describe('uniqueSlugFromName: one rule for the endpoint form and the core', () => {
  it('adds the first free numeric suffix when the derived slug is taken', () => {
    const taken = new Set(['plexo', 'plexo-2'])
    expect(uniqueSlugFromName('Plexo', (slug) => taken.has(slug))).toBe('plexo-3')
    expect(uniqueSlugFromName('Plexo sandbox', (slug) => taken.has(slug))).toBe('plexo-sandbox')
  })

  it('leaves room for the suffix within 64 characters', () => {
    const name = 'a'.repeat(80)
    const first = uniqueSlugFromName(name, () => false)
    expect(first).toBe('a'.repeat(56))
    expect(uniqueSlugFromName(name, (slug) => slug === first)).toBe(`${'a'.repeat(56)}-2`)
  })
})
