/**
 * Checkout.com signatures. `checkout-sdk-node` publishes no signature verifier (checked below, so a
 * future one is noticed), so the independent implementations are the docs' recipe written twice
 * more: WebCrypto's HMAC (`crypto.subtle`) and the OpenSSL command line, over fresh keys and random
 * bodies, valid and with one byte flipped; the SDK's own webhook parser reads our bodies.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes, randomUUID, webcrypto } from 'node:crypto'
import * as checkoutSdk from 'checkout-sdk-node'
import * as webhookUtils from 'checkout-sdk-node/dist/services/webhook-utils.js'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { parseJsonBody } from './body'
import {
  checkCheckoutComSecret,
  checkoutComAmount,
  checkoutComProvider,
  generateCheckoutComSecret,
  parseCheckoutCom,
  recogniseCheckoutComByBody,
  recogniseCheckoutComByHeader,
  signCheckoutCom,
  verifyCheckoutCom,
} from './checkout-com'
import { SigningDraft } from './signing-draft'

const ROUNDS = 6

function checkoutKey(value: string, authorizationKey?: string): ProviderKey {
  return { kind: 'hmac-secret', provider: 'checkout-com', value, ...(authorizationKey ? { apiKey: authorizationKey } : {}) }
}

function delivery(headers: HeaderPairs, body: Buffer): { method: string; target: string; headers: HeaderPairs; body: Buffer } {
  return { method: 'POST', target: '/checkout/webhook', headers, body }
}

function flipByte(bytes: Buffer, index = Math.floor(bytes.length / 2)): Buffer {
  const copy = Buffer.from(bytes)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

function randomPaymentEvent(): Buffer {
  const id = (prefix: string): string => `${prefix}_${randomBytes(13).toString('hex').slice(0, 26)}`
  const payment = id('pay')
  return Buffer.from(
    JSON.stringify(
      {
        id: id('evt'),
        type: 'payment_captured',
        version: '1.0.33',
        created_on: new Date().toISOString(),
        data: {
          id: payment,
          action_id: id('act'),
          amount: Math.floor(Math.random() * 1e6),
          currency: 'GBP',
          reference: `ORD-${randomUUID()}`,
          response_code: '10000',
          response_summary: 'Approved',
          metadata: { note: `© ü ${randomUUID()}` },
        },
        _links: {
          self: { href: `https://api.sandbox.checkout.com/workflows/events/${id('evt')}` },
          payment: { href: `https://api.sandbox.checkout.com/payments/${payment}` },
        },
      },
      null,
      2,
    ),
  )
}

/** The docs' recipe through WebCrypto: a second HMAC implementation path, independent of node:crypto's createHmac. */
async function webCryptoSignature(key: string, body: Buffer): Promise<string> {
  const imported = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return Buffer.from(await webcrypto.subtle.sign('HMAC', imported, body)).toString('hex')
}

const hasOpenssl = spawnSync('openssl', ['version']).status === 0

/** The same recipe through the OpenSSL CLI, reading the raw body from stdin. */
function opensslSignature(key: string, body: Buffer): string {
  const output = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key], { input: body }).toString('utf8').trim()
  return output.slice(output.lastIndexOf(' ') + 1)
}

