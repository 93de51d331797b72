/**
 * Razorpay and Paystack end to end: a delivery signed with a fresh secret is POSTed to a real
 * inspector receiver, captured, recognised by its own header, summarised (event, ids, the amount
 * in the currency's subunit) and verified valid with the endpoint's key; a retry of the same event
 * joins the same delivery; a wrong key is reported as a mismatch.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { expect } from 'vitest'
import type { CaptureSummary } from '../shared/contract'
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
