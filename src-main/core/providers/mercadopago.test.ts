/**
 * Mercado Pago x-signature, checked against two independent implementations over fresh secrets
 * and random ids: the mercadopago npm package's own `WebhookSignatureValidator`, and a second one
 * written here from the docs' template (`id:[data.id_url];request-id:[x-request-id_header];ts:[ts_header];`,
 * absent parts removed, an alphanumeric data.id lowercased). Then one byte changed in each signed
 * input, the signature or the key: the verdict follows, and the SDK agrees.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { InvalidWebhookSignatureError, SignatureFailureReason, WebhookSignatureValidator } from 'mercadopago'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import {
  isMercadoPagoSignatureValue,
  mercadoPagoProvider,
  looksLikeMercadoPago,
  mercadoPagoManifest,
  parseMercadoPago,
  signMercadoPago,
  verifyMercadoPago,
  type MercadoPagoSecret,
} from './mercadopago'
import { SigningDraft } from './signing-draft'
import type { Delivery } from './verification'

const ROUNDS = 6
const NOW = new Date('2026-03-20T21:20:38.683Z')

/** The docs' template, written independently of the implementation under test. */
function docsSignature(secret: string, dataId: string | null, requestId: string | null, ts: string): string {
  let template = ''
  if (dataId !== null) template += `id:${/^[a-z0-9]+$/i.test(dataId) ? dataId.toLowerCase() : dataId};`
  if (requestId !== null) template += `request-id:${requestId};`
  template += `ts:${ts};`
  return createHmac('sha256', secret).update(template).digest('hex')
}

/** The SDK's verdict: `null` when it accepts, else its failure reason. */
function sdkVerdict(header: string | undefined, requestId: string | null, dataId: string | null, secret: string): SignatureFailureReason | null {
  try {
    WebhookSignatureValidator.validate({ xSignature: header, xRequestId: requestId, dataId, secret })
    return null
  } catch (error: unknown) {
    if (error instanceof InvalidWebhookSignatureError) return error.reason
    throw error
  }
}

function secretOf(value: string, fingerprint = 'fp-1'): MercadoPagoSecret {
  return { secret: value, fingerprint, label: 'test secret' }
}

function randomDataId(round: number): string {
  // Payments have numeric ids; Orders API ids are alphanumeric capitals (ORD01…).
  return round % 2 === 0 ? String(10_000_000_000 + Math.floor(Math.random() * 1e9)) : `ORD01${randomBytes(12).toString('hex').toUpperCase()}`
}

function webhookBody(dataId: string, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      action: 'payment.updated',
      api_version: 'v1',
      data: { id: dataId, ...extra },
      date_created: '2026-03-20T18:20:38Z',
      id: 123456789012,
      live_mode: false,
      type: 'payment',
      user_id: 2461999999,
    }),
  )
}

function delivery(target: string, headers: HeaderPairs, body: Buffer): Delivery {
  return { method: 'POST', target, headers, body }
}

function headersFor(signature: string | null, requestId: string | null): HeaderPairs {
  const headers: HeaderPairs = [['Content-Type', 'application/json']]
  if (signature !== null) headers.push(['x-signature', signature])
  if (requestId !== null) headers.push(['x-request-id', requestId])
  return headers
}

function flipHexChar(hex: string, index = 5): string {
  const char = hex[index] === '0' ? '1' : '0'
  return `${hex.slice(0, index)}${char}${hex.slice(index + 1)}`
}

