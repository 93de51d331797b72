/** shared/slug.ts: how a capture's target splits into its endpoint slug and the path within it. */
import { describe, expect, it } from 'vitest'
import { splitTarget } from '../shared/slug'

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
})