describe('Checkout.com signatures (WebCrypto and OpenSSL as independent implementations)', () => {
  it('checkout-sdk-node publishes no signature verifier, only webhook JSON parsing', () => {
    const names = [...Object.keys(checkoutSdk), ...Object.keys(webhookUtils)]
    expect(names.filter((name) => /signature|hmac|verif/i.test(name))).toEqual([])
    expect(Object.keys(webhookUtils)).toContain('parseWebhookPayload')
  })

  it('agrees with WebCrypto on valid, tampered and wrong-key deliveries', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = generateCheckoutComSecret()
      const body = randomPaymentEvent()
      const signature = await webCryptoSignature(key, body)
      expect(signCheckoutCom(key, body)).toBe(signature)
      const keys = [checkoutKey(key)]

      const valid = verifyCheckoutCom(delivery([['Cko-Signature', signature]], body), keys)
      expect(valid.verdict).toMatchObject({ status: 'valid', variant: 'HMAC-SHA256 hex' })
      expect(valid.explanation.attempts[0]?.computedSignature).toBe(signature)
      // Checkout.com's docs say "hex-encoded (Base16)": upper case is hex too.
      expect(verifyCheckoutCom(delivery([['cko-signature', signature.toUpperCase()]], body), keys).verdict.status).toBe('valid')

      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      const tampered = flipByte(body)
      expect(await webCryptoSignature(key, tampered)).not.toBe(signature)
      expect(verifyCheckoutCom(delivery([['Cko-Signature', signature]], tampered), keys).verdict).toMatchObject(mismatch)
      const flipped = flipByte(Buffer.from(signature, 'hex'), 5).toString('hex')
      expect(verifyCheckoutCom(delivery([['Cko-Signature', flipped]], body), keys).verdict).toMatchObject(mismatch)
      expect(verifyCheckoutCom(delivery([['Cko-Signature', signature]], body), [checkoutKey(`${key}x`)]).verdict).toMatchObject(mismatch)
      // The SDK's parser reads the very bytes that were signed.
      expect(webhookUtils.parseWebhookPayload(body.toString('utf8'))).toEqual(parseJsonBody(body))
    }
  })

  it.skipIf(!hasOpenssl)('agrees with the OpenSSL CLI', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = generateCheckoutComSecret()
      const body = Buffer.concat([randomPaymentEvent(), randomBytes(7)])
      const signature = opensslSignature(key, body)
      expect(signature).toMatch(/^[0-9a-f]{64}$/)
      expect(signCheckoutCom(key, body)).toBe(signature)
      expect(verifyCheckoutCom(delivery([['Cko-Signature', signature]], body), [checkoutKey(key)]).verdict.status).toBe('valid')
      expect(verifyCheckoutCom(delivery([['Cko-Signature', opensslSignature(key, flipByte(body))]], body), [checkoutKey(key)]).verdict.status).toBe('invalid')
    }
  })

  it('checks the authorization header key alongside or instead of the signature, never showing it', () => {
    const key = generateCheckoutComSecret()
    const authorization = `auth-${randomUUID()}`
    const body = randomPaymentEvent()
    const signature = signCheckoutCom(key, body)
    const both = [checkoutKey(key, authorization)]
    const signedAndAuthorised = verifyCheckoutCom(
      delivery(
        [
          ['Cko-Signature', signature],
          ['Authorization', authorization],
        ],
        body,
      ),
      both,
    )
    expect(signedAndAuthorised.verdict).toMatchObject({ status: 'valid', message: 'Cko-Signature matches, and so does the Authorization header' })
    expect(JSON.stringify(signedAndAuthorised.explanation)).not.toContain(authorization)

    const wrongAuthorization = verifyCheckoutCom(
      delivery(
        [
          ['Cko-Signature', signature],
          ['Authorization', `${authorization}x`],
        ],
        body,
      ),
      both,
    )
    expect(wrongAuthorization.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(wrongAuthorization.verdict.message).toContain('Authorization header does not match')
    expect(JSON.stringify(wrongAuthorization.explanation)).not.toContain(authorization)
    expect(verifyCheckoutCom(delivery([['Cko-Signature', signature]], body), both).verdict.status).toBe('invalid')

    // A webhook with only an authorization header key sends no Cko-Signature.
    expect(verifyCheckoutCom(delivery([['Authorization', authorization]], body), both).verdict).toMatchObject({
      status: 'valid',
      variant: 'Authorization header key',
    })
    expect(verifyCheckoutCom(delivery([['Authorization', 'other']], body), both).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })

  it('reports no key, no header and a malformed header', () => {
    const body = randomPaymentEvent()
    const signature = signCheckoutCom('k', body)
    expect(verifyCheckoutCom(delivery([['Cko-Signature', signature]], body), []).verdict.status).toBe('no-key')
    expect(verifyCheckoutCom(delivery([], body), [checkoutKey('k')]).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    for (const malformed of ['', 'xyz', signature.slice(2), `sha256=${signature}`, Buffer.from(signature, 'hex').toString('base64')]) {
      expect(verifyCheckoutCom(delivery([['Cko-Signature', malformed]], body), [checkoutKey('k')]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'malformed-signature',
      })
    }
  })
})

describe('Checkout.com summary', () => {
  const approved = {
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
      reference: 'ORD-5023-4E89',
      source: { type: 'card', scheme: 'Visa', bin: '424242', last4: '4242' },
      customer: { id: 'cus_udst2tfldj6upmye2reztkmm4i' },
    },
    _links: { self: { href: 'https://api.sandbox.checkout.com/workflows/events/evt_az5sblvku4ge3dwpztvyizgcau' } },
  }

  it('reads a payment event: ids, reference, minor-unit amount, card, sandbox', () => {
    const summary = parseCheckoutCom(delivery([], Buffer.from(JSON.stringify(approved))))
    expect(summary).toMatchObject({
      eventType: 'payment_approved',
      eventId: 'evt_az5sblvku4ge3dwpztvyizgcau',
      providerObjectId: 'pay_mbabizu24mvu3mela5njyhpit4',
      merchantReference: 'ORD-5023-4E89',
      status: 'Authorized',
      paymentMethod: 'Visa',
      maskedCard: '424242******4242',
      errorCode: null,
      isTest: true,
    })
    expect(summary.amount).toEqual({ amountMinor: 6540, amountDisplay: 'USD 65.40', currency: 'USD', raw: '6540', unit: 'minor' })
    expect(summary.fields).toContainEqual({ label: 'Amount', value: 'USD 65.40 (6540 in Checkout.com minor units)' })
  })

  it('reports declines with their response code and reads production links', () => {
    const declined = {
      ...approved,
      type: 'payment_declined',
      data: { ...approved.data, status: undefined, response_code: '20051', response_summary: 'Insufficient Funds' },
      _links: { self: { href: 'https://api.checkout.com/workflows/events/evt_1' } },
    }
    const summary = parseCheckoutCom(delivery([], Buffer.from(JSON.stringify(declined))))
    expect(summary).toMatchObject({ status: 'Insufficient Funds', errorCode: '20051', errorMessage: 'Insufficient Funds', isTest: false })
    expect(parseCheckoutCom(delivery([], Buffer.from('{"id":"evt_1","type":"x"}'))).problems).toContain('the event has no data object')
  })

  it('formats amounts by Checkout.com’s currency table, which differs from ISO 4217', () => {
    expect(checkoutComAmount(100, 'JPY')?.amountDisplay).toBe('JPY 100')
    expect(checkoutComAmount(100000, 'BHD')?.amountDisplay).toBe('BHD 100.000')
    expect(checkoutComAmount(10000, 'USD')?.amountDisplay).toBe('USD 100.00')
    // ISO 4217 gives CLP no decimals and ISK none either; Checkout.com counts CLP in hundredths, ISK in units.
    expect(checkoutComAmount(150000, 'CLP')?.amountDisplay).toBe('CLP 1500.00')
    expect(checkoutComAmount(500, 'ISK')?.amountDisplay).toBe('ISK 500')
    expect(checkoutComAmount(500, 'UGX')?.amountDisplay).toBe('UGX 500')
    expect(checkoutComAmount(5, 'EUR')?.amountDisplay).toBe('EUR 0.05')
    expect(checkoutComAmount('12.5', 'EUR')).toMatchObject({ amountMinor: null, amountDisplay: 'EUR 12.5 (minor units)' })
    expect(checkoutComAmount(undefined, 'EUR')).toBeNull()
  })
})

