/**
 * Paddle Billing and Checkout.com through the real inspector: a signed delivery POSTed to the
 * receiver is captured, recognised, summarised in the provider's units and verified valid with
 * the endpoint's key; an edited resend re-signed with that key verifies again; the simulator's
 * templates arrive valid; the Delivery view carries the documented retry policy.
 */
import { Paddle } from '@paddle/paddle-node-sdk'
import { describe, expect, vi } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { generateCheckoutComSecret, signCheckoutCom } from './providers/checkout-com'
import { generatePaddleSecret, signPaddle } from './providers/paddle'

// One app for both providers: each test creates its own endpoint.
const test = useInspector({ scope: 'file', deps: { now: () => new Date() } })

const PADDLE_EVENT = {
  event_id: 'evt_01hv8x2acma2gz8m8y2ngxm8ta',
  event_type: 'transaction.completed',
  occurred_at: '2024-04-12T10:18:49.621022Z',
  notification_id: 'ntf_01hv8x2af4kqd2mp8pbq2vfd6s',
  data: {
    id: 'txn_01hv8wptq8987qeep44cyrewp9',
    status: 'completed',
    currency_code: 'JPY',
    custom_data: { order_id: 'ORD-1042' },
    details: { totals: { grand_total: '1500', currency_code: 'JPY' } },
    payments: [{ status: 'captured', method_details: { type: 'card', card: { type: 'visa', last4: '4242' } } }],
  },
}

const CHECKOUT_EVENT = {
  id: 'evt_az5sblvku4ge3dwpztvyizgcau',
  type: 'payment_captured',
  version: '1.0.33',
  created_on: '2024-05-24T14:15:22Z',
  data: { id: 'pay_mbabizu24mvu3mela5njyhpit4', amount: 100000, currency: 'BHD', reference: 'ORD-77', response_code: '10000', response_summary: 'Approved' },
  _links: { self: { href: 'https://api.sandbox.checkout.com/workflows/events/evt_az5sblvku4ge3dwpztvyizgcau' } },
}

