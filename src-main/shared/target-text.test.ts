/** shared/target-text.ts: the origin form every reader of a request target uses. */
import { describe, expect, it } from 'vitest'
import { isAbsoluteFormTarget, originFormOf, pathOf, queryStringOf } from './target-text'

describe('originFormOf', () => {
  it('gives an origin-form target back as it is', () => {
    expect(originFormOf('/shop/x?y=1')).toBe('/shop/x?y=1')
    expect(originFormOf('/')).toBe('/')
  })

  it('reads the path and query of an absolute-form target, whatever the case of its scheme', () => {
    expect(originFormOf('http://127.0.0.1:4100/shop/x?y=1')).toBe('/shop/x?y=1')
    expect(originFormOf('HTTPS://user:pass@proxy.example:8443/shop/%2e?a=b')).toBe('/shop/%2e?a=b')
    expect(originFormOf('http://[::1]:4100/shop')).toBe('/shop')
  })

  it('gives an empty path as /, before a query too', () => {
    expect(originFormOf('http://host')).toBe('/')
    expect(originFormOf('http://host?x=1')).toBe('/?x=1')
  })

  it('leaves a target in no form a receiver takes as it is', () => {
    expect(originFormOf('*')).toBe('*')
    expect(originFormOf('host:443')).toBe('host:443')
    expect(originFormOf('ftp://host/shop')).toBe('ftp://host/shop')
    expect(isAbsoluteFormTarget('ftp://host/shop')).toBe(false)
    expect(isAbsoluteFormTarget('/http://host/shop')).toBe(false)
    expect(isAbsoluteFormTarget('http://host/shop')).toBe(true)
  })

  it('is what pathOf reads; the query is the same in either form', () => {
    expect(pathOf('http://host:1/shop/x?y=1')).toBe('/shop/x')
    expect(queryStringOf('http://host:1/shop/x?y=1')).toBe('y=1')
  })
})
