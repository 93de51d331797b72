/**
 * Square and GoCardless through the real receiver: a delivery signed as the provider signs it
 * (plain node:crypto here, not the app's signer) is POSTed to an endpoint, captured, recognised,
 * summarised and verified with the endpoint's keys; its retries group into one delivery with the
 * provider's retry schedule. Square's notification URL is the one thing the request does not
 * carry: these tests cover it configured on the key, rebuilt from the public Host, and unknown.
 */
import { createHmac } from 'node:crypto'
import { describe, expect } from 'vitest'
import { headerValue } from '../shared/http-message'
import type { ProviderKey } from '../shared/providers'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'

const test = useInspector({ deps: { now: () => new Date() } })

const SQUARE_KEY = 'sq-test-signature-key-3Jd8sL2q'
const squareEvent = (eventId: string): string =>
  JSON.stringify({
    merchant_id: 'ML82H4QPKMGXY',
    type: 'payment.updated',
    event_id: eventId,
    created_at: '2026-12-06T10:15:03.521Z',
    data: {
      type: 'payment',
      id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
      object: {
        payment: {
          id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
          amount_money: { amount: 1099, currency: 'USD' },
          status: 'COMPLETED',
          reference_id: 'order-1001',
          card_details: { status: 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111' } },
        },
      },
    },
  })
const squareSignature = (url: string, body: string): string =>
  createHmac('sha256', SQUARE_KEY)
    .update(url + body, 'utf8')
    .digest('base64')

async function capturesOf(inspector: Inspector, endpointId: string) {
  return (await inspector.procedures.listCaptures({ endpointId })).items
}

describe('Square through the receiver', () => {
  test('signed for the public tunnel URL configured on the key, arriving with the public Host: recognised, summarised, valid', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'square tunnel' })
    const path = `${new URL(endpoint.url).pathname}/webhooks`
    const notificationUrl = `https://demo-square.loca.lt${path}`
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'square', value: SQUARE_KEY, notificationUrl }
    const view = await procedures.addKey({ endpointId: endpoint.id, key })
    expect(view.keys[0]?.descriptor.details).toContainEqual({ label: 'Notification URL', value: notificationUrl })

    const body = squareEvent('7d1c2b3a-0000-4000-8000-00000000a001')
    const headers: Array<[string, string]> = [
      ['Host', 'demo-square.loca.lt'],
      ['Content-Type', 'application/json'],
      ['square-environment', 'Sandbox'],
      ['x-square-hmacsha256-signature', squareSignature(notificationUrl, body)],
    ]
    expect((await send(`${endpoint.url}/webhooks`, { method: 'POST', headers, body: Buffer.from(body) })).status).toBe(200)
    // Square retries the same notification: the second attempt joins the first's delivery.
    await send(`${endpoint.url}/webhooks`, { method: 'POST', headers: [...headers, ['square-retry-number', '1']], body: Buffer.from(body) })

    const [latest] = await capturesOf(inspector, endpoint.id)
    expect(latest?.recognition?.provider.id).toBe('square')
    expect(latest?.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: latest!.id })
    expect(detail.analysis?.provider).toMatchObject({ id: 'square', variant: 'webhook', detectedBy: 'x-square-hmacsha256-signature header' })
    expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: `HMAC-SHA256, configured notification URL ${notificationUrl}` })
    expect(detail.analysis?.summary).toMatchObject({
      eventType: 'payment.updated',
      eventId: '7d1c2b3a-0000-4000-8000-00000000a001',
      status: 'COMPLETED',
      providerObjectId: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
      merchantReference: 'order-1001',
      amount: { amountDisplay: 'USD 10.99', amountMinor: 1099, unit: 'minor' },
      isTest: true,
    })
    const delivery = await procedures.getDelivery({ captureId: latest!.id })
    expect(delivery.totalAttempts).toBe(2)
    expect(delivery.groupedBy).toContain('event id')
    expect(delivery.schedule).toMatchObject({ provider: 'square', kind: 'published-times' })
  })

  test('without a URL on the key, the URL rebuilt from Host and path verifies a local delivery; a foreign URL is "notification URL unknown"', async ({
    inspector,
  }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'square local' })
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'square', value: SQUARE_KEY } })
    const url = `${endpoint.url}/webhooks`
    const body = squareEvent('7d1c2b3a-0000-4000-8000-00000000a002')
    await send(url, { method: 'POST', headers: [['x-square-hmacsha256-signature', squareSignature(url, body)]], body: Buffer.from(body) })
    const [local] = await capturesOf(inspector, endpoint.id)
    expect((await procedures.getCapture({ id: local!.id })).analysis?.verdict).toMatchObject({
      status: 'valid',
      variant: `HMAC-SHA256, notification URL ${url} (from the Host header)`,
    })

    const foreign = squareEvent('7d1c2b3a-0000-4000-8000-00000000a003')
    const signedElsewhere = squareSignature('https://elsewhere.example/square', foreign)
    await send(url, { method: 'POST', headers: [['x-square-hmacsha256-signature', signedElsewhere]], body: Buffer.from(foreign) })
    const [unknown] = await capturesOf(inspector, endpoint.id)
    expect(unknown?.recognition?.verdict).toMatchObject({ status: 'no-key', message: expect.stringContaining('notification URL unknown') })

    // Saying which URL was signed turns it valid without resending.
    await procedures.addKey({
      endpointId: endpoint.id,
      key: { kind: 'hmac-secret', provider: 'square', value: SQUARE_KEY, notificationUrl: 'https://elsewhere.example/square' },
    })
    const [reverified] = await capturesOf(inspector, endpoint.id)
    expect((await procedures.getCapture({ id: reverified!.id })).analysis?.verdict).toMatchObject({
      status: 'valid',
      variant: 'HMAC-SHA256, configured notification URL https://elsewhere.example/square',
    })
  })

  test("an edited resend is re-signed for the key's notification URL (as Square signs), else for the URL it is sent to", async ({ inspector, target }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'square resend' })
    const notificationUrl = 'https://demo-square.loca.lt/square/webhooks'
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'square', value: SQUARE_KEY, notificationUrl } })
    const body = squareEvent('7d1c2b3a-0000-4000-8000-00000000a004')
    await send(`${endpoint.url}/webhooks`, {
      method: 'POST',
      headers: [['x-square-hmacsha256-signature', squareSignature(notificationUrl, body)]],
      body: Buffer.from(body),
    })
    const [captured] = await capturesOf(inspector, endpoint.id)
    const edited = body.replace('"amount":1099', '"amount":2099')
    const resend = (targetUrl: string) =>
      procedures.replayCapture({ captureId: captured!.id, targetUrl, edits: { body: { encoding: 'utf8', text: edited } }, resign: true })

    const record = await resend(`${target.url}/local/square`)
    expect(record.resign?.changes).toEqual([expect.objectContaining({ scheme: 'square-hmac-sha256', name: 'x-square-hmacsha256-signature' })])
    expect(headerValue(target.received[0]!.headers, 'x-square-hmacsha256-signature')).toBe(squareSignature(notificationUrl, edited))
    // Sent back to the endpoint itself: valid there with the configured URL.
    await resend(`${endpoint.url}/webhooks`)
    const [resent] = await capturesOf(inspector, endpoint.id)
    expect(resent?.recognition?.verdict.status).toBe('valid')

    // A key without a notification URL: signed for the URL the resend goes to.
    const other = await procedures.createEndpoint({ name: 'square resend no url' })
    await procedures.addKey({ endpointId: other.id, key: { kind: 'hmac-secret', provider: 'square', value: SQUARE_KEY } })
    await send(`${other.url}/webhooks`, {
      method: 'POST',
      headers: [['x-square-hmacsha256-signature', squareSignature(`${other.url}/webhooks`, body)]],
      body: Buffer.from(body),
    })
    const [capturedOther] = await capturesOf(inspector, other.id)
    await procedures.replayCapture({
      captureId: capturedOther!.id,
      targetUrl: `${target.url}/hook`,
      edits: { body: { encoding: 'utf8', text: edited } },
      resign: true,
    })
    expect(headerValue(target.received[1]!.headers, 'x-square-hmacsha256-signature')).toBe(squareSignature(`${target.url}/hook`, edited))
  })

  test('a notification URL is refused on another provider, and when it is not an absolute URL', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await expect(
      procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: 'x', notificationUrl: 'https://a.example/' } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('only a Square signature key') })
    await expect(
      procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'square', value: 'x', notificationUrl: '/square/webhooks' } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('absolute') })
  })
})

