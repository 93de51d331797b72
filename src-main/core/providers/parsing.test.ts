/**
 * Summaries per provider (amount rules, batch items, confirm requests), recognition order, and
 * hostile input: binary, truncated, huge, deeply nested bodies and odd headers never throw.
 */
import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import { PROVIDER_IDS, type DeliveryAnalysis, type PinnableProviderId, type ProviderKey } from '../../shared/providers'
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, parseJsonBody, unparsedJsonReason } from './body'
import { analyzeDelivery, detectProvider } from './index'

interface VectorCase {
  name: string
  path: string
  headers: Record<string, string>
  body: string
}
const vectors = (file: string): VectorCase[] =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../shared/fixtures/vectors/${file}`, import.meta.url)), 'utf8')) as VectorCase[]
const vector = (file: string, name: string): VectorCase => {
  const found = vectors(file).find((candidate) => candidate.name === name)
  if (!found) throw new Error(`missing ${name}`)
  return found
}
const analyzeVector = (file: string, name: string, keys: ProviderKey[] = []): DeliveryAnalysis => {
  const found = vector(file, name)
  return analyzeDelivery(
    { method: 'POST', target: found.path, headers: Object.entries(found.headers), body: Buffer.from(found.body) },
    { now: new Date('2025-01-01T00:00:00Z'), keys },
  )
}
const analyze = (headers: HeaderPairs, body: Buffer | string, options: { pinned?: PinnableProviderId; keys?: ProviderKey[] } = {}): DeliveryAnalysis =>
  analyzeDelivery(
    { method: 'POST', target: '/in', headers, body: typeof body === 'string' ? Buffer.from(body) : body },
    { now: new Date(), keys: options.keys ?? [], ...(options.pinned ? { pinnedProvider: options.pinned } : {}) },
  )

describe('summaries', () => {
  it('IXOPAY: decimal-string amounts ("9.99 EUR"), card, references', () => {
    const { summary, verdict } = analyzeVector('ixopay.json', 'ixopay-json-sha512-ok-valid')
    expect(verdict.status).toBe('no-key')
    expect(summary).toMatchObject({
      status: 'OK',
      eventType: 'DEBIT',
      providerObjectId: 'd94c0d72f3a36e21f16e',
      merchantReference: 'your-unique-identifier',
      paymentMethod: 'Creditcard',
      maskedCard: '411111******1111',
      bodyFormat: 'json',
    })
    expect(summary.amount).toEqual({ amountMinor: 999, amountDisplay: '9.99 EUR', currency: 'EUR', raw: '9.99', unit: 'decimal' })
    expect(summary.fields).toContainEqual({ label: 'Purchase id', value: '20241230-d94c0d72f3a36e21f16e' })
  })
  it('IXOPAY: error codes and messages', () => {
    const { summary } = analyzeVector('ixopay.json', 'ixopay-json-sha512-error-valid')
    expect(summary).toMatchObject({ status: 'ERROR', errorCode: '2003', errorMessage: 'Payment declined' })
    expect(summary.amount?.amountDisplay).toBe('25.00 EUR')
    expect(summary.fields).toContainEqual({ label: 'Adapter message', value: 'Do not honor' })
  })
  it('CHIP Collect: integer minor units ("MYR 50.00"), event, status, reference, method', () => {
    const { summary, provider } = analyzeVector('chip.json', 'chip-generated-purchase-paid-valid')
    expect(provider).toMatchObject({ id: 'chip', variant: 'collect' })
    expect(summary).toMatchObject({
      eventType: 'purchase.paid',
      status: 'paid',
      providerObjectId: '7c4a9a43-1f0b-4d5c-9d6e-2f7f0a3b5c11',
      merchantReference: 'ORDER-1234',
      paymentMethod: 'fpx',
      isTest: true,
    })
    expect(summary.amount).toEqual({ amountMinor: 5000, amountDisplay: 'MYR 50.00', currency: 'MYR', raw: '5000', unit: 'minor' })
  })
  it('CHIP: 100 minor units is "MYR 1.00"; the {event_type, object} wrapper is accepted', () => {
    const body = JSON.stringify({
      event_type: 'purchase.paid',
      object: { id: 'p1', type: 'purchase', status: 'paid', purchase: { total: 100, currency: 'MYR' } },
    })
    const { summary } = analyze([], body, { pinned: 'chip' })
    expect(summary.amount?.amountDisplay).toBe('MYR 1.00')
    expect(summary).toMatchObject({ eventType: 'purchase.paid', providerObjectId: 'p1' })
  })
  it('CHIP Send: event from the Event-Type header, decimal amount', () => {
    const { summary, provider } = analyzeVector('chip.json', 'chip-send-generated-sha512-valid')
    expect(provider).toMatchObject({ id: 'chip', variant: 'send' })
    expect(summary).toMatchObject({ eventType: 'send_instruction_status', status: 'completed', merchantReference: 'PAYOUT-1' })
    expect(summary.amount?.amountDisplay).toBe('10.00 MYR')
  })
  it('Plexo REST: status, signal-only with GET /v1/payments/{id}, masked card, decline details', () => {
    const approved = analyzeVector('plexo.json', 'plexo-rest-payment-callback-approved')
    expect(approved.provider).toMatchObject({ id: 'plexo', variant: 'rest' })
    expect(approved.summary).toMatchObject({
      status: 'approved',
      providerObjectId: '6305dd2d000d6ed5d1ecf79b',
      merchantReference: 'order-1001',
      maskedCard: '555555******4444',
      eventType: 'purchase',
    })
    expect(approved.summary.signalOnly).toMatchObject({
      method: 'GET',
      path: '/v1/payments/6305dd2d000d6ed5d1ecf79b',
      url: 'https://api.plexo.com.uy/v1/payments/6305dd2d000d6ed5d1ecf79b',
    })
    expect(approved.verdict).toMatchObject({ status: 'unsigned', confirmHint: { display: 'GET /v1/payments/6305dd2d000d6ed5d1ecf79b' } })
    const denied = analyzeVector('plexo.json', 'plexo-rest-payment-callback-denied')
    expect(denied.summary).toMatchObject({ status: 'denied', errorCode: '05', errorMessage: 'Do not honor' })
  })
  it('Plexo legacy: envelope fields', () => {
    const { summary, provider } = analyzeVector('plexo.json', 'plexo-legacy-signed-transaction-callback-valid')
    expect(provider).toMatchObject({ id: 'plexo', variant: 'legacy-envelope' })
    expect(summary).toMatchObject({
      providerObjectId: '5f0c1e2d3a4b5c6d7e8f9012',
      merchantReference: 'INV-1001',
      eventType: 'TransactionCallback',
      paymentMethod: 'VISA 4111',
    })
    expect(summary.amount?.raw).toBe('100.5')
  })
  it('PayEx / Swedbank Pay: signal only, GET the payment order (not the payment)', () => {
    const order = analyzeVector('swedbankpay.json', 'swedbankpay-paymentorder-v3.0-callback')
    expect(order.provider).toMatchObject({ id: 'swedbankpay', variant: 'payment-order-v3.0' })
    expect(order.summary.signalOnly).toMatchObject({ display: 'GET https://api.swedbankpay.com/psp/paymentorders/09ccd29a-7c4f-4752-9396-12100cbfecce' })
    expect(analyzeVector('swedbankpay.json', 'swedbankpay-paymentorder-v3.1-callback').summary).toMatchObject({ merchantReference: '549213' })
    expect(analyzeVector('swedbankpay.json', 'payex-checkout-v1-creditcard-callback').provider.variant).toBe('payex-v1')
    expect(analyzeVector('swedbankpay.json', 'swedbankpay-instrument-callback').provider.variant).toBe('instrument')
  })
  it('Mollie classic: signal only, GET https://api.mollie.com/v2/payments/tr_…', () => {
    const { summary, verdict, provider } = analyzeVector('mollie.json', 'mollie-classic-id-only')
    expect(provider).toMatchObject({ id: 'mollie', variant: 'classic' })
    expect(summary.signalOnly?.display).toBe('GET https://api.mollie.com/v2/payments/tr_5B8cwPMGnU6qLbRvo7qEZo')
    expect(verdict.status).toBe('unsigned')
    const order = analyze([['User-Agent', 'Mollie HTTP client/1.0']], 'id=ord_abc123')
    expect(order.summary.signalOnly?.url).toBe('https://api.mollie.com/v2/orders/ord_abc123')
  })
  it('Mollie next-gen, Shopify, GitHub, Stripe headline fields', () => {
    expect(analyzeVector('mollie.json', 'mollie-nextgen-signed-valid').summary).toMatchObject({ eventType: 'payment-link.paid', providerObjectId: 'tr_12345' })
    const shopify = analyzeVector('shopify.json', 'shopify-orders-paid-valid').summary
    expect(shopify).toMatchObject({ eventType: 'orders/paid', status: 'paid' })
    expect(shopify.amount?.amountDisplay).toBe('199.00 USD')
    expect(analyzeVector('github.json', 'github-generated-ping-valid').summary).toMatchObject({
      eventType: 'ping',
      providerObjectId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    })
    expect(analyzeVector('stripe.json', 'stripe-valid').summary.fields).toContainEqual({ label: 'Event id', value: 'evt_test_webhook' })
  })
  it('amount formatting follows currency exponents', () => {
    const jpy = analyze([], JSON.stringify({ event_type: 'purchase.paid', type: 'purchase', purchase: { total: 500, currency: 'JPY' } }), { pinned: 'chip' })
    expect(jpy.summary.amount?.amountDisplay).toBe('JPY 500')
    const kwd = analyze([], JSON.stringify({ result: 'OK', uuid: 'u', amount: '1.234', currency: 'KWD' }), { pinned: 'ixopay' })
    expect(kwd.summary.amount).toMatchObject({ amountMinor: 1234, amountDisplay: '1.234 KWD' })
    const odd = analyze([], JSON.stringify({ result: 'OK', uuid: 'u', amount: '1.234', currency: 'EUR' }), { pinned: 'ixopay' })
    expect(odd.summary.amount).toMatchObject({ amountMinor: null, amountDisplay: '1.234 EUR' })
  })
  it('unknown senders get a generic view with PANs masked', () => {
    const { provider, summary, verdict } = analyze(
      [['Content-Type', 'application/json']],
      JSON.stringify({ type: 'thing.happened', id: 'x1', card: '4111111111111111', nested: { status: 'ok' } }),
    )
    expect(provider.id).toBe('unknown')
    expect(verdict.status).toBe('not-applicable')
    expect(summary).toMatchObject({ eventType: 'thing.happened', providerObjectId: 'x1', bodyFormat: 'json' })
    expect(summary.fields).toContainEqual({ label: 'card', value: '411111******1111' })
    expect(summary.fields).toContainEqual({ label: 'nested.status', value: 'ok' })
  })
  it('lists numbers as they were written, and a member sent twice twice', () => {
    const body = '{"amount": 10.50, "big": 12345678901234567890, "huge": 1e400, "zero": -0, "dup": "first", "dup": "second"}'
    const { summary } = analyze([['Content-Type', 'application/json']], body)
    expect(summary.fields).toEqual([
      { label: 'amount', value: '10.50' },
      { label: 'big', value: '12345678901234567890' },
      { label: 'huge', value: '1e400' },
      { label: 'zero', value: '-0' },
      { label: 'dup', value: 'first' },
      { label: 'dup', value: 'second' },
    ])
    // The headline shows the amount as written too, every digit of an integer past 2^53 (written-numbers.test.ts).
    const stripe = analyze(
      [['Stripe-Signature', 't=1,v1=00']],
      '{"id":"evt_1","object":"event","type":"charge.succeeded","data":{"object":{"id":"ch_1","amount":12345678901234567890,"currency":"eur"}}}',
      { pinned: 'stripe' },
    )
    expect(stripe.summary.amount?.amountDisplay).toBe('EUR 12345678901234567890 (minor units)')
    // Mollie and Adyen's platform webhooks list the body's fields the same way.
    const mollie = analyze([], '{"resource":"event","id":"event_1","type":"payment-link.paid","amount":{"value":10.50}}', { pinned: 'mollie' })
    expect(mollie.summary.fields).toContainEqual({ label: 'amount.value', value: '10.50' })
  })
})

describe('recognition order', () => {
  const at = (headers: HeaderPairs, body = '{}'): string => detectProvider({ method: 'POST', target: '/', headers, body: Buffer.from(body) }).id
  it('the first matching rule wins', () => {
    // Stripe-Signature beats everything after it.
    expect(
      at([
        ['Stripe-Signature', 't=1,v1=00'],
        ['webhook-signature', 'v1,x'],
        ['X-GitHub-Event', 'ping'],
      ]),
    ).toBe('stripe')
    expect(
      at([
        ['svix-signature', 'v1,x'],
        ['X-GitHub-Event', 'ping'],
      ]),
    ).toBe('standard-webhooks')
    expect(
      at([
        ['X-GitHub-Event', 'ping'],
        ['X-Shopify-Topic', 'orders/paid'],
      ]),
    ).toBe('github')
    expect(
      at([
        ['X-Shopify-Topic', 'orders/paid'],
        ['PAYPAL-TRANSMISSION-SIG', 'x'],
      ]),
    ).toBe('shopify')
    expect(
      at([
        ['PAYPAL-TRANSMISSION-SIG', 'x'],
        ['X-Mollie-Signature', 'sha256=00'],
      ]),
    ).toBe('paypal')
    expect(at([['X-Mollie-Signature', 'sha256=00']], JSON.stringify({ notificationItems: [{ NotificationRequestItem: {} }] }))).toBe('mollie')
    expect(
      at([
        ['HmacSignature', 'x'],
        ['X-Signature', 'x'],
      ]),
    ).toBe('adyen')
    // A Swedbank-shaped body that also looks like a Plexo envelope: Plexo legacy (rule 10) first.
    expect(at([], JSON.stringify({ Object: { Fingerprint: 'F' }, Signature: 's', payment: '/psp/x/payments/1' }))).toBe('plexo')
  })
  it('X-Signature: 88 characters with Date and result/uuid is IXOPAY; 344 characters with event_type is CHIP', () => {
    const ixopaySig = Buffer.alloc(64, 1).toString('base64')
    const chipSig = Buffer.alloc(256, 1).toString('base64')
    expect(
      at(
        [
          ['X-Signature', ixopaySig],
          ['Date', 'x'],
        ],
        '{"result":"OK"}',
      ),
    ).toBe('ixopay')
    expect(at([['X-Signature', ixopaySig]], '{"result":"OK"}')).toBe('unknown')
    expect(at([['X-Signature', chipSig]], '{"event_type":"purchase.paid"}')).toBe('chip')
    expect(
      at(
        [
          ['X-Signature', chipSig],
          ['Event-Type', 'send_instruction_status'],
        ],
        '{}',
      ),
    ).toBe('chip')
    expect(at([['X-Signature', chipSig]], '{"result":"OK","uuid":"u"}')).toBe('unknown')
  })
  it('X-Signature of another size beside a whole IXOPAY body is IXOPAY signed wrongly, and the verdict says how', () => {
    const body = JSON.stringify({ result: 'OK', uuid: 'abc123', merchantTransactionId: 'order-1001', transactionType: 'DEBIT', amount: '9.99' })
    const hex = Buffer.alloc(64, 3).toString('hex')
    const sha256 = Buffer.alloc(32, 4).toString('base64')
    for (const signature of [hex, sha256, 'bad', Buffer.alloc(64, 5).toString('base64').slice(0, 80)]) {
      const headers: HeaderPairs = [
        ['Date', 'Sun, 01 Mar 2026 12:00:00 GMT'],
        ['X-Signature', signature],
      ]
      // Before, "unknown sender: no recognition rule matched", with nothing said of the signature.
      expect(at(headers, body), signature).toBe('ixopay')
      const analysis = analyzeDelivery(
        { method: 'POST', target: '/', headers, body: Buffer.from(body) },
        { now: new Date(), keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: 'secret' }] },
      )
      expect(analysis.verdict, signature).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
      expect(analysis.verdict.message).toMatch(/not base64 of a 64-byte HMAC-SHA512 \(88 characters\)/)
    }
    // Not beside a body that is not plainly IXOPAY's, nor with CHIP's RSA sizes (without a Date: the next test).
    expect(
      at(
        [
          ['Date', 'x'],
          ['X-Signature', hex],
        ],
        '{"result":"OK","uuid":"u"}',
      ),
    ).toBe('unknown')
    const chipSig = Buffer.alloc(384, 1).toString('base64')
    expect(
      at(
        [
          ['Date', 'x'],
          ['X-Signature', chipSig],
        ],
        body,
      ),
    ).toBe('unknown')
  })
  it('an IXOPAY callback whose Date a proxy removed is IXOPAY, invalid for the missing Date, never valid', () => {
    const sent = vector('ixopay.json', 'ixopay-json-sha512-ok-valid')
    const secret = 'ixopay-test-shared-secret-3f9a2c'
    const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }]
    // Signed as IXOPAY's SDK would check it with no Date at all (an empty Date in the signed string).
    const bodyHash = createHash('sha512').update(sent.body).digest('hex')
    const signedWithoutDate = createHmac('sha512', secret)
      .update(['POST', bodyHash, 'application/json; charset=utf-8', '', sent.path].join('\n'))
      .digest('base64')
    const sentSignature = sent.headers['X-Signature'] ?? ''
    const signatures = [sentSignature, signedWithoutDate, Buffer.from(sentSignature, 'base64').toString('hex'), Buffer.alloc(32, 4).toString('base64'), 'bad']
    const analyse = (signature: string, options: { keys: ProviderKey[]; pinned?: boolean }): DeliveryAnalysis =>
      analyzeDelivery(
        {
          method: 'POST',
          target: sent.path,
          headers: [
            ['Content-Type', 'application/json; charset=utf-8'],
            ['X-Signature', signature],
          ],
          body: Buffer.from(sent.body),
        },
        { now: new Date('2020-07-21T13:15:03Z'), keys: options.keys, ...(options.pinned ? { pinnedProvider: 'ixopay' as const } : {}) },
      )
    for (const signature of signatures) {
      for (const withKeys of [keys, []]) {
        const analysis = analyse(signature, { keys: withKeys })
        // Before: "Unknown sender", not applicable.
        expect(analysis.provider.id, signature).toBe('ixopay')
        expect(analysis.provider.detectedBy).toBe('X-Signature and an IXOPAY result body, without the Date header IXOPAY signs')
        expect(analysis.verdict, signature).toMatchObject({ status: 'invalid', reason: 'missing-header' })
        expect(analysis.verdict.message).toMatch(/^no Date or X-Date header: IXOPAY signs the Date header it sends/)
      }
    }
    // A wrong form is said as well; the 88 characters IXOPAY writes need no more.
    expect(analyse('bad', { keys }).verdict.message).toMatch(/; also, X-Signature is not base64 of a 64-byte HMAC-SHA512/)
    expect(analyse(sentSignature, { keys }).verdict.message).not.toMatch(/also/)
    // Pinned, the endpoint vouches for IXOPAY and the delivery is checked as the SDK checks it (an empty Date).
    expect(analyse(signedWithoutDate, { keys, pinned: true }).verdict.status).toBe('valid')
    expect(analyse(sentSignature, { keys, pinned: true }).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    // Without a Date, a body that is not plainly IXOPAY's, or CHIP's RSA sizes, are not IXOPAY's.
    expect(at([['X-Signature', sentSignature]], '{"result":"OK","uuid":"u"}')).toBe('unknown')
    expect(at([['X-Signature', Buffer.alloc(256, 1).toString('base64')]], sent.body)).toBe('unknown')
    expect(
      at(
        [
          ['Event-Type', 'send_instruction_status'],
          ['X-Signature', Buffer.alloc(256, 1).toString('base64')],
        ],
        sent.body,
      ),
    ).toBe('chip')
  })
  it('IXOPAY legacy XML needs the Gateway/IxoPay Authorization and a <callback> body', () => {
    const sig = Buffer.alloc(64, 2).toString('base64')
    expect(at([['Authorization', `Gateway k:${sig}`]], '<?xml version="1.0"?><callback><result>OK</result></callback>')).toBe('ixopay')
    expect(at([['Authorization', `Gateway k:${sig}`]], '<other/>')).toBe('unknown')
    expect(at([['Authorization', `Bearer ${sig}`]], '<callback/>')).toBe('unknown')
  })
  it('a pinned provider overrides detection and is reported as pinned', () => {
    const analysis = analyze([['Stripe-Signature', 't=1,v1=00']], '{"id":"x"}', { pinned: 'chip' })
    expect(analysis.provider).toMatchObject({ id: 'chip', pinned: true, detectedBy: 'pinned by the endpoint setting' })
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
  })
})

describe('hostile input never throws', () => {
  const bodies: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256))],
    ['truncated JSON', Buffer.from('{"result":"OK","uuid":"abc","amount":"9.')],
    ['JSON null', Buffer.from('null')],
    ['JSON array', Buffer.from('[1,2,3]')],
    ['JSON string', Buffer.from('"just a string"')],
    ['deeply nested arrays', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    ['deeply nested objects', Buffer.from(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`)],
    ['5 MB JSON', Buffer.from(JSON.stringify({ result: 'OK', uuid: 'u', blob: 'x'.repeat(5 * 1024 * 1024) }))],
    ['5 MB of zeros', Buffer.alloc(5 * 1024 * 1024)],
    [
      'XML bomb-ish',
      Buffer.from(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(1000)}">]><callback>${'<result>&a;</result>'.repeat(1000)}</callback>`),
    ],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['BOM JSON', Buffer.from('\uFEFF{"payment":"/psp/creditcard/payments/1"}')],
    ['form', Buffer.from('id=tr_x&foo=%ZZ&=&&')],
    [
      'prototype keys',
      Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{}},"notificationItems":[{"NotificationRequestItem":{"__proto__":1}}]}'),
    ],
    [
      'wrong types',
      Buffer.from(
        '{"result":{"a":1},"uuid":[1],"amount":{"x":1},"currency":5,"returnData":"x","notificationItems":"no","Object":{"Fingerprint":1,"Object":null},"Signature":7,"transactions":3}',
      ),
    ],
  ]
  const headerSets: Array<[string, HeaderPairs]> = [
    ['none', []],
    [
      'all signature headers, garbage values',
      [
        ['Stripe-Signature', 't=abc,v1=zz,,==,'],
        ['webhook-id', ''],
        ['webhook-timestamp', '-1'],
        ['webhook-signature', 'v1, v1,### v2,abc'],
        ['X-Hub-Signature-256', 'sha256='],
        ['X-Shopify-Hmac-Sha256', '%%%'],
        ['PAYPAL-TRANSMISSION-SIG', 'not base64!'],
        ['PAYPAL-AUTH-ALGO', 'MD5withRSA'],
        ['X-Mollie-Signature', 'sha256=zz'],
        ['HmacSignature', ''],
        ['X-Signature', '='.repeat(10_000)],
        ['Authorization', 'Gateway :'],
        ['Date', 'not a date'],
      ],
    ],
    [
      'duplicates and odd case',
      [
        ['x-signature', 'AAAA'],
        ['X-SIGNATURE', 'BBBB'],
        ['content-type', ''],
        ['Content-Type', 'application/json'],
        ['EVENT-TYPE', '\u00ff\u0000'],
      ],
    ],
  ]
  const keys: ProviderKey[] = [
    { kind: 'hmac-secret', provider: 'ixopay', value: 's' },
    { kind: 'hmac-secret', provider: 'adyen', value: 'not hex' },
    { kind: 'hmac-secret', provider: 'standard-webhooks', value: 'whsec_!!!' },
    { kind: 'rsa-public-key', provider: 'chip', pem: '-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----' },
    { kind: 'certificate', provider: 'plexo', pem: 'garbage' },
    { kind: 'certificate', provider: 'paypal', pem: 'garbage' },
    { kind: 'paypal-webhook-id', value: 'W' },
    {
      kind: 'generic-hmac',
      config: { header: 'X-Signature', prefix: '', algorithm: 'sha256', encoding: 'hex', signed: { template: '{header:Missing}{body}' } },
      secret: 's',
    },
  ]
  for (const [bodyName, body] of bodies) {
    it(`${bodyName}: detected, every provider pinned, every header set`, () => {
      for (const [, headers] of headerSets) {
        const pins: Array<PinnableProviderId | undefined> = [undefined, ...PROVIDER_IDS.filter((id): id is PinnableProviderId => id !== 'unknown')]
        for (const pinned of pins) {
          const analysis = analyzeDelivery(
            { method: 'POST', target: '/x?y', headers, body },
            { now: new Date(), keys, ...(pinned ? { pinnedProvider: pinned } : {}) },
          )
          expect(analysis.provider.id).toBeTypeOf('string')
          expect(['valid', 'invalid', 'no-key', 'unsigned', 'not-applicable']).toContain(analysis.verdict.status)
          // JSON-serialisable, and bounded: a 5 MB body does not become a 5 MB analysis.
          expect(JSON.stringify(analysis).length).toBeLessThan(200_000)
        }
      }
    })
  }
  it('does not pollute prototypes', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('JSON bodies too deep or too many-valued to parse', () => {
  // What a parse costs grows with depth and values, not bytes: such bodies are stored and
  // verified byte for byte, and the summary says why their JSON is not read.
  const deep = Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)
  const manyValues = Buffer.from(
    `[${Array(MAX_JSON_VALUES + 1)
      .fill('{}')
      .join(',')}]`,
  )

  it('reads neither, and says why', () => {
    expect(parseJsonBody(deep)).toBeUndefined()
    expect(unparsedJsonReason(deep)).toBe(`it is nested deeper than ${MAX_JSON_DEPTH} levels`)
    expect(parseJsonBody(manyValues)).toBeUndefined()
    expect(unparsedJsonReason(manyValues)).toBe('it holds more than 100,000 values')
    const analysis = analyze([['Content-Type', 'application/json']], deep)
    expect(analysis.summary.bodyFormat).toBe('json')
    expect(analysis.summary.problems).toContain(
      `the body was not parsed as JSON: it is nested deeper than ${MAX_JSON_DEPTH} levels (it is kept, and checked, byte for byte)`,
    )
  })

  it('reads a large body at the limits, and counts nothing inside strings', () => {
    const atLimits = Buffer.from(
      JSON.stringify({
        nested: JSON.parse(`${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}`) as unknown,
        text: `"\\[{,`.repeat(50_000),
        items: Array(MAX_JSON_VALUES - MAX_JSON_DEPTH - 10).fill(0),
      }),
    )
    expect(atLimits.length).toBeGreaterThan(8 * 1024)
    expect(unparsedJsonReason(atLimits)).toBeNull()
    expect(parseJsonBody(atLimits)).toMatchObject({ text: `"\\[{,`.repeat(50_000) })
  })

  it('leaves small bodies to JSON.parse, and a signature over a deep body is still checked', () => {
    expect(parseJsonBody(Buffer.from(`${'['.repeat(300)}${']'.repeat(300)}`))).toBeDefined()
    const analysis = analyze([['Stripe-Signature', 't=1,v1=00']], deep, { keys: [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_x' }] })
    expect(analysis.provider.id).toBe('stripe')
    expect(analysis.verdict.status).toBe('invalid')
  })
})
