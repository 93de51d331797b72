import { describe, expect, it } from 'vitest'
import { PROVIDER_IDS } from '@shared/provider-catalog'
import { targetUrlExample } from './target-url-example'

describe('targetUrlExample', () => {
  it('names the route after the provider the callbacks come from', () => {
    expect(targetUrlExample('stripe')).toBe('http://localhost:3000/callbacks/stripe')
    expect(targetUrlExample('checkout-com')).toBe('http://localhost:3000/callbacks/checkout-com')
    expect(targetUrlExample('ixopay')).toBe('http://localhost:3000/callbacks/ixopay')
  })

  it('names no provider when the sender is not known', () => {
    expect(targetUrlExample(null)).toBe('http://localhost:3000/callbacks')
    expect(targetUrlExample('unknown')).toBe('http://localhost:3000/callbacks')
    expect(targetUrlExample('generic')).toBe('http://localhost:3000/callbacks')
  })

  it('is a valid URL path for every provider id', () => {
    for (const id of PROVIDER_IDS) expect(new URL(targetUrlExample(id)).pathname).toMatch(/^\/callbacks(\/[a-z-]+)?$/)
  })
})
