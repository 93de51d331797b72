/**
 * PayPal signs with a certificate it names in `PAYPAL-CERT-URL`. When the user has not entered one,
 * the app fetches it, but only from https on a PayPal host (anyone can send a callback naming any
 * URL: fetching it would let a sender point the verifier at its own certificate, or make the app
 * request internal URLs), and uses it only once its host name and chain check out (see
 * paypal-certificate-trust.ts). Fetched certificates are kept in memory by URL; a capture that
 * arrived before its certificate is re-verified once it is there.
 */
import type { X509Certificate } from 'node:crypto'
import { get as httpGet } from 'node:http'
import { get as httpsGet } from 'node:https'
import type { HeaderPairs } from '../shared/http-message'
import { headerValue } from '../shared/http-message'
import type { ProviderKey } from '../shared/providers'
import type { Logger } from './logger'
import { bundledRootCertificates, checkPaypalCertificate } from './paypal-certificate-trust'
import { isTrustedPaypalCertUrl } from './providers'

export const PAYPAL_CERT_FETCH_TIMEOUT_MS = 10_000
export const PAYPAL_CERT_MAX_BYTES = 64 * 1024
/** A certificate that could not be fetched or trusted is tried again after this long, not on every callback. */
export const PAYPAL_CERT_RETRY_AFTER_MS = 5 * 60_000

/** Fetches a URL's bytes (a certificate, or an issuer named in one); injected so tests need no network. */
export type FetchCertificate = (url: string) => Promise<Buffer>

export interface PaypalCertificateDeps {
  logger: Logger
  now: () => Date
  fetch?: FetchCertificate
  /** Trust anchors for fetched certificates; Node's bundled root certificates by default. */
  roots?: readonly X509Certificate[]
}

export interface PaypalCertificates {
  /** The fetched certificate for a delivery's `PAYPAL-CERT-URL`, as a key, when there is one. */
  keyFor(headers: HeaderPairs): ProviderKey | null
  /** Why the certificate a delivery names was fetched but not used (or could not be fetched), if so. */
  problemFor(headers: HeaderPairs): string | null
  /**
   * Starts fetching the certificate a delivery names, if it is on a PayPal host and not fetched
   * yet; resolves `true` once a new, trusted certificate is available.
   */
  fetchFor(headers: HeaderPairs): Promise<boolean>
}

export function createPaypalCertificates(deps: PaypalCertificateDeps): PaypalCertificates {
  const fetchBytes = deps.fetch ?? fetchOverHttp
  const certificates = new Map<string, string>()
  const problems = new Map<string, { problem: string; at: number }>()
  const fetching = new Map<string, Promise<boolean>>()

  async function fetchAndCheck(url: string, signedAt: Date): Promise<boolean> {
    try {
      const text = (await fetchBytes(url)).toString('latin1')
      const leaf = await checkPaypalCertificate(text, signedAt, { roots: deps.roots ?? bundledRootCertificates(), fetchIssuer: fetchBytes })
      certificates.set(url, leaf.toString())
      problems.delete(url)
      return true
    } catch (error: unknown) {
      const problem = error instanceof Error ? error.message : String(error)
      problems.set(url, { problem, at: deps.now().getTime() })
      deps.logger.warn('the PayPal certificate was not used', { url, problem })
      return false
    }
  }

  return {
    keyFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      const pem = url === undefined ? undefined : certificates.get(url)
      return pem === undefined ? null : { kind: 'certificate', provider: 'paypal', pem, label: `fetched from ${url}` }
    },
    problemFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      return url === undefined ? null : (problems.get(url)?.problem ?? null)
    },
    fetchFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      if (url === undefined || certificates.has(url) || !isTrustedPaypalCertUrl(url)) return Promise.resolve(false)
      const failed = problems.get(url)
      if (failed !== undefined && deps.now().getTime() - failed.at < PAYPAL_CERT_RETRY_AFTER_MS) return Promise.resolve(false)
      let running = fetching.get(url)
      if (!running) {
        // Valid when PayPal signed, by its own clock; a missing or odd time falls back to now.
        const transmitted = new Date(headerValue(headers, 'PAYPAL-TRANSMISSION-TIME') ?? '')
        const signedAt = Number.isNaN(transmitted.getTime()) ? deps.now() : transmitted
        running = fetchAndCheck(url, signedAt).finally(() => fetching.delete(url))
        fetching.set(url, running)
      }
      return running
    },
  }
}

/**
 * GET over https (the certificate URL, checked to be PayPal's before) or http (issuer
 * certificates are commonly served over http; their signatures vouch for them), bounded in time
 * and size.
 */
function fetchOverHttp(url: string): Promise<Buffer> {
  const get = url.startsWith('https:') ? httpsGet : httpGet
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: PAYPAL_CERT_FETCH_TIMEOUT_MS }, (response) => {
      if (response.statusCode !== 200) {
        response.resume()
        reject(new Error(`${url} answered ${response.statusCode}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > PAYPAL_CERT_MAX_BYTES) request.destroy(new Error(`${url} sent more than ${PAYPAL_CERT_MAX_BYTES} bytes`))
        else chunks.push(chunk)
      })
      response.on('end', () => resolve(Buffer.concat(chunks)))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${PAYPAL_CERT_FETCH_TIMEOUT_MS} ms`)))
    request.on('error', reject)
  })
}
