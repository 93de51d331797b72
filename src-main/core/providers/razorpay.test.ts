/**
 * Razorpay against its own npm SDK: razorpay-node's `validateWebhookSignature(body, signature,
 * secret)` is the independent implementation. Over fresh secrets and random event bodies, the SDK
 * accepts what `signRazorpay` makes, and the inspector's verdict agrees with the SDK on the valid
 * delivery and on each one-byte change (body, signature), a wrong secret and upper-case hex.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import Razorpay from 'razorpay'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { parseJsonBody } from './body'
import {
  RAZORPAY_EVENT_ID_HEADER,
  RAZORPAY_SIGNATURE_HEADER,
  parseRazorpay,
  razorpayPrimaryEntity,
  razorpayRules,
  signRazorpay,
  verifyRazorpay,
} from './razorpay'
import type { Delivery } from './verification'

const ROUNDS = 8

function razorpayKey(value: string): ProviderKey {
  return { kind: 'hmac-secret', provider: 'razorpay', value }
}

function delivery(headers: HeaderPairs, body: Buffer): Delivery {
  return { method: 'POST', target: '/razorpay/webhook', headers, body }
}

/** Flips the low bit of one ASCII byte (so the body stays the same UTF-8 text length for the SDK, which reads a string). */
function flipAsciiByte(bytes: Buffer): Buffer {
  const ascii = [...bytes.keys()].filter((index) => (bytes[index] ?? 0x80) < 0x80)
  const index = ascii[randomInt(ascii.length)] ?? 0
  const copy = Buffer.from(bytes)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

function flipHex(signature: string): string {
  const bytes = Buffer.from(signature, 'hex')
  const index = randomInt(bytes.length)
  bytes[index] = (bytes[index] ?? 0) ^ 0x01
  return bytes.toString('hex')
}

function randomEvent(): Buffer {
  const amount = randomInt(100, 10_000_000)
  const paymentId = `pay_${randomBytes(7).toString('base64url')}`
  return Buffer.from(
    JSON.stringify({
      entity: 'event',
      account_id: `acc_${randomBytes(7).toString('base64url')}`,
      event: 'payment.captured',
      contains: ['payment'],
      payload: {
        payment: {
          entity: {
            id: paymentId,
            entity: 'payment',
            amount,
            currency: 'INR',
            status: 'captured',
            method: 'upi',
            notes: { note: `ü ${randomUUID()} ${randomBytes(randomInt(0, 30)).toString('base64')}` },
            created_at: Math.floor(Date.now() / 1000),
          },
        },
      },
      created_at: Math.floor(Date.now() / 1000),
    }),
  )
}

/** The SDK's verdict: it throws on missing arguments and compares the hex text exactly. */
function sdkAccepts(body: Buffer, signature: string, secret: string): boolean {
  return Razorpay.validateWebhookSignature(body.toString('utf8'), signature, secret)
}

function inspectorAccepts(body: Buffer, signature: string, secret: string): boolean {
  return verifyRazorpay(delivery([[RAZORPAY_SIGNATURE_HEADER, signature]], body), [razorpayKey(secret)]).verdict.status === 'valid'
}

describe('Razorpay signature (razorpay npm: validateWebhookSignature)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: SDK and inspector agree on valid, tampered body, tampered signature, wrong secret, upper-case hex`, () => {
      const secret = randomBytes(randomInt(8, 40)).toString('base64url')
      const body = randomEvent()
      const signature = signRazorpay(secret, body)
      expect(signature).toMatch(/^[0-9a-f]{64}$/)

      const cases: Array<{ name: string; body: Buffer; signature: string; secret: string; valid: boolean }> = [
        { name: 'valid', body, signature, secret, valid: true },
        { name: 'body byte flipped', body: flipAsciiByte(body), signature, secret, valid: false },
        { name: 'signature byte flipped', body, signature: flipHex(signature), secret, valid: false },
        { name: 'wrong secret', body, signature, secret: `${secret}x`, valid: false },
        { name: 'upper-case hex', body, signature: signature.toUpperCase(), secret, valid: false },
      ]
      for (const testCase of cases) {
        expect({ name: testCase.name, sdk: sdkAccepts(testCase.body, testCase.signature, testCase.secret) }).toEqual({
          name: testCase.name,
          sdk: testCase.valid,
        })
        expect({ name: testCase.name, inspector: inspectorAccepts(testCase.body, testCase.signature, testCase.secret) }).toEqual({
          name: testCase.name,
          inspector: testCase.valid,
        })
      }
    })
  }

  it('reasons: mismatch, wrong encoding, malformed, no key, unsigned', () => {
    const secret = randomBytes(16).toString('hex')
    const body = randomEvent()
    const signature = signRazorpay(secret, body)
    const verify = (headers: HeaderPairs, keys = [razorpayKey(secret)], bytes = body) => verifyRazorpay(delivery(headers, bytes), keys)

    expect(verify([[RAZORPAY_SIGNATURE_HEADER, signature]]).verdict).toMatchObject({ status: 'valid' })
    const mismatch = verify([[RAZORPAY_SIGNATURE_HEADER, signature]], [razorpayKey('other')])
    expect(mismatch.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(mismatch.explanation.notes.join(' ')).toContain('not the API key secret')
    expect(mismatch.explanation.attempts).toHaveLength(1)
    expect(verify([[RAZORPAY_SIGNATURE_HEADER, signature.toUpperCase()]]).verdict).toMatchObject({ status: 'invalid', reason: 'wrong-encoding' })
    expect(verify([[RAZORPAY_SIGNATURE_HEADER, signature.slice(2)]]).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(verify([[RAZORPAY_SIGNATURE_HEADER, Buffer.from(signature, 'hex').toString('base64')]]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-signature',
    })
    expect(verify([[RAZORPAY_SIGNATURE_HEADER, signature]], []).verdict).toMatchObject({ status: 'no-key' })
    // Rotation: the old and the new secret both configured, the new one signs.
    const rotated = verify([[RAZORPAY_SIGNATURE_HEADER, signature]], [razorpayKey('old-secret'), razorpayKey(secret)])
    expect(rotated.verdict.status).toBe('valid')
    expect(rotated.explanation.attempts.map((attempt) => attempt.matched)).toEqual([false, true])

    const unsigned = verify([[RAZORPAY_EVENT_ID_HEADER, 'evt_1']])
    expect(unsigned.verdict.status).toBe('unsigned')
    const paymentId = String((parseJsonBody(body) as { payload: { payment: { entity: { id: string } } } }).payload.payment.entity.id)
    expect(unsigned.verdict).toMatchObject({ confirmHint: { display: `GET https://api.razorpay.com/v1/payments/${paymentId}` } })
  })
})

