/**
 * The resend preview warns when what is sent will fail the target's signature check: a path change
 * under a signature that covers the path (IXOPAY), an edit the captured signature does not cover,
 * or a time-bound signature past its tolerance.
 */
import { describe, expect, it } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { signIxopayJson, signStripe } from './providers'
import { pathSignatureWarning } from './replay/path-signature'

const SECRET = 'ixopay-path-secret'
const STRIPE_SECRET = 'whsec_resend_warnings'
/** The app's clock runs this far ahead of the real one (a capture then looks as old as that). */
let clockAheadMs = 0
const test = useInspector({ deps: { now: () => new Date(Date.now() + clockAheadMs) } })

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

describe('resend: a captured signature that will not verify as sent', () => {
  async function captureStripe(
    inspector: { procedures: { listCaptures: (input: object) => Promise<{ items: Array<{ id: string }> }> } },
    url: string,
  ): Promise<string> {
    const body = JSON.stringify({ id: 'evt_resend_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 999 } } })
    const signed = signStripe({ secret: STRIPE_SECRET, body, timestamp: Math.floor(Date.now() / 1000) })
    await send(`${url}/stripe`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', signed.header],
      ],
      body,
    })
    return (await inspector.procedures.listCaptures({})).items[0]!.id
  }

  test('names an edited body the captured signature does not cover, until re-signed', async ({ inspector, endpoint }) => {
    clockAheadMs = 0
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'stripe', value: STRIPE_SECRET } })
    const captureId = await captureStripe(inspector, endpoint.url)
    const target = 'http://127.0.0.1:9/webhooks/stripe'
    expect((await procedures.previewReplay({ captureId, targetUrl: target })).warnings).toEqual([])

    const edits = { body: { encoding: 'utf8' as const, text: '{"id":"evt_resend_1","object":"event","amount":"1999 ü"}' } }
    const edited = await procedures.previewReplay({ captureId, targetUrl: target, edits })
    expect(edited.warnings).toHaveLength(1)
    expect(edited.warnings[0]).toMatch(/^Stripe: the captured signature will not verify at the target: .+\. Re-sign/)
    expect((await procedures.previewReplay({ captureId, targetUrl: target, edits, resign: true })).warnings).toEqual([])
  })

  test('names a time-bound signature past its tolerance, with the key or without it', async ({ inspector, endpoint }) => {
    clockAheadMs = 0
    const { procedures } = inspector
    const captureId = await captureStripe(inspector, endpoint.url)
    const target = 'http://127.0.0.1:9/webhooks/stripe'
    expect((await procedures.previewReplay({ captureId, targetUrl: target })).warnings).toEqual([])

    clockAheadMs = 10 * 60_000
    // No key: nothing can be recomputed, but the timestamp can be read.
    const withoutKey = await procedures.previewReplay({ captureId, targetUrl: target })
    expect(withoutKey.warnings).toEqual([
      'Stripe: the captured signature’s timestamp is 10 min old, past the 300 s Stripe’s libraries accept, so the target will reject it. Add the endpoint’s Stripe key and re-sign.',
    ])
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'stripe', value: STRIPE_SECRET } })
    const withKey = await procedures.previewReplay({ captureId, targetUrl: target })
    expect(withKey.warnings[0]).toMatch(/^Stripe: the captured signature will not verify at the target: .*(old|tolerance).*Re-sign/)
    expect((await procedures.previewReplay({ captureId, targetUrl: target, resign: true })).warnings).toEqual([])
    clockAheadMs = 0

    // Captured already past its tolerance (an old event sent again): its signature matched, and the preview says so too.
    const oldBody = JSON.stringify({ id: 'evt_resend_old', object: 'event', type: 'charge.succeeded' })
    const old = signStripe({ secret: STRIPE_SECRET, body: oldBody, timestamp: Math.floor(Date.now() / 1000) - 3600 })
    await send(`${endpoint.url}/stripe`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', old.header],
      ],
      body: oldBody,
    })
    const [stale] = (await procedures.listCaptures({})).items
    expect(stale!.recognition?.verdict.reason).toBe('stale-timestamp')
    expect((await procedures.previewReplay({ captureId: stale!.id, targetUrl: target })).warnings[0]).toMatch(/^Stripe: the captured signature will not verify/)
  })
})
