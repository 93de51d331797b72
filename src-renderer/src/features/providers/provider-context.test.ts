import { describe, expect, it } from 'vitest'
import { HMAC_PROVIDER_IDS, PROVIDER_IDS, type ProviderId } from '@shared/provider-catalog'
import { keyFormStartFor, mostSeenProvider, signedPathIrrelevance, startingProvider } from './provider-context'

describe('keyFormStartFor', () => {
  it('starts a Stripe capture on a Stripe secret and a CHIP capture on the RSA public key', () => {
    expect(keyFormStartFor('stripe')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'stripe' })
    expect(keyFormStartFor('chip')).toMatchObject({ kind: 'rsa-public-key' })
    expect(keyFormStartFor('plexo')).toMatchObject({ kind: 'certificate', certificateProvider: 'plexo' })
    expect(keyFormStartFor('paypal')).toMatchObject({ kind: 'certificate', certificateProvider: 'paypal' })
    expect(keyFormStartFor('adyen')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'adyen' })
    expect(keyFormStartFor('generic')).toMatchObject({ kind: 'generic-hmac' })
  })

  it('starts every HMAC provider on its own secret, and every other provider on its key kind', () => {
    for (const id of HMAC_PROVIDER_IDS) expect(keyFormStartFor(id)).toEqual({ kind: 'hmac-secret', hmacProvider: id, certificateProvider: 'plexo' })
    const others = PROVIDER_IDS.filter((id) => !(HMAC_PROVIDER_IDS as readonly ProviderId[]).includes(id))
    // Compared whole, so a provider added to the catalog must be added here with the start it needs.
    expect(Object.fromEntries(others.map((id) => [id, keyFormStartFor(id)]))).toEqual({
      chip: { kind: 'rsa-public-key', hmacProvider: 'ixopay', certificateProvider: 'plexo' },
      plexo: { kind: 'certificate', hmacProvider: 'ixopay', certificateProvider: 'plexo' },
      swedbankpay: { kind: 'hmac-secret', hmacProvider: 'ixopay', certificateProvider: 'plexo' },
      paypal: { kind: 'certificate', hmacProvider: 'ixopay', certificateProvider: 'paypal' },
      generic: { kind: 'generic-hmac', hmacProvider: 'ixopay', certificateProvider: 'plexo' },
      unknown: { kind: 'hmac-secret', hmacProvider: 'ixopay', certificateProvider: 'plexo' },
    })
  })

  it('starts Standard Webhooks on what the capture carries: whsec for v1, the public key for v1a only', () => {
    expect(keyFormStartFor('standard-webhooks', ['v1,abc='])).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'standard-webhooks' })
    expect(keyFormStartFor('standard-webhooks', ['v1,abc=', 'v1a,def='])).toMatchObject({ kind: 'hmac-secret' })
    expect(keyFormStartFor('standard-webhooks', ['v1a,def='])).toMatchObject({ kind: 'ed25519-public-key' })
    expect(keyFormStartFor('standard-webhooks')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'standard-webhooks' })
  })

  it('falls back to an IXOPAY secret when nothing is known', () => {
    expect(keyFormStartFor(null)).toEqual({ kind: 'hmac-secret', hmacProvider: 'ixopay', certificateProvider: 'plexo' })
    expect(keyFormStartFor('unknown')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'ixopay' })
  })
})

describe('starting provider', () => {
  it('counts the providers seen, never unknown, ties to the newest', () => {
    expect(mostSeenProvider(['unknown', 'unknown', null, null, null, 'stripe', 'chip', 'chip'])).toBe('chip')
    expect(mostSeenProvider(['stripe', 'chip'])).toBe('stripe')
    expect(mostSeenProvider(['unknown', null])).toBeNull()
    expect(mostSeenProvider([])).toBeNull()
  })

  it('prefers the capture, then the pin, then the most seen', () => {
    expect(startingProvider({ capture: 'stripe', pinned: 'ixopay', mostSeen: 'chip' })).toBe('stripe')
    expect(startingProvider({ capture: 'unknown', pinned: 'ixopay', mostSeen: 'chip' })).toBe('ixopay')
    expect(startingProvider({ pinned: null, mostSeen: 'chip' })).toBe('chip')
    expect(startingProvider({ pinned: null, mostSeen: null })).toBeNull()
  })
})

describe('signedPathIrrelevance', () => {
  const name = (id: string): string => `<${id}>`
  it('says the Signed path setting changes nothing on an endpoint pinned to a provider that does not sign the path', () => {
    expect(signedPathIrrelevance('stripe', name)).toBe(
      '<stripe> does not sign the request path, so this setting changes nothing while the endpoint is pinned to it.',
    )
    // IXOPAY signs it; an endpoint that detects per request may receive IXOPAY.
    expect(signedPathIrrelevance('ixopay', name)).toBeNull()
    expect(signedPathIrrelevance(null, name)).toBeNull()
  })
})