describe('Checkout.com recognition and keys', () => {
  it('recognises the header first and an unsigned event body second, not Stripe events', () => {
    expect(recogniseCheckoutComByHeader(delivery([['CKO-SIGNATURE', 'ab']], Buffer.alloc(0)))).toBe('Cko-Signature header')
    expect(recogniseCheckoutComByHeader(delivery([['Paddle-Signature', 'ts=1;h1=00']], Buffer.alloc(0)))).toBeNull()
    expect(recogniseCheckoutComByBody(parseJsonBody(randomPaymentEvent()))).toContain('Checkout.com event body')
    expect(recogniseCheckoutComByBody({ id: 'evt_1', object: 'event', type: 'charge.succeeded', created: 1, data: { object: {} } })).toBeNull()
  })

  it('generates keys and refuses API keys or padded keys', () => {
    const key = generateCheckoutComSecret()
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(checkCheckoutComSecret(key, [])).toBeNull()
    expect(checkCheckoutComSecret('sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e', [])).toContain('API key')
    expect(checkCheckoutComSecret(`${key}\n`, [])).toContain('spaces')
  })
})

describe('Checkout.com re-signing (for resends)', () => {
  it('signs the body being sent, keeps the Authorization header as captured, says so when there is no key', async () => {
    const key = generateCheckoutComSecret()
    const body = randomPaymentEvent()
    const step = checkoutComProvider.resign?.signatureHeader
    const context = { now: new Date(), nowSeconds: Math.floor(Date.now() / 1000), plexoLifetimeSeconds: 300 }
    const draft = new SigningDraft({
      method: 'POST',
      url: 'https://example.com/checkout',
      target: '/checkout',
      headers: [
        ['Authorization', 'auth-key'],
        ['Cko-Signature', '00'],
      ],
      body,
    })
    step?.apply(draft, [checkoutKey(key, 'auth-key')], context)
    expect(draft.header('Cko-Signature')).toBe(await webCryptoSignature(key, body))
    expect(draft.header('Authorization')).toBe('auth-key')
    expect(draft.changes).toMatchObject([{ scheme: 'checkout-com-hmac-sha256', provider: 'checkout-com', name: 'Cko-Signature' }])
    const keyless = new SigningDraft({ method: 'POST', url: 'https://example.com/', target: '/', headers: [['Cko-Signature', '00']], body })
    step?.apply(keyless, [], context)
    expect(keyless.skipped).toMatchObject([{ scheme: 'checkout-com-hmac-sha256', reason: expect.stringContaining('no Checkout.com signature key') }])
  })
})

