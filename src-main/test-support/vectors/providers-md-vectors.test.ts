/**
 * The cases providers.md names that the shared vectors folder (`../shared/fixtures/vectors`) does
 * not hold, in the shared VectorCase format, one file per provider beside this one:
 *
 * | file | cases (providers.md) |
 * |---|---|
 * | `standard-webhooks.json` | §5.2: the official vector, a multi-signature list, svix-branded headers; tampered body, changed id, stale timestamp |
 * | `adyen.json` | §5.5: classic coqCmt/…, the Node library's CAPTURE item, platform NiqA5vsd…; the official "MismatchingHmacKey=", a tampered item |
 * | `paypal.json` | §5.7: the official vector; wrong webhook id, tampered body |
 * | `github.json` | §5.3: the official "Hello, World!"; it tampered, the ping tampered |
 * | `stripe.json` | §5.1: two v1 (rotation) |
 * | `plexo.json` | §3.3: the legacy envelope past its UTCUnixTimeExpiration |
 * | `shopify.json` | §5.4: tampered body |
 * | `mollie.json` | §5.6: next-gen, unprefixed signature |
 * | `ixopay.json` | §1.5: CHARGEBACK |
 * | `chip.json` | §2.5: the right signature checked against a different key |
 *
 * Every signature is made here with node:crypto from providers.md's algorithm (the official ones
 * are made again from their published inputs and must come out as published; PayPal's official
 * signature, whose private key PayPal keeps, is checked with its certificate). Each case's
 * `expected.valid` is then what the provider's own library says where one is a devDependency
 * (standardwebhooks, @adyen/api-library, @octokit/webhooks-methods, stripe), else what
 * node:crypto's check of the algorithm says; and the inspector must give that verdict, its reason
 * and the clause of its message in `expected.verdictReason` / `expected.says`.
 *
 * The committed files must equal what is built here:
 * `WRITE_VECTORS=1 npx vitest run src-main/test-support/vectors/providers-md-vectors.test.ts` rewrites them.
 */
import { hmacValidator as HmacValidator } from '@adyen/api-library'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { X509Certificate, createHash, verify as rsaVerify } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { PinnableProviderId } from '../../shared/providers'
import { analyzeDelivery } from '../../core/providers/analyze'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders } from '../paypal-vector'
import { ADYEN_PLATFORM_BODY, canonicalJson, crc32, hmac } from '../provider-spec'
import { keysForVector, loadVectors, type VectorCase } from '../vectors'

const directory = new URL('./', import.meta.url)
const WRITE = process.env.WRITE_VECTORS === '1'

afterEach(() => {
  vi.useRealTimers()
})

const sharedCase = (file: string, name: string): VectorCase => {
  const found = loadVectors(file).find((vector) => vector.name === name)
  if (found === undefined) throw new Error(`${file} has no ${name}`)
  return found
}
const b64 = (bytes: Buffer): string => bytes.toString('base64')
const hex = (bytes: Buffer): string => bytes.toString('hex')

// ---------------------------------------------------------------------------------------------
// Standard Webhooks (§5.2): "v1," + base64(HMAC-SHA256(base64decode(secret without whsec_), id.ts.body))

const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SW_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const SW_TS = 1614265330
const SW_BODY = '{"test": 2432232314}'
const swSign = (id: string, ts: number, body: string, secret = SW_SECRET): string =>
  `v1,${b64(hmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), `${id}.${ts}.${body}`))}`
const SW_SOURCE = { type: 'official', ref: 'standard-webhooks/standard-webhooks spec/standard-webhooks.md; libraries/javascript/src/index.ts' }

