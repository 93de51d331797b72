/**
 * Fresh keys, random bodies, signatures made by an independent implementation (plain node:crypto
 * here, or the providers' own npm packages for Stripe, Standard Webhooks and GitHub), then one
 * byte flipped in the body, the signature, the key or a signed header: the verdict must follow,
 * with the right reason. Also: our `sign...` functions are accepted by those independent verifiers.
 */
import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign as rsaSign,
  verify as rsaVerify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto'
import { verify as octokitVerify, sign as octokitSign } from '@octokit/webhooks-methods'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, GenericHmacConfig, PinnableProviderId, ProviderKey } from '../../shared/providers'
import {
  analyzeDelivery,
  signAdyenItem,
  signAdyenPayload,
  signChip,
  signGenericHmac,
  signGithub,
  signIxopayJson,
  signIxopayLegacyXml,
  signMollie,
  signPaypal,
  signPlexoEnvelope,
  signShopify,
  signStandardWebhook,
  signStripe,
} from './index'

const ROUNDS = 4

// ---------------------------------------------------------------------------------------------
// Test helpers (independent of the implementation under test)

function analyze(
  headers: HeaderPairs,
  body: Buffer,
  keys: ProviderKey[],
  options: { pinned?: PinnableProviderId; now?: Date; target?: string; method?: string } = {},
): DeliveryAnalysis {
  return analyzeDelivery(
    { method: options.method ?? 'POST', target: options.target ?? '/hooks/in?x=1', headers, body },
    { now: options.now ?? new Date(), keys, ...(options.pinned ? { pinnedProvider: options.pinned } : {}) },
  )
}

function flipByte(bytes: Buffer, index = Math.floor(bytes.length / 2)): Buffer {
  const copy = Buffer.from(bytes)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

/** Flips one byte inside a base64 or hex signature, keeping its encoding valid. */
function flipEncoded(signature: string, encoding: 'base64' | 'hex'): string {
  return flipByte(Buffer.from(signature, encoding), 3).toString(encoding)
}

function randomSecret(): string {
  return randomBytes(24).toString('base64url')
}

function randomJson(extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ ...extra, nonce: randomBytes(12).toString('hex'), note: `ü ${randomUUID()}`, n: Math.floor(Math.random() * 1e6) }))
}

