/**
 * Official vectors quoted in the providers' documentation whose files are not in the shared vectors folder:
 * Standard Webhooks (v1 and, from the Go library's tests, v1a), Adyen, GitHub, PayPal, Stripe key
 * rotation and Plexo expiry.
 */
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, ProviderKey } from '../../shared/providers'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders as headers } from '../../test-support/paypal-vector'
import { ADYEN_PLATFORM_BODY } from '../../test-support/provider-spec'
import { parseEd25519PrivateKey, toWhpk } from '../keys/ed25519'
import { adyenItemSignedData, analyzeDelivery, crc32, isTrustedPaypalCertUrl, paypalSignedMessage, signStandardWebhook } from './index'

function analyze(headers: HeaderPairs, body: string, keys: ProviderKey[], nowSeconds?: number, target = '/hooks'): DeliveryAnalysis {
  return analyzeDelivery(
    { method: 'POST', target, headers, body: Buffer.from(body, 'utf8') },
    { now: nowSeconds === undefined ? new Date() : new Date(nowSeconds * 1000), keys },
  )
}

describe('Standard Webhooks official vector (standard-webhooks spec and libraries)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
  const timestamp = 1614265330
  const body = '{"test": 2432232314}'
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }]
  const headers = (prefix: string, sig: string, msgId = id, ts = timestamp): HeaderPairs => [
    [`${prefix}-id`, msgId],
    [`${prefix}-timestamp`, String(ts)],
    [`${prefix}-signature`, sig],
  ]

  it('valid: the official vector', () => {
    const analysis = analyze(headers('webhook', signature), body, keys, timestamp)
    expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'standard' })
    expect(analysis.verdict).toMatchObject({ status: 'valid' })
    expect(analysis.explanation.attempts[0]?.computedSignature).toBe(signature)
    expect(analysis.explanation.attempts[0]?.signedString).toBe(`${id}.${timestamp}.${body}`)
  })
  // The spec's example header lists a v1 and a v1a entry (from keys it does not publish).
  const specV1a = 'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg=='
  const list = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${specV1a} ${signature}`
  it('valid: a multi-signature list (rotation); with only a secret, its v1a entry is noted as not checked', () => {
    const analysis = analyze(headers('webhook', list), body, keys, timestamp)
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1 (HMAC-SHA256)' })
    expect(analysis.explanation.notes.join(' ')).toContain('1 v1a signature(s) not checked: no Standard Webhooks public key (whpk_...) configured')
  })
  it('invalid: the list without the matching v1 entry, checked with the secret and an unrelated public key', () => {
    const unrelated: ProviderKey = { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: toWhpk(generateKeyPairSync('ed25519').publicKey) }
    const analysis = analyze(headers('webhook', list.replace(` ${signature}`, '')), body, [...keys, unrelated], timestamp)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(analysis.verdict.message).toContain('no v1 or v1a signature verifies')
    expect(analysis.explanation.attempts.map((attempt) => attempt.variant)).toEqual(['v1 (HMAC-SHA256)', 'v1a (ed25519)'])
  })
  it('valid: svix-branded headers', () => {
    const analysis = analyze(headers('svix', signature), body, keys, timestamp)
    expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'svix' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'svix v1 (HMAC-SHA256)' })
  })
  it('invalid: tampered body', () => {
    expect(analyze(headers('webhook', signature), '{"test": 2432232315}', keys, timestamp).verdict).toMatchObject({
      status: 'invalid',
      reason: 'signature-mismatch',
    })
  })
  it('invalid: changed id', () => {
    expect(analyze(headers('webhook', signature, 'msg_p5jXN8AQM9LWM0D4loKWxJeX'), body, keys, timestamp).verdict).toMatchObject({
      status: 'invalid',
      reason: 'signature-mismatch',
    })
  })
  it('invalid: stale timestamp, and a timestamp too far in the future', () => {
    const stale = analyze(headers('webhook', signature), body, keys, timestamp + 301)
    expect(stale.verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
    expect(stale.explanation.timestamp).toMatchObject({ skewSeconds: 301, toleranceSeconds: 300, withinTolerance: false })
    expect(analyze(headers('webhook', signature), body, keys, timestamp - 301).verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
    expect(analyze(headers('webhook', signature), body, keys, timestamp + 300).verdict).toMatchObject({ status: 'valid' })
  })
  it('no key: says so, still shows the timestamp skew', () => {
    const analysis = analyze(headers('webhook', signature), body, [], timestamp + 10)
    expect(analysis.verdict.status).toBe('no-key')
    expect(analysis.explanation.timestamp?.skewSeconds).toBe(10)
  })
})

describe('Standard Webhooks official v1a vector (libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign)', () => {
  // The Go test's key is the base64 of a 32-byte seed; the spec serialises it with the whsk_ prefix.
  const privateKey = 'whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk='
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
  const timestamp = 1614265330
  const body = '{"test": 2432232314}'
  const expected = 'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=='
  const parsed = parseEd25519PrivateKey(privateKey)
  if (!parsed.ok) throw new Error(parsed.message)
  const publicKey: ProviderKey = { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: toWhpk(parsed.key) }
  const headers: HeaderPairs = [
    ['webhook-id', id],
    ['webhook-timestamp', String(timestamp)],
    ['webhook-signature', expected],
  ]

  it("signing with the whsk_ key gives the Go library's signature byte for byte (ed25519 is deterministic)", () => {
    expect(signStandardWebhook({ privateKey: parsed.key, id, timestamp, body }).signature).toBe(expected)
  })
  it('valid with the matching whpk_ public key, at the signing time only', () => {
    const analysis = analyze(headers, body, [publicKey], timestamp)
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
    expect(analysis.explanation.attempts[0]?.signedString).toBe(`${id}.${timestamp}.${body}`)
    expect(analyze(headers, body, [publicKey], timestamp + 301).verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
  })
  it('invalid: the Go test\'s "invalid signature" entry and a tampered body; no key without the public key', () => {
    const invalid: HeaderPairs = [...headers.slice(0, 2), ['webhook-signature', 'v1a,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=']]
    // That entry decodes to 32 bytes, not an ed25519 signature's 64: malformed, as the Go library rejects it.
    expect(analyze(invalid, body, [publicKey], timestamp).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(analyze(headers, '{"test": 2432232315}', [publicKey], timestamp).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(analyze(headers, body, [], timestamp).verdict.status).toBe('no-key')
  })
})

describe('Adyen official vectors (adyen-node-api-library, adyen-python-api-library)', () => {
  const key = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: key }]
  const item = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    pspReference: '7914073381342284',
    merchantAccountCode: 'TestMerchant',
    merchantReference: 'TestPayment-1407325143704',
    amount: { value: 1130, currency: 'EUR' },
    eventCode: 'AUTHORISATION',
    success: 'true',
    paymentMethod: 'visa',
    additionalData: { hmacSignature: 'coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=' },
    ...overrides,
  })
  const batch = (...items: Array<Record<string, unknown>>): string =>
    JSON.stringify({ live: 'false', notificationItems: items.map((NotificationRequestItem) => ({ NotificationRequestItem })) })

  it('valid: classic item coqCmt/... with the documented signed data', () => {
    expect(adyenItemSignedData(item())).toBe('7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true')
    const analysis = analyze([['Content-Type', 'application/json']], batch(item()), keys)
    expect(analysis.provider).toMatchObject({ id: 'adyen', variant: 'classic' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'classic, 1 item(s)' })
    expect(analysis.summary.items).toHaveLength(1)
    expect(analysis.summary.items[0]).toMatchObject({ eventCode: 'AUTHORISATION', success: 'true', pspReference: '7914073381342284', signature: 'valid' })
    expect(analysis.summary.items[0]?.amount?.amountDisplay).toBe('EUR 11.30')
    expect(analysis.summary.isTest).toBe(true)
  })
  it('valid: the Node library test item (CAPTURE, originalReference) with its own key', () => {
    const nodeKey: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00' }]
    const nodeItem = {
      pspReference: 'pspReference',
      originalReference: 'originalReference',
      merchantAccountCode: 'merchantAccount',
      merchantReference: 'reference',
      amount: { currency: 'EUR', value: 1000 },
      eventCode: 'CAPTURE',
      success: 'true',
      additionalData: { hmacSignature: 'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=' },
    }
    expect(analyze([], batch(nodeItem), nodeKey).verdict).toMatchObject({ status: 'valid' })
  })
  it('batch: every item is checked and reported; one bad item makes the batch invalid', () => {
    const tampered = item({ amount: { value: 1131, currency: 'EUR' } })
    const analysis = analyze([], batch(item(), tampered), keys)
    expect(analysis.summary.items.map((entry) => entry.signature)).toEqual(['valid', 'invalid'])
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(analysis.verdict.status === 'invalid' && analysis.verdict.message).toContain('item(s) 2 of 2')
  })
  it('invalid: an item without hmacSignature', () => {
    const analysis = analyze([], batch(item({ additionalData: {} })), keys)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    expect(analysis.summary.items[0]?.signature).toBe('missing')
  })
  it('valid: platform HmacSignature header NiqA5vsd... over the pretty-printed merchant.created body', () => {
    const analysis = analyze([['HmacSignature', 'NiqA5vsdV5etZMOaR27+GBSG4i6JeP6j1wkCM6t53vA=']], ADYEN_PLATFORM_BODY, keys)
    expect(analysis.provider).toMatchObject({ id: 'adyen', variant: 'platform' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'platform HmacSignature' })
    expect(analysis.summary).toMatchObject({ eventType: 'merchant.created', status: 'PreActive', isTest: true })
  })
  it('invalid: the official "MismatchingHmacKey=" (malformed) and a tampered body', () => {
    expect(analyze([['HmacSignature', 'MismatchingHmacKey=']], ADYEN_PLATFORM_BODY, keys).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-signature',
    })
    expect(
      analyze([['HmacSignature', 'NiqA5vsdV5etZMOaR27+GBSG4i6JeP6j1wkCM6t53vA=']], ADYEN_PLATFORM_BODY.replace('PreActive', 'Active'), keys).verdict,
    ).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
})

describe('GitHub official vector (github/docs validating-webhook-deliveries)', () => {
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'github', value: "It's a Secret to Everybody" }]
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  it('valid: "Hello, World!"', () => {
    const analysis = analyze([['X-Hub-Signature-256', signature]], 'Hello, World!', keys)
    expect(analysis.provider.id).toBe('github')
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'SHA-256' })
    expect(analysis.explanation.attempts[0]?.computedSignature).toBe(signature)
  })
  it('invalid: tampered body', () => {
    expect(analyze([['X-Hub-Signature-256', signature]], 'Hello, World?', keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
  it('missing header: an X-GitHub-Event without a signature', () => {
    expect(analyze([['X-GitHub-Event', 'ping']], '{}', keys).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
  })
})

describe('Stripe: key rotation (two v1 signatures) and secrets', () => {
  const body = JSON.stringify({ id: 'evt_test_webhook', object: 'event' }, null, 2)
  const good = '4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150'
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_test_secret' }]
  it('valid when any v1 matches', () => {
    const header = `t=1700000000,v1=${'0'.repeat(64)},v1=${good},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`
    const analysis = analyze([['Stripe-Signature', header]], body, keys, 1700000010)
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1' })
    expect(analysis.explanation.receivedSignatures).toHaveLength(2)
  })
  it('valid with the second of two configured secrets (rotation), reporting its fingerprint', () => {
    const rotated: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_old', label: 'old' }, ...keys]
    const analysis = analyze([['Stripe-Signature', `t=1700000000,v1=${good}`]], body, rotated, 1700000010)
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.explanation.attempts.map((attempt) => attempt.matched)).toEqual([false, true])
    expect(analysis.explanation.keyFingerprint).toBe(analysis.explanation.attempts[1]?.keyFingerprint)
    expect(JSON.stringify(analysis)).not.toContain('whsec_test_secret')
  })
})

describe('Plexo legacy: expiry and fingerprint', () => {
  const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../shared/fixtures/vectors/plexo.json', import.meta.url)), 'utf8')) as Array<{
    name: string
    body: string
    secretOrKey: { certificatePem: string } | null
  }>
  const valid = vectors.find((vector) => vector.name === 'plexo-legacy-signed-transaction-callback-valid')
  if (!valid || !valid.secretOrKey) throw new Error('missing Plexo vector')
  const keys: ProviderKey[] = [{ kind: 'certificate', provider: 'plexo', pem: valid.secretOrKey.certificatePem }]
  it('invalid: expired (verifyAt > UTCUnixTimeExpiration), the signature itself verifying', () => {
    const analysis = analyze([['Content-Type', 'application/json']], valid.body, keys, 1767225601)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'expired' })
    expect(analysis.explanation.timestamp).toMatchObject({ withinTolerance: false })
  })
  it('invalid: a certificate whose thumbprint differs from the envelope Fingerprint', () => {
    const renamed = valid.body.replace('"Fingerprint":"07E878CCA6F32681DD2726CAF5254804F46D0CD8"', '"Fingerprint":"0000000000000000000000000000000000000000"')
    const analysis = analyze([], renamed, keys, 1735689600)
    // The Fingerprint is inside the signed object: the change breaks the signature too, and that is what is reported first.
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'body-changed' })
  })
})

describe('PayPal official vector (PayPal-node-SDK test/notification.js)', () => {
  const keys = (webhookId = '4JH86294D6297924G'): ProviderKey[] => [
    { kind: 'certificate', provider: 'paypal', pem: PAYPAL_SANDBOX_CERT_PEM },
    { kind: 'paypal-webhook-id', value: webhookId },
  ]
  // The certificate expired on 2017-03-22: check at the transmission time, as PayPal's own test did.
  const at = Date.parse('2015-05-18T15:45:13Z') / 1000

  it('CRC-32 of the official body is the unsigned 2771810304', () => {
    expect(crc32(Buffer.from(PAYPAL_OFFICIAL_BODY))).toBe(2771810304)
    expect(
      paypalSignedMessage({
        transmissionId: 'dfb3be50-fd74-11e4-8bf3-77339302725b',
        transmissionTime: '2015-05-18T15:45:13Z',
        webhookId: '4JH86294D6297924G',
        body: Buffer.from(PAYPAL_OFFICIAL_BODY),
      }),
    ).toBe('dfb3be50-fd74-11e4-8bf3-77339302725b|2015-05-18T15:45:13Z|4JH86294D6297924G|2771810304')
  })
  it('valid: the official vector', () => {
    const analysis = analyze(headers(), PAYPAL_OFFICIAL_BODY, keys(), at)
    expect(analysis.provider.id).toBe('paypal')
    expect(analysis.verdict).toMatchObject({ status: 'valid' })
    expect(analysis.summary).toMatchObject({ eventType: 'PAYMENT.SALE.COMPLETED', status: 'completed', providerObjectId: '4EU7004268015634R' })
    expect(analysis.summary.amount?.amountDisplay).toBe('20.00 USD')
  })
  it('valid today too, with a note that the certificate is outside its validity', () => {
    const analysis = analyze(headers(), PAYPAL_OFFICIAL_BODY, keys())
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.explanation.notes.join(' ')).toContain('outside its validity')
  })
  it('invalid: wrong webhook id', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, keys('4JH86294D6297924X'), at).verdict).toMatchObject({ status: 'invalid', reason: 'signed-data-changed' })
  })
  it('invalid: tampered body', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY.replace('20.00', '21.00'), keys(), at).verdict).toMatchObject({
      status: 'invalid',
      reason: 'signed-data-changed',
    })
  })
  it('no key without a webhook id or a certificate', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, [], at).verdict.status).toBe('no-key')
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, [{ kind: 'paypal-webhook-id', value: '4JH86294D6297924G' }], at).verdict.status).toBe('no-key')
  })
  it('certificate URL trust: https on *.paypal.com only', () => {
    expect(isTrustedPaypalCertUrl('https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77')).toBe(true)
    expect(isTrustedPaypalCertUrl('https://api.paypal.com/v1/notifications/certs/x')).toBe(true)
    expect(isTrustedPaypalCertUrl('http://api.paypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://api.paypal.com.evil.example/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://evilpaypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://user@api.paypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('not a url')).toBe(false)
  })
})
