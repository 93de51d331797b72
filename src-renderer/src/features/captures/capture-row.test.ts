import { describe, expect, it } from 'vitest'
import { targetWithin } from './capture-row'

describe('targetWithin', () => {
  it('shows what follows the endpoint slug, in any case', () => {
    expect(targetWithin('/shop/callbacks/ixopay?orderId=1', '/shop')).toBe('/callbacks/ixopay?orderId=1')
    expect(targetWithin('/SHOP/x', '/shop')).toBe('/x')
    expect(targetWithin('/shop', '/shop')).toBe('/')
    expect(targetWithin('/shop?x=1', '/shop')).toBe('/?x=1')
  })

  it('keeps the whole target elsewhere: all endpoints, or a slug that only starts the same', () => {
    expect(targetWithin('/shop/x', null)).toBe('/shop/x')
    expect(targetWithin('/shopping/x', '/shop')).toBe('/shopping/x')
  })
})