/** Bitwise CRC-32 (IEEE), written independently of the implementation's table-driven one. */
function crc32Reference(bytes: Buffer): number {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** Independent canonical JSON for Plexo: keys sorted, nulls dropped, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

// Minimal DER writer, to make self-signed test certificates without an external tool.
function der(tag: number, content: Buffer): Buffer {
  const length = content.length
  const header =
    length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff])
  return Buffer.concat([header, content])
}
const seq = (...parts: Buffer[]): Buffer => der(0x30, Buffer.concat(parts))
const SHA256_WITH_RSA = seq(der(0x06, Buffer.from('2a864886f70d01010b', 'hex')), Buffer.from([0x05, 0x00]))
function name(commonName: string): Buffer {
  return seq(der(0x31, seq(der(0x06, Buffer.from('550403', 'hex')), der(0x0c, Buffer.from(commonName)))))
}
function utcTime(date: Date): Buffer {
  const iso = date.toISOString()
  return der(0x17, Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`))
}
function selfSignedCertificate(commonName: string, publicKey: KeyObject, privateKey: KeyObject): string {
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([0x02]))),
    der(0x02, Buffer.concat([Buffer.from([0x01]), randomBytes(8)])),
    SHA256_WITH_RSA,
    name(commonName),
    seq(utcTime(new Date('2020-01-01T00:00:00Z')), utcTime(new Date('2040-01-01T00:00:00Z'))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
  )
  const signature = rsaSign('sha256', tbs, privateKey)
  const certificate = seq(tbs, SHA256_WITH_RSA, der(0x03, Buffer.concat([Buffer.from([0x00]), signature])))
  return `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`
}

interface RsaMaterial {
  privateKey: KeyObject
  publicKeyPem: string
  certificatePem: string
}

function rsaMaterial(bits = 2048): RsaMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(`test-${randomUUID()}`, publicKey, privateKey),
  }
}

let signer: RsaMaterial
let stranger: RsaMaterial
beforeAll(() => {
  signer = rsaMaterial()
  stranger = rsaMaterial()
})

// ---------------------------------------------------------------------------------------------

describe('IXOPAY JSON API (independent HMAC-SHA512)', () => {
  const date = 'Tue, 21 Jul 2020 13:15:03 UTC'
  const contentType = 'application/json; charset=utf-8'
  const target = '/callbacks/ixopay?orderId=42'
  const independent = (secret: string, body: Buffer, hash: 'sha512' | 'md5' = 'sha512', headerDate = date): string =>
    createHmac('sha512', secret)
      .update(`POST\n${createHash(hash).update(body).digest('hex')}\n${contentType}\n${headerDate}\n${target}`)
      .digest('base64')
  const headers = (signature: string, headerDate = date): HeaderPairs => [
    ['Content-Type', contentType],
    ['Date', headerDate],
    ['X-Signature', signature],
  ]

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: valid, then body / signature / key / Date flips`, () => {
      const secret = randomSecret()
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }]
      const body = randomJson({ result: 'OK', uuid: randomBytes(10).toString('hex'), amount: '12.50', currency: 'EUR' })
      const signature = independent(secret, body)
      const valid = analyze(headers(signature), body, keys, { target })
      expect(valid.provider).toMatchObject({ id: 'ixopay', variant: 'json-api' })
      expect(valid.verdict).toMatchObject({ status: 'valid', variant: 'SHA-512 body hash, Date header, received Content-Type' })
      expect(analyze(headers(independent(secret, body, 'md5')), body, keys, { target }).verdict).toMatchObject({
        status: 'valid',
        variant: 'MD5 body hash, Date header, received Content-Type',
      })

      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      expect(analyze(headers(signature), flipByte(body), keys, { target, pinned: 'ixopay' }).verdict).toMatchObject(mismatch)
      expect(analyze(headers(flipEncoded(signature, 'base64')), body, keys, { target }).verdict).toMatchObject(mismatch)
      expect(analyze(headers(signature), body, [{ kind: 'hmac-secret', provider: 'ixopay', value: `${secret}x` }], { target }).verdict).toMatchObject(mismatch)
      expect(analyze(headers(signature, 'Tue, 21 Jul 2020 13:15:04 UTC'), body, keys, { target }).verdict).toMatchObject(mismatch)
      expect(analyze(headers(signature.slice(0, 40)), body, keys, { target, pinned: 'ixopay' }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'malformed-signature',
      })
      expect(
        analyze(
          [
            ['Content-Type', contentType],
            ['X-Signature', signature],
          ],
          body,
          keys,
          { target, pinned: 'ixopay' },
        ).verdict,
      ).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    })
  }

  it('signIxopayJson agrees with the independent implementation', () => {
    const secret = randomSecret()
    const body = randomJson({ result: 'OK', uuid: 'u' })
    const signed = signIxopayJson({ secret, body, date, requestUri: target })
    expect(signed.signature).toBe(independent(secret, body))
    expect(signed.signedMessage).toBe(`POST\n${createHash('sha512').update(body).digest('hex')}\n${contentType}\n${date}\n${target}`)
    expect(analyze(signed.headers, body, [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }], { target }).verdict.status).toBe('valid')
  })
})

