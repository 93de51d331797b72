/**
 * The Paddle Billing and Checkout.com vector files (`paddle.json`, `checkout-com.json` beside this
 * file), built here from fixed inputs by an implementation independent of the verifiers (plain
 * node:crypto), and checked case by case against the provider's own SDK (`@paddle/paddle-node-sdk`
 * with its clock pinned at `verifyAt`) or, for Checkout.com, whose SDK has no verifier, WebCrypto;
 * then against our verifiers. The committed files must equal what is built:
 * `WRITE_VECTORS=1 npx vitest run src-main/test-support/vectors/paddle-checkout-com-vectors.test.ts`
 * rewrites them.
 */
import { createHmac, webcrypto } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { Paddle } from '@paddle/paddle-node-sdk'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import { verifyCheckoutCom } from '../../core/providers/checkout-com'
import { verifyPaddle } from '../../core/providers/paddle'
import type { VectorCase } from '../vectors'

const directory = new URL('./', import.meta.url)
const WRITE = process.env.WRITE_VECTORS === '1'

// ---------------------------------------------------------------------------------------------
// Paddle Billing

// The secret key and timestamp of Paddle's documentation examples (signature-verification page).
const PADDLE_DOCS_SECRET = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI'
const PADDLE_ROTATED_SECRET = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_Q8t0rVb1cZ2xN4mK7pL9sD3fG6hJ5wYe'
const PADDLE_TS = 1671552777
const PADDLE_ALGORITHM = 'developer.paddle.com/webhooks/about/signature-verification ; PaddleHQ/paddle-node-sdk src/notifications/helpers/webhooks-validator.ts'

const PADDLE_BODY = JSON.stringify({
  event_id: 'evt_01gks14ge726w50ch2tmaw2a1x',
  event_type: 'transaction.completed',
  occurred_at: '2022-12-20T16:12:54.521Z',
  notification_id: 'ntf_01gks14gfd3fbc2g7ypmgan6k2',
  data: {
    id: 'txn_01gks14c8ngvskxf6n0zsbbdgd',
    status: 'completed',
    customer_id: 'ctm_01gks1490tt5hv2cj1bqs8qbv2',
    address_id: 'add_01gks1490gxbwv4zk5j1k8cxs7',
    business_id: null,
    custom_data: { order_id: 'ORD-2022-1220-001', note: 'café ©' },
    origin: 'web',
    collection_mode: 'automatic',
    subscription_id: 'sub_01gks14gd8t1ax3e8tdn8e8nxx',
    invoice_id: 'inv_01gks14gep6mhjm4jd4t0wcbya',
    invoice_number: '325-10566',
    discount_id: null,
    billing_details: null,
    currency_code: 'USD',
    billing_period: { starts_at: '2022-12-20T16:12:53.000Z', ends_at: '2023-01-20T16:12:53.000Z' },
    items: [{ price: null, quantity: 1, proration: null }],
    details: {
      tax_rates_used: [{ tax_rate: '0.08875', totals: { subtotal: '3000', discount: '0', tax: '266', total: '3266' } }],
      totals: {
        subtotal: '3000',
        discount: '0',
        tax: '266',
        total: '3266',
        credit: '0',
        credit_to_balance: '0',
        balance: '0',
        grand_total: '3266',
        grand_total_tax: '266',
        fee: '214',
        earnings: '2786',
        currency_code: 'USD',
      },
      payout_totals: null,
      line_items: [
        {
          id: 'txnitm_01gks14c9cwp1a3hd53dtyb2yw',
          price_id: 'pri_01gks0w2hnbx1p3yq1jtp0brv6',
          quantity: 1,
          proration: null,
          tax_rate: '0.08875',
          unit_totals: { subtotal: '3000', discount: '0', tax: '266', total: '3266' },
          totals: { subtotal: '3000', discount: '0', tax: '266', total: '3266' },
          product: null,
        },
      ],
    },
    payments: [
      {
        payment_attempt_id: '5f8a2e7c-54d5-4c5b-8a55-0f3c0d9fa3c4',
        stored_payment_method_id: '7bd1c2c6-6cbb-45a6-9b9e-4a1a6a3e5f63',
        amount: '3266',
        status: 'captured',
        error_code: null,
        method_details: { type: 'card', card: { type: 'visa', last4: '4242', expiry_month: 1, expiry_year: 2026, cardholder_name: 'Sam Miller' } },
        created_at: '2022-12-20T16:12:51.000Z',
        captured_at: '2022-12-20T16:12:54.000Z',
      },
    ],
    checkout: { url: 'https://example.com/checkout?_ptxn=txn_01gks14c8ngvskxf6n0zsbbdgd' },
    created_at: '2022-12-20T16:12:47.000Z',
    updated_at: '2022-12-20T16:12:54.000Z',
    billed_at: '2022-12-20T16:12:54.000Z',
  },
})

