/** The resend preview warns when a path change breaks a signature that covers the path (IXOPAY). */
import { describe, expect, it } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { signIxopayJson } from './providers'
import { pathSignatureWarning } from './replay/path-signature'

const SECRET = 'ixopay-path-secret'
const test = useInspector()

describe('resend: a path change that breaks the signature', () => {
  test('is named in the preview for IXOPAY, and gone once re-signed or sent to the captured path', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    const body = JSON.stringify({ result: 'OK', uuid: 'tx-1', merchantTransactionId: 'order-1', transactionType: 'DEBIT', amount: '9.99', currency: 'EUR' })
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: '/default/callbacks/ixopay' })
    await send(`${endpoint.url}/callbacks/ixopay`, { headers: signed.headers, body })
    const captureId = (await procedures.listCaptures({})).items[0]!.id

    const moved = await procedures.previewReplay({ captureId, targetUrl: 'http://127.0.0.1:9/webhooks/ixopay' })
    expect(moved.warnings).toHaveLength(1)
    expect(moved.warnings[0]).toMatch(/IXOPAY signs the request path.*\/default\/callbacks\/ixopay.*\/webhooks\/ixopay.*Re-sign/)

    // Re-signing without the key changes nothing: the warning says so.
    expect((await procedures.previewReplay({ captureId, targetUrl: 'http://127.0.0.1:9/webhooks/ixopay', resign: true })).warnings[0]).toMatch(
      /Re-signing changed nothing/,
    )
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    expect((await procedures.previewReplay({ captureId, targetUrl: 'http://127.0.0.1:9/webhooks/ixopay', resign: true })).warnings).toEqual([])
    expect((await procedures.previewReplay({ captureId, targetUrl: 'http://127.0.0.1:9/default/callbacks/ixopay' })).warnings).toEqual([])
  })

  it('applies to a generic scheme only when its template signs the path', () => {
    const generic = (template: string) => ({
      kind: 'generic-hmac' as const,
      secret: 's',
      config: { header: 'X-Sig', prefix: '', algorithm: 'sha256', encoding: 'hex', signed: { template } },
    })
    const input = { providerId: 'generic', capturedTarget: '/ep/a', sentTarget: '/b', resign: null }
    expect(pathSignatureWarning({ ...input, keys: [generic('{method} {path}\\n{body}')] as never })).toMatch(/HMAC scheme signs the request path/)
    expect(pathSignatureWarning({ ...input, keys: [generic('{body}')] as never })).toBeNull()
    expect(pathSignatureWarning({ ...input, providerId: 'stripe', keys: [] })).toBeNull()
  })
})
