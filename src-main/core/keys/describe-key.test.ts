/** Masked descriptors: never the secret, always a fingerprint. */
import { createHash, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import { describeKey, keyFingerprint } from './describe-key'

const publicPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString()

describe('describeKey', () => {
  const secrets: ProviderKey[] = [
    { kind: 'hmac-secret', provider: 'stripe', value: 'whsec_test_secret_value_1234567890' },
    { kind: 'hmac-secret', provider: 'ixopay', value: 'ixopay-test-shared-secret-3f9a2c', apiKey: 'test-api-key' },
    { kind: 'generic-hmac', config: { header: 'X-Sig', prefix: '', algorithm: 'sha1', encoding: 'base64', signed: 'body' }, secret: 'generic-secret-value' },
  ]
  it('never contains the secret nor its length; the fingerprint is keyed, not a hash anyone can recompute', () => {
    for (const key of secrets) {
      const descriptor = describeKey(key)
      const secret = key.kind === 'generic-hmac' ? key.secret : key.kind === 'hmac-secret' ? key.value : ''
      expect(JSON.stringify(descriptor)).not.toContain(secret)
      expect(JSON.stringify(descriptor)).not.toContain(secret.slice(6, 14))
      // The length must not appear as a number in what is shown; the random hex fingerprint may
      // contain the same digits by chance, so it is left out of this check (it is tested below).
      const { fingerprint: _fingerprint, ...shown } = descriptor
      expect(JSON.stringify(shown)).not.toMatch(new RegExp(`(^|\\D)${secret.length}(\\D|$)`))
      expect(descriptor.fingerprint).toMatch(/^[0-9a-f]{16}$/)
      expect(descriptor.fingerprint).not.toBe(createHash('sha256').update(secret).digest('hex').slice(0, 16))
      expect(descriptor.fingerprint).toBe(keyFingerprint(key))
    }
    expect(describeKey(secrets[0] as ProviderKey).masked).toBe('whsec_••••••••')
  })
  it("masks IXOPAY's API key", () => {
    const descriptor = describeKey({ kind: 'hmac-secret', provider: 'ixopay', value: 'shared-secret-1', apiKey: 'ixopay-api-key-12345' })
    expect(JSON.stringify(descriptor)).not.toContain('ixopay-api-key-12345')
    expect(descriptor.details).toContainEqual({ label: 'API key', value: 'ixop••••••••' })
  })
  it('shows public material: webhook ids, key sizes, certificate facts', () => {
    expect(describeKey({ kind: 'paypal-webhook-id', value: '4JH86294D6297924G' })).toMatchObject({ masked: '4JH86294D6297924G', provider: 'paypal' })
    expect(describeKey({ kind: 'rsa-public-key', provider: 'chip', pem: publicPem, chipProduct: 'send' }).details).toContainEqual({
      label: 'Digest',
      value: 'SHA-512 (CHIP Send)',
    })
    expect(describeKey({ kind: 'rsa-public-key', provider: 'chip', pem: 'broken' }).masked).toBe('RSA public key (does not parse)')
  })
})
