/**
 * A PayPal callback with no certificate configured: the app fetches the one named in
 * PAYPAL-CERT-URL (PayPal hosts only), checks it, and verifies the capture again. The fetch is
 * injected, so the test needs no network; it also checks that a URL on another host is never
 * fetched, and that a certificate whose chain does not check out is not used, with the reason shown.
 */
import { X509Certificate } from 'node:crypto'
import { beforeEach, describe, expect } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { EVENTUAL_WAIT_MS } from '../test-support/wait-for'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders } from '../test-support/paypal-vector'
import type { InspectorDeps } from './inspector'

const fetched: string[] = []

/** `pinned`: trust the sandbox certificate itself (its DigiCert intermediate is not available offline). */
function paypalDeps(pinned: boolean): Partial<InspectorDeps> {
  return {
    // The certificate expired in 2017: judge at the transmission time, as PayPal's own test did.
    now: () => new Date('2015-05-18T15:45:13Z'),
    paypalCertificates: {
      roots: pinned ? [new X509Certificate(PAYPAL_SANDBOX_CERT_PEM)] : [],
      fetch: async (url) => {
        fetched.push(url)
        if (url.includes('paypal.com')) return Buffer.from(PAYPAL_SANDBOX_CERT_PEM)
        throw new Error('no network in tests')
      },
    },
  }
}

const pinnedTest = useInspector({ deps: paypalDeps(true) })
const unpinnedTest = useInspector({ deps: paypalDeps(false) })

describe('PayPal certificates', () => {
  beforeEach(() => {
    fetched.length = 0
  })

  pinnedTest('fetches the certificate a callback names on a PayPal host, and verifies it again', async ({ inspector }) => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await inspector.procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' } })
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await expect
      .poll(async () => (await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status, { timeout: EVENTUAL_WAIT_MS })
      .toBe('valid')
    expect(fetched).toEqual(['https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'])
  })

  pinnedTest('fetches nothing for an endpoint without a PayPal webhook id (no certificate could make it valid)', async ({ inspector }) => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toEqual([])
    expect((await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('no-key')
  })

  pinnedTest('never fetches a certificate from a host that is not PayPal', async ({ inspector }) => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    const headers = paypalOfficialHeaders().map(([name, value]): [string, string] =>
      name === 'PAYPAL-CERT-URL' ? [name, 'https://paypal.com.evil.example/cert.pem'] : [name, value],
    )
    await send(`${endpoint!.url}/paypal`, { headers, body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toEqual([])
    expect((await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('no-key')
  })

  unpinnedTest('does not use a certificate whose chain does not reach a trusted root, and says why', async ({ inspector }) => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await inspector.procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' } })
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    // The certificate, then its issuer from the URL the certificate names (DigiCert's).
    await expect.poll(() => fetched.length, { timeout: EVENTUAL_WAIT_MS }).toBe(2)
    expect(fetched[1]).toMatch(/^http:\/\/cacerts\.digicert\.com\//)
    const [summary] = (await inspector.procedures.listCaptures({})).items
    expect(summary?.recognition?.verdict.status).toBe('no-key')
    const detail = await inspector.procedures.getCapture({ id: summary!.id })
    expect(detail.analysis?.explanation.notes.join(' ')).toMatch(
      /PAYPAL-CERT-URL was not used: no trusted certificate authority issued messageverificationcerts\.sandbox\.paypal\.com/,
    )

    // Not fetched again for every callback naming it.
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toHaveLength(2)
  })
})
