/**
 * What the Razorpay and Paystack modules say besides signatures, as their documentation states it:
 * the acknowledgement each counts as success, the retry schedule, what ties the attempts of one
 * delivery together, the key rules, and the public-URL rules the pre-flight checklist applies
 * (Razorpay refuses tunnel domains such as loca.lt and ports other than 80 and 443).
 */
import { describe, expect, it } from 'vitest'
import { describeSecretShapeMismatch } from '../../shared/key-shape'
import type { DeliveryIdentityInput } from './provider-module'
import { paystackProvider } from './paystack'
import { razorpayProvider } from './razorpay'
import { providerModule } from './registry'
import { preflightPublicUrl } from '../tunnel/preflight'

const identity = (input: Partial<DeliveryIdentityInput> & Pick<DeliveryIdentityInput, 'summary'>): DeliveryIdentityInput => ({
  variant: 'webhook',
  headers: [],
  ...input,
})
const summary = (fields: Partial<DeliveryIdentityInput['summary']> = {}): DeliveryIdentityInput['summary'] => ({
  eventType: null,
  status: null,
  objectId: null,
  reference: null,
  ...fields,
})

describe('Razorpay module', () => {
  it('is the registry’s module for razorpay', () => {
    expect(providerModule('razorpay')).toBe(razorpayProvider)
  })

  it('counts any 2xx within 5 s as delivered, and answers with an empty 200', () => {
    const profile = razorpayProvider.acknowledgement?.('webhook')
    expect(profile).toMatchObject({ subject: 'Razorpay', timeoutMs: 5000, acknowledgement: { kind: 'respond', status: 200, body: null } })
    expect([200, 204, 299, 301, 400, 500].map((status) => profile?.judge(status, ''))).toEqual([
      'success',
      'success',
      'success',
      'failure',
      'failure',
      'failure',
    ])
  })

  it('retries for 24 hours without published times', () => {
    expect(razorpayProvider.retrySchedule('webhook')).toMatchObject({
      provider: 'razorpay',
      kind: 'outline',
      retries: [],
      successRule: 'any 2xx within 5 s',
      sourceUrl: 'https://razorpay.com/docs/webhooks/best-practices/',
    })
  })

  it('ties the attempts of one event by x-razorpay-event-id, else by the bytes', () => {
    const parts = (input: DeliveryIdentityInput) => razorpayProvider.deliveryIdentity?.parts(input)
    expect(parts(identity({ headers: [['x-razorpay-event-id', ' KbYfI3nYtl5kGC ']], summary: summary({ objectId: 'pay_1' }) }))).toEqual(['KbYfI3nYtl5kGC'])
    expect(parts(identity({ summary: summary({ eventId: 'KbYf' }) }))).toEqual(['KbYf'])
    expect(parts(identity({ summary: summary({ objectId: 'pay_1', eventType: 'payment.captured' }) }))).toBeNull()
  })

  it('pre-flight: refuses loca.lt and ngrok.io hosts and ports other than 80/443; https recommended', () => {
    const failed = (url: string) => preflightPublicUrl(url, 'razorpay').filter((check) => !check.ok)
    expect(failed('https://brave-cat-12.loca.lt/default')).toEqual([
      expect.objectContaining({ check: 'public-host', severity: 'required', detail: expect.stringContaining('loca.lt') as unknown }),
    ])
    expect(failed('https://abc.ngrok.io/x').map((check) => check.check)).toEqual(['public-host'])
    expect(failed('https://hooks.example.com:8443/x').map((check) => check.check)).toEqual(['port'])
    expect(failed('https://hooks.example.com/razorpay')).toEqual([])
    expect(failed('http://hooks.example.com/razorpay')).toEqual([expect.objectContaining({ check: 'https', severity: 'recommended' })])
    // Another provider is not held to Razorpay's list.
    expect(preflightPublicUrl('https://brave-cat-12.loca.lt/default', 'paystack').filter((check) => !check.ok)).toEqual([])
  })

  it('generates secrets its own check accepts', () => {
    const rules = razorpayProvider.hmacSecret
    const warnings: string[] = []
    expect(rules.check(rules.generate(), warnings)).toBeNull()
    expect(warnings).toEqual([])
  })
})

