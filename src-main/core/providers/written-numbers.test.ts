/**
 * A summary shows every number as the body wrote it (the quality bar: no re-serialised numbers).
 * JSON.parse, which the summaries read from, turns 100.50 into 100.5, 1e2 into 100, -0 into 0 and
 * 12345678901234567890 into 12345678901234567000; the headline, the amount and the fields must not.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, PinnableProviderId } from '../../shared/providers'
import { text } from './body'
import { analyzeDelivery } from './index'

const analyze = (pinned: PinnableProviderId | null, body: string, headers: HeaderPairs = [], full = true): DeliveryAnalysis =>
  analyzeDelivery(
    { method: 'POST', target: '/in', headers, body: Buffer.from(body) },
    { now: new Date('2025-01-01T00:00:00Z'), keys: [], genericFields: full, ...(pinned ? { pinnedProvider: pinned } : {}) },
  )

/** Written forms JSON.parse reads as another spelling. */
const LEXEMES = ['100.50', '12345678901234567890', '1e2', '-0', '1.0E+2']

interface AmountCase {
  provider: PinnableProviderId
  headers?: HeaderPairs
  /** The body with the amount written as `amount`. */
  body: (amount: string) => string
  /** What the summary's amount reads for a number it does not convert. */
  display: (amount: string) => string
}

const decimal = (currency: string) => (amount: string) => `${amount} ${currency}`
const minor = (currency: string) => (amount: string) => `${currency} ${amount} (minor units)`

const CASES: AmountCase[] = [
  {
    provider: 'ixopay',
    body: (a) => `{"result":"OK","uuid":"u1","merchantTransactionId":"m1","transactionType":"DEBIT","amount":${a},"currency":"EUR"}`,
    display: decimal('EUR'),
  },
  {
    provider: 'chip',
    headers: [['Event-Type', 'payout.success']],
    body: (a) => `{"id":7,"state":"completed","amount":${a},"currency":"MYR"}`,
    display: decimal('MYR'),
  },
  {
    provider: 'chip',
    body: (a) => `{"event_type":"purchase.paid","type":"purchase","id":"p1","status":"paid","purchase":{"total":${a},"currency":"MYR"}}`,
    display: minor('MYR'),
  },
  {
    provider: 'plexo',
    body: (a) => `{"id":"pay_1","status":"approved","transactions":[],"amount":{"total":${a},"currency":"UYU"}}`,
    display: decimal('UYU'),
  },
  {
    provider: 'stripe',
    body: (a) => `{"id":"evt_1","object":"event","type":"charge.succeeded","data":{"object":{"id":"ch_1","amount":${a},"currency":"eur"}}}`,
    display: minor('EUR'),
  },
  {
    provider: 'adyen',
    body: (a) =>
      `{"live":"false","notificationItems":[{"NotificationRequestItem":{"pspReference":"p1","merchantAccountCode":"M","merchantReference":"r1","amount":{"value":${a},"currency":"EUR"},"eventCode":"AUTHORISATION","success":"true"}}]}`,
    display: minor('EUR'),
  },
  {
    provider: 'mollie',
    body: (a) => `{"resource":"event","id":"event_1","type":"payment-link.paid","_embedded":{"entity":{"amount":{"value":${a},"currency":"EUR"}}}}`,
    display: decimal('EUR'),
  },
  {
    provider: 'paypal',
    body: (a) => `{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"id":"c1","amount":{"value":${a},"currency_code":"EUR"}}}`,
    display: decimal('EUR'),
  },
  { provider: 'shopify', body: (a) => `{"id":1,"total_price":${a},"currency":"EUR"}`, display: decimal('EUR') },
  {
    provider: 'mercadopago',
    body: (a) => `{"id":1,"type":"order","action":"order.processed","live_mode":false,"data":{"id":"ORD1","total_paid_amount":${a},"currency":"BRL"}}`,
    display: decimal('BRL'),
  },
  {
    provider: 'square',
    body: (a) =>
      `{"merchant_id":"M","type":"payment.updated","event_id":"e1","data":{"type":"payment","id":"p1","object":{"payment":{"id":"p1","amount_money":{"amount":${a},"currency":"USD"}}}}}`,
    display: minor('USD'),
  },
  {
    provider: 'razorpay',
    body: (a) => `{"entity":"event","event":"payment.captured","payload":{"payment":{"entity":{"id":"pay_1","amount":${a},"currency":"INR"}}}}`,
    display: minor('INR'),
  },
  { provider: 'paystack', body: (a) => `{"event":"charge.success","data":{"id":1,"amount":${a},"currency":"NGN"}}`, display: minor('NGN') },
  {
    provider: 'paddle',
    body: (a) =>
      `{"event_id":"evt_1","event_type":"transaction.completed","data":{"id":"txn_1","currency_code":"USD","details":{"totals":{"grand_total":${a}}}}}`,
    display: minor('USD'),
  },
  {
    provider: 'checkout-com',
    body: (a) => `{"id":"evt_1","type":"payment_approved","data":{"id":"pay_1","amount":${a},"currency":"GBP"}}`,
    display: minor('GBP'),
  },
]

