/**
 * Paddle Billing signatures checked against Paddle's own SDK (`@paddle/paddle-node-sdk`,
 * `webhooks.isSignatureValid` / `webhooks.unmarshal`) as the independent implementation, over fresh
 * secrets and random bodies: valid, one byte of the body or the signature flipped, the wrong secret,
 * a stale timestamp. Headers are made both by plain node:crypto here and by `signPaddle`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { Paddle } from '@paddle/paddle-node-sdk'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import { describeSecretShapeMismatch } from '../../shared/key-shape'
import type { ProviderKey } from '../../shared/providers'
import { parseJsonBody } from './body'
import {
  PADDLE_DEFAULT_TOLERANCE_SECONDS,
  PADDLE_SECRET_PREFIX,
  checkPaddleSecret,
  generatePaddleSecret,
  paddleSignedBytes,
  parsePaddle,
  paddleProvider,
  parsePaddleSignatureHeader,
  recognisePaddleByBody,
  recognisePaddleByHeader,
  signPaddle,
  verifyPaddle,
} from './paddle'
import { SigningDraft } from './signing-draft'

const ROUNDS = 6
const paddle = new Paddle('pdl_sdbx_apikey_unused_for_webhooks')

function paddleKey(value: string): ProviderKey {
  return { kind: 'hmac-secret', provider: 'paddle', value }
}

function delivery(headers: HeaderPairs, body: Buffer): { method: string; target: string; headers: HeaderPairs; body: Buffer } {
  return { method: 'POST', target: '/paddle/webhook', headers, body }
}

function flipByte(bytes: Buffer, index = Math.floor(bytes.length / 2)): Buffer {
  const copy = Buffer.from(bytes)
  copy[index] = (copy[index] ?? 0) ^ 0x01
  return copy
}

function flipHex(hex: string): string {
  return flipByte(Buffer.from(hex, 'hex'), 3).toString('hex')
}

/** A transaction.completed event with random ids, amounts and text (non-ASCII included). */
function randomEvent(): Buffer {
  const id = (prefix: string): string => `${prefix}_01${randomBytes(12).toString('hex').slice(0, 24)}`
  return Buffer.from(
    JSON.stringify({
      event_id: id('evt'),
      event_type: 'transaction.completed',
      occurred_at: new Date().toISOString(),
      notification_id: id('ntf'),
      data: {
        id: id('txn'),
        status: 'completed',
        currency_code: 'EUR',
        custom_data: { note: `ü ${randomUUID()}`, n: Math.floor(Math.random() * 1e6) },
        items: [],
        payments: [],
        details: {
          tax_rates_used: [],
          line_items: [],
          totals: { subtotal: '0', tax: '0', total: '0', grand_total: String(Math.floor(Math.random() * 1e6)), currency_code: 'EUR' },
        },
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      },
    }),
  )
}

