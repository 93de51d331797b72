import { describe, expect, it } from 'vitest'
import { headerValue, setHeader, type HeaderPairs } from './http-message'

describe('setHeader', () => {
  it('replaces the first header of that name in place, keeping its case and position', () => {
    const headers: HeaderPairs = [
      ['Content-Type', 'application/json'],
      ['stripe-SIGNATURE', 'old'],
      ['X-Other', '1'],
      ['Stripe-Signature', 'duplicate'],
    ]
    expect(setHeader(headers, 'Stripe-Signature', 'new')).toEqual({ sentName: 'stripe-SIGNATURE', before: 'old' })
    expect(headers).toEqual([
      ['Content-Type', 'application/json'],
      ['stripe-SIGNATURE', 'new'],
      ['X-Other', '1'],
      ['Stripe-Signature', 'duplicate'],
    ])
  })

  it('appends the header with the given name when there is none', () => {
    const headers: HeaderPairs = [['Host', 'example.test']]
    expect(setHeader(headers, 'X-Signature', 'abc')).toEqual({ sentName: 'X-Signature', before: null })
    expect(headers).toEqual([
      ['Host', 'example.test'],
      ['X-Signature', 'abc'],
    ])
    expect(headerValue(headers, 'x-signature')).toBe('abc')
  })
})
