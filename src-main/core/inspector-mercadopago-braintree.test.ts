/**
 * Mercado Pago and Braintree through the real receiver: a notification signed as the provider
 * signs it (Mercado Pago: plain node:crypto over the docs' manifest; Braintree: the braintree SDK's
 * own `webhookTesting.sampleNotification`) is POSTed to an endpoint, captured byte for byte,
 * recognised, summarised and verified with the endpoint's keys; its retry joins the same delivery,
 * shown beside the provider's retry schedule; a key entered afterwards turns "no key" into "valid".
 */
import { createHmac, randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect } from 'vitest'
import type { ProviderKey } from '../shared/providers'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'

const test = useInspector({ deps: { now: () => new Date() } })

interface BraintreeSdk {
  BraintreeGateway: new (config: { environment: unknown; merchantId: string; publicKey: string; privateKey: string }) => {
    webhookTesting: { sampleNotification(kind: string, id: string): { bt_signature: string; bt_payload: string } }
  }
  Environment: { Sandbox: unknown }
}
const braintree = createRequire(import.meta.url)('braintree') as BraintreeSdk

async function latestCapture(inspector: Inspector, endpointId: string) {
  const [latest] = (await inspector.procedures.listCaptures({ endpointId })).items
  if (!latest) throw new Error('nothing was captured')
  return latest
}

describe('Mercado Pago through the receiver', () => {
  const SECRET = 'mp-test-secret-signature-9c2e71'
  const dataId = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3'
  const body = JSON.stringify({
    action: 'order.processed',
    api_version: 'v1',
    application_id: '4107918212345678',
    date_created: '2026-03-20T18:20:38.512Z',
    id: '118347025103',
    live_mode: false,
    type: 'order',
    user_id: '2461999999',
    data: { external_reference: 'ext_ref_1234', id: dataId, status: 'processed', status_detail: 'accredited', total_paid_amount: '200.10' },
  })
  /** As Mercado Pago signs: the URL's data.id lowercased, x-request-id and ts, written independently of the app. */
  const signatureFor = (requestId: string, ts: string): string =>
    `ts=${ts},v1=${createHmac('sha256', SECRET).update(`id:${dataId.toLowerCase()};request-id:${requestId};ts:${ts};`).digest('hex')}`

  test('a signed Orders API notification: recognised, summarised with its amount as sent, valid; the retry joins its delivery', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'mercado pago' })
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'mercadopago', value: SECRET }
    await procedures.addKey({ endpointId: endpoint.id, key })
    const url = `${endpoint.url}/webhooks/mp?data.id=${dataId}&type=order`
    for (let attempt = 0; attempt < 2; attempt++) {
      const requestId = randomUUID()
      const headers: Array<[string, string]> = [
        ['Content-Type', 'application/json'],
        ['x-signature', signatureFor(requestId, String(Date.now()))],
        ['x-request-id', requestId],
      ]
      expect((await send(url, { method: 'POST', headers, body: Buffer.from(body) })).status).toBe(200)
    }

    const latest = await latestCapture(inspector, endpoint.id)
    expect(latest.recognition?.provider).toMatchObject({ id: 'mercadopago', variant: 'webhook' })
    expect(latest.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: latest.id })
    expect(detail.analysis?.provider.detectedBy).toBe('x-signature header (ts=…,v1=…)')
    expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: 'data.id lowercased (documented)' })
    expect(Buffer.from(detail.request.bodyBase64, 'base64').toString('utf8')).toBe(body)
    expect(detail.analysis?.summary).toMatchObject({
      eventType: 'order.processed',
      eventId: '118347025103',
      status: 'processed',
      providerObjectId: dataId,
      merchantReference: 'ext_ref_1234',
      amount: { amountDisplay: '200.10', raw: '200.10', unit: 'decimal' },
      isTest: true,
      signalOnly: { url: `https://api.mercadopago.com/v1/orders/${dataId}` },
    })
    const delivery = await procedures.getDelivery({ captureId: latest.id })
    expect(delivery.totalAttempts).toBe(2)
    expect(delivery.groupedBy).toContain('notification id')
    expect(delivery.schedule).toMatchObject({ provider: 'mercadopago', kind: 'published-times' })
  })

  test('no key, then the secret entered: "no key" becomes "valid" without resending; a wrong secret is a mismatch', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'mercado pago keys' })
    const requestId = randomUUID()
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['x-signature', signatureFor(requestId, String(Date.now()))],
      ['x-request-id', requestId],
    ]
    await send(`${endpoint.url}/mp?data.id=${dataId}&type=order`, { method: 'POST', headers, body: Buffer.from(body) })
    expect((await latestCapture(inspector, endpoint.id)).recognition?.verdict.status).toBe('no-key')

    const wrong = await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: `${SECRET}x` } })
    expect((await latestCapture(inspector, endpoint.id)).recognition?.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    await procedures.removeKey({ endpointId: endpoint.id, keyId: wrong.keys[0]!.id })
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: SECRET } })
    expect((await latestCapture(inspector, endpoint.id)).recognition?.verdict.status).toBe('valid')
  })
  test('a resend with re-signing gets a fresh x-signature for the data.id it is sent with, valid at the endpoint', async ({ inspector, target }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'mercado pago resend' })
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: SECRET } })
    const requestId = randomUUID()
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['x-signature', signatureFor(requestId, String(Date.now() - 3_600_000))],
      ['x-request-id', requestId],
    ]
    await send(`${endpoint.url}/mp?data.id=${dataId}&type=order`, { method: 'POST', headers, body: Buffer.from(body) })
    const captured = await latestCapture(inspector, endpoint.id)

    const record = await procedures.replayCapture({ captureId: captured.id, targetUrl: `${target.url}/mp?data.id=${dataId}&type=order`, resign: true })
    expect(record.resign?.changes).toEqual([expect.objectContaining({ scheme: 'mercadopago-v1', provider: 'mercadopago', name: 'x-signature' })])
    const sent = target.received[0]?.headers.find(([name]) => name.toLowerCase() === 'x-signature')?.[1] ?? ''
    const ts = /ts=(\d+)/.exec(sent)?.[1] ?? ''
    expect(Number(ts)).toBeGreaterThan(Date.now() - 60_000)
    expect(sent).toBe(signatureFor(requestId, ts))

    await procedures.replayCapture({ captureId: captured.id, targetUrl: `${endpoint.url}/mp?data.id=${dataId}&type=order`, resign: true })
    expect((await latestCapture(inspector, endpoint.id)).recognition?.verdict.status).toBe('valid')
  })
})

