/**
 * Verdicts read by a support person: a mismatch names what the provider signs (never "signed
 * headers" for a provider that signs the body alone), and numbers are quoted as the delivery sent
 * them (the timestamp's `t=` value, Plexo's `UTCUnixTimeExpiration`), counts in plain words.
 */
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, PinnableProviderId, ProviderKey } from '../../shared/providers'
import { loadVectors, type VectorCase } from '../../test-support/vectors'
import { analyzeDelivery } from './index'

const NOW = new Date('2026-03-01T12:00:00Z')
const BODY = '{"id":"evt_1","type":"payment.paid","amount":"10.50"}'

function verdictMessage(provider: PinnableProviderId, headers: HeaderPairs, keys: ProviderKey[], target = '/hooks', body = BODY): string {
  return analyzeDelivery({ method: 'POST', target, headers, body: Buffer.from(body) }, { now: NOW, keys, pinnedProvider: provider }).verdict.message
}

const secret = (provider: HmacProviderId, value = 'the-configured-secret'): ProviderKey => ({ kind: 'hmac-secret', provider, value })
const hex = (algorithm: string, key: string, text: string): string => createHmac(algorithm, key).update(text).digest('hex')
const base64 = (key: string, text: string): string => createHmac('sha256', key).update(text).digest('base64')

