import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../shared/http-message'
import type { ProviderKey } from '../shared/providers'
import type { Logger } from './logger'
import { createPaypalCertificates, PAYPAL_CERT_CONCURRENCY, PAYPAL_CERT_QUEUE_LIMIT } from './paypal-certificates'
import { isTrustedPaypalCertUrl } from './providers'

const WEBHOOK_ID: ProviderKey[] = [{ kind: 'paypal-webhook-id', value: 'WH-1' }]
const headersNaming = (url: string): HeaderPairs => [
  ['PAYPAL-TRANSMISSION-TIME', '2026-01-01T00:00:00Z'],
  ['PAYPAL-CERT-URL', url],
]
const certUrl = (index: number) => `https://api.paypal.com/v1/notifications/certs/CERT-${index}`

function recordingLogger(lines: string[]): Logger {
  const log = (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`)
  return { info: log, warn: log, error: log }
}

describe("PayPal certificate URLs: only PayPal's documented certificate location", () => {
  it('accepts the documented hosts and path, on 443 only', () => {
    for (const url of [
      'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
      'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
      'https://api-m.paypal.com/v1/notifications/certs/CERT-1',
      'https://API.PAYPAL.COM:443/v1/notifications/certs/CERT-1',
    ]) {
      expect(isTrustedPaypalCertUrl(url), url).toBe(true)
    }
  })

  it('refuses other ports, paths, hosts, queries and padding', () => {
    for (const url of [
      'https://www.paypal.com:8443/anything/1',
      'https://api.paypal.com:8443/v1/notifications/certs/CERT-1',
      'https://www.paypal.com/v1/notifications/certs/CERT-1',
      'https://api.paypal.com/anything/1',
      'https://api.paypal.com/v1/notifications/certs/../../x',
      'https://api.paypal.com/v1/notifications/certs/CERT-1/more',
      `https://api.paypal.com/v1/notifications/certs/CERT-1?pad=${'x'.repeat(4096)}`,
      'https://api.paypal.com/v1/notifications/certs/CERT-1?x=1',
      `https://api.paypal.com/v1/notifications/certs/${'a'.repeat(400)}`,
      'http://api.paypal.com/v1/notifications/certs/CERT-1',
    ]) {
      expect(isTrustedPaypalCertUrl(url), url.slice(0, 80)).toBe(false)
    }
  })
})

describe('PayPal certificate fetches are bounded', () => {
  it('fetches nothing for an endpoint without a PayPal webhook id', async () => {
    const fetched: string[] = []
    const certificates = createPaypalCertificates({
      logger: recordingLogger([]),
      now: () => new Date(),
      fetch: async (url) => (fetched.push(url), Buffer.from('x')),
    })
    expect(await certificates.fetchFor(headersNaming(certUrl(1)), [])).toBe(false)
    expect(fetched).toEqual([])
  })

  it('runs at most a few fetches at once, refuses beyond a short queue, fetches a URL once, and logs short lines', async () => {
    const fetched: string[] = []
    let inFlight = 0
    let maxInFlight = 0
    const releases: Array<() => void> = []
    const lines: string[] = []
    const certificates = createPaypalCertificates({
      logger: recordingLogger(lines),
      now: () => new Date(),
      fetch: async (url) => {
        fetched.push(url)
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise<void>((resolve) => releases.push(resolve))
        inFlight--
        throw new Error(`not a certificate: ${'y'.repeat(4000)}`)
      },
    })
    const calls: Array<Promise<boolean>> = []
    for (let index = 0; index < 100; index++) calls.push(certificates.fetchFor(headersNaming(certUrl(index)), WEBHOOK_ID))
    // The same URL again while it is being fetched: no second fetch.
    calls.push(certificates.fetchFor(headersNaming(certUrl(0)), WEBHOOK_ID))
    while (fetched.length < PAYPAL_CERT_CONCURRENCY + PAYPAL_CERT_QUEUE_LIMIT || releases.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1))
      releases.splice(0).forEach((release) => release())
    }
    await Promise.all(calls)
    expect(maxInFlight).toBeLessThanOrEqual(PAYPAL_CERT_CONCURRENCY)
    expect(fetched.length).toBe(PAYPAL_CERT_CONCURRENCY + PAYPAL_CERT_QUEUE_LIMIT)
    expect(new Set(fetched).size).toBe(fetched.length)
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(600)
    // A failed URL is not fetched again within the retry window (so not logged again either).
    const before = fetched.length
    expect(await certificates.fetchFor(headersNaming(certUrl(0)), WEBHOOK_ID)).toBe(false)
    expect(fetched.length).toBe(before)
  })
})
