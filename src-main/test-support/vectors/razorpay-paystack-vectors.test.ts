/**
 * The Razorpay and Paystack vector files (`razorpay.json`, `paystack.json` beside this file), in the
 * shared VectorCase format. Their bodies are the providers' own documentation samples
 * (razorpay/markdown-docs `webhooks/payments.md`; PaystackOSS/doc-code-snippets
 * `src/doc/payments/webhooks/events/*.json`), compacted; their signatures are made here with plain
 * node:crypto, independent of the verifiers, and every case's `expected.valid` is what the
 * provider's own check says: razorpay-node's `validateWebhookSignature`, and for Paystack (which
 * publishes no Node SDK verifier) the check of its documentation example. Then the inspector's
 * verifiers must agree. The committed files must equal what is built here:
 * `WRITE_VECTORS=1 npx vitest run src-main/test-support/vectors/razorpay-paystack-vectors.test.ts`
 * rewrites them.
 */
import { createHmac } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import Razorpay from 'razorpay'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, InvalidReason, ProviderKey, SignatureVerdict } from '../../shared/providers'
import { analyzeDelivery } from '../../core/providers/analyze'
import { verifyPaystack } from '../../core/providers/paystack'
import { verifyRazorpay } from '../../core/providers/razorpay'
import { keysForVector, type VectorCase } from '../vectors'

const directory = new URL('./', import.meta.url)
const WRITE = process.env.WRITE_VECTORS === '1'

/** The vectors' reason texts, as the shared vector test maps them. */
const REASON_CODE: Record<string, InvalidReason> = { 'HMAC mismatch': 'signature-mismatch', 'encoding mismatch': 'wrong-encoding' }

// ---------------------------------------------------------------------------------------------
// Razorpay

const RAZORPAY_SECRET = 'razorpay-test-webhook-secret-7d41c9'
const RAZORPAY_OTHER_SECRET = 'razorpay-rotated-webhook-secret-19af02'
const RAZORPAY_ALGORITHM =
  'razorpay.com/docs/webhooks/validate-test (razorpay/markdown-docs webhooks/validate-test.md) ; razorpay/razorpay-node lib/utils/razorpay-utils.js validateWebhookSignature'
const RAZORPAY_CHECKED_WITH = 'razorpay (npm) 2.9.8 validateWebhookSignature'
const RAZORPAY_SAMPLES = 'razorpay/markdown-docs webhooks/payments.md'

// The documentation samples, compacted (Payment Captured: Netbanking; Payment Failed; Payment Downtime Started).
const RAZORPAY_CAPTURED = JSON.parse(
  '{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_DESlfW9H8K9uqM","entity":"payment","amount":100,"currency":"INR","base_amount":100,"status":"captured","order_id":"order_DESlLckIVRkHWj","invoice_id":null,"international":false,"method":"netbanking","amount_refunded":0,"amount_transferred":0,"refund_status":null,"captured":true,"description":null,"card_id":null,"bank":"HDFC","wallet":null,"vpa":null,"email":"gaurav.kumar@example.com","contact":"+919876543210","notes":[],"fee":2,"tax":0,"error_code":null,"error_description":null,"error_source":null,"error_step":null,"error_reason":null,"acquirer_data":{"bank_transaction_id":"0125836177"},"created_at":1567674599}}},"created_at":1567674606}',
) as Record<string, unknown>
const RAZORPAY_FAILED = JSON.parse(
  '{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.failed","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_DEAU825sJlCbGa","entity":"payment","amount":50000,"currency":"INR","status":"failed","order_id":"order_DEATVTRRctwEGb","invoice_id":null,"international":false,"method":"netbanking","amount_refunded":0,"refund_status":null,"captured":false,"description":null,"card_id":null,"bank":"HDFC","wallet":null,"vpa":null,"email":"gaurav.kumar@example.com","contact":"+919876543210","notes":[],"fee":null,"tax":null,"error_code":"BAD_REQUEST_ERROR","error_description":"Payment failed","error_source":"bank","error_step":"payment_authorization","error_reason":"payment_failed","acquirer_data":{"bank_transaction_id":null},"created_at":1567610214}}},"created_at":1567610215}',
) as Record<string, unknown>
const RAZORPAY_DOWNTIME = JSON.parse(
  '{"entity":"event","account_id":"acc_CWX291oykl9aZA","event":"payment.downtime.started","contains":["payment.downtime"],"payload":{"payment.downtime":{"entity":{"id":"down_F1Zppa6lcVheSE","entity":"payment.downtime","method":"netbanking","begin":1591935238,"end":null,"status":"started","scheduled":false,"severity":"high","instrument":{"bank":"VIJB"},"instrument_schema":["bank"],"created_at":1591935238,"updated_at":1591935238}}},"created_at":1591935238}',
) as Record<string, unknown>