describe('verdict wording', () => {
  it('a body-only signature that does not match names the body and the key, and no headers', () => {
    const wrong = 'another-secret'
    const cases: Array<[HmacProviderId, HeaderPairs]> = [
      ['github', [['X-Hub-Signature-256', `sha256=${hex('sha256', wrong, BODY)}`]]],
      ['shopify', [['X-Shopify-Hmac-Sha256', base64(wrong, BODY)]]],
      ['mollie', [['X-Mollie-Signature', `sha256=${hex('sha256', wrong, BODY)}`]]],
      ['razorpay', [['X-Razorpay-Signature', hex('sha256', wrong, BODY)]]],
      ['paystack', [['x-paystack-signature', hex('sha512', wrong, BODY)]]],
      ['checkout-com', [['Cko-Signature', hex('sha256', wrong, BODY)]]],
      ['gocardless', [['Webhook-Signature', hex('sha256', wrong, BODY)]]],
    ]
    for (const [provider, headers] of cases) {
      const message = verdictMessage(provider, headers, [secret(provider)])
      expect(message, provider).toBe(
        "signature mismatch: the body or the key differ (only the body's bytes are signed: a body changed on the way, or another secret, gives this)",
      )
    }
  })

  it('a timestamped signature names the timestamp as sent', () => {
    const t = 1772366390
    const stripe = verdictMessage('stripe', [['Stripe-Signature', `t=${t},v1=${hex('sha256', 'whsec_other', `${t}.${BODY}`)}`]], [secret('stripe', 'whsec_x')])
    expect(stripe).toBe(`signature mismatch: the body, the timestamp (t=${t}) or the key differ (no v1 signature matches)`)
    const paddle = verdictMessage('paddle', [['Paddle-Signature', `ts=${t};h1=${hex('sha256', 'pdl_other', `${t}:${BODY}`)}`]], [secret('paddle', 'pdl_x')])
    expect(paddle).toMatch(new RegExp(`^signature mismatch: the body, the timestamp \\(ts=${t}\\) or the key differ \\(no h1 signature matches\\)`))
  })

  it('a stale timestamp quotes it as sent', () => {
    const t = 1772366099
    const stripe = verdictMessage('stripe', [['Stripe-Signature', `t=${t},v1=${hex('sha256', 'whsec_x', `${t}.${BODY}`)}`]], [secret('stripe', 'whsec_x')])
    expect(stripe).toBe(`timestamp outside tolerance: t=${t}, signed 301 s old, tolerance 300 s (the signature itself matches)`)
    const key = Buffer.from('a-standard-webhooks-key').toString('base64')
    const mac = createHmac('sha256', Buffer.from(key, 'base64')).update(`msg_1.${t}.${BODY}`).digest('base64')
    const standard = verdictMessage(
      'standard-webhooks',
      [
        ['webhook-id', 'msg_1'],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${mac}`],
      ],
      [secret('standard-webhooks', `whsec_${key}`)],
    )
    expect(standard).toMatch(new RegExp(`^timestamp outside tolerance: webhook-timestamp ${t}, 301 s old, tolerance ±300 s \\(a v1`))
  })

  it('IXOPAY, Mercado Pago, Adyen and Braintree name what they sign', () => {
    const ixopay = verdictMessage(
      'ixopay',
      [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Date', 'Sun, 01 Mar 2026 11:59:58 GMT'],
        ['X-Signature', createHmac('sha512', 'other').update('x').digest('base64')],
      ],
      [secret('ixopay')],
    )
    expect(ixopay).toMatch(/^signature mismatch: the body, the Content-Type and Date headers, the request path \(with its query\) or the key differ \(tried /)
    const mercadoPago = verdictMessage(
      'mercadopago',
      [
        ['x-signature', `ts=1772366390000,v1=${hex('sha256', 'other', 'id:1;request-id:r;ts:1772366390000;')}`],
        ['x-request-id', 'r'],
      ],
      [secret('mercadopago')],
      '/mp?data.id=1&type=payment',
    )
    expect(mercadoPago).toMatch(
      /^signature mismatch: the URL's data\.id, the x-request-id header, the ts in x-signature or the key differ\. Mercado Pago signs those, not the body/,
    )
    const adyen = verdictMessage(
      'adyen',
      [],
      [secret('adyen', '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056')],
      '/adyen',
      JSON.stringify({
        live: 'false',
        notificationItems: [
          {
            NotificationRequestItem: {
              pspReference: '1',
              merchantAccountCode: 'M',
              merchantReference: 'r',
              amount: { value: 1, currency: 'EUR' },
              eventCode: 'AUTHORISATION',
              success: 'true',
              additionalData: { hmacSignature: base64('x', 'y') },
            },
          },
        ],
      }),
    )
    expect(adyen).toBe(
      "signature mismatch: an item's signed fields (pspReference, originalReference, merchantAccountCode, merchantReference, amount value and currency, eventCode, success) or the key differ: item(s) 1 of 1 do not match",
    )
    const braintreeVectors = JSON.parse(readFileSync(new URL('../../test-support/vectors/braintree.json', import.meta.url), 'utf8')) as VectorCase[]
    const braintree = braintreeVectors.find((vector) => vector.name === 'braintree-wrong-private-key-invalid')
    if (!braintree) throw new Error('vector missing')
    const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'braintree', value: 'not-the-private-key', apiKey: 'ci5tp8xq3hz9k2wm' }]
    expect(verdictMessage('braintree', Object.entries(braintree.headers), keys, braintree.path, braintree.body)).toBe(
      'signature mismatch: bt_payload or the private key differ (the public key named in bt_signature is the configured one)',
    )
  })

  it('says a signature header is empty, and counts characters in plain words', () => {
    const empty = verdictMessage('paystack', [['x-paystack-signature', '']], [secret('paystack', 'sk_test_x')])
    expect(empty).toBe('x-paystack-signature is not 128 hex characters (hex of an HMAC-SHA512); it is empty')
    expect(verdictMessage('razorpay', [['X-Razorpay-Signature', 'a']], [secret('razorpay')])).toBe(
      'X-Razorpay-Signature is not 64 hex characters (hex of an HMAC-SHA256); it has 1 character',
    )
    expect(verdictMessage('razorpay', [['X-Razorpay-Signature', 'abc']], [secret('razorpay')])).toBe(
      'X-Razorpay-Signature is not 64 hex characters (hex of an HMAC-SHA256); it has 3 characters',
    )
  })

  it('an expired Plexo envelope quotes UTCUnixTimeExpiration as sent', () => {
    const vector = loadVectors('plexo.json').find((each) => each.name === 'plexo-legacy-signed-transaction-callback-valid')
    if (!vector) throw new Error('vector missing')
    const expiry = /"UTCUnixTimeExpiration":\s*(\d+)/.exec(vector.body)?.[1]
    if (expiry === undefined) throw new Error('no expiry in the vector')
    const certificate = (vector.secretOrKey as { certificatePem: string }).certificatePem
    // Checked a minute after the envelope expired.
    const { verdict } = analyzeDelivery(
      { method: 'POST', target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body) },
      { now: new Date((Number(expiry) + 60) * 1000), keys: [{ kind: 'certificate', provider: 'plexo', pem: certificate }], pinnedProvider: 'plexo' },
    )
    expect(verdict.status).toBe('invalid')
    expect(verdict.message).toContain(`(UTCUnixTimeExpiration ${expiry}, 60 s before the check)`)
  })

  it('a CHIP digest mismatch says what the digest is', () => {
    const vector = loadVectors('chip.json').find((each) => each.name === 'chip-send-verified-as-sha256-invalid')
    if (!vector) throw new Error('vector missing')
    const pem = (vector.secretOrKey as { publicKeyPem: string }).publicKeyPem
    const message = verdictMessage(
      'chip',
      Object.entries(vector.headers),
      [{ kind: 'rsa-public-key', provider: 'chip', pem, chipProduct: 'collect' }],
      vector.path,
      vector.body,
    )
    expect(message).toMatch(
      /^digest mismatch \(the hash function the signature was made with\): the signature was made with .* and SHA-512, but CHIP Collect uses SHA-256/,
    )
  })
})
