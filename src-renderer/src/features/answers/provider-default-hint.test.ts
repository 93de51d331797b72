import { describe, expect, it } from 'vitest'
import { describeProviderDefault, GENERIC_PROVIDER_DEFAULT_HINT } from './provider-default-hint'

describe('describeProviderDefault', () => {
  it("names this endpoint's providers and what each expects, once known", () => {
    const ixopay = { id: 'ixopay', variant: 'json-api', name: 'IXOPAY', expects: 'HTTP 200 with body OK' }
    const shopify = { id: 'shopify', variant: null, name: 'Shopify', expects: 'a 200-series answer within 5 s' }
    expect(describeProviderDefault([ixopay, { ...ixopay, variant: 'xml' }, shopify])).toBe(
      'as each provider expects, here IXOPAY: HTTP 200 with body OK; Shopify: a 200-series answer within 5 s; unknown senders: 200',
    )
  })

  it('lists the common cases while no provider with a documented acknowledgement is known', () => {
    expect(describeProviderDefault([])).toBe(GENERIC_PROVIDER_DEFAULT_HINT)
    expect(describeProviderDefault([{ id: 'generic', variant: null, name: 'Generic HMAC', expects: null }])).toBe(GENERIC_PROVIDER_DEFAULT_HINT)
  })
})
