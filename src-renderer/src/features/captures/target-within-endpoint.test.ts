import { describe, expect, it } from 'vitest'
import { targetWithinEndpoint } from './target-within-endpoint'

describe('targetWithinEndpoint', () => {
  it("drops the endpoint's own slug", () => {
    expect(targetWithinEndpoint('/shop/callbacks/ixopay?orderId=1', 'shop')).toBe('/callbacks/ixopay?orderId=1')
    expect(targetWithinEndpoint('/Shop', 'shop')).toBe('/')
  })

  it('shows an imported target from elsewhere whole', () => {
    expect(targetWithinEndpoint('/default/form', 'imported')).toBe('/default/form')
    expect(targetWithinEndpoint('/hooks/chip', 'imported')).toBe('/hooks/chip')
  })

  it('drops the slug from a target received in absolute form (from a proxy)', () => {
    expect(targetWithinEndpoint('http://proxy.example:8080/shop/callbacks?x=1', 'shop')).toBe('/callbacks?x=1')
  })

  it('shows the whole target outside an endpoint', () => {
    expect(targetWithinEndpoint('/shop/x', null)).toBe('/shop/x')
  })
})