/** Paddle's scheme written out independently of paddle.ts. */
function independentHeader(secret: string, timestamp: number, body: Buffer): { header: string; h1: string } {
  const h1 = createHmac('sha256', secret).update(`${timestamp}:`).update(body).digest('hex')
  return { header: `ts=${timestamp};h1=${h1}`, h1 }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Paddle signatures (@paddle/paddle-node-sdk webhooks.isSignatureValid / unmarshal)', () => {
  it('agrees with the SDK on valid, tampered, wrong-secret and stale deliveries', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = generatePaddleSecret()
      const body = randomEvent()
      const timestamp = Math.floor(Date.now() / 1000) - 1
      const at = new Date((timestamp + 1) * 1000)
      // The SDK reads the real clock: pin it where the verifier's `now` is.
      vi.useFakeTimers({ toFake: ['Date'], now: at })
      const { header, h1 } = independentHeader(secret, timestamp, body)
      const keys = [paddleKey(secret)]
      const check = (headers: HeaderPairs, bytes: Buffer, withKeys = keys, now = at): ReturnType<typeof verifyPaddle> =>
        verifyPaddle(delivery(headers, bytes), withKeys, { now })

      const valid = check([['Paddle-Signature', header]], body)
      expect(valid.verdict).toMatchObject({ status: 'valid', variant: 'h1' })
      expect(valid.explanation.attempts[0]?.computedSignature).toBe(h1)
      expect(valid.explanation.timestamp).toMatchObject({ skewSeconds: 1, toleranceSeconds: PADDLE_DEFAULT_TOLERANCE_SECONDS, withinTolerance: true })
      expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), secret, header)).toBe(true)

      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      const tampered = flipByte(body)
      expect(check([['Paddle-Signature', header]], tampered).verdict).toMatchObject(mismatch)
      expect(await paddle.webhooks.isSignatureValid(tampered.toString('utf8'), secret, header)).toBe(false)

      const badSignature = `ts=${timestamp};h1=${flipHex(h1)}`
      expect(check([['Paddle-Signature', badSignature]], body).verdict).toMatchObject(mismatch)
      expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), secret, badSignature)).toBe(false)

      const wrongSecret = `${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`
      expect(check([['Paddle-Signature', header]], body, [paddleKey(wrongSecret)]).verdict).toMatchObject(mismatch)
      expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), wrongSecret, header)).toBe(false)

      // The timestamp is signed: moving it breaks the signature.
      expect(check([['Paddle-Signature', `ts=${timestamp + 1};h1=${h1}`]], body).verdict).toMatchObject(mismatch)

      // Six seconds after signing is past the SDK's five: both say no, ours says why.
      const late = new Date((timestamp + PADDLE_DEFAULT_TOLERANCE_SECONDS + 1) * 1000)
      vi.setSystemTime(late)
      expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), secret, header)).toBe(false)
      const stale = check([['Paddle-Signature', header]], body, keys, late)
      expect(stale.verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
      expect(stale.verdict.message).toContain('the signature itself matches')
      vi.useRealTimers()
    }
  })

  it('signPaddle headers are accepted by the SDK and unmarshal to the same event', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = generatePaddleSecret()
      const body = randomEvent()
      const timestamp = Math.floor(Date.now() / 1000)
      const signed = signPaddle({ secret, body, timestamp })
      expect(signed.header).toBe(independentHeader(secret, timestamp, body).header)
      expect(signed.signedMessage).toBe(`${timestamp}:${body.toString('utf8')}`)
      const event = await paddle.webhooks.unmarshal(body.toString('utf8'), secret, signed.header)
      const parsed = parseJsonBody(body) as { event_id: string; notification_id: string }
      expect(event.eventId).toBe(parsed.event_id)
      expect(event.notificationId).toBe(parsed.notification_id)
      await expect(paddle.webhooks.unmarshal(flipByte(body).toString('utf8'), secret, signed.header)).rejects.toThrow(/signature verification failed/)
    }
  })

  it('accepts any h1 of a rotation, checks the raw bytes, and reports no key, no header and malformed headers', () => {
    const oldSecret = generatePaddleSecret()
    const newSecret = generatePaddleSecret()
    const body = randomEvent()
    const timestamp = 1_700_000_000
    const now = new Date((timestamp + 2) * 1000)
    const oldH1 = independentHeader(oldSecret, timestamp, body).h1
    const newH1 = independentHeader(newSecret, timestamp, body).h1
    const rotation: HeaderPairs = [['Paddle-Signature', `ts=${timestamp};h1=${oldH1};h1=${newH1}`]]
    for (const secret of [oldSecret, newSecret]) {
      const verdict = verifyPaddle(delivery(rotation, body), [paddleKey(secret)], { now })
      expect(verdict.verdict.status).toBe('valid')
      expect(verdict.explanation.notes.join(' ')).toContain('2 h1 signatures')
    }

    // Bytes that are not valid UTF-8 are signed as bytes: a string round trip would change them.
    const binary = Buffer.concat([body, Buffer.from([0xff, 0xfe])])
    const binaryHeader = independentHeader(newSecret, timestamp, binary).header
    expect(verifyPaddle(delivery([['Paddle-Signature', binaryHeader]], binary), [paddleKey(newSecret)], { now }).verdict.status).toBe('valid')
    expect(paddleSignedBytes(timestamp, binary).subarray(-2)).toEqual(Buffer.from([0xff, 0xfe]))

    const header: HeaderPairs = [['paddle-signature', independentHeader(newSecret, timestamp, body).header]]
    expect(verifyPaddle(delivery(header, body), [], { now }).verdict.status).toBe('no-key')
    expect(verifyPaddle(delivery([], body), [paddleKey(newSecret)], { now }).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    for (const malformed of [`h1=${newH1}`, `ts=abc;h1=${newH1}`, `ts=${timestamp}`, `ts=${timestamp};h1=xyz`, `ts=${timestamp};h1=${newH1.slice(2)}`]) {
      expect(verifyPaddle(delivery([['Paddle-Signature', malformed]], body), [paddleKey(newSecret)], { now }).verdict).toMatchObject({
        status: 'invalid',
        reason: 'malformed-signature',
      })
    }
    // A tolerance set on the endpoint replaces the SDK's five seconds.
    const late = new Date((timestamp + 60) * 1000)
    expect(verifyPaddle(delivery(header, body), [paddleKey(newSecret)], { now: late }).verdict).toMatchObject({ reason: 'stale-timestamp' })
    expect(verifyPaddle(delivery(header, body), [paddleKey(newSecret)], { now: late, toleranceSeconds: 300 }).verdict.status).toBe('valid')
    // The stale message names the tolerance applied: the SDK's by default, the endpoint's when set.
    expect(verifyPaddle(delivery(header, body), [paddleKey(newSecret)], { now: late }).verdict.message).toContain("tolerance 5 s, Paddle's SDK default")
    expect(verifyPaddle(delivery(header, body), [paddleKey(newSecret)], { now: late, toleranceSeconds: 30 }).verdict.message).toContain(
      "tolerance 30 s, the endpoint's setting (the signature itself matches)",
    )
  })

  it('parses the header as the SDK does: ";" between parts, the first "=" splits', () => {
    expect(parsePaddleSignatureHeader('ts=1671552777;h1=ab;h1=cd;v2=ef')).toEqual({ timestamp: 1671552777, h1: ['ab', 'cd'], ignored: ['v2=ef'] })
    expect(parsePaddleSignatureHeader(' ts = 12 ; h1 = ab ')).toEqual({ timestamp: 12, h1: ['ab'], ignored: [] })
    expect(parsePaddleSignatureHeader('garbage').timestamp).toBeNull()
  })
})