describe('IXOPAY legacy XML (independent)', () => {
  it('valid with Gateway and IxoPay schemes; flips are invalid', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = randomSecret()
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'ixopay', value: secret, apiKey: 'api-key' }]
      const body = Buffer.from(
        `<?xml version="1.0" encoding="utf-8"?><callback xmlns="http://gateway.ixopay.com/Schema/V2/Callback"><result>OK</result><referenceId>${randomBytes(6).toString('hex')}</referenceId><amount>1.00</amount><currency>EUR</currency></callback>`,
      )
      const date = new Date().toUTCString()
      const message = `POST\n${createHash('md5').update(body).digest('hex')}\ntext/xml; charset=utf-8\n${date}\n\n/cb`
      const signature = createHmac('sha512', secret).update(message).digest('base64')
      const headers = (scheme: string, sig: string): HeaderPairs => [
        ['Content-Type', 'text/xml; charset=utf-8'],
        ['Date', date],
        ['Authorization', `${scheme} api-key:${sig}`],
      ]
      for (const scheme of ['Gateway', 'IxoPay']) {
        const analysis = analyze(headers(scheme, signature), body, keys, { target: '/cb' })
        expect(analysis.provider).toMatchObject({ id: 'ixopay', variant: 'legacy-xml' })
        expect(analysis.verdict.status).toBe('valid')
      }
      expect(analyze(headers('Gateway', signature), flipByte(body), keys, { target: '/cb', pinned: 'ixopay' }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      expect(analyze(headers('Gateway', flipEncoded(signature, 'base64')), body, keys, { target: '/cb' }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      const ours = signIxopayLegacyXml({ secret, apiKey: 'api-key', body, date, requestUri: '/cb' })
      expect(ours.signature).toBe(signature)
      expect(ours.authorization).toBe(`Gateway api-key:${signature}`)
    }
  })
})

