/**
 * PayPal signs with a certificate it names in `PAYPAL-CERT-URL`. When the user has not entered one,
 * the app fetches it, but only where a fetched certificate can make a difference (the endpoint has
 * a PayPal webhook id, which is part of the signed message) and only from PayPal's documented
 * certificate location (https on 443, PayPal's certificate hosts, `/v1/notifications/certs/`):
 * anyone can send a callback naming any URL, and fetching it would let a sender point the verifier
 * at its own certificate, or use the app to send requests. A certificate is used only once its host
 * name and chain check out (see paypal-certificate-trust.ts).
 *
 * Every resource a sender can grow is bounded: certificates and problems are kept for the most
 * recent URLs only, one URL is fetched once at a time, at most two fetches run at once with a short
 * queue, each fetch has a total deadline, and a failure is logged once per URL per retry window,
 * shortened. A capture that arrived before its certificate is re-verified once it is there.
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
import { errorMessage } from '../shared/errors'
import { formatByteLimit } from '../shared/byte-size'

/** Total time for one fetch (connect, answer and body), not an idle timeout. */
export const PAYPAL_CERT_FETCH_TIMEOUT_MS = 10_000
export const PAYPAL_CERT_MAX_BYTES = 64 * 1024
/** A certificate that could not be fetched or trusted is tried again after this long, not on every callback. */
export const PAYPAL_CERT_RETRY_AFTER_MS = 5 * 60_000
/** How many certificates, and how many problems, are remembered (most recent URLs). */
export const PAYPAL_CERT_CACHE_SIZE = 100
/** Certificate checks (with their issuer fetches) running at once, and waiting beyond those. */
export const PAYPAL_CERT_CONCURRENCY = 2
export const PAYPAL_CERT_QUEUE_LIMIT = 20
/** Longest text of a URL or a problem in a log line. */
const LOG_TEXT_LIMIT = 200

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
   * Starts fetching the certificate a delivery names when the endpoint's keys include a PayPal
   * webhook id, the URL is PayPal's certificate location and it is not fetched yet; resolves `true`
   * once a new, trusted certificate is available.
   */
  fetchFor(headers: HeaderPairs, endpointKeys: readonly ProviderKey[]): Promise<boolean>
}

/** A Map that forgets its least recently set entry beyond `limit`. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super()
  }
  override set(key: K, value: V): this {
    super.delete(key)
    super.set(key, value)
    while (this.size > this.limit) {
      const oldest = this.keys().next()
      if (oldest.done === true) break
      this.delete(oldest.value)
    }
    return this
  }
}

function shortened(text: string): string {
  return text.length > LOG_TEXT_LIMIT ? `${text.slice(0, LOG_TEXT_LIMIT)}…` : text
}

export function createPaypalCertificates(deps: PaypalCertificateDeps): PaypalCertificates {
  const fetchBytes = deps.fetch ?? fetchOverHttp
  const certificates = new BoundedMap<string, string>(PAYPAL_CERT_CACHE_SIZE)
  const problems = new BoundedMap<string, { problem: string; at: number }>(PAYPAL_CERT_CACHE_SIZE)
  const fetching = new Map<string, Promise<boolean>>()
  let running = 0
  const waiting: Array<() => void> = []

  /** Runs a check when a slot is free; refuses when the queue is full (a flood of callbacks). */
  async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= PAYPAL_CERT_CONCURRENCY) {
      if (waiting.length >= PAYPAL_CERT_QUEUE_LIMIT) throw new Error('too many PayPal certificate fetches are waiting; it will be tried again later')
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
    running++
    try {
      return await work()
    } finally {
      running--
      waiting.shift()?.()
    }
  }

  async function fetchAndCheck(url: string, signedAt: Date): Promise<boolean> {
    try {
      const leaf = await inSlot(async () => {
        const text = (await fetchBytes(url)).toString('latin1')
        return checkPaypalCertificate(text, signedAt, { roots: deps.roots ?? bundledRootCertificates(), fetchIssuer: fetchBytes })
      })
      certificates.set(url, leaf.toString())
      problems.delete(url)
      return true
    } catch (error: unknown) {
      const problem = errorMessage(error)
      problems.set(url, { problem, at: deps.now().getTime() })
      // Once per URL per retry window: a failed URL is not fetched again before then.
      deps.logger.warn('the PayPal certificate was not used', { url: shortened(url), problem: shortened(problem) })
      return false
    }
  }

  return {
    keyFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      const pem = url === undefined ? undefined : certificates.get(url)
      return url === undefined || pem === undefined ? null : { kind: 'certificate', provider: 'paypal', pem, label: `fetched from ${url}` }
    },
    problemFor(headers) {
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      return url === undefined ? null : (problems.get(url)?.problem ?? null)
    },
    fetchFor(headers, endpointKeys) {
      // Without a webhook id the signature cannot be checked, whatever certificate is fetched.
      if (!endpointKeys.some((key) => key.kind === 'paypal-webhook-id')) return Promise.resolve(false)
      const url = headerValue(headers, 'PAYPAL-CERT-URL')
      if (url === undefined || certificates.has(url) || !isTrustedPaypalCertUrl(url)) return Promise.resolve(false)
      const failed = problems.get(url)
      if (failed !== undefined && deps.now().getTime() - failed.at < PAYPAL_CERT_RETRY_AFTER_MS) return Promise.resolve(false)
      let pending = fetching.get(url)
      if (!pending) {
        // Valid when PayPal signed, by its own clock; a missing or odd time falls back to now.
        const transmitted = new Date(headerValue(headers, 'PAYPAL-TRANSMISSION-TIME') ?? '')
        const signedAt = Number.isNaN(transmitted.getTime()) ? deps.now() : transmitted
        pending = fetchAndCheck(url, signedAt).finally(() => fetching.delete(url))
        fetching.set(url, pending)
      }
      return pending
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
    const request = get(url, (response) => {
      if (response.statusCode !== 200) {
        response.resume()
        reject(new Error(`${url} answered ${String(response.statusCode)}`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > PAYPAL_CERT_MAX_BYTES) request.destroy(new Error(`${url} sent more than ${formatByteLimit(PAYPAL_CERT_MAX_BYTES)}`))
        else chunks.push(chunk)
      })
      response.on('end', () => resolve(Buffer.concat(chunks)))
      response.on('error', reject)
    })
    // A total deadline: an idle timeout alone lets a trickling server hold the fetch for ever.
    const deadline = setTimeout(
      () => request.destroy(new Error(`${url} did not answer within ${PAYPAL_CERT_FETCH_TIMEOUT_MS} ms`)),
      PAYPAL_CERT_FETCH_TIMEOUT_MS,
    )
    request.on('close', () => clearTimeout(deadline))
    request.on('error', reject)
  })
}