const hmacHex = (algorithm: 'sha256' | 'sha512', secret: string, body: string): string => createHmac(algorithm, secret).update(body, 'utf8').digest('hex')

function razorpayCase(input: {
  name: string
  description: string
  sample: string
  eventId: string
  body: string
  signature: string | null
  expected: VectorCase['expected']
}): VectorCase {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Razorpay-Event-Id': input.eventId }
  if (input.signature !== null) headers['X-Razorpay-Signature'] = input.signature
  return {
    name: input.name,
    description: input.description,
    source: {
      type: 'derived-from-official',
      inputsFrom: `${RAZORPAY_SAMPLES} (${input.sample})`,
      algorithmReference: RAZORPAY_ALGORITHM,
      checkedWith: RAZORPAY_CHECKED_WITH,
    },
    scheme: input.signature === null ? 'none' : 'razorpay-hmac-sha256',
    secretOrKey: input.signature === null ? null : RAZORPAY_SECRET,
    method: 'POST',
    path: '/razorpay/webhook',
    headers,
    body: input.body,
    expected: input.expected,
  } as VectorCase
}

function razorpayVectors(): VectorCase[] {
  const captured = JSON.stringify(RAZORPAY_CAPTURED)
  const failed = JSON.stringify(RAZORPAY_FAILED)
  const downtime = JSON.stringify(RAZORPAY_DOWNTIME)
  const signature = hmacHex('sha256', RAZORPAY_SECRET, captured)
  return [
    razorpayCase({
      name: 'razorpay-payment-captured-valid',
      description: 'payment.captured (netbanking, INR 1.00 = 100 paise)',
      sample: 'Payment Captured, Netbanking',
      eventId: 'DESlfZcvCYmwpE',
      body: captured,
      signature,
      expected: { valid: true, signature },
    }),
    razorpayCase({
      name: 'razorpay-payment-failed-valid',
      description: 'payment.failed (INR 500.00, BAD_REQUEST_ERROR)',
      sample: 'Payment Failed',
      eventId: 'DEAU8DC2KTbaUm',
      body: failed,
      signature: hmacHex('sha256', RAZORPAY_SECRET, failed),
      expected: { valid: true, signature: hmacHex('sha256', RAZORPAY_SECRET, failed) },
    }),
    razorpayCase({
      name: 'razorpay-payment-downtime-started-valid',
      description: 'payment.downtime.started: the entity is payload["payment.downtime"], no amount',
      sample: 'Payment Downtime Started',
      eventId: 'F1ZpptZ3FvYmJa',
      body: downtime,
      signature: hmacHex('sha256', RAZORPAY_SECRET, downtime),
      expected: { valid: true, signature: hmacHex('sha256', RAZORPAY_SECRET, downtime) },
    }),
    razorpayCase({
      name: 'razorpay-payment-captured-tampered-amount-invalid',
      description: 'the amount changed from 100 to 10000 after signing',
      sample: 'Payment Captured, Netbanking',
      eventId: 'DESlfZcvCYmwpE',
      body: captured.replace('"amount":100,', '"amount":10000,'),
      signature,
      expected: { valid: false, reason: 'HMAC mismatch' },
    }),
    razorpayCase({
      name: 'razorpay-payment-captured-other-secret-invalid',
      description: 'signed with another webhook secret (after a secret change, older events keep the old one)',
      sample: 'Payment Captured, Netbanking',
      eventId: 'DESlfZcvCYmwpE',
      body: captured,
      signature: hmacHex('sha256', RAZORPAY_OTHER_SECRET, captured),
      expected: { valid: false, reason: 'HMAC mismatch' },
    }),
    razorpayCase({
      name: 'razorpay-payment-captured-uppercase-hex-invalid',
      description: 'the right HMAC in upper-case hex: razorpay-node compares the lower-case text exactly',
      sample: 'Payment Captured, Netbanking',
      eventId: 'DESlfZcvCYmwpE',
      body: captured,
      signature: signature.toUpperCase(),
      expected: { valid: false, reason: 'encoding mismatch' },
    }),
    razorpayCase({
      name: 'razorpay-payment-captured-unsigned',
      description: 'a webhook set up without a secret: no X-Razorpay-Signature (recognised by X-Razorpay-Event-Id)',
      sample: 'Payment Captured, Netbanking',
      eventId: 'DESlfZcvCYmwpE',
      body: captured,
      signature: null,
      expected: { valid: true, status: 'captured' },
    }),
  ]
}