describe('GoCardless through the receiver', () => {
  const SECRET = 'gc-endpoint-secret-8sKd02nQ'
  const batch = JSON.stringify({
    events: [
      {
        id: 'EV0001AAAA',
        created_at: '2026-12-06T10:10:47.578Z',
        resource_type: 'payments',
        action: 'confirmed',
        links: { payment: 'PM0001' },
        details: { cause: 'payment_confirmed' },
      },
      {
        id: 'EV0002BBBB',
        created_at: '2026-12-06T10:10:48.000Z',
        resource_type: 'mandates',
        action: 'active',
        links: { mandate: 'MD0001' },
        details: { cause: 'mandate_activated' },
      },
    ],
    meta: { webhook_id: 'WB0000TEST01' },
  })

  test('a signed batch: GoCardless (not Standard Webhooks, whose header has the same name), summarised per event, valid, grouped by webhook id', async ({
    inspector,
    endpoint,
  }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'gocardless', value: SECRET } })
    const headers: Array<[string, string]> = [
      ['Origin', 'https://api-sandbox.gocardless.com'],
      ['User-Agent', 'gocardless-webhook-service/1.2'],
      ['Content-Type', 'application/json'],
      ['Webhook-Signature', createHmac('sha256', SECRET).update(batch).digest('hex')],
    ]
    for (let attempt = 0; attempt < 2; attempt++) await send(`${endpoint.url}/gocardless`, { method: 'POST', headers, body: Buffer.from(batch) })
    const [latest] = await capturesOf(inspector, endpoint.id)
    expect(latest?.recognition?.provider).toMatchObject({ id: 'gocardless', variant: 'webhook' })
    expect(latest?.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: latest!.id })
    expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: 'HMAC-SHA256 hex' })
    expect(detail.analysis?.summary).toMatchObject({ eventType: '2 events: payments.confirmed, mandates.active', eventId: 'WB0000TEST01', isTest: true })
    expect(detail.analysis?.summary.fields).toContainEqual({ label: 'Event 2', value: 'EV0002BBBB · mandates.active · MD0001 · mandate_activated' })
    const delivery = await procedures.getDelivery({ captureId: latest!.id })
    expect(delivery.totalAttempts).toBe(2)
    expect(delivery.schedule).toMatchObject({ provider: 'gocardless' })

    // One byte changed: invalid, with GoCardless's own word on what to answer.
    const tampered = batch.replace('"confirmed"', '"Confirmed"')
    await send(`${endpoint.url}/gocardless`, { method: 'POST', headers, body: Buffer.from(tampered) })
    const [invalid] = await capturesOf(inspector, endpoint.id)
    const invalidDetail = await procedures.getCapture({ id: invalid!.id })
    expect(invalidDetail.analysis?.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(invalidDetail.analysis?.explanation.notes).toContain('GoCardless asks for 498 Token Invalid when a signature does not match')
  })

  test('an edited resend gets a fresh Webhook-Signature over the body sent', async ({ inspector, endpoint, target }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'gocardless', value: SECRET } })
    await send(`${endpoint.url}/gocardless`, {
      method: 'POST',
      headers: [['Webhook-Signature', createHmac('sha256', SECRET).update(batch).digest('hex')]],
      body: Buffer.from(batch),
    })
    const [captured] = await capturesOf(inspector, endpoint.id)
    const edited = batch.replace('"confirmed"', '"failed"')
    const record = await procedures.replayCapture({
      captureId: captured!.id,
      targetUrl: target.url,
      edits: { body: { encoding: 'utf8', text: edited } },
      resign: true,
    })
    expect(record.resign?.changes.map((change) => change.scheme)).toEqual(['gocardless-hmac-sha256'])
    expect(record.resign?.skipped).toEqual([])
    expect(headerValue(target.received[0]!.headers, 'Webhook-Signature')).toBe(createHmac('sha256', SECRET).update(edited).digest('hex'))
  })
})