describe('CHIP Collect / Send (independent RSA PKCS#1 v1.5)', () => {
  for (const product of ['collect', 'send'] as const) {
    const digest = product === 'send' ? 'sha512' : 'sha256'
    it(`${product}: valid, then body / signature / key flips with precise reasons`, () => {
      for (let round = 0; round < 2; round++) {
        const body = randomJson(
          product === 'send'
            ? { id: 84, state: 'completed', amount: '10.00' }
            : { event_type: 'purchase.paid', type: 'purchase', status: 'paid', purchase: { total: 100, currency: 'MYR' } },
        )
        const signature = rsaSign(digest, body, signer.privateKey).toString('base64')
        const headers: HeaderPairs = [
          ['Content-Type', 'application/json'],
          ['X-Signature', signature],
          ...(product === 'send' ? ([['Event-Type', 'send_instruction_status']] as HeaderPairs) : []),
        ]
        const keys: ProviderKey[] = [{ kind: 'rsa-public-key', provider: 'chip', pem: signer.publicKeyPem }]
        const valid = analyze(headers, body, keys)
        expect(valid.provider).toMatchObject({ id: 'chip', variant: product })
        expect(valid.verdict.status).toBe('valid')
        expect(analyze(headers, flipByte(body), keys, { pinned: 'chip' }).verdict).toMatchObject({ status: 'invalid', reason: 'body-changed' })
        const flippedSignature: HeaderPairs = headers.map(([name, value]) => [name, name === 'X-Signature' ? flipEncoded(value, 'base64') : value])
        expect(analyze(flippedSignature, body, keys).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
        expect(analyze(headers, body, [{ kind: 'rsa-public-key', provider: 'chip', pem: stranger.publicKeyPem }]).verdict).toMatchObject({
          status: 'invalid',
          reason: 'wrong-key',
        })
        // The other product's digest on the same key: a digest mismatch, not a wrong key.
        const otherProduct = product === 'send' ? 'collect' : 'send'
        expect(
          analyze(headers, body, [{ kind: 'rsa-public-key', provider: 'chip', pem: signer.publicKeyPem, chipProduct: otherProduct }]).verdict,
        ).toMatchObject({ status: 'invalid', reason: 'digest-mismatch' })
      }
    })
    it(`${product}: signChip is accepted by node:crypto verify`, () => {
      const body = randomJson()
      const signature = signChip(body, signer.privateKey, product)
      expect(rsaVerify(digest, body, signer.publicKeyPem, Buffer.from(signature, 'base64'))).toBe(true)
    })
  }
  it('3072-bit keys (384-byte signatures, as CHIP publishes) are recognised and verified', () => {
    const big = rsaMaterial(3072)
    const body = randomJson({ event_type: 'purchase.created', type: 'purchase' })
    const analysis = analyze([['X-Signature', signChip(body, big.privateKey)]], body, [{ kind: 'rsa-public-key', provider: 'chip', pem: big.publicKeyPem }])
    expect(analysis.provider).toMatchObject({ id: 'chip', variant: 'collect' })
    expect(analysis.verdict.status).toBe('valid')
  })
})

describe('Plexo legacy envelope (independent canonical JSON + RSA SHA-512)', () => {
  const thumbprint = (pem: string): string => new X509Certificate(pem).fingerprint.replace(/:/g, '')
  const envelope = (material: RsaMaterial, object: Record<string, unknown>, expiresAt: number): string => {
    const inner = { Fingerprint: thumbprint(material.certificatePem), Object: object, UTCUnixTimeExpiration: expiresAt }
    const signature = rsaSign('sha512', Buffer.from(canonical(inner)), material.privateKey).toString('base64')
    return JSON.stringify({ Object: inner, Signature: signature })
  }
  it('valid; tampered object, foreign certificate, corrupted signature and expiry are told apart', () => {
    const now = Math.floor(Date.now() / 1000)
    for (let round = 0; round < 2; round++) {
      const object = {
        Client: 'Shop',
        TransactionId: randomBytes(12).toString('hex'),
        Amount: 100.5,
        InvoiceNumber: `INV-${round}`,
        Currency: { CurrencyId: 2, Name: 'Peso' },
        Note: null,
        IsAnonymous: false,
      }
      const body = envelope(signer, object, now + 600)
      const keys: ProviderKey[] = [{ kind: 'certificate', provider: 'plexo', pem: signer.certificatePem }]
      const valid = analyze([['Content-Type', 'application/json']], Buffer.from(body), keys)
      expect(valid.provider).toMatchObject({ id: 'plexo', variant: 'legacy-envelope' })
      expect(valid.verdict.status).toBe('valid')
      expect(valid.summary).toMatchObject({ providerObjectId: object.TransactionId, merchantReference: `INV-${round}` })
      expect(analyze([], Buffer.from(body.replace('"Amount":100.5', '"Amount":101.5')), keys).verdict).toMatchObject({
        status: 'invalid',
        reason: 'body-changed',
      })
      expect(analyze([], Buffer.from(body), [{ kind: 'certificate', provider: 'plexo', pem: stranger.certificatePem }]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'fingerprint-mismatch',
      })
      const parsed = JSON.parse(body) as { Object: unknown; Signature: string }
      const corrupted = JSON.stringify({ ...parsed, Signature: flipEncoded(parsed.Signature, 'base64') })
      expect(analyze([], Buffer.from(corrupted), keys).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
      expect(analyze([], Buffer.from(body), keys, { now: new Date((now + 601) * 1000) }).verdict).toMatchObject({ status: 'invalid', reason: 'expired' })
    }
  })
  it('signPlexoEnvelope is accepted by node:crypto verify over the independent canonical form', () => {
    const signed = signPlexoEnvelope({
      object: { Client: 'Shop', ResultCode: 0 },
      fingerprint: thumbprint(signer.certificatePem),
      expiresAt: 1_900_000_000,
      privateKey: signer.privateKey,
    })
    const envelopeBody = JSON.parse(signed.body) as { Object: unknown; Signature: string }
    expect(signed.signedMessage).toBe(canonical(envelopeBody.Object))
    expect(rsaVerify('sha512', Buffer.from(canonical(envelopeBody.Object)), signer.certificatePem, Buffer.from(envelopeBody.Signature, 'base64'))).toBe(true)
  })
})

describe('PayPal (independent CRC-32 and SHA256withRSA)', () => {
  it('valid; body, signature, key and transmission-id flips', () => {
    for (let round = 0; round < 2; round++) {
      const body = randomJson({
        event_type: 'PAYMENT.CAPTURE.COMPLETED',
        resource: { id: 'X', status: 'COMPLETED', amount: { value: '5.00', currency_code: 'USD' } },
      })
      const transmissionId = randomUUID()
      const transmissionTime = new Date().toISOString()
      const webhookId = `WH${randomBytes(6).toString('hex').toUpperCase()}`
      const message = `${transmissionId}|${transmissionTime}|${webhookId}|${crc32Reference(body)}`
      const signature = rsaSign('sha256', Buffer.from(message), signer.privateKey).toString('base64')
      const headers = (id = transmissionId, sig = signature): HeaderPairs => [
        ['PAYPAL-TRANSMISSION-ID', id],
        ['PAYPAL-TRANSMISSION-TIME', transmissionTime],
        ['PAYPAL-TRANSMISSION-SIG', sig],
        ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-test'],
        ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
      ]
      const keys = (pem = signer.certificatePem): ProviderKey[] => [
        { kind: 'certificate', provider: 'paypal', pem },
        { kind: 'paypal-webhook-id', value: webhookId },
      ]
      const valid = analyze(headers(), body, keys())
      expect(valid.provider.id).toBe('paypal')
      expect(valid.verdict.status).toBe('valid')
      expect(valid.explanation.attempts[0]?.signedString).toBe(message)
      expect(analyze(headers(), flipByte(body), keys()).verdict).toMatchObject({ status: 'invalid', reason: 'signed-data-changed' })
      expect(analyze(headers(randomUUID()), body, keys()).verdict).toMatchObject({ status: 'invalid', reason: 'signed-data-changed' })
      expect(analyze(headers(transmissionId, flipEncoded(signature, 'base64')), body, keys()).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
      expect(analyze(headers(), body, keys(stranger.certificatePem)).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
    }
  })
  it('signPaypal is accepted by node:crypto verify', () => {
    const body = randomJson()
    const signed = signPaypal({ privateKey: signer.privateKey, transmissionId: 't', transmissionTime: '2025-01-01T00:00:00Z', webhookId: 'W', body })
    expect(signed.signedMessage).toBe(`t|2025-01-01T00:00:00Z|W|${crc32Reference(body)}`)
    expect(rsaVerify('sha256', Buffer.from(signed.signedMessage), signer.certificatePem, Buffer.from(signed.signature, 'base64'))).toBe(true)
  })
})

describe('Stripe (stripe npm: generateTestHeaderString / constructEvent)', () => {
  const stripe = new Stripe('sk_test_unused')
  it('valid; body, signature, key, timestamp flips; stale', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = `whsec_${randomSecret()}`
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'stripe', value: secret }]
      const payload = randomJson({
        id: `evt_${round}`,
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_1', amount: 1999, currency: 'usd', status: 'succeeded' } },
      })
      const timestamp = Math.floor(Date.now() / 1000)
      const header = stripe.webhooks.generateTestHeaderString({ payload: payload.toString('utf8'), secret, timestamp })
      const now = new Date(timestamp * 1000 + 5000)
      const valid = analyze([['Stripe-Signature', header]], payload, keys, { now })
      expect(valid.verdict.status).toBe('valid')
      expect(valid.summary.amount?.amountDisplay).toBe('USD 19.99')
      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      expect(analyze([['Stripe-Signature', header]], flipByte(payload), keys, { now }).verdict).toMatchObject(mismatch)
      const v1 = header.split('v1=')[1] ?? ''
      expect(analyze([['Stripe-Signature', `t=${timestamp},v1=${flipEncoded(v1, 'hex')}`]], payload, keys, { now }).verdict).toMatchObject(mismatch)
      expect(
        analyze([['Stripe-Signature', header]], payload, [{ kind: 'hmac-secret', provider: 'stripe', value: `${secret}x` }], { now }).verdict,
      ).toMatchObject(mismatch)
      expect(analyze([['Stripe-Signature', `t=${timestamp + 1},v1=${v1}`]], payload, keys, { now }).verdict).toMatchObject(mismatch)
      expect(analyze([['Stripe-Signature', header]], payload, keys, { now: new Date((timestamp + 301) * 1000) }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'stale-timestamp',
      })
      expect(analyze([['Stripe-Signature', `v1=${v1}`]], payload, keys, { now }).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    }
  })
  it('signStripe output is accepted by stripe.webhooks.constructEvent', () => {
    const secret = `whsec_${randomSecret()}`
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' })
    const signed = signStripe({ secret, body: payload, timestamp: Math.floor(Date.now() / 1000) })
    expect(stripe.webhooks.constructEvent(payload, signed.header, secret).id).toBe('evt_1')
    expect(signed.header).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Number(signed.header.slice(2, signed.header.indexOf(','))) }),
    )
  })
})