describe('Mercado Pago x-signature against the SDK and the docs template', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: valid, then data.id / request id / ts / signature / key changes`, () => {
      const secret = randomBytes(32).toString('hex')
      const dataId = randomDataId(round)
      const requestId = randomUUID()
      const ts = String(NOW.getTime() - Math.floor(Math.random() * 60_000))
      const v1 = docsSignature(secret, dataId, requestId, ts)
      const header = `ts=${ts},v1=${v1}`
      const target = `/hooks/mp?data.id=${dataId}&type=payment`
      const body = webhookBody(dataId)
      const keys = [secretOf(secret)]
      const verify = (h: HeaderPairs, t = target, b = body, k = keys) => verifyMercadoPago(delivery(t, h, b), k, { now: NOW }).verdict

      // Valid for us, for the SDK (given the id lowercased, as the docs tell integrators), and our signer agrees.
      expect(verify(headersFor(header, requestId))).toMatchObject({ status: 'valid', variant: 'data.id lowercased (documented)' })
      expect(sdkVerdict(header, requestId, dataId.toLowerCase(), secret)).toBeNull()
      const ours = signMercadoPago({ secret, dataId, requestId, ts })
      expect(ours.header).toBe(header)
      expect(sdkVerdict(ours.header, requestId, dataId.toLowerCase(), secret)).toBeNull()

      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      // One character of data.id in the URL.
      const otherId = `${dataId.slice(0, -1)}${dataId.endsWith('7') ? '8' : '7'}`
      expect(verify(headersFor(header, requestId), `/hooks/mp?data.id=${otherId}&type=payment`)).toMatchObject(mismatch)
      expect(sdkVerdict(header, requestId, otherId.toLowerCase(), secret)).toBe(SignatureFailureReason.SignatureMismatch)
      // One character of the request id.
      const otherRequestId = flipHexChar(requestId, 0)
      expect(verify(headersFor(header, otherRequestId))).toMatchObject(mismatch)
      expect(sdkVerdict(header, otherRequestId, dataId.toLowerCase(), secret)).toBe(SignatureFailureReason.SignatureMismatch)
      // The timestamp.
      const otherTs = `ts=${Number(ts) + 1},v1=${v1}`
      expect(verify(headersFor(otherTs, requestId))).toMatchObject(mismatch)
      expect(sdkVerdict(otherTs, requestId, dataId.toLowerCase(), secret)).toBe(SignatureFailureReason.SignatureMismatch)
      // One byte of the signature.
      const flipped = `ts=${ts},v1=${flipHexChar(v1)}`
      expect(verify(headersFor(flipped, requestId))).toMatchObject(mismatch)
      expect(sdkVerdict(flipped, requestId, dataId.toLowerCase(), secret)).toBe(SignatureFailureReason.SignatureMismatch)
      // A wrong key.
      const wrongSecret = flipHexChar(secret, 3)
      expect(verify(headersFor(header, requestId), target, body, [secretOf(wrongSecret)])).toMatchObject(mismatch)
      expect(sdkVerdict(header, requestId, dataId.toLowerCase(), wrongSecret)).toBe(SignatureFailureReason.SignatureMismatch)
      // The body is not signed: a changed body keeps the verdict (the SDK never sees the body).
      const changedBody = Buffer.from(body)
      changedBody[10] = (changedBody[10] ?? 0) ^ 0x01
      expect(verify(headersFor(header, requestId), target, changedBody)).toMatchObject({ status: 'valid' })
    })
  }

  it('absent parts are left out of the manifest, as the docs and the SDK say', () => {
    const secret = randomBytes(24).toString('base64url')
    const ts = String(NOW.getTime())
    const requestId = randomUUID()
    const noId = `ts=${ts},v1=${docsSignature(secret, null, requestId, ts)}`
    expect(verifyMercadoPago(delivery('/hooks/mp', headersFor(noId, requestId), Buffer.from('{}')), [secretOf(secret)], { now: NOW }).verdict).toMatchObject({
      status: 'valid',
      variant: 'manifest without id',
    })
    expect(sdkVerdict(noId, requestId, null, secret)).toBeNull()
    const noRequestId = `ts=${ts},v1=${docsSignature(secret, '42', null, ts)}`
    expect(verifyMercadoPago(delivery('/mp?data.id=42', headersFor(noRequestId, null), Buffer.alloc(0)), [secretOf(secret)], { now: NOW }).verdict.status).toBe(
      'valid',
    )
    expect(sdkVerdict(noRequestId, null, '42', secret)).toBeNull()
    expect(mercadoPagoManifest({ dataId: null, requestId: null, ts: '1' })).toBe('ts:1;')
  })

  it('an alphanumeric id signed as received (what mercadopago npm 3.6 computes) is valid and named', () => {
    const secret = randomBytes(24).toString('hex')
    const dataId = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3'
    const requestId = randomUUID()
    const ts = String(NOW.getTime())
    const asReceived = createHmac('sha256', secret).update(`id:${dataId};request-id:${requestId};ts:${ts};`).digest('hex')
    const header = `ts=${ts},v1=${asReceived}`
    expect(sdkVerdict(header, requestId, dataId, secret)).toBeNull()
    const result = verifyMercadoPago(delivery(`/mp?data.id=${dataId}`, headersFor(header, requestId), Buffer.alloc(0)), [secretOf(secret)], { now: NOW })
    expect(result.verdict).toMatchObject({ status: 'valid', variant: 'data.id as received' })
    expect(result.explanation.attempts.map((attempt) => attempt.variant)).toEqual(['data.id lowercased (documented)', 'data.id as received'])
  })

  it('key rotation: the second secret matches and its fingerprint is reported', () => {
    const secret = randomBytes(24).toString('hex')
    const ts = String(NOW.getTime())
    const header = signMercadoPago({ secret, dataId: '7', requestId: 'r', ts }).header
    const result = verifyMercadoPago(
      delivery('/mp?data.id=7', headersFor(header, 'r'), Buffer.alloc(0)),
      [secretOf('old', 'fp-old'), secretOf(secret, 'fp-new')],
      {
        now: NOW,
      },
    )
    expect(result.verdict.status).toBe('valid')
    expect(result.explanation.keyFingerprint).toBe('fp-new')
    expect(result.explanation.attempts).toHaveLength(2)
  })

  it('says unsigned, no-key and malformed with the reason', () => {
    const body = webhookBody('123')
    const unsigned = verifyMercadoPago(delivery('/mp?data.id=123&type=payment', headersFor(null, null), body), [secretOf('s')], { now: NOW }).verdict
    expect(unsigned).toMatchObject({ status: 'unsigned' })
    expect(unsigned.status === 'unsigned' ? unsigned.confirmHint?.url : null).toBe('https://api.mercadopago.com/v1/payments/123')

    const header = `ts=${NOW.getTime()},v1=${'ab'.repeat(32)}`
    const noKey = verifyMercadoPago(delivery('/mp?data.id=123', headersFor(header, 'r'), body), [], { now: NOW })
    expect(noKey.verdict.status).toBe('no-key')
    expect(noKey.explanation.attempts[0]?.signedString).toBe(`id:123;request-id:r;ts:${NOW.getTime()};`)

    for (const [value, message] of [
      [`v1=${'ab'.repeat(32)}`, 'no ts='],
      [`ts=abc,v1=${'ab'.repeat(32)}`, 'not a number'],
      [`ts=${NOW.getTime()}`, 'no v1'],
      [`ts=${NOW.getTime()},v1=xyz`, '64-character hex'],
    ] as const) {
      const verdict = verifyMercadoPago(delivery('/mp?data.id=1', headersFor(value, 'r'), body), [secretOf('s')], { now: NOW }).verdict
      expect(verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
      expect(verdict.message).toContain(message)
    }
  })

  it('shows the timestamp (milliseconds or seconds) without enforcing it', () => {
    const secret = 's3cret'
    for (const ts of [String(NOW.getTime() - 3_600_000), String(Math.round(NOW.getTime() / 1000) - 3600)]) {
      const header = signMercadoPago({ secret, dataId: '9', requestId: 'r', ts }).header
      const result = verifyMercadoPago(delivery('/mp?data.id=9', headersFor(header, 'r'), Buffer.alloc(0)), [secretOf(secret)], { now: NOW })
      expect(result.verdict.status).toBe('valid')
      expect(result.explanation.timestamp).toMatchObject({ skewSeconds: 3600, toleranceSeconds: null, withinTolerance: true })
    }
  })
})

describe('Mercado Pago recognition and summary', () => {
  it('recognises its x-signature shape, and not IXOPAY or CHIP X-Signature values', () => {
    expect(isMercadoPagoSignatureValue(`ts=1742505638683,v1=${'0a'.repeat(32)}`)).toBe(true)
    expect(isMercadoPagoSignatureValue(`v1=${'0a'.repeat(32)}, ts=1742505638683`)).toBe(true)
    expect(isMercadoPagoSignatureValue(randomBytes(64).toString('base64'))).toBe(false)
    expect(isMercadoPagoSignatureValue(randomBytes(256).toString('base64'))).toBe(false)
    expect(looksLikeMercadoPago(delivery('/x', [['X-Signature', randomBytes(64).toString('base64')]], Buffer.from('{"result":"OK","uuid":"u"}')))).toBe(false)
    expect(looksLikeMercadoPago(delivery('/x', [], webhookBody('1')))).toBe(true)
    expect(looksLikeMercadoPago(delivery('/x?topic=payment&id=5', [], Buffer.alloc(0)))).toBe(true)
  })

  it('summarises a payment webhook: action, resource id, notification id, test mode, confirm request', () => {
    const summary = parseMercadoPago(delivery('/mp?data.id=1234567890&type=payment', [], webhookBody('1234567890')))
    expect(summary).toMatchObject({
      eventType: 'payment.updated',
      providerObjectId: '1234567890',
      eventId: '123456789012',
      isTest: true,
      bodyFormat: 'json',
      signalOnly: { url: 'https://api.mercadopago.com/v1/payments/1234567890' },
    })
    expect(summary.problems).toEqual([])
  })

  it('summarises an Orders API webhook with its status, reference and amount exactly as sent', () => {
    const body = Buffer.from(
      '{"action":"order.processed","api_version":"v1","application_id":"1","date_created":"2026-03-20T18:20:38Z","id":"5","live_mode":true,"type":"order","user_id":"2","data":{"external_reference":"ext_ref_1234","id":"ORD01JQ4S4KY8HWQ6NA5PXB65B3D3","status":"processed","status_detail":"accredited","total_paid_amount":"200.10","transactions":{"payments":[{"amount":"200.10","id":"PAY01","payment_method":{"id":"master","type":"credit_card"},"status":"processed"}]}}}',
    )
    const summary = parseMercadoPago(delivery('/mp?data.id=ORD01JQ4S4KY8HWQ6NA5PXB65B3D3&type=order', [], body))
    expect(summary).toMatchObject({
      eventType: 'order.processed',
      status: 'processed',
      merchantReference: 'ext_ref_1234',
      paymentMethod: 'master',
      isTest: false,
      amount: { raw: '200.10', amountDisplay: '200.10', unit: 'decimal' },
      signalOnly: { url: 'https://api.mercadopago.com/v1/orders/ORD01JQ4S4KY8HWQ6NA5PXB65B3D3' },
    })
  })

  it('flags a URL data.id that differs from the body, and reads IPN notifications', () => {
    expect(parseMercadoPago(delivery('/mp?data.id=2', [], webhookBody('1'))).problems[0]).toContain('differs')
    const ipn = parseMercadoPago(delivery('/mp?topic=merchant_order&id=777', [], Buffer.alloc(0)))
    expect(ipn).toMatchObject({ eventType: 'merchant_order', providerObjectId: '777', signalOnly: { url: 'https://api.mercadopago.com/merchant_orders/777' } })
    const feed = parseMercadoPago(delivery('/mp', [], Buffer.from('{"resource":"https://api.mercadolibre.com/merchant_orders/888","topic":"merchant_order"}')))
    expect(feed).toMatchObject({ eventType: 'merchant_order', providerObjectId: '888' })
    expect(parseMercadoPago(delivery('/mp', [], Buffer.from('hello'))).problems[0]).toContain('neither')
  })
})

describe('Mercado Pago re-signing (resend)', () => {
  const step = mercadoPagoProvider.resign?.signatureHeader
  const context = { now: NOW, nowSeconds: Math.floor(NOW.getTime() / 1000), plexoLifetimeSeconds: 0 }

  it('signs the data.id of the target sent, the x-request-id and a fresh ts; the SDK accepts it', () => {
    const secret = randomBytes(24).toString('hex')
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'mercadopago', value: secret }
    const dataId = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3'
    const target = `/elsewhere?data.id=${dataId}&type=order`
    const draft = new SigningDraft({
      method: 'POST',
      url: `http://127.0.0.1:4100${target}`,
      target,
      headers: headersFor(`ts=1,v1=${'00'.repeat(32)}`, 'req-1'),
      body: webhookBody(dataId),
    })
    step?.apply(draft, [key], context)
    const header = draft.header('x-signature') ?? ''
    expect(header).toMatch(new RegExp(`^ts=${NOW.getTime()},v1=[0-9a-f]{64}$`))
    expect(sdkVerdict(header, 'req-1', dataId.toLowerCase(), secret)).toBeNull()
    expect(draft.changes[0]).toMatchObject({ scheme: 'mercadopago-v1', provider: 'mercadopago', location: 'header', name: 'x-signature' })
    expect(verifyMercadoPago(delivery(target, draft.headers, draft.body), [secretOf(secret)], { now: NOW }).verdict.status).toBe('valid')
  })

  it('without a secret the captured signature is sent as it was, and the skip says why; without x-signature nothing happens', () => {
    const draft = new SigningDraft({
      method: 'POST',
      url: 'http://x/mp',
      target: '/mp',
      headers: headersFor(`ts=1,v1=${'00'.repeat(32)}`, 'r'),
      body: Buffer.alloc(0),
    })
    step?.apply(draft, [], context)
    expect(draft.changes).toEqual([])
    expect(draft.skipped[0]).toMatchObject({ scheme: 'mercadopago-v1', provider: 'mercadopago' })
    const unsigned = new SigningDraft({ method: 'POST', url: 'http://x/mp', target: '/mp', headers: [], body: Buffer.alloc(0) })
    step?.apply(unsigned, [{ kind: 'hmac-secret', provider: 'mercadopago', value: 's' }], context)
    expect(unsigned.changes).toEqual([])
    expect(unsigned.skipped).toEqual([])
  })
})