describe('Checkout.com simulation', () => {
  it('signs with the endpoint key (sending its authorization header key) or a generated one', async () => {
    const event = parseJsonBody(randomPaymentEvent()) ?? {}
    for (const keys of [[], [checkoutKey(generateCheckoutComSecret(), 'auth-key-1')]]) {
      const headers: HeaderPairs = [['Content-Type', 'application/json']]
      const signed = checkoutComProvider.simulate?.sign({
        body: event,
        serialise: (body) => Buffer.from(JSON.stringify(body)),
        headers,
        target: '/checkout',
        keys,
        keyKind: 'hmac-secret',
        now: new Date(),
      })
      const body = signed?.body ?? Buffer.alloc(0)
      const key = signed?.verificationKey?.kind === 'hmac-secret' ? signed.verificationKey.value : ''
      expect(signed?.key.generated).toBe(keys.length === 0)
      expect(headers.find(([name]) => name === 'Cko-Signature')?.[1]).toBe(await webCryptoSignature(key, body))
      expect(headers.find(([name]) => name === 'Authorization')?.[1]).toBe(keys.length === 0 ? undefined : 'auth-key-1')
      expect(verifyCheckoutCom(delivery(headers, body), signed?.verificationKey ? [signed.verificationKey] : []).verdict.status).toBe('valid')
    }
  })
})

describe('Checkout.com acknowledgement, retries and delivery identity', () => {
  it('any 2xx within 10 s; eight published resends, each after the one before', () => {
    const profile = checkoutComProvider.acknowledgement?.(undefined)
    expect(profile).toMatchObject({ timeoutMs: 10_000, acknowledgement: { status: 200 } })
    expect([200, 204, 400, 503].map((status) => profile?.judge(status, ''))).toEqual(['success', 'success', 'failure', 'failure'])
    const schedule = checkoutComProvider.retrySchedule(null)
    const minutes = schedule?.retries.map((step) => step.delayMs / 60_000)
    expect(minutes).toEqual([5, 10, 15, 30, 60, 240, 720, 720])
    expect(schedule?.retries.every((step) => step.from === 'previous-attempt')).toBe(true)
    expect(minutes?.reduce((total, each) => total + each, 0)).toBe(30 * 60)
    expect(
      checkoutComProvider.deliveryIdentity?.parts({
        variant: 'webhook',
        summary: { eventType: 'payment_captured', status: null, objectId: 'pay_1', reference: null, eventId: 'evt_1' },
        headers: [],
      }),
    ).toEqual(['evt_1'])
  })
})
