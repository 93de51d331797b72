import { describe, expect, it } from 'vitest'
import { describeSecretShapeMismatch } from '../shared/key-shape'

describe('describeSecretShapeMismatch', () => {
  it('refuses a whsec_ secret filed under IXOPAY and names the providers it belongs to', () => {
    expect(describeSecretShapeMismatch('ixopay', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toEqual({
      message:
        'this looks like a Stripe or Standard Webhooks signing secret (whsec_…), not a secret for IXOPAY: file it under Stripe or Standard Webhooks / Svix, or paste the IXOPAY secret',
      suggestedProvider: 'stripe',
    })
    expect(describeSecretShapeMismatch('github', ' whsec_abc')?.suggestedProvider).toBe('stripe')
  })

  it('accepts each shape under the providers it belongs to, and ordinary secrets anywhere', () => {
    expect(describeSecretShapeMismatch('stripe', 'whsec_abc')).toBeNull()
    expect(describeSecretShapeMismatch('standard-webhooks', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull()
    expect(describeSecretShapeMismatch('shopify', 'shpss_0123')).toBeNull()
    expect(describeSecretShapeMismatch('ixopay', 'my-connector-secret')).toBeNull()
    // Standard Webhooks' own key prefixes get the core's specific messages.
    expect(describeSecretShapeMismatch('standard-webhooks', 'whpk_abc')).toBeNull()
  })

  it('refuses what is no webhook secret at all, whatever the provider', () => {
    expect(describeSecretShapeMismatch('stripe', 'sk_test_51H')).toMatchObject({
      message: expect.stringMatching(/Stripe API key.*whsec_/),
      suggestedProvider: null,
    })
    expect(describeSecretShapeMismatch('ixopay', 'whpk_abc')).toMatchObject({ message: expect.stringMatching(/Standard Webhooks public key \(v1a\)/) })
    expect(describeSecretShapeMismatch('mollie', '-----BEGIN PUBLIC KEY-----\nMIIB')).toMatchObject({ message: expect.stringMatching(/PEM key/) })
    expect(describeSecretShapeMismatch('ixopay', 'shpss_0123')).toMatchObject({ suggestedProvider: 'shopify' })
  })
})
