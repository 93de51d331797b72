import { describe, expect, it } from 'vitest'
import type { CaptureRecognition } from '../../shared/views'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderId } from '../../shared/providers'
import { analyzeDelivery } from '../providers'
import { toRecognition } from '../recognition'
import { loadVectors } from '../../test-support/vectors'
import { deliveryKeyFrom, describeDeliveryKey, indexedDeliveryKeysOf, MAX_DELIVERY_KEY_LENGTH } from './delivery-key'

const SHA = 'a'.repeat(64)

function recognition(id: ProviderId, summary: Partial<CaptureRecognition['summary']> = {}, variant: string | null = null): CaptureRecognition {
  return {
    provider: { id, name: id, variant },
    verdict: { status: 'valid', reason: null, message: '' },
    summary: { eventType: null, status: null, objectId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false, ...summary },
  }
}

function key(rec: CaptureRecognition | null, headers: HeaderPairs = [], bodySha256 = SHA): string {
  return deliveryKeyFrom({ id: 'cap-1', outcome: 'captured', headers, recognition: rec, bodySha256 })
}

describe('deliveryKeyFrom', () => {
  it('keys an IXOPAY callback by transaction, type and result, so PENDING then OK are two deliveries', () => {
    const pending = key(recognition('ixopay', { objectId: 'uuid-1', eventType: 'DEBIT', status: 'PENDING' }))
    const ok = key(recognition('ixopay', { objectId: 'uuid-1', eventType: 'DEBIT', status: 'OK' }))
    expect(ok).toBe('ixopay:uuid-1:DEBIT:OK')
    expect(pending).not.toBe(ok)
    // A retry of the same callback with a different body hash (a new Date) is the same delivery.
    expect(key(recognition('ixopay', { objectId: 'uuid-1', eventType: 'DEBIT', status: 'OK' }), [], 'b'.repeat(64))).toBe(ok)
  })

  it('falls back to the merchant transaction id when IXOPAY sent no uuid, else to the body hash', () => {
    expect(key(recognition('ixopay', { reference: 'order-4711', eventType: 'DEBIT', status: 'OK' }))).toBe('ixopay:order-4711:DEBIT:OK')
    expect(key(recognition('ixopay', {}))).toBe(`sha256:${SHA}`)
  })

  it('keys CHIP by object id, event type, status and updated_on (a record stored before it was kept: without)', () => {
    expect(key(recognition('chip', { objectId: 'p-1', eventType: 'purchase.paid', status: 'paid', revision: '1700000000' }))).toBe(
      'chip:p-1:purchase.paid:paid:1700000000',
    )
    expect(key(recognition('chip', { objectId: 'p-1', eventType: 'purchase.paid', status: 'paid', revision: null }))).toBe('chip:p-1:purchase.paid:paid')
    expect(key(recognition('chip', { objectId: 'p-1', eventType: 'purchase.paid', status: 'paid' }))).toBe('chip:p-1:purchase.paid:paid')
  })

  it('reads header-carried delivery ids for Standard Webhooks, Svix and Shopify', () => {
    expect(key(recognition('standard-webhooks'), [['Webhook-Id', 'msg_1']])).toBe('standard-webhooks:msg_1')
    expect(key(recognition('standard-webhooks'), [['svix-id', 'msg_2']])).toBe('standard-webhooks:msg_2')
    expect(key(recognition('shopify', { objectId: 'gid://shopify/Order/1' }), [['X-Shopify-Webhook-Id', 'wh-1']])).toBe('shopify:wh-1')
    expect(key(recognition('shopify'), [])).toBe(`sha256:${SHA}`)
  })

  it('uses the body hash where the event id is only in the body, and for unknown senders', () => {
    for (const id of ['stripe', 'paypal', 'swedbankpay', 'generic', 'unknown'] as const) {
      // Stripe and PayPal without an event id: captures stored before the id was kept.
      expect(key(recognition(id, { objectId: 'obj-1', eventType: 'x' }))).toBe(`sha256:${SHA}`)
    }
    expect(key(null)).toBe(`sha256:${SHA}`)
    expect(key(recognition('mollie', { objectId: 'tr_1' }, 'next-gen'))).toBe(`sha256:${SHA}`)
    expect(key(recognition('mollie', { objectId: 'tr_1' }, 'classic'))).toBe('mollie:tr_1')
    expect(key(recognition('adyen', { objectId: 'psp', eventType: 'AUTHORISATION', status: 'success' }, 'classic'))).toBe('adyen:psp:AUTHORISATION:success')
    expect(key(recognition('adyen', { objectId: 'BA1' }, 'platform'))).toBe(`sha256:${SHA}`)
  })

  it('keys Stripe and PayPal by their event id, the same on every retry', () => {
    expect(key(recognition('stripe', { objectId: 'pi_1', eventType: 'payment_intent.succeeded', eventId: 'evt_1' }))).toBe('stripe:evt_1')
    expect(key(recognition('paypal', { objectId: 'PAY-1', eventId: 'WH-1' }))).toBe('paypal:WH-1')
    expect(describeDeliveryKey('stripe:evt_1')).toBe('the Stripe event id')
    // The provider as the catalogue names it, not its id.
    expect(describeDeliveryKey('checkout-com:evt_1')).toMatch(/^the Checkout\.com /)
    expect(describeDeliveryKey('standard-webhooks:msg_1')).toMatch(/^the Standard Webhooks \/ Svix /)
    expect(describeDeliveryKey('newpay:x')).toBe('the newpay id')
  })

  it('escapes separators so different ids cannot collide', () => {
    const a = key(recognition('chip', { objectId: 'a:b', eventType: 'c' }))
    const b = key(recognition('chip', { objectId: 'a', eventType: 'b:c' }))
    expect(a).not.toBe(b)
  })

  it('keys an id holding a lone surrogate, each apart, and other ids as before', () => {
    // encodeURIComponent throws on a lone surrogate: such a callback was answered 500 and never stored.
    const lone = (objectId: string) => key(recognition('chip', { objectId, eventType: 'purchase.paid', status: 'paid' }))
    expect(lone('\udfff x \ud83d')).toBe('chip:%uDFFF%20x%20%uD83D:purchase.paid:paid')
    expect(lone('\ud800')).not.toBe(lone('\udc00'))
    // What no lone surrogate can collide with: a percent sign and a u in the id, and the same text well formed.
    expect(lone('%uD800')).toBe('chip:%25uD800:purchase.paid:paid')
    expect(lone('😀 é:1')).toBe('chip:%F0%9F%98%80%20%C3%A9%3A1:purchase.paid:paid')
    expect(indexedDeliveryKeysOf(lone('\ud800'))).toEqual([lone('\ud800')])
  })

  it('gives a refused request a key of its own', () => {
    expect(deliveryKeyFrom({ id: 'cap-9', outcome: 'refused', headers: [], recognition: null, bodySha256: SHA })).toBe('refused:cap-9')
  })

  it('hashes ids too long to index', () => {
    const long = key(recognition('standard-webhooks'), [['webhook-id', 'x'.repeat(5000)]])
    expect(long.length).toBeLessThanOrEqual(MAX_DELIVERY_KEY_LENGTH)
    expect(long.startsWith('standard-webhooks:sha256-of-id:')).toBe(true)
  })

  it('describes what grouped the attempts', () => {
    expect(describeDeliveryKey('ixopay:u:DEBIT:OK')).toBe('the IXOPAY transaction id, type and result')
    expect(describeDeliveryKey(`sha256:${SHA}`)).toBe('the same body bytes')
  })
})

