/**
 * "Send a test callback" through the real app: the simulator's callback leaves through the replay
 * service and arrives at the app's own receiver, where it is captured and verified like any other
 * delivery. Mercado Pago signs a `data.id` it puts in the notification URL, so what the simulator
 * signed must be the path the receiver captures.
 */
import { describe, expect } from 'vitest'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector({ deps: { now: () => new Date() } })

describe('simulated callbacks through the receiver', () => {
  for (const templateId of ['mercadopago-payment-updated', 'mercadopago-order-processed']) {
    test(`${templateId}: sent with the ?data.id=&type= it signed, captured there, valid with the endpoint's secret`, async ({ inspector, endpoint }) => {
      const { procedures } = inspector
      await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: 'mp-endpoint-secret' } })
      await procedures.simulateCallback({ templateId, targetUrl: `${endpoint.url}/webhooks/mp?source=simulator`, useKeysOf: endpoint.id })

      const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
      if (!captured) throw new Error('nothing was captured')
      const detail = await procedures.getCapture({ id: captured.id })
      const bodyId = (JSON.parse(Buffer.from(detail.request.bodyBase64, 'base64').toString('utf8')) as { data: { id: string } }).data.id
      const query = new URLSearchParams(detail.request.target.slice(detail.request.target.indexOf('?') + 1))
      // The user's own query stays; Mercado Pago's parameters follow it.
      expect([query.get('source'), query.get('data.id'), query.get('type')]).toEqual(['simulator', bodyId, expect.stringMatching(/^(payment|order)$/)])
      expect(detail.analysis?.provider.id).toBe('mercadopago')
      expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: 'data.id lowercased (documented)' })
    })
  }

  test('a target URL that already names data.id is sent as given', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: 'mp-endpoint-secret' } })
    await procedures.simulateCallback({
      templateId: 'mercadopago-payment-updated',
      targetUrl: `${endpoint.url}/mp?data.id=42&type=payment`,
      useKeysOf: endpoint.id,
    })
    const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    if (!captured) throw new Error('nothing was captured')
    const detail = await procedures.getCapture({ id: captured.id })
    expect(detail.request.target.endsWith('/mp?data.id=42&type=payment')).toBe(true)
    expect(detail.analysis?.verdict.status).toBe('valid')
  })
})
