import { describe, expect, it } from 'vitest'
import { targetNamedByUrl } from './pasted-url'

describe('targetNamedByUrl', () => {
  it('gives the path and query of an http(s) URL, whatever its host', () => {
    expect(targetNamedByUrl('http://127.0.0.1:4100/shop/webhooks/stripe')).toBe('/shop/webhooks/stripe')
    expect(targetNamedByUrl('https://abc.loca.lt/shop/cb?id=7&x=a%20b')).toBe('/shop/cb?id=7&x=a%20b')
    expect(targetNamedByUrl('HTTPS://User:Secret@Example.com:8443/Shop?A=1#top')).toBe('/Shop?A=1')
    expect(targetNamedByUrl('http://[::1]:4100/shop')).toBe('/shop')
    expect(targetNamedByUrl('http://host?only=query')).toBe('/?only=query')
  })

  it('takes a URL without its scheme when it starts with a host', () => {
    expect(targetNamedByUrl('localhost:4100/shop/cb')).toBe('/shop/cb')
    expect(targetNamedByUrl('127.0.0.1:4100/shop?id=7')).toBe('/shop?id=7')
    expect(targetNamedByUrl('abc.loca.lt/shop')).toBe('/shop')
    expect(targetNamedByUrl('[::1]:4100/shop')).toBe('/shop')
  })

  it('gives null for text that is no URL, or a URL naming no particular target', () => {
    for (const text of [
      'order-4711',
      '/shop/cb?id=7',
      '10.5/3',
      '1.2.3/4',
      'e.g./x',
      'localhost:port/x',
      'ftp://host/file',
      'http://',
      'http://127.0.0.1:4100',
      'https://abc.loca.lt/',
      'https://abc.loca.lt/#top',
    ])
      expect(targetNamedByUrl(text), text).toBeNull()
  })
})