describe('Paddle summary', () => {
  const transaction = {
    event_id: 'evt_01hv8x2acma2gz8m8y2ngxm8ta',
    event_type: 'transaction.completed',
    occurred_at: '2024-04-12T10:18:49.621022Z',
    notification_id: 'ntf_01hv8x2af4kqd2mp8pbq2vfd6s',
    data: {
      id: 'txn_01hv8wptq8987qeep44cyrewp9',
      status: 'completed',
      customer_id: 'ctm_01hv6y1jedq4p1n0yqn5ba3ky4',
      origin: 'web',
      currency_code: 'USD',
      custom_data: { order_id: 'ORD-1042' },
      invoice_number: '325-10566',
      details: { totals: { subtotal: '1000', tax: '99', total: '1099', grand_total: '1099', currency_code: 'USD' } },
      payments: [
        { status: 'error', error_code: 'declined', method_details: { type: 'card', card: { type: 'visa', last4: '0002' } } },
        { status: 'captured', error_code: null, method_details: { type: 'card', card: { type: 'mastercard', last4: '4444' } } },
      ],
    },
  }

  it('reads a transaction: string amounts in the lowest denomination, ids, the last payment attempt', () => {
    const summary = parsePaddle(delivery([], Buffer.from(JSON.stringify(transaction))))
    expect(summary).toMatchObject({
      eventType: 'transaction.completed',
      eventId: 'ntf_01hv8x2af4kqd2mp8pbq2vfd6s',
      status: 'completed',
      providerObjectId: 'txn_01hv8wptq8987qeep44cyrewp9',
      merchantReference: 'ORD-1042',
      paymentMethod: 'mastercard',
      maskedCard: '******4444',
      errorCode: null,
      bodyFormat: 'json',
    })
    expect(summary.amount).toEqual({ amountMinor: 1099, amountDisplay: 'USD 10.99', currency: 'USD', raw: '1099', unit: 'minor' })
    expect(summary.fields).toContainEqual({ label: 'Event id', value: 'evt_01hv8x2acma2gz8m8y2ngxm8ta' })
    expect(summary.fields).toContainEqual({ label: 'Amount', value: 'USD 10.99 (1099 in the lowest denomination)' })
  })

  it('formats zero-decimal currencies, adjustments and payouts, and says when data is missing', () => {
    const yen = { ...transaction, data: { ...transaction.data, currency_code: 'JPY', details: { totals: { grand_total: '1500', currency_code: 'JPY' } } } }
    expect(parsePaddle(delivery([], Buffer.from(JSON.stringify(yen)))).amount?.amountDisplay).toBe('JPY 1500')
    const adjustment = {
      event_id: 'evt_1',
      event_type: 'adjustment.created',
      notification_id: 'ntf_1',
      data: {
        id: 'adj_1',
        action: 'refund',
        status: 'pending_approval',
        transaction_id: 'txn_1',
        currency_code: 'GBP',
        totals: { total: '-250', currency_code: 'GBP' },
      },
    }
    const adjusted = parsePaddle(delivery([], Buffer.from(JSON.stringify(adjustment))))
    expect(adjusted.amount?.amountDisplay).toBe('GBP -2.50')
    expect(adjusted.fields).toContainEqual({ label: 'Action', value: 'refund' })
    const payout = {
      event_id: 'evt_2',
      event_type: 'payout.paid',
      notification_id: 'ntf_2',
      data: { id: 'pay_1', status: 'paid', amount: '10000', currency_code: 'KWD' },
    }
    expect(parsePaddle(delivery([], Buffer.from(JSON.stringify(payout)))).amount?.amountDisplay).toBe('KWD 10.000')
    const empty = parsePaddle(delivery([], Buffer.from('{"event_id":"evt_3","event_type":"x"}')))
    expect(empty.problems).toContain('the event has no data object')
    expect(empty.eventId).toBe('evt_3')
    expect(parsePaddle(delivery([], Buffer.from('not json'))).problems[0]).toContain('not a JSON Paddle event')
  })
})

