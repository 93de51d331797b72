/**
 * "Send a test callback" through the real app: the simulator's callback leaves through the replay
 * service and arrives at the app's own receiver, where it is captured and verified like any other
 * delivery. Mercado Pago signs a `data.id` it puts in the notification URL, so what the simulator
 * signed must be the path the receiver captures; IXOPAY signs the request target, so the simulator
 * signs the one the receiving endpoint verifies against (its signed-path setting).
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

  describe("IXOPAY signs the path the receiving endpoint's signed-path setting verifies", () => {
    const settings = [
      { signedPath: { mode: 'as-received' as const }, signed: (slug: string) => `/${slug}/callbacks/ixopay?orderId=1001` },
      { signedPath: { mode: 'without-endpoint-prefix' as const }, signed: () => '/callbacks/ixopay?orderId=1001' },
      { signedPath: { mode: 'fixed' as const, path: '/gateway/notify?shop=7' }, signed: () => '/gateway/notify?shop=7' },
    ]
    for (const { signedPath, signed } of settings) {
      test(`${signedPath.mode}: captured at the URL given, valid`, async ({ inspector, endpoint }) => {
        const { procedures } = inspector
        await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'ixopay-endpoint-secret' } })
        await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath })
        await procedures.simulateCallback({ templateId: 'ixopay-debit-ok', targetUrl: `${endpoint.url}/callbacks/ixopay?orderId=1001`, useKeysOf: endpoint.id })

        const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
        if (!captured) throw new Error('nothing was captured')
        const detail = await procedures.getCapture({ id: captured.id })
        expect(detail.request.target).toBe(`/${endpoint.slug}/callbacks/ixopay?orderId=1001`)
        expect(detail.analysis?.provider.id).toBe('ixopay')
        expect(detail.analysis?.verdict.status).toBe('valid')
        expect(detail.analysis?.explanation.notes).toContainEqual(expect.stringContaining(signed(endpoint.slug)))
      })
    }

    test('another endpoint of the app: its own setting counts, not the one whose keys sign', async ({ inspector, endpoint }) => {
      const { procedures } = inspector
      const proxied = await procedures.createEndpoint({ name: 'Behind a proxy' })
      await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'shared-secret' } })
      await procedures.addKey({ endpointId: proxied.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'shared-secret' } })
      await procedures.setProviderSettings({ endpointId: proxied.id, signedPath: { mode: 'without-endpoint-prefix' } })
      await procedures.simulateCallback({ templateId: 'ixopay-debit-ok', targetUrl: `${proxied.url}/ixopay`, useKeysOf: endpoint.id })

      const [captured] = (await procedures.listCaptures({ endpointId: proxied.id })).items
      if (!captured) throw new Error('nothing was captured')
      expect((await procedures.getCapture({ id: captured.id })).analysis?.verdict.status).toBe('valid')
    })

    test("a provider that signs no path is unaffected: Mercado Pago's ?data.id= still goes to the endpoint's URL", async ({ inspector, endpoint }) => {
      const { procedures } = inspector
      await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mercadopago', value: 'mp-endpoint-secret' } })
      await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
      await procedures.simulateCallback({ templateId: 'mercadopago-payment-updated', targetUrl: `${endpoint.url}/mp`, useKeysOf: endpoint.id })

      const [captured] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
      if (!captured) throw new Error('nothing was captured')
      const detail = await procedures.getCapture({ id: captured.id })
      expect(detail.request.target).toMatch(new RegExp(`^/${endpoint.slug}/mp\\?data\\.id=`))
      expect(detail.analysis?.verdict.status).toBe('valid')
    })
  })
})
