import { describe, expect, it } from 'vitest'
import { describeWarningsBasis } from './warnings-basis'

const ixopay = { id: 'ixopay', variant: 'json-api', name: 'IXOPAY', expects: 'HTTP 200 with body OK' }
const ixopayXml = { ...ixopay, variant: 'xml' }
const stripe = { id: 'stripe', variant: null, name: 'Stripe', expects: 'any HTTP 2xx' }

describe('describeWarningsBasis', () => {
  it('says when no provider is known, and how to make one known', () => {
    expect(describeWarningsBasis({ warnings: [], providers: [], providerSource: 'none' })).toMatch(
      /^No provider recognised on this endpoint yet.*pin the provider/,
    )
  })

  it('names the providers checked, what each expects, and where they come from', () => {
    expect(describeWarningsBasis({ warnings: ['Default answer: …'], providers: [ixopay, ixopayXml, stripe], providerSource: 'recent-captures' })).toBe(
      'Checked against IXOPAY (expects HTTP 200 with body OK) and Stripe (expects any HTTP 2xx), the providers of this endpoint’s recent callbacks.',
    )
    expect(describeWarningsBasis({ warnings: [], providers: [{ ...ixopay, variant: null }], providerSource: 'pinned' })).toBe(
      'Every answer here counts as success for IXOPAY (expects HTTP 200 with body OK), the provider pinned under “Keys & provider”.',
    )
  })

  it('names a provider without a documented acknowledgement by name alone', () => {
    expect(
      describeWarningsBasis({
        warnings: [],
        providers: [{ id: 'generic', variant: null, name: 'Generic HMAC', expects: null }],
        providerSource: 'recent-captures',
      }),
    ).toBe('Every answer here counts as success for Generic HMAC, the provider of this endpoint’s recent callbacks.')
  })
})
