/**
 * Paystack publishes no official Node SDK with a webhook verifier, so the independent
 * implementation here is a second one written from Paystack's own documentation example
 * (paystack.com/docs/payments/webhooks, "Verify event origin"; PaystackOSS/doc-code-snippets
 * `src/doc/payments/webhooks/verifying-transaction/index.js`): HMAC-SHA512 of the raw body with the
 * secret key, hex digest, compared as text with the `x-paystack-signature` header. Over fresh keys
 * and random event bodies the inspector's verdict agrees with it on the valid delivery and on each
 * one-byte change (body, signature), a wrong key and upper-case hex.
 */
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { parseJsonBody } from './body'
import { PAYSTACK_SIGNATURE_HEADER, parsePaystack, paystackAmount, paystackRules, signPaystack, verifyPaystack } from './paystack'
import type { Delivery } from './verification'

const ROUNDS = 8

function paystackKey(value: string): ProviderKey {
  return { kind: 'hmac-secret', provider: 'paystack', value }
}

function delivery(headers: HeaderPairs, body: Buffer): Delivery {
  return { method: 'POST', target: '/paystack/webhook', headers, body }
}

/**
 * Paystack's documented check, as its Node example writes it: `createHmac('sha512', secret)
 * .update(req.rawBody).digest('hex')` compared with `==` to the header as the framework hands it
 * over (node lower-cases header names).
 */
function documentedCheck(rawBody: Buffer, headers: Record<string, string>, secret: string): boolean {
  const hash = createHmac('sha512', secret).update(rawBody).digest('hex')
  return hash === headers['x-paystack-signature']
}

function flipByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes)
  const index = randomInt(copy.length)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

function flipHex(signature: string): string {
  return flipByte(Buffer.from(signature, 'hex')).toString('hex')
}

function randomEvent(): Buffer {
  return Buffer.from(
    JSON.stringify({
      event: 'charge.success',
      data: {
        id: randomInt(1, 2 ** 40),
        domain: 'test',
        status: 'success',
        reference: randomBytes(8).toString('base64url'),
        amount: randomInt(100, 10_000_000),
        currency: 'NGN',
        channel: 'card',
        metadata: { note: `ü ${randomUUID()} ${randomBytes(randomInt(0, 30)).toString('base64')}` },
      },
    }),
  )
}

