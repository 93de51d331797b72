/**
 * Razorpay and Paystack end to end: a delivery signed with a fresh secret is POSTed to a real
 * inspector receiver, captured, recognised by its own header, summarised (event, ids, the amount
 * in the currency's subunit) and verified valid with the endpoint's key; a retry of the same event
 * joins the same delivery; a wrong key is reported as a mismatch; a resend with an edited body is
 * re-signed so that the provider's own check (razorpay-node, Paystack's documented example) accepts
 * what the target receives.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto'
import Razorpay from 'razorpay'
import { expect } from 'vitest'
import { headerValue } from '../shared/http-message'
import type { CaptureSummary } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'
import { signPaystack } from './providers/paystack'
import { signRazorpay } from './providers/razorpay'

const test = useInspector()

async function capturesOf(inspector: Inspector, endpointId: string): Promise<CaptureSummary[]> {
  return (await inspector.procedures.listCaptures({ endpointId })).items
}

test('Razorpay: recognised by X-Razorpay-Signature, summarised in paise, verified valid; its retry joins the delivery', async ({ inspector, endpoint }) => {
  const secret = randomBytes(18).toString('base64url')
  await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'razorpay', value: secret } })
  const paymentId = `pay_${randomBytes(7).toString('hex')}`
  const amount = randomInt(100, 1_000_000)
  const body = Buffer.from(
    JSON.stringify({
      entity: 'event',
      account_id: 'acc_BFQ7uQEaa7j2z7',
      event: 'payment.captured',
      contains: ['payment'],
      payload: { payment: { entity: { id: paymentId, entity: 'payment', amount, currency: 'INR', status: 'captured', method: 'upi', note: 'ü' } } },
      created_at: Math.floor(Date.now() / 1000),
    }),
  )
  const eventId = randomBytes(7).toString('hex')
  const headers: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['X-Razorpay-Event-Id', eventId],
    ['X-Razorpay-Signature', signRazorpay(secret, body)],
  ]
  for (let attempt = 0; attempt < 2; attempt++) {
    expect((await send(`${endpoint.url}/webhooks/razorpay`, { method: 'POST', headers, body })).status).toBeLessThan(300)
  }

  const [retry, first] = await capturesOf(inspector, endpoint.id)
  expect(first?.recognition).toMatchObject({
    provider: { id: 'razorpay', name: 'Razorpay', variant: 'webhook' },
    verdict: { status: 'valid' },
    summary: { eventType: 'payment.captured', status: 'captured', objectId: paymentId, eventId, paymentMethod: 'upi' },
  })
  expect(first?.recognition?.summary.amount).toBe(`INR ${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`)
  expect(first?.deliveryKey).toBe(`razorpay:${eventId}`)
  expect(retry?.deliveryKey).toBe(first?.deliveryKey)
  const detail = await inspector.procedures.getCapture({ id: first?.id ?? '' })
  expect(Buffer.from(detail.request.bodyBase64, 'base64').equals(body)).toBe(true)
  expect(detail.analysis?.explanation).toMatchObject({ scheme: 'razorpay-hmac-sha256', matchedVariant: 'HMAC-SHA256 hex' })
})

test('Razorpay without a secret: unsigned, with the request that confirms it', async ({ inspector, endpoint }) => {
  const body = Buffer.from(
    JSON.stringify({
      entity: 'event',
      account_id: 'acc_BFQ7uQEaa7j2z7',
      event: 'payment.failed',
      contains: ['payment'],
      payload: { payment: { entity: { id: 'pay_DEAU825sJlCbGa', amount: 50000, currency: 'INR', status: 'failed', error_code: 'BAD_REQUEST_ERROR' } } },
    }),
  )
  await send(`${endpoint.url}/razorpay`, { method: 'POST', headers: [['X-Razorpay-Event-Id', 'DEAU8DC2KTbaUm']], body })
  const [capture] = await capturesOf(inspector, endpoint.id)
  expect(capture?.recognition).toMatchObject({ provider: { id: 'razorpay' }, verdict: { status: 'unsigned' }, summary: { amount: 'INR 500.00' } })
  expect(capture?.recognition?.verdict.message).toContain('GET https://api.razorpay.com/v1/payments/pay_DEAU825sJlCbGa')
})

test('Paystack: recognised by x-paystack-signature, summarised in kobo, verified valid; a wrong key is a mismatch', async ({ inspector, endpoint }) => {
  const secretKey = `sk_test_${randomBytes(20).toString('hex')}`
  await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'paystack', value: secretKey } })
  const reference = randomBytes(6).toString('hex')
  const id = randomInt(1, 1e9)
  const body = Buffer.from(
    JSON.stringify({
      event: 'charge.success',
      data: { id, domain: 'test', status: 'success', reference, amount: 25000, currency: 'NGN', channel: 'card' },
    }),
  )
  const post = (signature: string) =>
    send(`${endpoint.url}/paystack`, {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json'],
        ['x-paystack-signature', signature],
      ],
      body,
    })
  expect((await post(signPaystack(secretKey, body))).status).toBeLessThan(300)
  expect((await post(signPaystack(`sk_test_${randomBytes(20).toString('hex')}`, body))).status).toBeLessThan(300)

  const [wrongKey, valid] = await capturesOf(inspector, endpoint.id)
  expect(valid?.recognition).toMatchObject({
    provider: { id: 'paystack', name: 'Paystack', variant: 'webhook' },
    verdict: { status: 'valid' },
    summary: { eventType: 'charge.success', status: 'success', objectId: String(id), reference, amount: 'NGN 250.00', paymentMethod: 'card' },
  })
  expect(wrongKey?.recognition).toMatchObject({ provider: { id: 'paystack' }, verdict: { status: 'invalid', reason: 'signature-mismatch' } })
  // The same event sent twice is one delivery, whatever its signature.
  expect(valid?.deliveryKey).toBe(`paystack:charge.success:${id}:success`)
  expect(wrongKey?.deliveryKey).toBe(valid?.deliveryKey)
})

test('resend with an edited body is re-signed: razorpay-node and Paystack’s documented check accept what arrives', async ({ inspector, endpoint, target }) => {
  const { procedures } = inspector
  const razorpaySecret = randomBytes(18).toString('base64url')
  const paystackKey = `sk_live_${randomBytes(20).toString('hex')}`
  await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'razorpay', value: razorpaySecret } })
  await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'paystack', value: paystackKey } })
  const razorpayBody = JSON.stringify({
    entity: 'event',
    account_id: 'acc_1',
    event: 'payment.captured',
    contains: ['payment'],
    payload: { payment: { entity: { id: 'pay_1', amount: 1000, currency: 'INR', status: 'captured' } } },
  })
  const paystackBody = JSON.stringify({ event: 'charge.success', data: { id: 1, status: 'success', reference: 'r1', amount: 1000, currency: 'NGN' } })
  await send(`${endpoint.url}/r`, {
    method: 'POST',
    headers: [['X-Razorpay-Signature', signRazorpay(razorpaySecret, razorpayBody)]],
    body: Buffer.from(razorpayBody),
  })
  await send(`${endpoint.url}/p`, {
    method: 'POST',
    headers: [['x-paystack-signature', signPaystack(paystackKey, paystackBody)]],
    body: Buffer.from(paystackBody),
  })
  const [paystackCapture, razorpayCapture] = await capturesOf(inspector, endpoint.id)

  const edit = (text: string) => ({ body: { encoding: 'utf8' as const, text: text.replace('"amount":1000', '"amount":2000') } })
  const razorpayRecord = await procedures.replayCapture({ captureId: razorpayCapture!.id, targetUrl: target.url, edits: edit(razorpayBody), resign: true })
  expect(razorpayRecord.resign?.changes).toEqual([expect.objectContaining({ scheme: 'razorpay-hmac-sha256', name: 'X-Razorpay-Signature' })])
  const sentToRazorpay = target.received[0]!
  expect(
    Razorpay.validateWebhookSignature(sentToRazorpay.body.toString('utf8'), headerValue(sentToRazorpay.headers, 'X-Razorpay-Signature') ?? '', razorpaySecret),
  ).toBe(true)

  const paystackRecord = await procedures.replayCapture({ captureId: paystackCapture!.id, targetUrl: target.url, edits: edit(paystackBody), resign: true })
  expect(paystackRecord.resign?.changes).toEqual([expect.objectContaining({ scheme: 'paystack-hmac-sha512', name: 'x-paystack-signature' })])
  const sentToPaystack = target.received[1]!
  expect(sentToPaystack.body.toString('utf8')).toContain('"amount":2000')
  expect(createHmac('sha512', paystackKey).update(sentToPaystack.body).digest('hex')).toBe(headerValue(sentToPaystack.headers, 'x-paystack-signature'))
})

for (const [templateId, provider] of [
  ['razorpay-payment-captured', 'razorpay'],
  ['paystack-charge-success', 'paystack'],
] as const) {
  test(`simulator: ${templateId} is recognised, summarised and valid, signed with the endpoint's key or a generated one`, async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    const value = provider === 'paystack' ? `sk_test_${randomBytes(20).toString('hex')}` : randomBytes(18).toString('base64url')
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider, value } })
    const signedWithOurs = await procedures.simulateCallback({ templateId, targetUrl: `${endpoint.url}/simulated`, useKeysOf: endpoint.id })
    expect(signedWithOurs.key).toMatchObject({ kind: 'hmac-secret', generated: false, generatedSecret: null })
    const [capture] = await capturesOf(inspector, endpoint.id)
    expect(capture?.recognition).toMatchObject({ provider: { id: provider, variant: 'webhook' }, verdict: { status: 'valid' } })
    expect(capture?.recognition?.summary.amount).toBe(provider === 'paystack' ? 'NGN 250.00' : 'INR 499.00')

    // Without a key: the app generates one in the provider's format and returns it.
    const other = await procedures.createEndpoint({ name: `simulate ${provider} generated` })
    const generated = await procedures.simulateCallback({ templateId, targetUrl: `${other.url}/simulated` })
    expect(generated.key).toMatchObject({ kind: 'hmac-secret', generated: true })
    if (provider === 'paystack') expect(generated.key.generatedSecret).toMatch(/^sk_test_[0-9a-f]{40}$/)
    await procedures.addKey({ endpointId: other.id, key: { kind: 'hmac-secret', provider, value: generated.key.generatedSecret ?? '' } })
    const [fromGenerated] = await capturesOf(inspector, other.id)
    expect(fromGenerated?.recognition?.verdict.status).toBe('valid')
  })
}