describe('Paddle recognition and keys', () => {
  it('recognises the header first and an unsigned event body second', () => {
    expect(recognisePaddleByHeader(delivery([['paddle-signature', 'ts=1;h1=00']], Buffer.alloc(0)))).toBe('Paddle-Signature header')
    expect(recognisePaddleByHeader(delivery([['Stripe-Signature', 't=1,v1=00']], Buffer.alloc(0)))).toBeNull()
    expect(recognisePaddleByBody(parseJsonBody(randomEvent()))).toContain('Paddle event body')
    expect(recognisePaddleByBody({ event_id: 'evt_1', event_type: 'x', data: {} })).toBeNull()
    expect(recognisePaddleByBody({ id: 'evt_1', type: 'payment_approved', data: {} })).toBeNull()
  })

  it('generates secrets in Paddle’s format and refuses ids and API keys filed as secrets', () => {
    const secret = generatePaddleSecret()
    expect(secret).toMatch(/^pdl_ntfset_[0-9a-hjkmnp-tv-z]{26}_[0-9A-Za-z]{32}$/)
    expect(generatePaddleSecret()).not.toBe(secret)
    const warnings: string[] = []
    expect(checkPaddleSecret(secret, warnings)).toBeNull()
    expect(warnings).toEqual([])
    expect(checkPaddleSecret('ntfset_01gkpjp8bkm3tm53kdgkx6sms7', [])).toContain('notification destination id')
    expect(checkPaddleSecret('pdl_sdbx_apikey_01abc', [])).toContain('API key')
    expect(checkPaddleSecret(` ${secret}`, [])).toContain('spaces')
    expect(checkPaddleSecret('some-other-secret', warnings)).toBeNull()
    expect(warnings[0]).toContain(PADDLE_SECRET_PREFIX)
    // Filed under another provider, a Paddle secret key is refused with the provider it belongs to.
    expect(describeSecretShapeMismatch('stripe', secret)).toMatchObject({ suggestedProvider: 'paddle' })
    expect(describeSecretShapeMismatch('paddle', secret)).toBeNull()
  })
})

