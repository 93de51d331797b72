/**
 * The resend preview's path warning compares the path sent with the path the capture's signature
 * was verified against: for IXOPAY that follows the endpoint's signed-path setting, so a resend to
 * exactly that path is not warned about, and one to the path as received is.
 */
import { describe, expect } from 'vitest'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { signIxopayJson } from '../providers'

const SECRET = 'ixopay-path-secret'
const test = useInspector()
const body = JSON.stringify({ result: 'OK', uuid: 'tx-1', merchantTransactionId: 'order-1', transactionType: 'DEBIT', amount: '9.99', currency: 'EUR' })

describe("resend path warning and the endpoint's signed-path setting", () => {
  test('without the endpoint prefix: the path the gateway signed is fine, the path as received is warned about', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
    // A proxy in front of the app added /<slug>: the gateway signed the path without it.
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: '/callbacks/ixopay?orderId=1001' })
    await send(`${endpoint.url}/callbacks/ixopay?orderId=1001`, { headers: signed.headers, body })
    const capture = (await procedures.listCaptures({})).items[0]!
    expect(capture.recognition?.verdict.status).toBe('valid')

    const kept = await procedures.previewReplay({ captureId: capture.id, targetUrl: 'http://127.0.0.1:9', keepCapturedPath: true })
    expect(kept.sent.target).toBe('/callbacks/ixopay?orderId=1001')
    expect(kept.warnings).toEqual([])

    const asReceived = await procedures.previewReplay({ captureId: capture.id, targetUrl: `http://127.0.0.1:9/${endpoint.slug}/callbacks/ixopay?orderId=1001` })
    expect(asReceived.warnings).toHaveLength(1)
    expect(asReceived.warnings[0]).toContain(`signed for /callbacks/ixopay?orderId=1001, this goes to /${endpoint.slug}/callbacks/ixopay?orderId=1001`)
  })

  test('a fixed signed path: a resend there is fine, anywhere else is warned about with that path', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'fixed', path: '/shop/ixopay-notify' } })
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: '/shop/ixopay-notify' })
    await send(`${endpoint.url}/in`, { headers: signed.headers, body })
    const capture = (await procedures.listCaptures({})).items[0]!
    expect(capture.recognition?.verdict.status).toBe('valid')

    expect((await procedures.previewReplay({ captureId: capture.id, targetUrl: 'http://127.0.0.1:9/shop/ixopay-notify' })).warnings).toEqual([])
    const elsewhere = await procedures.previewReplay({ captureId: capture.id, targetUrl: `http://127.0.0.1:9/${endpoint.slug}/in` })
    expect(elsewhere.warnings[0]).toContain(`signed for /shop/ixopay-notify, this goes to /${endpoint.slug}/in`)
  })
})