describe('Paddle Billing and Checkout.com in the inspector', () => {
  test('Paddle: a signed delivery is recognised, summarised (lowest-denomination amounts) and valid; a re-signed edit and the simulator verify too', async ({
    inspector,
  }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'paddle' })
    const secret = generatePaddleSecret()
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'paddle', value: secret } })
    const body = Buffer.from(JSON.stringify(PADDLE_EVENT))
    const header = signPaddle({ secret, body, timestamp: Math.floor(Date.now() / 1000) }).header
    const answer = await send(`${endpoint.url}/paddle/webhook`, {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json'],
        ['Paddle-Signature', header],
      ],
      body,
    })
    expect(answer.status).toBe(200)

    const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(captured?.recognition).toMatchObject({
      provider: { id: 'paddle', name: 'Paddle Billing' },
      verdict: { status: 'valid' },
      summary: {
        eventType: 'transaction.completed',
        status: 'completed',
        objectId: 'txn_01hv8wptq8987qeep44cyrewp9',
        eventId: 'ntf_01hv8x2af4kqd2mp8pbq2vfd6s',
        reference: 'ORD-1042',
        amount: 'JPY 1500',
      },
    })
    expect(captured?.deliveryKey).toBe('paddle:ntf_01hv8x2af4kqd2mp8pbq2vfd6s')
    const detail = await procedures.getCapture({ id: captured!.id })
    expect(detail.analysis?.explanation).toMatchObject({ scheme: 'paddle-h1', matchedVariant: expect.stringContaining('h1') })
    const delivery = await procedures.getDelivery({ captureId: captured!.id })
    expect(delivery.schedule).toMatchObject({ provider: 'paddle', kind: 'outline' })

    const edited = await procedures.replayCapture({
      captureId: captured!.id,
      targetUrl: endpoint.url,
      edits: { body: { encoding: 'utf8', text: JSON.stringify({ ...PADDLE_EVENT, notification_id: 'ntf_01edited0000000000000000000' }) } },
      resign: true,
    })
    expect(edited.resign?.changes.map((change) => change.scheme)).toContain('paddle-h1')

    const simulated = await procedures.simulateCallback({ templateId: 'paddle-transaction-completed', targetUrl: endpoint.url, useKeysOf: endpoint.id })
    expect(simulated.key).toMatchObject({ kind: 'hmac-secret', generated: false })
    const all = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(all).toHaveLength(3)
    for (const capture of all) expect(capture.recognition).toMatchObject({ provider: { id: 'paddle' }, verdict: { status: 'valid' } })
    expect(all[0]?.recognition?.summary).toMatchObject({
      eventType: 'transaction.completed',
      amount: 'USD 32.66',
      reference: expect.stringMatching(/^ORD-\d{6}$/),
    })
    // Paddle's own SDK takes the simulated delivery, as received, for a genuine and parseable transaction event.
    const received = await procedures.getCapture({ id: all[0]!.id })
    const signature = received.request.headers.find(([name]) => name.toLowerCase() === 'paddle-signature')?.[1] ?? ''
    const receivedBody = Buffer.from(received.request.bodyBase64, 'base64').toString('utf8')
    // The SDK allows 5 s by the real clock: pinned to the signing time, a slow machine cannot fail it.
    vi.useFakeTimers({ toFake: ['Date'], now: Number(/ts=(\d+)/.exec(signature)?.[1]) * 1000 })
    const event = await new Paddle('pdl_sdbx_apikey_unused').webhooks.unmarshal(receivedBody, secret, signature)
    vi.useRealTimers()
    expect(event).toMatchObject({ eventType: 'transaction.completed', data: { status: 'completed', currencyCode: 'USD' } })

    // The same event without its header (a copy resent by a tool) is still Paddle's, and says what is missing.
    await send(`${endpoint.url}/paddle/webhook`, { method: 'POST', headers: [['Content-Type', 'application/json']], body })
    const [unsigned] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(unsigned?.recognition).toMatchObject({ provider: { id: 'paddle' }, verdict: { status: 'invalid', reason: 'missing-header' } })
  })

  test('Checkout.com: Cko-Signature and the Authorization key are checked; amounts use Checkout.com’s currency table', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'checkout' })
    const signatureKey = generateCheckoutComSecret()
    const authorizationKey = `auth-${generateCheckoutComSecret()}`
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'checkout-com', value: signatureKey, apiKey: authorizationKey } })
    const body = Buffer.from(JSON.stringify(CHECKOUT_EVENT, null, 2))
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['Authorization', authorizationKey],
      ['Cko-Signature', signCheckoutCom(signatureKey, body)],
    ]
    expect((await send(`${endpoint.url}/checkout`, { method: 'POST', headers, body })).status).toBe(200)
    const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(captured?.recognition).toMatchObject({
      provider: { id: 'checkout-com', name: 'Checkout.com' },
      verdict: { status: 'valid' },
      summary: {
        eventType: 'payment_captured',
        objectId: 'pay_mbabizu24mvu3mela5njyhpit4',
        eventId: 'evt_az5sblvku4ge3dwpztvyizgcau',
        reference: 'ORD-77',
        amount: 'BHD 100.000',
      },
    })
    expect(captured?.deliveryKey).toBe('checkout-com:evt_az5sblvku4ge3dwpztvyizgcau')
    const delivery = await procedures.getDelivery({ captureId: captured!.id })
    expect(delivery.schedule?.retries).toHaveLength(8)

    // The same bytes with another Authorization value are refused, and the key never shows.
    await send(`${endpoint.url}/checkout`, { method: 'POST', headers: [headers[0]!, ['Authorization', 'nope'], headers[2]!], body })
    const [refused] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(refused?.recognition?.verdict).toMatchObject({ status: 'invalid' })
    expect(JSON.stringify(await procedures.getCapture({ id: refused!.id }))).not.toContain(signatureKey)

    // The simulator signs with the endpoint's key and sends its authorization header key too.
    await procedures.simulateCallback({ templateId: 'checkout-com-payment-captured', targetUrl: endpoint.url, useKeysOf: endpoint.id })
    const [simulated] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(simulated?.recognition).toMatchObject({ provider: { id: 'checkout-com' }, verdict: { status: 'valid' }, summary: { amount: 'GBP 29.99' } })
  })
})