describe('Paddle re-signing (for resends)', () => {
  it('signs the body being sent with a fresh ts, which the SDK accepts; says so when there is no key', async () => {
    const secret = generatePaddleSecret()
    const body = randomEvent()
    const step = paddleProvider.resign?.signatureHeader
    expect(step?.scheme).toBe('paddle-h1')
    const draft = new SigningDraft({
      method: 'POST',
      url: 'https://example.com/paddle',
      target: '/paddle',
      headers: [['paddle-signature', 'ts=1;h1=00']],
      body,
    })
    const now = new Date()
    const nowSeconds = Math.floor(now.getTime() / 1000)
    step?.apply(draft, [paddleKey(secret)], { now, nowSeconds, plexoLifetimeSeconds: 300 })
    const header = draft.header('Paddle-Signature') ?? ''
    expect(header).toBe(independentHeader(secret, nowSeconds, body).header)
    expect(draft.headers[0]?.[0]).toBe('paddle-signature')
    expect(draft.changes).toMatchObject([{ scheme: 'paddle-h1', provider: 'paddle', location: 'header', before: 'ts=1;h1=00' }])
    expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), secret, header)).toBe(true)

    const unsigned = new SigningDraft({ method: 'POST', url: 'https://example.com/', target: '/', headers: [], body })
    step?.apply(unsigned, [paddleKey(secret)], { now, nowSeconds, plexoLifetimeSeconds: 300 })
    expect(unsigned.changes).toEqual([])
    const keyless = new SigningDraft({ method: 'POST', url: 'https://example.com/', target: '/', headers: [['Paddle-Signature', 'ts=1;h1=00']], body })
    step?.apply(keyless, [], { now, nowSeconds, plexoLifetimeSeconds: 300 })
    expect(keyless.skipped).toMatchObject([{ scheme: 'paddle-h1', provider: 'paddle', reason: expect.stringContaining('no Paddle secret key') }])
  })
})

describe('Paddle simulation', () => {
  it('signs with the endpoint key or a generated one; the SDK and our verifier accept the result', async () => {
    const event = parseJsonBody(randomEvent()) ?? {}
    const now = new Date()
    for (const keys of [[], [paddleKey(generatePaddleSecret())]]) {
      const headers: HeaderPairs = [['Content-Type', 'application/json']]
      const signed = paddleProvider.simulate?.sign({
        body: event,
        serialise: (body) => Buffer.from(JSON.stringify(body)),
        headers,
        target: '/paddle',
        keys,
        keyKind: 'hmac-secret',
        now,
      })
      expect(signed?.key.generated).toBe(keys.length === 0)
      const secret = signed?.verificationKey?.kind === 'hmac-secret' ? signed.verificationKey.value : ''
      if (keys.length === 0) expect(signed?.key.generatedSecret).toBe(secret)
      else expect(secret).toBe((keys[0] as { value: string }).value)
      expect(secret.startsWith(PADDLE_SECRET_PREFIX)).toBe(true)
      const header = headers.find(([name]) => name === 'Paddle-Signature')?.[1] ?? ''
      expect(await paddle.webhooks.isSignatureValid(signed?.body.toString('utf8') ?? '', secret, header)).toBe(true)
      expect(
        verifyPaddle(delivery(headers, signed?.body ?? Buffer.alloc(0)), signed?.verificationKey ? [signed.verificationKey] : [], { now }).verdict.status,
      ).toBe('valid')
    }
  })
})

describe('Paddle acknowledgement, retries, URL rule and delivery identity', () => {
  it('says what Paddle counts as delivered and how it retries', () => {
    const profile = paddleProvider.acknowledgement?.(undefined)
    expect(profile).toMatchObject({ expects: 'HTTP 200 within 5 s', timeoutMs: 5000, acknowledgement: { kind: 'respond', status: 200 } })
    expect([200, 201, 204, 302, 500].map((status) => profile?.judge(status, ''))).toEqual(['success', 'uncertain', 'uncertain', 'failure', 'failure'])
    expect(paddleProvider.retrySchedule(null)).toMatchObject({
      provider: 'paddle',
      kind: 'outline',
      retries: [],
      sourceUrl: expect.stringContaining('developer.paddle.com'),
    })
    expect(paddleProvider.publicUrl.rules.https.severity).toBe('required')
    const identity = paddleProvider.deliveryIdentity
    expect(
      identity?.parts({ variant: 'webhook', summary: { eventType: null, status: null, objectId: 'txn_1', reference: null, eventId: 'ntf_1' }, headers: [] }),
    ).toEqual(['ntf_1'])
    expect(identity?.parts({ variant: 'webhook', summary: { eventType: null, status: null, objectId: 'txn_1', reference: null }, headers: [] })).toBeNull()
  })
})