describe('Paystack module', () => {
  it('is the registry’s module for paystack', () => {
    expect(providerModule('paystack')).toBe(paystackProvider)
  })

  it('counts HTTP 200 as delivered; another 2xx is uncertain; anything else a failure', () => {
    const profile = paystackProvider.acknowledgement?.('webhook')
    expect(profile).toMatchObject({ subject: 'Paystack', timeoutMs: 30_000, acknowledgement: { kind: 'respond', status: 200, body: null } })
    expect([200, 201, 204, 302, 404, 500].map((status) => profile?.judge(status, ''))).toEqual([
      'success',
      'uncertain',
      'uncertain',
      'failure',
      'failure',
      'failure',
    ])
  })

  it('retries every 3 minutes for 4 tries, then hourly for 72 hours (live mode)', () => {
    const schedule = paystackProvider.retrySchedule('webhook')
    expect(schedule).toMatchObject({ provider: 'paystack', kind: 'published-times', successRule: 'HTTP 200' })
    const retries = schedule?.retries ?? []
    expect(retries).toHaveLength(76)
    expect(retries.slice(0, 4).every((step) => step.delayMs === 3 * 60_000 && step.from === 'previous-attempt')).toBe(true)
    expect(retries.slice(4).every((step) => step.delayMs === 3_600_000 && step.from === 'previous-attempt')).toBe(true)
    expect(retries.reduce((total, step) => total + step.delayMs, 0)).toBe(12 * 60_000 + 72 * 3_600_000)
    expect(schedule?.caveat).toContain('test-mode')
  })

  it('ties the attempts of one event by event, object id and status; different events stay apart', () => {
    const parts = (input: DeliveryIdentityInput) => paystackProvider.deliveryIdentity?.parts(input)
    const charge = summary({ eventType: 'charge.success', objectId: '302961', reference: 'qTPrJoy9Bx', status: 'success' })
    expect(parts(identity({ summary: charge }))).toEqual(['charge.success', '302961', 'success'])
    expect(parts(identity({ summary: summary({ eventType: 'refund.processed', reference: 'T215', status: 'processed' }) }))).toEqual([
      'refund.processed',
      'T215',
      'processed',
    ])
    expect(parts(identity({ summary: summary({ eventType: 'subscription.expiring_cards' }) }))).toBeNull()
  })

  it('keys: the secret key passes, a public key is refused, another shape is a warning', () => {
    const rules = paystackProvider.hmacSecret
    const check = (value: string) => {
      const warnings: string[] = []
      return { refused: rules.check(value, warnings), warnings }
    }
    expect(check(rules.generate())).toEqual({ refused: null, warnings: [] })
    expect(check('sk_live_0f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b')).toEqual({ refused: null, warnings: [] })
    expect(check('pk_test_0f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b').refused).toContain('public key')
    expect(check('some-other-secret').warnings).toEqual([expect.stringContaining('sk_test_… or sk_live_…') as unknown])
  })

  it('key shapes: a Paystack secret key under Stripe is pointed to Paystack; Paystack API keys are not taken for Stripe ones', () => {
    const secretKey = 'sk_test_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b'
    expect(describeSecretShapeMismatch('stripe', secretKey)).toMatchObject({ suggestedProvider: 'paystack' })
    expect(describeSecretShapeMismatch('razorpay', secretKey)?.message).toContain('file it under Paystack')
    expect(describeSecretShapeMismatch('paystack', secretKey)).toBeNull()
    expect(describeSecretShapeMismatch('paystack', 'sk_live_51HxYzStripeLikeKey')).toBeNull()
    expect(describeSecretShapeMismatch('paystack', 'pk_test_0f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b')).toBeNull()
    // A Stripe API key is still refused elsewhere.
    expect(describeSecretShapeMismatch('razorpay', 'sk_test_51HxYzStripeLikeKey')?.message).toContain('Stripe API key')
  })
})