// ---------------------------------------------------------------------------------------------
// Paystack

const PAYSTACK_LIVE_KEY = 'sk_live_0f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b'
const PAYSTACK_TEST_KEY = 'sk_test_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b'
const PAYSTACK_ALGORITHM =
  'paystack.com/docs/payments/webhooks (Verify event origin) ; PaystackOSS/doc-code-snippets src/doc/payments/webhooks/verifying-transaction/index.js'
const PAYSTACK_CHECKED_WITH = 'the documentation example re-implemented (no official Node SDK verifier exists)'
const PAYSTACK_SAMPLES = 'PaystackOSS/doc-code-snippets src/doc/payments/webhooks/events'

const PAYSTACK_CHARGE_SUCCESS = JSON.parse(
  '{"event":"charge.success","data":{"id":302961,"domain":"live","status":"success","reference":"qTPrJoy9Bx","amount":10000,"message":null,"gateway_response":"Approved by Financial Institution","paid_at":"2016-09-30T21:10:19.000Z","created_at":"2016-09-30T21:09:56.000Z","channel":"card","currency":"NGN","ip_address":"41.242.49.37","metadata":0,"log":{"time_spent":16,"attempts":1,"authentication":"pin","errors":0,"success":false,"mobile":false,"input":[],"channel":null,"history":[{"type":"input","message":"Filled these fields: card number, card expiry, card cvv","time":15},{"type":"action","message":"Attempted to pay","time":15},{"type":"auth","message":"Authentication Required: pin","time":16}]},"fees":null,"customer":{"id":68324,"first_name":"BoJack","last_name":"Horseman","email":"bojack@horseman.com","customer_code":"CUS_qo38as2hpsgk2r0","phone":null,"metadata":null,"risk_action":"default"},"authorization":{"authorization_code":"AUTH_f5rnfq9p","bin":"539999","last4":"8877","exp_month":"08","exp_year":"2020","card_type":"mastercard DEBIT","bank":"Guaranty Trust Bank","country_code":"NG","brand":"mastercard","account_name":"BoJack Horseman"},"plan":{}}}',
) as Record<string, unknown>
const PAYSTACK_REFUND_PROCESSED = JSON.parse(
  '{"event":"refund.processed","data":{"status":"processed","transaction_reference":"T2154954_412829_3be32076_6lcg3","refund_reference":"132013318360","amount":"5000","currency":"NGN","processor":"mpgs_zen","customer":{"first_name":"Damilola","last_name":"Kwabena","email":"damilola@email.com"},"integration":412829,"domain":"live"}}',
) as Record<string, unknown>

function paystackCase(input: {
  name: string
  description: string
  sample: string
  body: string
  signature: string
  expected: VectorCase['expected']
}): VectorCase {
  return {
    name: input.name,
    description: input.description,
    source: {
      type: 'derived-from-official',
      inputsFrom: `${PAYSTACK_SAMPLES}/${input.sample}`,
      algorithmReference: PAYSTACK_ALGORITHM,
      checkedWith: PAYSTACK_CHECKED_WITH,
    },
    scheme: 'paystack-hmac-sha512',
    secretOrKey: PAYSTACK_LIVE_KEY,
    method: 'POST',
    path: '/paystack/webhook',
    headers: { 'Content-Type': 'application/json', 'x-paystack-signature': input.signature },
    body: input.body,
    expected: input.expected,
  } as VectorCase
}

function paystackVectors(): VectorCase[] {
  const charge = JSON.stringify(PAYSTACK_CHARGE_SUCCESS)
  const refund = JSON.stringify(PAYSTACK_REFUND_PROCESSED)
  const signature = hmacHex('sha512', PAYSTACK_LIVE_KEY, charge)
  return [
    paystackCase({
      name: 'paystack-charge-success-valid',
      description: 'charge.success, live domain, NGN 100.00 = 10000 kobo',
      sample: 'transaction-successful.json',
      body: charge,
      signature,
      expected: { valid: true, signature },
    }),
    paystackCase({
      name: 'paystack-refund-processed-valid',
      description: 'refund.processed: the amount is a string ("5000" kobo), no id but a refund_reference',
      sample: 'refund-processed.json',
      body: refund,
      signature: hmacHex('sha512', PAYSTACK_LIVE_KEY, refund),
      expected: { valid: true, signature: hmacHex('sha512', PAYSTACK_LIVE_KEY, refund) },
    }),
    paystackCase({
      name: 'paystack-charge-success-tampered-amount-invalid',
      description: 'the amount changed from 10000 to 1000000 after signing',
      sample: 'transaction-successful.json',
      body: charge.replace('"amount":10000,', '"amount":1000000,'),
      signature,
      expected: { valid: false, reason: 'HMAC mismatch' },
    }),
    paystackCase({
      name: 'paystack-charge-success-test-key-invalid',
      description: 'signed with the test secret key while the endpoint holds the live one',
      sample: 'transaction-successful.json',
      body: charge,
      signature: hmacHex('sha512', PAYSTACK_TEST_KEY, charge),
      expected: { valid: false, reason: 'HMAC mismatch' },
    }),
    paystackCase({
      name: 'paystack-charge-success-uppercase-hex-invalid',
      description: 'the right HMAC in upper-case hex: the documented check compares the lower-case text',
      sample: 'transaction-successful.json',
      body: charge,
      signature: signature.toUpperCase(),
      expected: { valid: false, reason: 'encoding mismatch' },
    }),
  ]
}