describe('Mercado Pago simulation', () => {
  const simulation = mercadoPagoProvider.simulate
  const body = { action: 'payment.updated', api_version: 'v1', data: { id: '123456789' }, id: 1, live_mode: false, type: 'payment' }
  const input = (keys: ProviderKey[], target = '/hooks/mp') => ({
    body,
    serialise: (value: unknown) => Buffer.from(JSON.stringify(value)),
    headers: [['Content-Type', 'application/json']] as HeaderPairs,
    target,
    keys,
    keyKind: 'hmac-secret' as const,
    now: NOW,
  })

  it('signs the data.id of the target it is sent to and a new x-request-id with a generated secret the SDK accepts', () => {
    const simulated = input([], '/hooks/mp?data.id=123456789&type=payment')
    const result = simulation?.sign(simulated)
    expect(result?.target).toBeUndefined()
    expect(result?.key).toMatchObject({ kind: 'hmac-secret', generated: true })
    const secret = result?.key.generatedSecret ?? ''
    const requestId = simulated.headers.find(([name]) => name === 'x-request-id')?.[1] ?? ''
    const header = simulated.headers.find(([name]) => name === 'x-signature')?.[1]
    expect(sdkVerdict(header, requestId, '123456789', secret)).toBeNull()
    expect(
      verifyMercadoPago(delivery(simulated.target, simulated.headers, result?.body ?? Buffer.alloc(0)), [secretOf(secret)], { now: NOW }).verdict,
    ).toMatchObject({ status: 'valid', variant: 'data.id lowercased (documented)' })
  })

  it('sent to a target without data.id, adds ?data.id=&type= as Mercado Pago does and signs that id', () => {
    const simulated = input([])
    const result = simulation?.sign(simulated)
    expect(result?.target).toBe('/hooks/mp?data.id=123456789&type=payment')
    const secret = result?.key.generatedSecret ?? ''
    const body = result?.body ?? Buffer.alloc(0)
    expect(verifyMercadoPago(delivery(result?.target ?? '', simulated.headers, body), [secretOf(secret)], { now: NOW }).verdict).toMatchObject({
      status: 'valid',
      variant: 'data.id lowercased (documented)',
    })
    // The id is signed: the same callback at the URL without it does not verify.
    expect(verifyMercadoPago(delivery(simulated.target, simulated.headers, body), [secretOf(secret)], { now: NOW }).verdict.status).toBe('invalid')
  })

  it("signs with the endpoint's secret", () => {
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'mercadopago', value: 'configured-secret' }
    const simulated = input([key], '/mp?data.id=123456789')
    const result = simulation?.sign(simulated)
    expect(result?.key).toMatchObject({ generated: false, generatedSecret: null })
    expect(result?.verificationKey).toEqual(key)
    const header = simulated.headers.find(([name]) => name === 'x-signature')?.[1]
    const requestId = simulated.headers.find(([name]) => name === 'x-request-id')?.[1] ?? ''
    expect(sdkVerdict(header, requestId, '123456789', 'configured-secret')).toBeNull()
  })
})
