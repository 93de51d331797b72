/**
 * A PayPal callback with no certificate configured: the app fetches the one named in
 * PAYPAL-CERT-URL (PayPal hosts only), checks it, and verifies the capture again. The fetch is
 * injected, so the test needs no network; it also checks that a URL on another host is never
 * fetched, and that a certificate whose chain does not check out is not used, with the reason shown.
 */
import { X509Certificate } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { send } from '../test-support/http-client'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders } from '../test-support/paypal-vector'
import { makeTempDir } from '../test-support/temp-dir'
import { startInspector, type Inspector } from './inspector'
import { silentLogger } from './logger'

describe('PayPal certificates', () => {
  let inspector: Inspector | undefined
  let dataDir: string
  let remove: () => Promise<void>
  const fetched: string[] = []

  /** `pinned`: trust the sandbox certificate itself (its DigiCert intermediate is not available offline). */
  async function start(pinned: boolean): Promise<Inspector> {
    inspector = await startInspector(
      { dataDir, receiverPort: 0, version: 'test' },
      {
        logger: silentLogger,
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
      },
    )
    return inspector
  }

  beforeEach(async () => {
    ;({ dir: dataDir, remove } = await makeTempDir())
    fetched.length = 0
  })
  afterEach(async () => {
    await inspector?.stop()
    inspector = undefined
    await remove()
  })

  it('fetches the certificate a callback names on a PayPal host, and verifies it again', async () => {
    const inspector = await start(true)
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await inspector.procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' } })
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await expect.poll(async () => (await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('valid')
    expect(fetched).toEqual(['https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'])
  })

  it('fetches nothing for an endpoint without a PayPal webhook id (no certificate could make it valid)', async () => {
    const inspector = await start(true)
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toEqual([])
    expect((await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('no-key')
  })

  it('never fetches a certificate from a host that is not PayPal', async () => {
    const inspector = await start(true)
    const [endpoint] = await inspector.procedures.listEndpoints({})
    const headers = paypalOfficialHeaders().map(([name, value]): [string, string] =>
      name === 'PAYPAL-CERT-URL' ? [name, 'https://paypal.com.evil.example/cert.pem'] : [name, value],
    )
    await send(`${endpoint!.url}/paypal`, { headers, body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toEqual([])
    expect((await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('no-key')
  })

  it('does not use a certificate whose chain does not reach a trusted root, and says why', async () => {
    const inspector = await start(false)
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await inspector.procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' } })
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    // The certificate, then its issuer from the URL the certificate names (DigiCert's).
    await expect.poll(() => fetched.length).toBe(2)
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
