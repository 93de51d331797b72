/**
 * Ed25519 keys as users paste them (whpk_ / whsk_ and PEM), the refusals with their reasons, and
 * the `ed25519-public-key` kind as the key store receives it (validated, normalised, described).
 */
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { validateKey } from '../providers/key-validation'
import { describeKey, keyFingerprint } from './describe-key'
import { ed25519Fingerprint, parseEd25519PrivateKey, parseEd25519PublicKey, toWhpk } from './ed25519'

/** A fresh pair in every form, built from the JWK export (independent of the code under test). */
function freshPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  const seed = Buffer.from(jwk.d ?? '', 'base64url')
  const raw = Buffer.from(jwk.x ?? '', 'base64url')
  return {
    privateKey,
    publicKey,
    seed,
    raw,
    whpk: `whpk_${raw.toString('base64')}`,
    whsk: `whsk_${seed.toString('base64')}`,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 16),
  }
}

const sameKey = (a: KeyObject, b: KeyObject): boolean => a.equals(b)
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })

describe('parseEd25519PublicKey', () => {
  it('accepts whpk_<base64> and PEM SPKI (with CRLF and surrounding whitespace): one key, one fingerprint', () => {
    const pair = freshPair()
    const forms = [pair.whpk, `  ${pair.whpk}\n`, pair.publicPem, pair.publicPem.replace(/\n/g, '\r\n')]
    for (const form of forms) {
      const parsed = parseEd25519PublicKey(form)
      if (!parsed.ok) throw new Error(`${form}: ${parsed.message}`)
      expect(sameKey(parsed.key, pair.publicKey)).toBe(true)
      expect(toWhpk(parsed.key)).toBe(pair.whpk)
      expect(ed25519Fingerprint(parsed.key)).toBe(pair.fingerprint)
    }
  })

  it('refuses everything else with a message that says what was pasted', () => {
    const pair = freshPair()
    const refusals: Array<[string, RegExp]> = [
      ['', /paste whpk_/],
      ['garbage', /not a Standard Webhooks public key/],
      ['whpk_%%%', /must be base64/],
      [`whpk_${randomBytes(31).toString('base64')}`, /decodes to 31 bytes/],
      [pair.whsk, /this is a private key/],
      [pair.privatePem, /this is a private key/],
      [`whsec_${randomBytes(24).toString('base64')}`, /v1 HMAC secret/],
      [rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), /signs with ed25519; this key is RSA/],
      ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /a PEM CERTIFICATE is not a public key/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /^the public key does not parse/],
    ]
    for (const [input, message] of refusals) {
      const parsed = parseEd25519PublicKey(input)
      expect(parsed.ok, input).toBe(false)
      if (!parsed.ok) expect(parsed.message, input).toMatch(message)
    }
  })
})

describe('parseEd25519PrivateKey', () => {
  it("accepts whsk_<base64 seed>, the 64-byte seed+public form and PEM PKCS#8; the fingerprint is the public half's", () => {
    const pair = freshPair()
    for (const form of [pair.whsk, `whsk_${Buffer.concat([pair.seed, pair.raw]).toString('base64')}`, pair.privatePem]) {
      const parsed = parseEd25519PrivateKey(form)
      if (!parsed.ok) throw new Error(`${form.slice(0, 12)}: ${parsed.message}`)
      expect(parsed.key.type).toBe('private')
      expect(sameKey(parsed.key, pair.privateKey)).toBe(true)
      expect(ed25519Fingerprint(parsed.key)).toBe(pair.fingerprint)
      expect(toWhpk(parsed.key)).toBe(pair.whpk)
    }
  })

  it('refuses public keys, HMAC secrets, other key types and damaged keys', () => {
    const pair = freshPair()
    const other = freshPair()
    const refusals: Array<[string, RegExp]> = [
      [pair.whpk, /this is a public key/],
      [pair.publicPem, /this is a public key/],
      [`whsec_${randomBytes(24).toString('base64')}`, /v1 HMAC secret/],
      ['whsk_***', /must be base64/],
      [`whsk_${randomBytes(48).toString('base64')}`, /decodes to 48 bytes/],
      [`whsk_${Buffer.concat([pair.seed, other.raw]).toString('base64')}`, /second half is not the public key/],
      [rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /this key is RSA/],
      [rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), /a PEM RSA PRIVATE KEY is not an unencrypted PKCS#8 private key/],
      ['anything', /not an ed25519 private key/],
    ]
    for (const [input, message] of refusals) {
      const parsed = parseEd25519PrivateKey(input)
      expect(parsed.ok, input.slice(0, 30)).toBe(false)
      if (!parsed.ok) expect(parsed.message, input.slice(0, 30)).toMatch(message)
    }
  })
})

describe('the ed25519-public-key kind', () => {
  it('is validated on entry, stored as whpk_, described by fingerprint only', () => {
    const pair = freshPair()
    const fromPem = validateKey({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: pair.publicPem, label: 'sender key' })
    const fromWhpk = validateKey({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: pair.whpk })
    for (const validation of [fromPem, fromWhpk]) {
      if (!validation.ok) throw new Error(validation.message)
      expect(validation.key).toMatchObject({ kind: 'ed25519-public-key', value: pair.whpk })
      expect(validation.descriptor).toMatchObject({
        kind: 'ed25519-public-key',
        provider: 'standard-webhooks',
        masked: 'ed25519 public key',
        fingerprint: pair.fingerprint,
      })
      expect(keyFingerprint(validation.key)).toBe(pair.fingerprint)
      expect(JSON.stringify(validation.descriptor)).not.toContain(pair.raw.toString('base64').slice(0, 12))
    }
    expect(fromPem.ok && fromPem.descriptor.label).toBe('sender key')
  })

  it('refuses a private key or a secret entered as a public key, and says so', () => {
    const pair = freshPair()
    expect(validateKey({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: pair.whsk })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/private key/),
    })
    expect(validateKey({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: 'not a key' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/whpk_/),
    })
    expect(validateKey({ kind: 'ed25519-public-key', provider: 'stripe', value: pair.whpk })).toMatchObject({ ok: false })
  })

  it('an HMAC secret field given a whpk_ or whsk_ key points at the public-key kind', () => {
    const pair = freshPair()
    for (const value of [pair.whpk, pair.whsk]) {
      expect(validateKey({ kind: 'hmac-secret', provider: 'standard-webhooks', value })).toMatchObject({
        ok: false,
        message: expect.stringContaining('Standard Webhooks public key (v1a)'),
      })
    }
  })

  it('a stored key that no longer parses is still described and fingerprinted', () => {
    const descriptor = describeKey({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: 'whpk_broken' })
    expect(descriptor.masked).toBe('ed25519 public key (does not parse)')
    expect(descriptor.fingerprint).toBe(createHash('sha256').update('whpk_broken').digest('hex').slice(0, 16))
  })
})