describe('Standard Webhooks (standardwebhooks npm: sign / verify)', () => {
  it('valid; body, signature, key, id and timestamp flips', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = `whsec_${randomBytes(24).toString('base64')}`
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }]
      const payload = randomJson({ type: 'invoice.paid' })
      const id = `msg_${randomBytes(8).toString('hex')}`
      const date = new Date(Math.floor(Date.now() / 1000) * 1000)
      const signature = new Webhook(secret).sign(id, date, payload.toString('utf8'))
      const headers = (msgId = id, ts = date.getTime() / 1000, sig = signature): HeaderPairs => [
        ['webhook-id', msgId],
        ['webhook-timestamp', String(ts)],
        ['webhook-signature', sig],
      ]
      expect(analyze(headers(), payload, keys).verdict.status).toBe('valid')
      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      expect(analyze(headers(), flipByte(payload), keys).verdict).toMatchObject(mismatch)
      expect(analyze(headers(id, date.getTime() / 1000, `v1,${flipEncoded(signature.slice(3), 'base64')}`), payload, keys).verdict).toMatchObject(mismatch)
      expect(
        analyze(headers(), payload, [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: `whsec_${randomBytes(24).toString('base64')}` }]).verdict,
      ).toMatchObject(mismatch)
      expect(analyze(headers(`${id}x`), payload, keys).verdict).toMatchObject(mismatch)
      expect(analyze(headers(id, date.getTime() / 1000 + 1), payload, keys).verdict).toMatchObject(mismatch)
      expect(analyze(headers(), payload, keys, { now: new Date(date.getTime() + 301_000) }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'stale-timestamp',
      })
    }
  })
  it('signStandardWebhook output is accepted by standardwebhooks verify', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const payload = JSON.stringify({ type: 'x', data: { n: 1 } })
    const signed = signStandardWebhook({ secret, id: 'msg_1', timestamp: Math.floor(Date.now() / 1000), body: payload })
    expect(new Webhook(secret).verify(payload, Object.fromEntries(signed.headers))).toEqual({ type: 'x', data: { n: 1 } })
  })
})

