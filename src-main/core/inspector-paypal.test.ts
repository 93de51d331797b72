/**
 * A PayPal callback with no certificate configured: the app fetches the one named in
 * PAYPAL-CERT-URL (PayPal hosts only) and verifies the capture again. The fetch is injected, so
 * the test needs no network; it also checks that a URL on another host is never fetched.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { send } from '../test-support/http-client'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders } from '../test-support/paypal-vector'
import { makeTempDir } from '../test-support/temp-dir'
import { startInspector, type Inspector } from './inspector'
import { silentLogger } from './logger'

describe('PayPal certificates', () => {
  let inspector: Inspector
  let remove: () => Promise<void>
  const fetched: string[] = []

  beforeEach(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    fetched.length = 0
    inspector = await startInspector(
      { dataDir: temp.dir, receiverPort: 0, version: 'test' },
      {
        logger: silentLogger,
        // The certificate expired in 2017: judge at the transmission time, as PayPal's own test did.
        now: () => new Date('2015-05-18T15:45:13Z'),
        fetchCertificate: async (url) => {
          fetched.push(url)
          return PAYPAL_SANDBOX_CERT_PEM
        },
      },
    )
  })
  afterEach(async () => {
    await inspector.stop()
    await remove()
  })

  it('fetches the certificate a callback names on a PayPal host, and verifies it again', async () => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await inspector.procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' } })
    await send(`${endpoint!.url}/paypal`, { headers: paypalOfficialHeaders(), body: PAYPAL_OFFICIAL_BODY })
    await expect.poll(async () => (await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('valid')
    expect(fetched).toEqual(['https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'])
  })

  it('never fetches a certificate from a host that is not PayPal', async () => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    const headers = paypalOfficialHeaders().map(([name, value]): [string, string] =>
      name === 'PAYPAL-CERT-URL' ? [name, 'https://paypal.com.evil.example/cert.pem'] : [name, value],
    )
    await send(`${endpoint!.url}/paypal`, { headers, body: PAYPAL_OFFICIAL_BODY })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fetched).toEqual([])
    expect((await inspector.procedures.listCaptures({})).items[0]?.recognition?.verdict.status).toBe('no-key')
  })
})