describe('deliveryKeyFrom on recognised requests', () => {
  it('keeps Stripe’s event id from the body, so retries with new signatures group together', () => {
    const body = Buffer.from(
      JSON.stringify({
        id: 'evt_1NG8Du2eZvKYlo2CUI79vXWy',
        object: 'event',
        type: 'payment_intent.succeeded',
        pending_webhooks: 2,
        data: { object: { id: 'pi_1', object: 'payment_intent', status: 'succeeded' } },
      }),
    )
    const keys = ['t=1700000000,v1=aa', 't=1700000600,v1=bb'].map((signature) => {
      const headers: HeaderPairs = [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', signature],
      ]
      const analysis = analyzeDelivery({ method: 'POST', target: '/stripe', headers, body }, { now: new Date(), keys: [] })
      return deliveryKeyFrom({ id: 'c', outcome: 'captured', headers, recognition: toRecognition(analysis), bodySha256: SHA })
    })
    expect(keys).toEqual(['stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy', 'stripe:evt_1NG8Du2eZvKYlo2CUI79vXWy'])
  })
})

describe('Plexo legacy delivery keys across the upgrade that named the state', () => {
  /** A legacy callback's recognition as stored: the state as the number it was sent as (before) or its SDK name (after). */
  const legacy = (eventType: string, status: string, objectId = '5f0c1e2d3a4b5c6d7e8f9012') =>
    recognition('plexo', { objectId, eventType, status, reference: 'INV-1001' }, 'legacy-envelope')

  it('keys a payment stored with its state as a number ("0") and as its name ("Reserve") as one delivery', () => {
    const named = key(legacy('TransactionCallback', 'Reserve'))
    expect(named).toBe('plexo:5f0c1e2d3a4b5c6d7e8f9012:TransactionCallback:Reserve')
    expect(key(legacy('TransactionCallback', '0'))).toBe(named)
    expect(key(legacy('TransactionCallback', '1'))).toBe('plexo:5f0c1e2d3a4b5c6d7e8f9012:TransactionCallback:Purchase')
    // An instrument callback's Action flags: 3 is SelectInstrument and RegisterInstrument.
    expect(key(legacy('InstrumentCallback', '3', 's-1'))).toBe(key(legacy('InstrumentCallback', 'SelectInstrument, RegisterInstrument', 's-1')))
    // A new state is still a new callback, and a state the SDKs do not define stays as it came.
    expect(key(legacy('TransactionCallback', '3'))).not.toBe(named)
    expect(key(legacy('TransactionCallback', '8'))).toBe('plexo:5f0c1e2d3a4b5c6d7e8f9012:TransactionCallback:8')
    // The REST API's statuses are words already.
    expect(key(recognition('plexo', { objectId: 'p-1', eventType: 'purchase', status: 'approved' }, 'rest'))).toBe('plexo:p-1:purchase:approved')
  })

  it('the signed vector, as recognised today, has the key the number gave before', () => {
    const vector = loadVectors('plexo.json').find((each) => each.name === 'plexo-legacy-signed-transaction-callback-valid')
    if (!vector) throw new Error('vector missing')
    const headers: HeaderPairs = [['Content-Type', 'application/json']]
    const analysis = analyzeDelivery({ method: 'POST', target: '/plexo', headers, body: Buffer.from(vector.body) }, { now: new Date(), keys: [] })
    const today = deliveryKeyFrom({ id: 'c', outcome: 'captured', headers, recognition: toRecognition(analysis), bodySha256: SHA })
    expect(today).toBe(key(legacy('TransactionCallback', '0')))
  })

  it('looks a named state up under the number earlier versions indexed it by too', () => {
    const named = key(legacy('InstrumentCallback', 'SelectInstrument, RegisterInstrument', 's-1'))
    expect(indexedDeliveryKeysOf(named)).toEqual([named, 'plexo:s-1:InstrumentCallback:3'])
    expect(indexedDeliveryKeysOf(key(legacy('TransactionCallback', 'Refund')))).toEqual([
      'plexo:5f0c1e2d3a4b5c6d7e8f9012:TransactionCallback:Refund',
      'plexo:5f0c1e2d3a4b5c6d7e8f9012:TransactionCallback:3',
    ])
    // Nothing else had an earlier form.
    expect(indexedDeliveryKeysOf('plexo:p-1:purchase:approved')).toEqual(['plexo:p-1:purchase:approved'])
    expect(indexedDeliveryKeysOf('ixopay:uuid-1:DEBIT:OK')).toEqual(['ixopay:uuid-1:DEBIT:OK'])
    expect(indexedDeliveryKeysOf(`sha256:${SHA}`)).toEqual([`sha256:${SHA}`])
  })
})