describe('GitHub (@octokit/webhooks-methods: sign / verify)', () => {
  it('valid over binary bodies too; body, signature and key flips', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = randomSecret()
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'github', value: secret }]
      const payload = randomJson({ action: 'opened' })
      const signature = await octokitSign(secret, payload.toString('utf8'))
      const headers = (sig = signature): HeaderPairs => [
        ['X-GitHub-Event', 'issues'],
        ['X-Hub-Signature-256', sig],
      ]
      const valid = analyze(headers(), payload, keys)
      expect(valid.verdict.status).toBe('valid')
      expect(valid.summary.eventType).toBe('issues.opened')
      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      expect(analyze(headers(), flipByte(payload), keys).verdict).toMatchObject(mismatch)
      expect(analyze(headers(`sha256=${flipEncoded(signature.slice(7), 'hex')}`), payload, keys).verdict).toMatchObject(mismatch)
      expect(analyze(headers(), payload, [{ kind: 'hmac-secret', provider: 'github', value: `${secret}!` }]).verdict).toMatchObject(mismatch)
      expect(analyze(headers('sha256=abc'), payload, keys).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
      const binary = randomBytes(2048)
      expect(analyze([['X-Hub-Signature-256', `sha256=${createHmac('sha256', secret).update(binary).digest('hex')}`]], binary, keys).verdict.status).toBe(
        'valid',
      )
    }
  })
  it('signGithub output is accepted by @octokit/webhooks-methods verify', async () => {
    const secret = randomSecret()
    const payload = JSON.stringify({ zen: 'ok' })
    expect(await octokitVerify(secret, payload, signGithub(secret, payload))).toBe(true)
  })
})