describe('Paystack signature (second implementation from Paystack’s documented example; no official Node SDK verifier exists)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: documented check and inspector agree on valid, tampered body, tampered signature, wrong key, upper-case hex`, () => {
      const secret = `sk_test_${randomBytes(20).toString('hex')}`
      const body = randomEvent()
      const signature = signPaystack(secret, body)
      expect(signature).toMatch(/^[0-9a-f]{128}$/)

      const cases: Array<{ name: string; body: Buffer; signature: string; secret: string; valid: boolean }> = [
        { name: 'valid', body, signature, secret, valid: true },
        { name: 'body byte flipped', body: flipByte(body), signature, secret, valid: false },
        { name: 'signature byte flipped', body, signature: flipHex(signature), secret, valid: false },
        { name: 'wrong key', body, signature, secret: `sk_test_${randomBytes(20).toString('hex')}`, valid: false },
        { name: 'upper-case hex', body, signature: signature.toUpperCase(), secret, valid: false },
      ]
      for (const testCase of cases) {
        const documented = documentedCheck(testCase.body, { 'x-paystack-signature': testCase.signature }, testCase.secret)
        const inspector = verifyPaystack(delivery([['X-Paystack-Signature', testCase.signature]], testCase.body), [paystackKey(testCase.secret)]).verdict
        expect({ name: testCase.name, documented }).toEqual({ name: testCase.name, documented: testCase.valid })
        expect({ name: testCase.name, inspector: inspector.status === 'valid' }).toEqual({ name: testCase.name, inspector: testCase.valid })
      }
    })
  }

  it('binary bodies are signed as bytes', () => {
    const secret = `sk_live_${randomBytes(20).toString('hex')}`
    const body = randomBytes(1024)
    const signature = createHmac('sha512', secret).update(body).digest('hex')
    expect(signPaystack(secret, body)).toBe(signature)
    expect(verifyPaystack(delivery([[PAYSTACK_SIGNATURE_HEADER, signature]], body), [paystackKey(secret)]).verdict.status).toBe('valid')
  })

  it('reasons: missing header, malformed, SHA-256 length, no key, mismatch with the hint about test and live keys', () => {
    const secret = `sk_test_${randomBytes(20).toString('hex')}`
    const body = randomEvent()
    const signature = signPaystack(secret, body)
    const verify = (headers: HeaderPairs, keys = [paystackKey(secret)]) => verifyPaystack(delivery(headers, body), keys)
    expect(verify([]).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    expect(verify([[PAYSTACK_SIGNATURE_HEADER, 'nothex']]).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(verify([[PAYSTACK_SIGNATURE_HEADER, createHmac('sha256', secret).update(body).digest('hex')]]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-signature',
      message: expect.stringContaining('128 hex characters') as unknown,
    })
    expect(verify([[PAYSTACK_SIGNATURE_HEADER, signature]], []).verdict).toMatchObject({ status: 'no-key' })
    const mismatch = verify([[PAYSTACK_SIGNATURE_HEADER, signature]], [paystackKey(secret.replace('sk_test_', 'sk_live_'))])
    expect(mismatch.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(mismatch.explanation.notes.join(' ')).toContain('test events are signed with the test key')
    expect(verify([[PAYSTACK_SIGNATURE_HEADER, ` ${signature} `]]).verdict.status).toBe('valid')
  })
})

describe('Paystack recognition and summary', () => {
  const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

  it('is recognised by its signature header only', () => {
    const rule = paystackRules.signatureHeader
    const body = randomEvent()
    const input = (headers: HeaderPairs) => ({ delivery: delivery(headers, body), json: parseJsonBody(body), keys: [] })
    expect(rule?.(input([['X-PAYSTACK-SIGNATURE', 'ab']]))).toEqual({ variant: 'webhook', detectedBy: 'x-paystack-signature header' })
    expect(rule?.(input([]))).toBeNull()
  })

  it('summarises charge.success from Paystack’s docs sample: kobo, card, live domain', () => {
    const summary = parsePaystack(
      delivery(
        [],
        event({
          event: 'charge.success',
          data: {
            id: 302961,
            domain: 'live',
            status: 'success',
            reference: 'qTPrJoy9Bx',
            amount: 10000,
            gateway_response: 'Approved by Financial Institution',
            paid_at: '2016-09-30T21:10:19.000Z',
            channel: 'card',
            currency: 'NGN',
            customer: { customer_code: 'CUS_qo38as2hpsgk2r0' },
            authorization: { bin: '539999', last4: '8877', brand: 'mastercard' },
          },
        }),
      ),
    )
    expect(summary).toMatchObject({
      eventType: 'charge.success',
      status: 'success',
      providerObjectId: '302961',
      merchantReference: 'qTPrJoy9Bx',
      amount: { amountMinor: 10000, amountDisplay: 'NGN 100.00', currency: 'NGN', unit: 'minor' },
      isTest: false,
      paymentMethod: 'card',
      maskedCard: '539999******8877',
      errorMessage: null,
    })
    expect(summary.fields).toContainEqual({ label: 'Card', value: 'mastercard 539999******8877' })
  })

  it('summarises a refund (amount as a string) and a failed transfer', () => {
    expect(
      parsePaystack(
        delivery(
          [],
          event({
            event: 'refund.processed',
            data: {
              status: 'processed',
              transaction_reference: 'T2154954_412829',
              refund_reference: '132013318360',
              amount: '5000',
              currency: 'NGN',
              domain: 'live',
            },
          }),
        ),
      ),
    ).toMatchObject({ providerObjectId: '132013318360', merchantReference: 'T2154954_412829', amount: { amountDisplay: 'NGN 50.00' } })
    expect(
      parsePaystack(
        delivery(
          [],
          event({
            event: 'transfer.failed',
            data: {
              transfer_code: 'TRF_2x5j67tnnw1t98k',
              reference: 'ref-1',
              status: 'failed',
              amount: 30000,
              currency: 'GHS',
              domain: 'test',
              gateway_response: 'Account not found',
            },
          }),
        ),
      ),
    ).toMatchObject({
      providerObjectId: 'TRF_2x5j67tnnw1t98k',
      isTest: true,
      status: 'failed',
      errorMessage: 'Account not found',
      amount: { amountDisplay: 'GHS 300.00' },
    })
  })

  it("reads every currency's amount as hundredths, as Paystack's own plugin does, even where ISO 4217 has no minor unit (XOF, RWF)", () => {
    for (const currency of ['NGN', 'USD', 'GHS', 'ZAR', 'KES', 'EGP'])
      expect(paystackAmount(250000, currency)).toMatchObject({ amountMinor: 250000, amountDisplay: `${currency} 2500.00` })
    expect(paystackAmount(100000, 'XOF')).toEqual({ amountMinor: 1000, amountDisplay: 'XOF 1000', currency: 'XOF', raw: '100000', unit: 'minor' })
    expect(paystackAmount('150000', 'RWF')).toMatchObject({ amountMinor: 1500, amountDisplay: 'RWF 1500' })
    // Hundredths the currency does not have are shown, with no ISO minor units to give.
    expect(paystackAmount(100050, 'XOF')).toMatchObject({ amountMinor: null, amountDisplay: 'XOF 1000.50' })
    expect(paystackAmount(5, 'xof')).toMatchObject({ amountMinor: null, amountDisplay: 'XOF 0.05', currency: 'XOF' })
    // A currency with three decimals gains a digit; one Paystack's summary may not know is still read as hundredths.
    expect(paystackAmount(1550, 'KWD')).toMatchObject({ amountMinor: 15500, amountDisplay: 'KWD 15.500' })
    expect(paystackAmount(1999, null)).toMatchObject({ amountMinor: 1999, amountDisplay: '19.99' })
    expect(paystackAmount('12.5', 'XOF')).toMatchObject({ amountMinor: null, amountDisplay: 'XOF 12.5 (minor units)' })
    expect(paystackAmount(null, 'NGN')).toBeNull()
  })

  it('summarises a charge in XOF (Côte d’Ivoire) in francs', () => {
    const body = JSON.stringify({
      event: 'charge.success',
      data: { id: 4099260516, domain: 'live', status: 'success', reference: 're4lyvq3s3', amount: 2500000, currency: 'XOF' },
    })
    expect(parsePaystack({ method: 'POST', target: '/', headers: [], body: Buffer.from(body) }).amount).toEqual({
      amountMinor: 25000,
      amountDisplay: 'XOF 25000',
      currency: 'XOF',
      raw: '2500000',
      unit: 'minor',
    })
  })
})