// ---------------------------------------------------------------------------------------------

function checkFile(file: string, vectors: VectorCase[]): void {
  const url = new URL(file, directory)
  const text = `${JSON.stringify(vectors, null, 2)}\n`
  if (WRITE) writeFileSync(url, text)
  expect(existsSync(url), `${file} is missing: run with WRITE_VECTORS=1`).toBe(true)
  expect(readFileSync(url, 'utf8'), `${file} differs from what is built: run with WRITE_VECTORS=1`).toBe(text)
}

const headerPairs = (vector: VectorCase): HeaderPairs => Object.entries(vector.headers)

const key = (provider: HmacProviderId, value: string): ProviderKey => ({ kind: 'hmac-secret', provider, value })

function expectVerdict(verdict: SignatureVerdict, vector: VectorCase): void {
  if (vector.scheme === 'none') expect(verdict.status).toBe('unsigned')
  else if (vector.expected.valid) expect(verdict.status).toBe('valid')
  else expect(verdict).toMatchObject({ status: 'invalid', reason: REASON_CODE[vector.expected.reason ?? ''] })
}

describe('razorpay.json', () => {
  const vectors = razorpayVectors()
  it('is the file built from the documentation samples', () => checkFile('razorpay.json', vectors))
  for (const vector of vectors) {
    it(`${vector.name}: razorpay-node and the inspector agree`, () => {
      const signature = vector.headers['X-Razorpay-Signature']
      if (signature !== undefined && typeof vector.secretOrKey === 'string') {
        expect(Razorpay.validateWebhookSignature(vector.body, signature, vector.secretOrKey)).toBe(vector.expected.valid)
      }
      const keys = typeof vector.secretOrKey === 'string' ? [key('razorpay', vector.secretOrKey)] : []
      const delivery = { method: vector.method, target: vector.path, headers: headerPairs(vector), body: Buffer.from(vector.body, 'utf8') }
      expectVerdict(verifyRazorpay(delivery, keys).verdict, vector)
    })
  }
})

describe('paystack.json', () => {
  const vectors = paystackVectors()
  it('is the file built from the documentation samples', () => checkFile('paystack.json', vectors))
  for (const vector of vectors) {
    it(`${vector.name}: Paystack's documented check and the inspector agree`, () => {
      const secret = typeof vector.secretOrKey === 'string' ? vector.secretOrKey : ''
      // The documentation example: hex HMAC-SHA512 of the raw body, compared as text.
      expect(hmacHex('sha512', secret, vector.body) === vector.headers['x-paystack-signature']).toBe(vector.expected.valid)
      const delivery = { method: vector.method, target: vector.path, headers: headerPairs(vector), body: Buffer.from(vector.body, 'utf8') }
      expectVerdict(verifyPaystack(delivery, [key('paystack', secret)]).verdict, vector)
    })
  }
})

describe('through recognition (analyzeDelivery, nothing pinned)', () => {
  for (const [provider, vectors] of [
    ['razorpay', razorpayVectors()],
    ['paystack', paystackVectors()],
  ] as const) {
    for (const vector of vectors) {
      it(`${vector.name}: recognised as ${provider}, summarised, same verdict`, () => {
        const analysis = analyzeDelivery(
          { method: vector.method, target: vector.path, headers: headerPairs(vector), body: Buffer.from(vector.body, 'utf8') },
          { now: new Date(), keys: keysForVector(vector, provider) },
        )
        expect(analysis.provider).toMatchObject({ id: provider, pinned: false })
        expect(analysis.summary.problems).toEqual([])
        expect(analysis.summary.eventType).toBe((JSON.parse(vector.body) as { event: string }).event)
        expectVerdict(analysis.verdict, vector)
      })
    }
  }
})
