/** Key validation on entry: normalised keys, refusals with a reason meant for the user. */
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { validateKey } from './key-validation'

const plexo = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../../../shared/fixtures/vectors/plexo.json', import.meta.url)), 'utf8')) as Array<{
    secretOrKey: { certificatePem?: string } | null
  }>
)
  .map((vector) => vector.secretOrKey?.certificatePem)
  .find((pem): pem is string => typeof pem === 'string')
if (!plexo) throw new Error('missing Plexo certificate')
const plexoCertificate: string = plexo
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()

describe('validateKey', () => {
  it('accepts CHIP public keys as PEM, as the GET /public_key/ JSON string, and as PKCS#1', () => {
    const plain = validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: publicPem })
    const jsonString = validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: JSON.stringify(publicPem) })
    const pkcs1 = validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString() })
    for (const validation of [plain, jsonString, pkcs1]) {
      expect(validation.ok).toBe(true)
      if (validation.ok) {
        expect(validation.key.kind === 'rsa-public-key' && validation.key.pem).toBe(publicPem)
        expect(validation.descriptor.masked).toBe('RSA 2048-bit public key')
      }
    }
    // Same key, same fingerprint, whatever form it was entered in.
    const fingerprints = [plain, jsonString, pkcs1].map((validation) => (validation.ok ? validation.descriptor.fingerprint : ''))
    expect(new Set(fingerprints).size).toBe(1)
  })
  it('refuses a PEM that does not parse, a private key and a non-RSA key, with a clear message', () => {
    const broken = validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' })
    expect(broken).toMatchObject({ ok: false })
    expect(!broken.ok && broken.message).toMatch(/^the public key does not parse as PEM/)
    const secret = validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() })
    expect(!secret.ok && secret.message).toMatch(/private key/)
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    expect(validateKey({ kind: 'rsa-public-key', provider: 'chip', pem: ec })).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'certificate', provider: 'plexo', pem: 'not a certificate' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^the certificate does not parse/),
    })
  })
  it('accepts X.509 certificates (Plexo, PayPal) and describes them', () => {
    const validation = validateKey({ kind: 'certificate', provider: 'plexo', pem: plexoCertificate.replace(/\n/g, '\r\n') })
    expect(validation.ok).toBe(true)
    if (!validation.ok) return
    expect(validation.descriptor.details).toContainEqual({ label: 'SHA-1 thumbprint', value: '07E878CCA6F32681DD2726CAF5254804F46D0CD8' })
    expect(validation.descriptor.masked).toContain('CN=plexo-test-server-signing')
  })
  it('Adyen keys must be hex; Standard Webhooks secrets must be whsec_<base64>', () => {
    expect(validateKey({ kind: 'hmac-secret', provider: 'adyen', value: '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056' }).ok).toBe(true)
    expect(validateKey({ kind: 'hmac-secret', provider: 'adyen', value: 'not-hex' })).toMatchObject({ ok: false, message: expect.stringContaining('hex') })
    expect(validateKey({ kind: 'hmac-secret', provider: 'adyen', value: 'ABC' })).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'hmac-secret', provider: 'standard-webhooks', value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }).ok).toBe(true)
    expect(validateKey({ kind: 'hmac-secret', provider: 'standard-webhooks', value: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('whsec_'),
    })
    expect(validateKey({ kind: 'hmac-secret', provider: 'standard-webhooks', value: 'whsec_%%%' })).toMatchObject({ ok: false })
    const stripe = validateKey({ kind: 'hmac-secret', provider: 'stripe', value: 'not_whsec_but_possible' })
    expect(stripe.ok && stripe.warnings[0]).toContain('whsec_')
    // A shape that belongs elsewhere is refused (shared/key-shape.ts), not stored under the wrong provider.
    expect(validateKey({ kind: 'hmac-secret', provider: 'stripe', value: 'sk_test_wrong_kind' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('Stripe API key'),
    })
    expect(validateKey({ kind: 'hmac-secret', provider: 'ixopay', value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('file it under Stripe or Standard Webhooks'),
    })
  })
  it('checks generic HMAC configurations and their templates', () => {
    const config = {
      header: 'X-Sig',
      prefix: 'sha256=',
      algorithm: 'sha256',
      encoding: 'hex',
      signed: { template: '{method}\\n{target}\\n{header:X-Timestamp}\\n{body}' },
    }
    expect(validateKey({ kind: 'generic-hmac', config, secret: 's' }).ok).toBe(true)
    expect(validateKey({ kind: 'generic-hmac', config: { ...config, signed: { template: '{bodyy}' } }, secret: 's' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('{bodyy}'),
    })
    expect(validateKey({ kind: 'generic-hmac', config: { ...config, algorithm: 'md5' }, secret: 's' })).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'generic-hmac', config: { ...config, header: 'Bad Header' }, secret: 's' })).toMatchObject({ ok: false })
  })
  it('refuses malformed shapes', () => {
    expect(validateKey(null)).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'hmac-secret', provider: 'ixopay', value: '' })).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'hmac-secret', provider: 'nobody', value: 'x' })).toMatchObject({ ok: false })
    expect(validateKey({ kind: 'paypal-webhook-id', value: 'has spaces' })).toMatchObject({ ok: false })
  })
})
