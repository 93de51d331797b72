/**
 * PayPal signs with a certificate it names in `PAYPAL-CERT-URL`. When the user has not entered one,
 * the app fetches it, but only from https on a PayPal host (anyone can send a callback naming any
 * URL: fetching it would let a sender point the verifier at its own certificate, or make the app
 * request internal URLs). Fetched certificates are kept in memory by URL; a capture that arrived
 * before its certificate is re-verified once it is there.
 */
import { X509Certificate } from 'node:crypto'
import { get } from 'node:https'
import type { HeaderPairs } from '../shared/http-message'
import { headerValue } from '../shared/http-message'
import type { ProviderKey } from '../shared/providers'
import type { Logger } from './logger'
import { isTrustedPaypalCertUrl } from './providers'

export const PAYPAL_CERT_FETCH_TIMEOUT_MS = 10_000
export const PAYPAL_CERT_MAX_BYTES = 64 * 1024

/** Fetches a certificate's PEM text; injected so tests need no network. */
export type FetchCertificate = (url: string) => Promise<string>

export interface PaypalCertificates {
  /** The fetched certificate for a delivery's `PAYPAL-CERT-URL`, as a key, when there is one. */
  keyFor(headers: HeaderPairs): ProviderKey | null
  /**
   * Starts fetching the certificate a delivery names, if it is on a PayPal host and not fetched
   * yet; resolves `true` once a new certificate is available.
   */
  fetchFor(headers: HeaderPairs): Promise<boolean>
}

export function createPaypalCertificates(deps: { logger: Logger; fetch?: FetchCertificate }): PaypalCertificates {
  const fetchCertificate = deps.fetch ?? fetchOverHttps
  const certificates = new Map<string, string>()
  const fetching = new Map<string, Promise<boolean>>()

  return {
    keyFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      const pem = url === undefined ? undefined : certificates.get(url)
      return pem === undefined ? null : { kind: 'certificate', provider: 'paypal', pem, label: `fetched from ${url}` }
    },
    fetchFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      if (url === undefined || certificates.has(url) || !isTrustedPaypalCertUrl(url)) return Promise.resolve(false)
      let running = fetching.get(url)
      if (!running) {
        running = fetchCertificate(url)
          .then((pem) => {
            new X509Certificate(pem) // refuse anything that is not a certificate
            certificates.set(url, pem)
            return true
          })
          .catch((error: unknown) => {
            deps.logger.warn('could not fetch the PayPal certificate', { url, error: error instanceof Error ? error.message : String(error) })
            return false
          })
          .finally(() => fetching.delete(url))
        fetching.set(url, running)
      }
      return running
    },
  }
}

function fetchOverHttps(url: string): Promise<string> {
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
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${PAYPAL_CERT_FETCH_TIMEOUT_MS} ms`)))
    request.on('error', reject)
  })
}