describe('Braintree through the receiver', () => {
  const pair = { publicKey: 'ci5tp8xq3hz9k2wm', privateKey: 'ci0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o' }
  const gateway = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, merchantId: 'merchant', ...pair })
  const formOf = (sample: { bt_signature: string; bt_payload: string }): Buffer =>
    Buffer.from(`bt_signature=${encodeURIComponent(sample.bt_signature)}&bt_payload=${encodeURIComponent(sample.bt_payload)}`)

  test('an SDK-made subscription charge: recognised, summarised with its amount as sent, valid with the key pair; its retry joins it', async ({
    inspector,
  }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'braintree' })
    const view = await procedures.addKey({
      endpointId: endpoint.id,
      key: { kind: 'hmac-secret', provider: 'braintree', value: pair.privateKey, apiKey: pair.publicKey },
    })
    expect(view.keys[0]?.descriptor.masked).not.toContain(pair.privateKey)
    const body = formOf(gateway.webhookTesting.sampleNotification('subscription_charged_successfully', 'sub_ci_42'))
    const headers: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded']]
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await send(`${endpoint.url}/webhooks/braintree`, { method: 'POST', headers, body })).status).toBe(200)
    }

    const latest = await latestCapture(inspector, endpoint.id)
    expect(latest.recognition?.provider).toMatchObject({ id: 'braintree', variant: 'webhook' })
    expect(latest.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: latest.id })
    expect(detail.analysis?.provider.detectedBy).toBe('bt_signature and bt_payload form parameters')
    expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: 'bt_payload as sent' })
    expect(Buffer.from(detail.request.bodyBase64, 'base64').equals(body)).toBe(true)
    expect(detail.analysis?.summary).toMatchObject({
      eventType: 'subscription_charged_successfully',
      providerObjectId: 'sub_ci_42',
      amount: { amountDisplay: '49.99', raw: '49.99', unit: 'decimal' },
      bodyFormat: 'form',
    })
    const delivery = await procedures.getDelivery({ captureId: latest.id })
    expect(delivery.totalAttempts).toBe(2)
    expect(delivery.schedule).toMatchObject({ provider: 'braintree', kind: 'published-times' })
  })

  test('a private key without its public key says what is missing; another public key is "wrong key"', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'braintree keys' })
    const body = formOf(gateway.webhookTesting.sampleNotification('transaction_settled', 'txn_1'))
    await send(`${endpoint.url}/bt`, { method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body })
    const alone = await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'braintree', value: pair.privateKey } })
    const noPublic = (await latestCapture(inspector, endpoint.id)).recognition?.verdict
    expect(noPublic).toMatchObject({ status: 'no-key' })
    expect(noPublic?.message).toContain('public key')
    await procedures.removeKey({ endpointId: endpoint.id, keyId: alone.keys[0]!.id })
    await procedures.addKey({
      endpointId: endpoint.id,
      key: { kind: 'hmac-secret', provider: 'braintree', value: pair.privateKey, apiKey: 'someotherpublic1' },
    })
    expect((await latestCapture(inspector, endpoint.id)).recognition?.verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
  })

  test('a notification signed with another key pair is "wrong key"; resent with re-signing it is valid, its bt_payload unchanged', async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'braintree resend' })
    const mine = { publicKey: 'cimine0000000001', privateKey: 'cimineprivate0000000000000000001' }
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'braintree', value: mine.privateKey, apiKey: mine.publicKey } })
    const sample = gateway.webhookTesting.sampleNotification('transaction_settled', 'txn_resend')
    await send(`${endpoint.url}/bt`, { method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: formOf(sample) })
    const captured = await latestCapture(inspector, endpoint.id)
    expect(captured.recognition?.verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })

    const record = await procedures.replayCapture({ captureId: captured.id, targetUrl: `${endpoint.url}/bt`, resign: true })
    expect(record.resign?.changes).toEqual([expect.objectContaining({ scheme: 'braintree-hmac-sha1', location: 'body', name: 'bt_signature' })])
    const resent = await latestCapture(inspector, endpoint.id)
    expect(resent.id).not.toBe(captured.id)
    expect(resent.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: resent.id })
    expect(new URLSearchParams(Buffer.from(detail.request.bodyBase64, 'base64').toString()).get('bt_payload')).toBe(sample.bt_payload)
  })
})