describe('numbers in summaries are shown as written', () => {
  for (const { provider, headers, body, display } of CASES) {
    it(`${provider}${headers ? ' (with headers)' : ''}: an amount written ${LEXEMES.join(', ')}`, () => {
      for (const lexeme of LEXEMES) {
        for (const full of [true, false]) {
          const { summary } = analyze(provider, body(lexeme), headers, full)
          expect({ lexeme, full, raw: summary.amount?.raw, display: summary.amount?.amountDisplay }).toEqual({
            lexeme,
            full,
            raw: lexeme,
            display: display(lexeme),
          })
        }
      }
    })
  }

  it('an amount written as plain digits is still converted ("EUR 1.00" for 100)', () => {
    const stripe = CASES.find((entry) => entry.provider === 'stripe')
    expect(analyze('stripe', stripe?.body('100') ?? '').summary.amount).toMatchObject({ amountMinor: 100, amountDisplay: 'EUR 1.00', raw: '100' })
    const ixopay = CASES.find((entry) => entry.provider === 'ixopay')
    expect(analyze('ixopay', ixopay?.body('100.5') ?? '').summary.amount).toMatchObject({ amountMinor: 10050, amountDisplay: '100.5 EUR' })
  })

  it('ids, headline and field values too, and a count is a count', () => {
    const stripe = analyze('stripe', '{"id":"evt_1","type":"charge.succeeded","data":{"object":{"id":1.50,"status":1e2,"amount":5,"currency":"eur"}}}')
    expect(stripe.summary).toMatchObject({ providerObjectId: '1.50', status: '1e2' })
    expect(stripe.summary.fields).toContainEqual({ label: 'Object id', value: '1.50' })
    // Mercado Pago's confirm request names the id as sent, all of its digits.
    const mercadopago = analyze('mercadopago', '{"id":1,"type":"payment","action":"payment.updated","data":{"id":12345678901234567890}}')
    expect(mercadopago.summary.providerObjectId).toBe('12345678901234567890')
    expect(JSON.stringify(mercadopago.summary.signalOnly)).toContain('12345678901234567890')
    // An unknown sender's headline.
    expect(analyze(null, '{"type":"thing","id":-0,"status":2.50}').summary).toMatchObject({ providerObjectId: '-0', status: '2.50' })
    // A count the summary makes is not looked up in the body (which holds 1.0 for the value 1).
    const adyen = analyze(
      'adyen',
      '{"live":"false","notificationItems":[{"NotificationRequestItem":{"pspReference":"p1","amount":{"value":1.0,"currency":"EUR"},"eventCode":"AUTHORISATION","success":"true"}}]}',
    )
    expect(adyen.summary.fields).toContainEqual({ label: 'Items', value: '1' })
    expect(adyen.summary.amount?.raw).toBe('1.0')
  })

  it('one value written two ways in a body shows both spellings, never one that may be the other field’s', () => {
    const { summary } = analyze('stripe', '{"id":"evt_1","type":"x","data":{"object":{"id":"ch_1","amount":100.50,"fee":100.5,"currency":"eur"}}}')
    expect(summary.amount?.amountDisplay).toBe('EUR 100.50 or 100.5 (minor units)')
  })

  it('Adyen signs an item’s amount as its Node library prints the parsed value, whatever the summary shows', () => {
    const hexKey = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
    for (const lexeme of LEXEMES) {
      // adyen-node-api-library: [pspReference, originalReference, merchantAccountCode, …].join(':') over JSON.parse's values.
      const signed = ['p1', '', 'M', 'r1', String(JSON.parse(lexeme)), 'EUR', 'AUTHORISATION', 'true'].join(':')
      const signature = createHmac('sha256', Buffer.from(hexKey, 'hex')).update(signed, 'utf8').digest('base64')
      const body = `{"live":"false","notificationItems":[{"NotificationRequestItem":{"pspReference":"p1","merchantAccountCode":"M","merchantReference":"r1","amount":{"value":${lexeme},"currency":"EUR"},"eventCode":"AUTHORISATION","success":"true","additionalData":{"hmacSignature":"${signature}"}}}]}`
      const { verdict, summary } = analyzeDelivery(
        { method: 'POST', target: '/in', headers: [], body: Buffer.from(body) },
        { now: new Date(), keys: [{ kind: 'hmac-secret', provider: 'adyen', value: hexKey }], pinnedProvider: 'adyen' },
      )
      expect({ lexeme, status: verdict.status, raw: summary.amount?.raw }).toEqual({ lexeme, status: 'valid', raw: lexeme })
      expect(verdict.message).toBe("the item's hmacSignature matches")
    }
  })

  it('outside a summary a number has no spelling to read: an integer past 2^53 is marked approximate', () => {
    expect(text(Number('12345678901234567890'))).toBe('≈1.2345678901234567e+19')
    expect(text(100.5)).toBe('100.5')
  })
})
