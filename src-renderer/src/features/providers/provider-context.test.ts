import { describe, expect, it } from 'vitest'
import { keyFormStartFor, mostSeenProvider, startingProvider } from './provider-context'

describe('keyFormStartFor', () => {
  it('starts a Stripe capture on a Stripe secret and a CHIP capture on the RSA public key', () => {
    expect(keyFormStartFor('stripe')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'stripe' })
    expect(keyFormStartFor('chip')).toMatchObject({ kind: 'rsa-public-key' })
    expect(keyFormStartFor('plexo')).toMatchObject({ kind: 'certificate', certificateProvider: 'plexo' })
    expect(keyFormStartFor('paypal')).toMatchObject({ kind: 'certificate', certificateProvider: 'paypal' })
    expect(keyFormStartFor('adyen')).toMatchObject({ kind: 'hmac-secret', hmacProvider: 'adyen' })
    expect(keyFormStartFor('generic')).toMatchObject({ kind: 'generic-hmac' })
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