function standardWebhooksCases(): VectorCase[] {
  const official = swSign(SW_ID, SW_TS, SW_BODY)
  const rotated = swSign(SW_ID, SW_TS, SW_BODY, 'whsec_' + b64(createHash('sha256').update('standard-webhooks-old-secret').digest()))
  const base = (name: string, prefix: 'webhook' | 'svix', signature: string, parts: { id?: string; body?: string; verifyAt?: number } = {}) => ({
    name,
    source: SW_SOURCE,
    scheme: 'standard-webhooks-v1',
    secretOrKey: SW_SECRET,
    method: 'POST',
    path: '/webhooks/standard',
    headers: {
      'Content-Type': 'application/json',
      [`${prefix}-id`]: parts.id ?? SW_ID,
      [`${prefix}-timestamp`]: String(SW_TS),
      [`${prefix}-signature`]: signature,
    },
    body: parts.body ?? SW_BODY,
    params: { verifyAt: parts.verifyAt ?? SW_TS, toleranceSeconds: 300 },
  })
  return [
    {
      ...base('standard-webhooks-official-valid', 'webhook', official),
      description: 'The spec’s vector; the same in the Python, Go and PHP libraries’ tests.',
      expected: { valid: true, signature: official, signedMessage: `${SW_ID}.${SW_TS}.${SW_BODY}` },
    },
    {
      ...base('standard-webhooks-multi-signature-valid', 'webhook', `${rotated} ${official}`),
      description: 'Key rotation: a space-separated list whose second v1 entry matches.',
      expected: { valid: true, signature: official },
    },
    {
      ...base('standard-webhooks-svix-headers-valid', 'svix', official),
      description: 'Svix sends the same values under svix-* names.',
      expected: { valid: true, signature: official, says: 'svix' },
    },
    {
      ...base('standard-webhooks-tampered-body-invalid', 'webhook', official, { body: '{"test": 2432232315}' }),
      expected: { valid: false, reason: 'no matching v1 signature', verdictReason: 'signature-mismatch' },
    },
    {
      ...base('standard-webhooks-changed-id-invalid', 'webhook', official, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJeX' }),
      description: 'The id is part of the signed content.',
      expected: { valid: false, reason: 'no matching v1 signature', verdictReason: 'signature-mismatch' },
    },
    {
      ...base('standard-webhooks-stale-timestamp-invalid', 'webhook', official, { verifyAt: SW_TS + 301 }),
      description: 'Verified 301 s after the timestamp, one second past the ±300 s tolerance.',
      expected: { valid: false, reason: 'timestamp outside tolerance (signature itself matches)', verdictReason: 'stale-timestamp', says: '301' },
    },
  ]
}

function standardWebhooksLibrary(vector: VectorCase): boolean {
  vi.useFakeTimers({ now: (vector.params?.verifyAt ?? 0) * 1000 })
  // The library reads webhook-* names only; svix-* carry the same values.
  const headers = Object.fromEntries(Object.entries(vector.headers).map(([name, value]) => [name.toLowerCase().replace(/^svix-/, 'webhook-'), value]))
  try {
    new Webhook(vector.secretOrKey as string).verify(vector.body, headers)
    return true
  } catch {
    return false
  } finally {
    vi.useRealTimers()
  }
}

// ---------------------------------------------------------------------------------------------
// Adyen (§5.5)

const ADYEN_KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
const ADYEN_NODE_KEY = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00'
const adyenSign = (key: string, data: string): string => b64(hmac('sha256', Buffer.from(key, 'hex'), data))
const adyenData = (item: Record<string, unknown>): string => {
  const amount = item.amount as { value: number; currency: string }
  const field = (name: string): string => {
    const value = item[name]
    return typeof value === 'string' ? value : ''
  }
  return [
    field('pspReference'),
    field('originalReference'),
    field('merchantAccountCode'),
    field('merchantReference'),
    String(amount.value),
    amount.currency,
    field('eventCode'),
    field('success'),
  ].join(':')
}

function adyenClassicItem(key: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { ...fields, additionalData: { hmacSignature: adyenSign(key, adyenData(fields)) } }
}
const adyenBatch = (...items: Array<Record<string, unknown>>): string =>
  JSON.stringify({ live: 'false', notificationItems: items.map((NotificationRequestItem) => ({ NotificationRequestItem })) })

function adyenCases(): VectorCase[] {
  const classicFields = {
    pspReference: '7914073381342284',
    merchantAccountCode: 'TestMerchant',
    merchantReference: 'TestPayment-1407325143704',
    amount: { value: 1130, currency: 'EUR' },
    eventCode: 'AUTHORISATION',
    success: 'true',
  }
  const classic = adyenClassicItem(ADYEN_KEY, classicFields)
  const nodeItem = adyenClassicItem(ADYEN_NODE_KEY, {
    pspReference: 'pspReference',
    originalReference: 'originalReference',
    merchantAccountCode: 'merchantAccount',
    merchantReference: 'reference',
    amount: { currency: 'EUR', value: 1000 },
    eventCode: 'CAPTURE',
    success: 'true',
  })
  const platformSignature = adyenSign(ADYEN_KEY, ADYEN_PLATFORM_BODY)
  const classicCase = (name: string, key: string, body: string, expected: VectorCase['expected'], ref: string, type = 'official'): VectorCase => ({
    name,
    source: { type, ref },
    scheme: 'adyen-classic-hmac-sha256',
    secretOrKey: key,
    method: 'POST',
    path: '/adyen/notifications',
    headers: { 'Content-Type': 'application/json' },
    body,
    expected,
  })
  const platformCase = (name: string, signature: string, body: string, expected: VectorCase['expected'], type = 'official'): VectorCase => ({
    name,
    source: { type, ref: 'Adyen/adyen-python-api-library test/test_util.py (merchant.created, HmacSignature)' },
    scheme: 'adyen-platform-hmac-sha256',
    secretOrKey: ADYEN_KEY,
    method: 'POST',
    path: '/adyen/platform',
    headers: { 'Content-Type': 'application/json', HmacSignature: signature },
    body,
    expected,
  })
  return [
    classicCase(
      'adyen-classic-official-valid',
      ADYEN_KEY,
      adyenBatch(classic),
      { valid: true, signature: (classic.additionalData as { hmacSignature: string }).hmacSignature, signedMessage: adyenData(classicFields) },
      'Adyen/adyen-python-api-library test/test_util.py; docs.adyen.com webhooks hmac-signature-calculation',
    ),
    classicCase(
      'adyen-classic-node-library-capture-valid',
      ADYEN_NODE_KEY,
      adyenBatch(nodeItem),
      { valid: true, signature: (nodeItem.additionalData as { hmacSignature: string }).hmacSignature },
      'Adyen/adyen-node-api-library src/__tests__/hmacValidator.spec.ts (CAPTURE, originalReference)',
    ),
    platformCase('adyen-platform-official-valid', platformSignature, ADYEN_PLATFORM_BODY, { valid: true, signature: platformSignature }),
    platformCase('adyen-platform-official-mismatching-key-invalid', 'MismatchingHmacKey=', ADYEN_PLATFORM_BODY, {
      valid: false,
      reason: 'the official test’s invalid signature (14 bytes, not an HMAC-SHA256)',
      verdictReason: 'malformed-signature',
    }),
    classicCase(
      'adyen-classic-tampered-amount-invalid',
      ADYEN_KEY,
      adyenBatch({ ...classic, amount: { value: 1131, currency: 'EUR' } }),
      { valid: false, reason: 'HMAC mismatch', verdictReason: 'signature-mismatch', says: 'item(s) 1 of 1' },
      'the official classic item with its amount changed after signing',
      'derived-from-official',
    ),
  ]
}

function adyenLibrary(vector: VectorCase): boolean {
  const validator = new HmacValidator()
  const key = vector.secretOrKey as string
  if (vector.headers.HmacSignature !== undefined) return validator.validateHMACSignature(key, vector.headers.HmacSignature, vector.body)
  const batch = JSON.parse(vector.body) as { notificationItems: Array<{ NotificationRequestItem: Parameters<HmacValidator['validateHMAC']>[0] }> }
  return batch.notificationItems.every((item) => validator.validateHMAC(item.NotificationRequestItem, key))
}

// ---------------------------------------------------------------------------------------------
// PayPal (§5.7): RSA SHA256withRSA over "id|time|webhookId|crc32(body)" with the cert's public key

const PAYPAL_WEBHOOK_ID = '4JH86294D6297924G'
const PAYPAL_AT = Date.parse('2015-05-18T15:45:13Z') / 1000

function paypalCases(): VectorCase[] {
  const headers = Object.fromEntries(paypalOfficialHeaders())
  const base = (name: string, webhookId: string, body: string) => ({
    name,
    source: { type: 'official', ref: 'paypal/PayPal-node-SDK test/notification.js, test/mocks/notification.js' },
    scheme: 'paypal-rsa-sha256-crc32',
    secretOrKey: { certificatePem: PAYPAL_SANDBOX_CERT_PEM, webhookId },
    method: 'POST',
    path: '/paypal/webhooks',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    // The sandbox certificate expired on 2017-03-22: verified at the transmission time, as PayPal's test did.
    params: { verifyAt: PAYPAL_AT },
  })
  const message = (webhookId: string, body: string): string =>
    `${headers['PAYPAL-TRANSMISSION-ID'] ?? ''}|${headers['PAYPAL-TRANSMISSION-TIME'] ?? ''}|${webhookId}|${crc32(Buffer.from(body, 'utf8'))}`
  return [
    {
      ...base('paypal-official-valid', PAYPAL_WEBHOOK_ID, PAYPAL_OFFICIAL_BODY),
      expected: { valid: true, signedMessage: message(PAYPAL_WEBHOOK_ID, PAYPAL_OFFICIAL_BODY) },
    },
    {
      ...base('paypal-wrong-webhook-id-invalid', '4JH86294D6297924X', PAYPAL_OFFICIAL_BODY),
      description: 'The webhook id is part of the signed string; this one is not the id PayPal signed for.',
      expected: { valid: false, reason: 'signature mismatch', verdictReason: 'signed-data-changed', says: 'webhook id' },
    },
    {
      ...base('paypal-tampered-body-invalid', PAYPAL_WEBHOOK_ID, PAYPAL_OFFICIAL_BODY.replace('"total":"20.00"', '"total":"21.00"')),
      description: 'The amount changed after signing: the CRC-32 of the body differs.',
      expected: { valid: false, reason: 'signature mismatch', verdictReason: 'signed-data-changed' },
    },
  ]
}

/** node:crypto's check of §5.7's algorithm (PayPal publishes no offline verifier in a current SDK). */
function paypalCheck(vector: VectorCase): boolean {
  const { certificatePem, webhookId } = vector.secretOrKey as { certificatePem: string; webhookId: string }
  const { headers } = vector
  const message = `${headers['PAYPAL-TRANSMISSION-ID'] ?? ''}|${headers['PAYPAL-TRANSMISSION-TIME'] ?? ''}|${webhookId}|${crc32(Buffer.from(vector.body, 'utf8'))}`
  const signature = Buffer.from(vector.headers['PAYPAL-TRANSMISSION-SIG'] ?? '', 'base64')
  return rsaVerify('sha256', Buffer.from(message, 'utf8'), new X509Certificate(certificatePem).publicKey, signature)
}

// ---------------------------------------------------------------------------------------------
// GitHub (§5.3): "sha256=" + hex(HMAC-SHA256(secret, body))

function githubCases(): VectorCase[] {
  const secret = "It's a Secret to Everybody"
  const official = `sha256=${hex(hmac('sha256', secret, 'Hello, World!'))}`
  const ping = sharedCase('github.json', 'github-generated-ping-valid')
  const officialCase = (name: string, body: string, expected: VectorCase['expected']): VectorCase => ({
    name,
    source: { type: 'official', ref: 'github/docs content/webhooks/using-webhooks/validating-webhook-deliveries.md (Testing the webhook payload validation)' },
    scheme: 'github-hmac-sha256',
    secretOrKey: secret,
    method: 'POST',
    path: '/github/webhook',
    headers: { 'X-Hub-Signature-256': official },
    body,
    expected,
  })
  return [
    officialCase('github-official-hello-world-valid', 'Hello, World!', { valid: true, signature: official }),
    officialCase('github-official-tampered-body-invalid', 'Hello, World?', { valid: false, reason: 'HMAC mismatch', verdictReason: 'signature-mismatch' }),
    {
      ...ping,
      name: 'github-ping-tampered-body-invalid',
      description: 'The shared ping delivery with its zen changed after signing (both X-Hub-Signature-256 and the legacy sha1 no longer match).',
      source: { type: 'derived-from-official', ref: 'github.json github-generated-ping-valid' },
      body: ping.body.replace('Keep it logically awesome.', 'Keep it logically awesome!'),
      expected: { valid: false, reason: 'HMAC mismatch', verdictReason: 'signature-mismatch' },
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// Stripe (§5.1): hex(HMAC-SHA256("whsec_…" as-is, t.body)); valid when any v1 matches

function stripeCases(): VectorCase[] {
  const secret = 'whsec_test_secret'
  const body = JSON.stringify({ id: 'evt_test_webhook', object: 'event' }, null, 2)
  const t = 1700000000
  const v1 = (key: string): string => hex(hmac('sha256', key, `${t}.${body}`))
  return [
    {
      name: 'stripe-two-v1-rotation-valid',
      description: 'During a secret roll Stripe signs with both secrets: the first v1 is the old secret’s, the second this endpoint’s.',
      source: { type: 'generated', inputsFrom: 'stripe/stripe-node test/Webhook.spec.ts', algorithmReference: 'stripe/stripe-node src/Webhooks.ts' },
      scheme: 'stripe-v1',
      secretOrKey: secret,
      method: 'POST',
      path: '/stripe/webhook',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${v1('whsec_old_secret')},v1=${v1(secret)}` },
      body,
      params: { verifyAt: t + 10, toleranceSeconds: 300 },
      expected: { valid: true, signature: v1(secret), signedMessage: `${t}.${body}` },
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// Plexo legacy (§3.2): valid = RSA-SHA512 verifies && thumbprint matches && now <= UTCUnixTimeExpiration

function plexoCases(): VectorCase[] {
  const valid = sharedCase('plexo.json', 'plexo-legacy-signed-transaction-callback-valid')
  const expiration = (JSON.parse(valid.body) as { Object: { UTCUnixTimeExpiration: number } }).Object.UTCUnixTimeExpiration
  return [
    {
      ...valid,
      name: 'plexo-legacy-expired-invalid',
      description: 'The shared valid envelope checked one second after its UTCUnixTimeExpiration: the signature verifies, the envelope has expired.',
      source: { type: 'derived-from-official', ref: 'plexo.json plexo-legacy-signed-transaction-callback-valid' },
      params: { verifyAt: expiration + 1 },
      expected: { valid: false, reason: 'envelope expired (signature itself verifies)', verdictReason: 'expired' },
    },
  ]
}

function plexoCheck(vector: VectorCase): boolean {
  const envelope = JSON.parse(vector.body) as { Object: { Fingerprint: string; UTCUnixTimeExpiration: number }; Signature: string }
  const { certificatePem } = vector.secretOrKey as { certificatePem: string }
  const certificate = new X509Certificate(certificatePem)
  const signed = rsaVerify('sha512', Buffer.from(canonicalJson(envelope.Object), 'utf8'), certificate.publicKey, Buffer.from(envelope.Signature, 'base64'))
  const thumbprint = certificate.fingerprint.replaceAll(':', '')
  return signed && thumbprint === envelope.Object.Fingerprint && (vector.params?.verifyAt ?? 0) <= envelope.Object.UTCUnixTimeExpiration
}

// ---------------------------------------------------------------------------------------------
// Shopify (§5.4), Mollie next-gen (§5.6), IXOPAY (§1.3), CHIP (§2.3)

function shopifyCases(): VectorCase[] {
  const valid = sharedCase('shopify.json', 'shopify-orders-paid-valid')
  return [
    {
      ...valid,
      name: 'shopify-tampered-body-invalid',
      description: 'The shared orders/paid delivery with its total changed after signing.',
      source: { type: 'derived-from-official', ref: 'shopify.json shopify-orders-paid-valid' },
      body: valid.body.replace('"total_price":"199.00"', '"total_price":"1.00"'),
      expected: { valid: false, reason: 'HMAC mismatch', verdictReason: 'signature-mismatch' },
    },
  ]
}

function mollieCases(): VectorCase[] {
  const valid = sharedCase('mollie.json', 'mollie-nextgen-signed-valid')
  const signature = hex(hmac('sha256', valid.secretOrKey as string, valid.body))
  return [
    {
      ...valid,
      name: 'mollie-nextgen-unprefixed-valid',
      description: 'The official validator strips an optional sha256= prefix: the bare hex is valid too.',
      headers: { ...valid.headers, 'X-Mollie-Signature': signature },
      expected: { valid: true, signature },
    },
  ]
}

function ixopayCases(): VectorCase[] {
  const ok = sharedCase('ixopay.json', 'ixopay-json-sha512-ok-valid')
  const body = JSON.stringify({
    result: 'OK',
    uuid: 'cb0d1e2f3a4b5c6d7e8f',
    merchantTransactionId: 'order-1001-cb',
    purchaseId: '20241230-cb0d1e2f3a4b5c6d7e8f',
    transactionType: 'CHARGEBACK',
    paymentMethod: 'Creditcard',
    amount: '49.99',
    currency: 'EUR',
    chargebackData: {
      originalUuid: 'd94c0d72f3a36e21f16e',
      originalMerchantTransactionId: 'order-1001',
      amount: '49.99',
      currency: 'EUR',
      reason: 'Fraud - card absent environment',
      chargebackDateTime: '2020-07-21T13:10:00Z',
    },
  })
  const contentType = ok.headers['Content-Type'] ?? ''
  const date = ok.headers.Date ?? ''
  const message = ['POST', hex(createHash('sha512').update(body).digest()), contentType, date, ok.path].join('\n')
  const signature = b64(hmac('sha512', ok.secretOrKey as string, message))
  return [
    {
      ...ok,
      name: 'ixopay-json-sha512-chargeback-valid',
      description: 'A CHARGEBACK callback with chargebackData (php-ixopay JsonParser parseChargebackData), signed with the shared inputs.',
      source: { type: 'generated', algorithmReference: 'ixopay/php-ixopay src/Http/CurlClient.php (createSignature) + src/Client.php (validateCallback)' },
      headers: { ...ok.headers, 'X-Signature': signature },
      body,
      expected: { valid: true, signature, signedMessage: message },
    },
  ]
}

function chipCases(): VectorCase[] {
  const paid = sharedCase('chip.json', 'chip-generated-purchase-paid-valid')
  // Any other RSA-2048 public key: the PayPal sandbox certificate's.
  const otherKey = new X509Certificate(PAYPAL_SANDBOX_CERT_PEM).publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return [
    {
      ...paid,
      name: 'chip-generated-wrong-key-invalid',
      description: 'The right signature over the right body, checked against another RSA key (a webhook’s key where the company key signed).',
      source: { type: 'derived-from-official', ref: 'chip.json chip-generated-purchase-paid-valid' },
      secretOrKey: { publicKeyPem: otherKey },
      expected: { valid: false, reason: 'signed with a different key', verdictReason: 'wrong-key' },
    },
  ]
}

const rsaCheck = (digest: string) => (vector: VectorCase) =>
  rsaVerify(
    digest,
    Buffer.from(vector.body, 'utf8'),
    (vector.secretOrKey as { publicKeyPem: string }).publicKeyPem,
    Buffer.from(vector.headers['X-Signature'] ?? '', 'base64'),
  )

// ---------------------------------------------------------------------------------------------

interface VectorFile {
  provider: PinnableProviderId
  build: () => VectorCase[]
  /** The provider's own library, else node:crypto's check of providers.md's algorithm. */
  check: (vector: VectorCase) => boolean | Promise<boolean>
}

const hmacCheck =
  (algorithm: string, header: string, encode: (mac: Buffer) => string, signed: (vector: VectorCase) => string = (vector) => vector.body) =>
  (vector: VectorCase): boolean => {
    const received = (vector.headers[header] ?? '').replace(/^sha256=/, '')
    return received === encode(hmac(algorithm, vector.secretOrKey as string, signed(vector)))
  }

const FILES: VectorFile[] = [
  { provider: 'standard-webhooks', build: standardWebhooksCases, check: standardWebhooksLibrary },
  { provider: 'adyen', build: adyenCases, check: adyenLibrary },
  { provider: 'paypal', build: paypalCases, check: paypalCheck },
  {
    provider: 'github',
    build: githubCases,
    check: (vector) => octokitVerify(vector.secretOrKey as string, vector.body, vector.headers['X-Hub-Signature-256'] ?? ''),
  },
  {
    provider: 'stripe',
    build: stripeCases,
    check: (vector) => {
      const verifier = new Stripe('sk_test_unused').webhooks.signature
      try {
        verifier?.verifyHeader(vector.body, vector.headers['Stripe-Signature'] ?? '', vector.secretOrKey as string, 300, undefined, vector.params?.verifyAt)
        return true
      } catch {
        return false
      }
    },
  },
  { provider: 'plexo', build: plexoCases, check: plexoCheck },
  { provider: 'shopify', build: shopifyCases, check: hmacCheck('sha256', 'X-Shopify-Hmac-Sha256', b64) },
  { provider: 'mollie', build: mollieCases, check: hmacCheck('sha256', 'X-Mollie-Signature', hex) },
  {
    provider: 'ixopay',
    build: ixopayCases,
    check: hmacCheck('sha512', 'X-Signature', b64, (vector) =>
      ['POST', hex(createHash('sha512').update(vector.body).digest()), vector.headers['Content-Type'], vector.headers.Date, vector.path].join('\n'),
    ),
  },
  { provider: 'chip', build: chipCases, check: rsaCheck('sha256') },
]

describe('official signatures are made again from their published inputs', () => {
  it('Standard Webhooks, Adyen (classic, Node library item, platform), GitHub', () => {
    expect(swSign(SW_ID, SW_TS, SW_BODY)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
    const [classic, nodeItem, platform] = adyenCases()
    expect(classic?.expected.signature).toBe('coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=')
    expect(classic?.expected.signedMessage).toBe('7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true')
    expect(nodeItem?.expected.signature).toBe('xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=')
    expect(platform?.expected.signature).toBe('NiqA5vsdV5etZMOaR27+GBSG4i6JeP6j1wkCM6t53vA=')
    expect(githubCases()[0]?.expected.signature).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17')
  })
  it('PayPal: the CRC-32 of the official body is the unsigned 2771810304, and the official signature opens with the sandbox certificate', () => {
    expect(paypalCases()[0]?.expected.signedMessage).toBe('dfb3be50-fd74-11e4-8bf3-77339302725b|2015-05-18T15:45:13Z|4JH86294D6297924G|2771810304')
    expect(paypalCheck(paypalCases()[0] as VectorCase)).toBe(true)
  })
})

for (const { provider, build, check } of FILES) {
  describe(`${provider}.json`, () => {
    const built = build()
    const file = new URL(`${provider}.json`, directory)
    const text = `${JSON.stringify(built, null, 2)}\n`

    it('the committed file is what this test builds', () => {
      if (WRITE) writeFileSync(file, text)
      expect(existsSync(file), `${provider}.json is missing: run with WRITE_VECTORS=1`).toBe(true)
      expect(readFileSync(file, 'utf8')).toBe(text)
    })

    for (const vector of built) {
      it(`${vector.name}: the reference check says ${vector.expected.valid ? 'valid' : 'invalid'}, and so does the inspector, for the reason given`, async () => {
        expect(await check(vector)).toBe(vector.expected.valid)
        const at = vector.params?.verifyAt
        const analysis = analyzeDelivery(
          { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') },
          {
            now: at === undefined ? new Date('2025-06-01T00:00:00Z') : new Date(at * 1000),
            keys: keysForVector(vector, provider),
            ...(vector.params?.toleranceSeconds !== undefined ? { toleranceSeconds: vector.params.toleranceSeconds } : {}),
          },
        )
        // Recognised without being told the provider.
        expect(analysis.provider.id).toBe(provider)
        const verdict = analysis.verdict
        if (vector.expected.valid) {
          expect(verdict, JSON.stringify(verdict)).toMatchObject({ status: 'valid' })
          const matched = analysis.explanation.attempts.find((attempt) => attempt.matched)
          if (vector.expected.signature) expect(analysis.explanation.receivedSignatures.join(' ')).toContain(vector.expected.signature)
          if (vector.expected.signedMessage && provider !== 'adyen') expect(matched?.signedString).toBe(vector.expected.signedMessage)
        } else {
          expect(verdict, JSON.stringify(verdict)).toMatchObject({ status: 'invalid', reason: vector.expected.verdictReason })
        }
        if (vector.expected.says) expect(`${verdict.message} ${'variant' in verdict ? verdict.variant : ''}`).toContain(vector.expected.says)
      })
    }
  })
}