describe('Razorpay recognition and summary', () => {
  const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))
  const recognise = (headers: HeaderPairs, body: Buffer): string[] =>
    Object.entries(razorpayRules).flatMap(([name, rule]) =>
      rule({ delivery: delivery(headers, body), json: parseJsonBody(body), keys: [] }) === null ? [] : [name],
    )

  it('is recognised by its signature header, its event id header or its event body', () => {
    const body = randomEvent()
    expect(recognise([[RAZORPAY_SIGNATURE_HEADER, 'ab']], Buffer.from('{}'))).toEqual(['signatureHeader'])
    expect(recognise([['x-razorpay-event-id', 'KFJ2']], Buffer.from('x'))).toEqual(['eventIdHeader'])
    expect(recognise([], body)).toEqual(['eventBody'])
    expect(recognise([], event({ entity: 'event', event: 'payment.captured', payload: {} }))).toEqual([])
  })

  it('amounts are in the currency subunit: paise, yen, thousandths of a dinar', () => {
    const payment = (amount: number, currency: string) =>
      parseRazorpay(
        delivery(
          [],
          event({
            entity: 'event',
            account_id: 'acc_1',
            event: 'payment.captured',
            contains: ['payment'],
            payload: { payment: { entity: { id: 'pay_1', amount, currency, status: 'captured' } } },
          }),
        ),
      ).amount
    expect(payment(50000, 'INR')).toMatchObject({ amountMinor: 50000, amountDisplay: 'INR 500.00', currency: 'INR', unit: 'minor' })
    expect(payment(295, 'JPY')).toMatchObject({ amountDisplay: 'JPY 295' })
    expect(payment(295990, 'KWD')).toMatchObject({ amountDisplay: 'KWD 295.990' })
    expect(payment(100, 'SGD')).toMatchObject({ amountDisplay: 'SGD 1.00' })
  })

  it('summarises a payment with its card, error, order and the event id header', () => {
    const summary = parseRazorpay(
      delivery(
        [[RAZORPAY_EVENT_ID_HEADER, 'KbYfI3nYtl5kGC']],
        event({
          entity: 'event',
          account_id: 'acc_BFQ7uQEaa7j2z7',
          event: 'payment.failed',
          contains: ['payment'],
          payload: {
            payment: {
              entity: {
                id: 'pay_DESp9bgForNoUd',
                amount: 100,
                currency: 'INR',
                status: 'failed',
                method: 'card',
                order_id: 'order_DESp8xfEdAz9Vf',
                card: { iin: '999999', last4: '0153', network: 'Visa' },
                error_code: 'BAD_REQUEST_ERROR',
                error_description: 'Payment failed',
              },
            },
          },
          created_at: 1691735748,
        }),
      ),
    )
    expect(summary).toMatchObject({
      eventType: 'payment.failed',
      eventId: 'KbYfI3nYtl5kGC',
      status: 'failed',
      providerObjectId: 'pay_DESp9bgForNoUd',
      paymentMethod: 'card',
      maskedCard: '999999******0153',
      errorCode: 'BAD_REQUEST_ERROR',
      errorMessage: 'Payment failed',
      amount: { amountDisplay: 'INR 1.00' },
    })
    expect(summary.fields).toContainEqual({ label: 'Order', value: 'order_DESp8xfEdAz9Vf' })
    expect(summary.fields).toContainEqual({ label: 'Created', value: '2023-08-11T06:35:48.000Z' })
  })

  it('finds the entity an event is about, and the merchant receipt of an order', () => {
    const dispute = event({
      entity: 'event',
      account_id: 'acc_1',
      event: 'payment.dispute.created',
      contains: ['payment', 'dispute'],
      payload: { payment: { entity: { id: 'pay_1', amount: 1000 } }, dispute: { entity: { id: 'disp_1', amount: 500, currency: 'INR', status: 'open' } } },
    })
    expect(razorpayPrimaryEntity(parseJsonBody(dispute))?.name).toBe('dispute')
    expect(parseRazorpay(delivery([], dispute))).toMatchObject({ providerObjectId: 'disp_1', status: 'open', amount: { amountDisplay: 'INR 5.00' } })

    const orderPaid = event({
      entity: 'event',
      account_id: 'acc_1',
      event: 'order.paid',
      contains: ['payment', 'order'],
      payload: {
        payment: { entity: { id: 'pay_2', amount: 479030, currency: 'INR', status: 'captured', method: 'netbanking' } },
        order: { entity: { id: 'order_2', amount: 479030, currency: 'INR', receipt: 'rcpt-15', status: 'paid' } },
      },
    })
    expect(parseRazorpay(delivery([], orderPaid))).toMatchObject({
      providerObjectId: 'order_2',
      status: 'paid',
      merchantReference: 'rcpt-15',
      paymentMethod: 'netbanking',
      amount: { amountDisplay: 'INR 4790.30' },
    })
  })

  it('says what is wrong with a body that is not an event', () => {
    expect(parseRazorpay(delivery([], Buffer.from('not json'))).problems).toEqual(['the body is not a JSON event'])
  })
})