describe('Shopify, Mollie next-gen, Adyen (independent HMAC-SHA256)', () => {
  it('Shopify: valid; body, signature, key flips; hex is a wrong encoding', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = `shpss_${randomSecret()}`
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'shopify', value: secret }]
      const body = randomJson({ id: round, total_price: '10.00', currency: 'USD' })
      const mac = createHmac('sha256', secret).update(body)
      const digest = mac.digest()
      const headers = (sig: string): HeaderPairs => [
        ['X-Shopify-Topic', 'orders/paid'],
        ['X-Shopify-Hmac-Sha256', sig],
      ]
      expect(analyze(headers(digest.toString('base64')), body, keys).verdict.status).toBe('valid')
      expect(signShopify(secret, body)).toBe(digest.toString('base64'))
      expect(analyze(headers(digest.toString('base64')), flipByte(body), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
      expect(analyze(headers(flipEncoded(digest.toString('base64'), 'base64')), body, keys).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      expect(analyze(headers(digest.toString('base64')), body, [{ kind: 'hmac-secret', provider: 'shopify', value: 'other' }]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      expect(analyze(headers(digest.toString('hex')), body, keys).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-encoding' })
    }
  })
  it('Mollie next-gen: valid with and without the sha256= prefix and with rotated secrets; flips', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = randomSecret()
      const keys: ProviderKey[] = [
        { kind: 'hmac-secret', provider: 'mollie', value: 'old-secret' },
        { kind: 'hmac-secret', provider: 'mollie', value: secret },
      ]
      const body = randomJson({ resource: 'event', type: 'payment-link.paid', entityId: 'pl_1' })
      const hex = createHmac('sha256', secret).update(body).digest('hex')
      expect(signMollie(secret, body)).toBe(`sha256=${hex}`)
      expect(analyze([['X-Mollie-Signature', `sha256=${hex}`]], body, keys).verdict.status).toBe('valid')
      expect(analyze([['X-Mollie-Signature', hex]], body, keys).verdict.status).toBe('valid')
      expect(analyze([['X-Mollie-Signature', `sha256=${hex}`]], flipByte(body), keys).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      expect(analyze([['X-Mollie-Signature', `sha256=${flipEncoded(hex, 'hex')}`]], body, keys).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
      expect(analyze([['X-Mollie-Signature', `sha256=${hex}`]], body, [{ kind: 'hmac-secret', provider: 'mollie', value: 'nope' }]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })
    }
  })
  it('Adyen classic and platform: valid; item field, signature and key flips', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const hexKey = randomBytes(32).toString('hex').toUpperCase()
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: hexKey }]
      const item: Record<string, unknown> = {
        pspReference: randomBytes(8).toString('hex'),
        merchantAccountCode: 'Acc',
        merchantReference: `ref-${round}`,
        amount: { value: 100 + round, currency: 'EUR' },
        eventCode: 'AUTHORISATION',
        success: 'true',
      }
      const data = `${item.pspReference as string}::Acc:ref-${round}:${100 + round}:EUR:AUTHORISATION:true`
      const signature = createHmac('sha256', Buffer.from(hexKey, 'hex')).update(data).digest('base64')
      expect(signAdyenItem(hexKey, item)).toBe(signature)
      const body = (sig: string, override: Record<string, unknown> = {}): Buffer =>
        Buffer.from(
          JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: { ...item, ...override, additionalData: { hmacSignature: sig } } }] }),
        )
      expect(analyze([], body(signature), keys).verdict.status).toBe('valid')
      expect(analyze([], body(signature, { merchantReference: 'other' }), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
      expect(analyze([], body(flipEncoded(signature, 'base64')), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
      expect(analyze([], body(signature), [{ kind: 'hmac-secret', provider: 'adyen', value: randomBytes(32).toString('hex') }]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })

      const platform = randomJson({ type: 'balancePlatform.accountHolder.created', environment: 'test' })
      const header = createHmac('sha256', Buffer.from(hexKey, 'hex')).update(platform).digest('base64')
      expect(signAdyenPayload(hexKey, platform)).toBe(header)
      expect(analyze([['HmacSignature', header]], platform, keys).verdict.status).toBe('valid')
      expect(analyze([['HmacSignature', header]], flipByte(platform), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    }
  })
})

describe('Generic HMAC (every algorithm and encoding, body and template)', () => {
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    for (const encoding of ['hex', 'base64'] as const) {
      it(`${algorithm} ${encoding}: body and template schemes, flips of body, signature, key and signed header`, () => {
        const secret = randomSecret()
        const body = randomBytes(300)
        const timestamp = String(Date.now())
        const bodyConfig: GenericHmacConfig = { header: 'X-Sig', prefix: `${algorithm}=`, algorithm, encoding, signed: 'body' }
        const templateConfig: GenericHmacConfig = {
          header: 'X-Sig',
          prefix: '',
          algorithm,
          encoding,
          signed: { template: '{method}\\n{target}\\n{header:X-Timestamp}\\n{body}' },
        }
        const target = '/in/custom?a=1&b=2'

        const bodySignature = `${algorithm}=${createHmac(algorithm, secret).update(body).digest(encoding)}`
        const bodyKeys: ProviderKey[] = [{ kind: 'generic-hmac', config: bodyConfig, secret }]
        const valid = analyze([['X-Sig', bodySignature]], body, bodyKeys, { target })
        expect(valid.provider).toMatchObject({ id: 'generic', variant: 'configured' })
        expect(valid.verdict.status).toBe('valid')
        expect(signGenericHmac(bodyConfig, secret, { method: 'POST', target, headers: [], body })).toBe(bodySignature)
        expect(analyze([['X-Sig', bodySignature]], flipByte(body), bodyKeys, { target }).verdict).toMatchObject({
          status: 'invalid',
          reason: 'signature-mismatch',
        })
        expect(
          analyze([['X-Sig', `${algorithm}=${flipEncoded(bodySignature.slice(algorithm.length + 1), encoding)}`]], body, bodyKeys, { target }).verdict,
        ).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
        expect(
          analyze([['X-Sig', bodySignature]], body, [{ kind: 'generic-hmac', config: bodyConfig, secret: `${secret}x` }], { target }).verdict,
        ).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
        expect(analyze([['X-Sig', bodySignature.slice(algorithm.length + 1)]], body, bodyKeys, { target }).verdict).toMatchObject({
          status: 'invalid',
          reason: 'malformed-signature',
        })

        const templateKeys: ProviderKey[] = [{ kind: 'generic-hmac', config: templateConfig, secret }]
        const signed = Buffer.concat([Buffer.from(`POST\n${target}\n${timestamp}\n`), body])
        const templateSignature = createHmac(algorithm, secret).update(signed).digest(encoding)
        const headers = (ts = timestamp): HeaderPairs => [
          ['X-Timestamp', ts],
          ['X-Sig', templateSignature],
        ]
        expect(analyze(headers(), body, templateKeys, { target }).verdict.status).toBe('valid')
        expect(analyze(headers(`${timestamp}1`), body, templateKeys, { target }).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
        expect(analyze(headers(), body, templateKeys, { target: '/in/custom?a=1' }).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
        expect(analyze([['X-Sig', templateSignature]], body, templateKeys, { target }).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
      })
    }
  }
})