function paddleH1(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${body}`, 'utf8').digest('hex')
}

function paddleCase(input: {
  name: string
  description: string
  secret: string
  headerSecrets?: string[]
  body: string
  signedBody?: string
  verifyAt: number
  expected: { valid: boolean; reason?: string }
}): VectorCase {
  const signedBody = input.signedBody ?? input.body
  const h1s = (input.headerSecrets ?? [input.secret]).map((secret) => paddleH1(secret, PADDLE_TS, signedBody))
  const header = `ts=${PADDLE_TS};${h1s.map((h1) => `h1=${h1}`).join(';')}`
  return {
    name: input.name,
    description: input.description,
    source: { type: 'generated', inputsFrom: 'developer.paddle.com signature-verification examples (secret key, ts)', algorithmReference: PADDLE_ALGORITHM },
    scheme: 'paddle-h1',
    secretOrKey: input.secret,
    method: 'POST',
    path: '/paddle/webhook',
    headers: { 'Content-Type': 'application/json', 'Paddle-Signature': header },
    body: input.body,
    params: { verifyAt: input.verifyAt, toleranceSeconds: 5 },
    expected: {
      valid: input.expected.valid,
      // What the configured key computes for this body (the h1 a valid header would carry).
      signature: paddleH1(input.secret, PADDLE_TS, input.body),
      signedMessage: `${PADDLE_TS}:${input.body}`,
      ...(input.expected.reason ? { reason: input.expected.reason } : {}),
    },
  }
}

/** Whether `@paddle/paddle-node-sdk` accepts each case: the SDK differs from the docs on one (it keeps only the last h1). */
const PADDLE_SDK_ACCEPTS: Record<string, boolean> = {}

function paddleVectors(): VectorCase[] {
  const tampered = PADDLE_BODY.replace('"grand_total":"3266"', '"grand_total":"3267"')
  const cases = [
    paddleCase({
      name: 'paddle-valid',
      description: 'transaction.completed signed with the destination secret key; verified 1 s after ts',
      secret: PADDLE_DOCS_SECRET,
      body: PADDLE_BODY,
      verifyAt: PADDLE_TS + 1,
      expected: { valid: true },
    }),
    paddleCase({
      name: 'paddle-tampered-body-invalid',
      description: 'one byte of the body changed after signing (grand_total 3266 -> 3267)',
      secret: PADDLE_DOCS_SECRET,
      body: tampered,
      signedBody: PADDLE_BODY,
      verifyAt: PADDLE_TS + 1,
      expected: { valid: false, reason: 'signature-mismatch' },
    }),
    paddleCase({
      name: 'paddle-wrong-secret-invalid',
      description: "signed with another destination's secret key",
      secret: PADDLE_DOCS_SECRET,
      headerSecrets: [PADDLE_ROTATED_SECRET],
      body: PADDLE_BODY,
      verifyAt: PADDLE_TS + 1,
      expected: { valid: false, reason: 'signature-mismatch' },
    }),
    paddleCase({
      name: 'paddle-stale-timestamp-invalid',
      description: "the right signature verified 6 s after ts: past the SDK's 5 s tolerance",
      secret: PADDLE_DOCS_SECRET,
      body: PADDLE_BODY,
      verifyAt: PADDLE_TS + 6,
      expected: { valid: false, reason: 'stale-timestamp' },
    }),
    paddleCase({
      name: 'paddle-rotation-first-h1-valid',
      description:
        'two h1 during a secret rotation, the configured key signed the first one. Valid per the docs ("at least one h1"); @paddle/paddle-node-sdk keeps only the last h1 and rejects it',
      secret: PADDLE_DOCS_SECRET,
      headerSecrets: [PADDLE_DOCS_SECRET, PADDLE_ROTATED_SECRET],
      body: PADDLE_BODY,
      verifyAt: PADDLE_TS + 1,
      expected: { valid: true },
    }),
  ]
  Object.assign(PADDLE_SDK_ACCEPTS, {
    'paddle-valid': true,
    'paddle-tampered-body-invalid': false,
    'paddle-wrong-secret-invalid': false,
    'paddle-stale-timestamp-invalid': false,
    'paddle-rotation-first-h1-valid': false,
  })
  return cases
}

// ---------------------------------------------------------------------------------------------
// Checkout.com

const CKO_SIGNATURE_KEY = 'Sig-Key-0d9f1c7e-5b2a-4c3e-9a8f-1e2d3c4b5a69'
const CKO_AUTHORIZATION_KEY = 'Auth-Key-8b7c6d5e-4f3a-4b2c-8d1e-0f9a8b7c6d5e'
const CKO_ALGORITHM = 'checkout.com/docs/developer-resources/webhooks/manage-webhooks/set-up-your-webhook-receiver (Webhook signatures, Authorization header)'

const CKO_BODY = `${JSON.stringify(
  {
    id: 'evt_az5sblvku4ge3dwpztvyizgcau',
    type: 'payment_approved',
    version: '1.0.33',
    created_on: '2024-05-24T14:15:22Z',
    data: {
      id: 'pay_mbabizu24mvu3mela5njyhpit4',
      action_id: 'act_y3oqhf46pyzuxjbcn2giaqnb44',
      amount: 6540,
      currency: 'USD',
      approved: true,
      status: 'Authorized',
      auth_code: '643381',
      response_code: '10000',
      response_summary: 'Approved',
      processed_on: '2024-05-24T14:15:21Z',
      reference: 'ORD-5023-4E89',
      source: { type: 'card', scheme: 'Visa', bin: '424242', last4: '4242', expiry_month: 6, expiry_year: 2027 },
      customer: { id: 'cus_udst2tfldj6upmye2reztkmm4i', name: 'Bruno Müller ©' },
      metadata: { coupon: 'NY2024™' },
    },
    _links: {
      self: { href: 'https://api.sandbox.checkout.com/workflows/events/evt_az5sblvku4ge3dwpztvyizgcau' },
      payment: { href: 'https://api.sandbox.checkout.com/payments/pay_mbabizu24mvu3mela5njyhpit4' },
    },
  },
  null,
  2,
)}`

function ckoSignature(key: string, body: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('hex')
}

function checkoutCase(input: {
  name: string
  description: string
  signatureKey: string
  authorizationKey?: string
  headers: Record<string, string>
  body: string
  expected: { valid: boolean; reason?: string; signature: string | null }
}): VectorCase {
  return {
    name: input.name,
    description: input.description,
    source: { type: 'generated', algorithmReference: CKO_ALGORITHM },
    scheme: 'checkout-com-hmac-sha256',
    secretOrKey: input.signatureKey,
    ...(input.authorizationKey ? { apiKey: input.authorizationKey } : {}),
    method: 'POST',
    path: '/checkout/webhook',
    headers: { 'Content-Type': 'application/json', ...input.headers },
    body: input.body,
    expected: {
      valid: input.expected.valid,
      signature: input.expected.signature,
      signedMessage: input.body,
      ...(input.expected.reason ? { reason: input.expected.reason } : {}),
    },
  }
}

function checkoutVectors(): VectorCase[] {
  const signature = ckoSignature(CKO_SIGNATURE_KEY, CKO_BODY)
  const tampered = CKO_BODY.replace('"amount": 6540', '"amount": 6541')
  return [
    checkoutCase({
      name: 'checkout-com-valid',
      description: 'payment_approved, pretty-printed with ©, ü and ™ (the docs warn that re-serialising such bodies breaks the HMAC)',
      signatureKey: CKO_SIGNATURE_KEY,
      headers: { 'Cko-Signature': signature },
      body: CKO_BODY,
      expected: { valid: true, signature },
    }),
    checkoutCase({
      name: 'checkout-com-tampered-body-invalid',
      description: 'one byte of the body changed after signing (amount 6540 -> 6541)',
      signatureKey: CKO_SIGNATURE_KEY,
      headers: { 'Cko-Signature': signature },
      body: tampered,
      expected: { valid: false, reason: 'signature-mismatch', signature: ckoSignature(CKO_SIGNATURE_KEY, tampered) },
    }),
    checkoutCase({
      name: 'checkout-com-wrong-key-invalid',
      description: 'signed with another signature key',
      signatureKey: CKO_SIGNATURE_KEY,
      headers: { 'Cko-Signature': ckoSignature(`${CKO_SIGNATURE_KEY}-old`, CKO_BODY) },
      body: CKO_BODY,
      expected: { valid: false, reason: 'signature-mismatch', signature },
    }),
    checkoutCase({
      name: 'checkout-com-signature-and-authorization-valid',
      description: 'a webhook with both a signature key and an authorization header key (sent as-is in Authorization)',
      signatureKey: CKO_SIGNATURE_KEY,
      authorizationKey: CKO_AUTHORIZATION_KEY,
      headers: { Authorization: CKO_AUTHORIZATION_KEY, 'Cko-Signature': signature },
      body: CKO_BODY,
      expected: { valid: true, signature },
    }),
    checkoutCase({
      name: 'checkout-com-wrong-authorization-invalid',
      description: 'the signature matches but the Authorization header is not the configured authorization header key',
      signatureKey: CKO_SIGNATURE_KEY,
      authorizationKey: CKO_AUTHORIZATION_KEY,
      headers: { Authorization: 'Auth-Key-from-another-webhook', 'Cko-Signature': signature },
      body: CKO_BODY,
      expected: { valid: false, reason: 'signature-mismatch', signature },
    }),
  ]
}

// ---------------------------------------------------------------------------------------------

function keysOf(vector: VectorCase, provider: 'paddle' | 'checkout-com'): ProviderKey[] {
  if (typeof vector.secretOrKey !== 'string') throw new Error(`${vector.name}: a string secret is expected`)
  return [{ kind: 'hmac-secret', provider, value: vector.secretOrKey, ...(vector.apiKey ? { apiKey: vector.apiKey } : {}) }]
}

function deliveryOf(vector: VectorCase): { method: string; target: string; headers: Array<[string, string]>; body: Buffer } {
  return { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') }
}

function checkFile(file: string, built: VectorCase[]): VectorCase[] {
  const url = new URL(file, directory)
  const text = `${JSON.stringify(built, null, 2)}\n`
  if (WRITE) writeFileSync(url, text)
  expect(existsSync(url), `${file} is missing: run with WRITE_VECTORS=1`).toBe(true)
  expect(readFileSync(url, 'utf8'), `${file} differs from what is built: run with WRITE_VECTORS=1`).toBe(text)
  return JSON.parse(text) as VectorCase[]
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Paddle Billing vectors (paddle.json)', () => {
  const vectors = checkFile('paddle.json', paddleVectors())
  const paddle = new Paddle('pdl_sdbx_apikey_unused_for_webhooks')

  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s: the SDK and our verifier', async (_name, vector) => {
    const verifyAt = vector.params?.verifyAt ?? 0
    vi.useFakeTimers({ toFake: ['Date'], now: verifyAt * 1000 })
    const header = vector.headers['Paddle-Signature'] ?? ''
    const secret = vector.secretOrKey as string
    expect(await paddle.webhooks.isSignatureValid(vector.body, secret, header)).toBe(PADDLE_SDK_ACCEPTS[vector.name])
    const result = verifyPaddle(deliveryOf(vector), keysOf(vector, 'paddle'), {
      now: new Date(verifyAt * 1000),
      toleranceSeconds: vector.params?.toleranceSeconds,
    })
    expect(result.verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
    if (vector.expected.reason) expect(result.verdict).toMatchObject({ reason: vector.expected.reason })
    expect(result.explanation.attempts[0]?.signedString).toBe(vector.expected.signedMessage)
    expect(result.explanation.attempts[0]?.computedSignature).toBe(vector.expected.signature)
  })

  it('the valid body is a transaction the SDK unmarshals', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: (PADDLE_TS + 1) * 1000 })
    const valid = vectors.find((vector) => vector.name === 'paddle-valid')
    expect(valid).toBeDefined()
    const event = await paddle.webhooks.unmarshal(valid?.body ?? '', PADDLE_DOCS_SECRET, valid?.headers['Paddle-Signature'] ?? '')
    expect(event).toMatchObject({ eventType: 'transaction.completed', notificationId: 'ntf_01gks14gfd3fbc2g7ypmgan6k2' })
  })
})

describe('Checkout.com vectors (checkout-com.json)', () => {
  const vectors = checkFile('checkout-com.json', checkoutVectors())

  it.each(vectors.map((vector) => [vector.name, vector] as const))('%s: WebCrypto and our verifier', async (_name, vector) => {
    const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(vector.secretOrKey as string), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ])
    const received = Buffer.from(vector.headers['Cko-Signature'] ?? '', 'hex')
    const signatureHolds = await webcrypto.subtle.verify('HMAC', key, received, new TextEncoder().encode(vector.body))
    const authorizationHolds = vector.apiKey === undefined || vector.headers.Authorization === vector.apiKey
    expect(signatureHolds && authorizationHolds).toBe(vector.expected.valid)
    const result = verifyCheckoutCom(deliveryOf(vector), keysOf(vector, 'checkout-com'))
    expect(result.verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
    if (vector.expected.reason) expect(result.verdict).toMatchObject({ reason: vector.expected.reason })
    expect(result.explanation.attempts[0]?.computedSignature).toBe(vector.expected.signature)
    expect(ckoSignature(vector.secretOrKey as string, vector.body)).toBe(vector.expected.signature)
  })
})
