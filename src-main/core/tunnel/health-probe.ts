/**
 * The health probe: a GET of `publicUrl + healthPath`, through the tunnel server and back to our
 * receiver, that must come back with this run's nonce.
 *
 * Why a probe at all: the localtunnel client has no loss event (localtunnel/localtunnel#315) and
 * never re-registers; after a server restart it can sit "open" while every public request gets
 * 404. Only a request from the outside proves the public URL works. Why a nonce: a 200 alone can
 * come from the tunnel server's own pages or from another app on the port.
 */
import { lookup as dnsLookup } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { TUNNEL_HEALTH_NONCE_HEADER } from '../../shared/tunnel'
import { errorMessage } from '../../shared/errors'

/** Enough for a nonce in JSON; the rest of a large answer is not read. */
const MAX_PROBE_BODY_BYTES = 4 * 1024

/** The subset of a fetch `Response` the probe reads; the global `fetch` satisfies {@link ProbeFetch}. */
export interface ProbeResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

/** A fetch-like function. Must honour `signal`. */
export type ProbeFetch = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<ProbeResponse>

/** `timedOut`: no answer came before `signal` aborted (the caller's timeout), as against a refusal or a wrong answer. */
export type ProbeOutcome = { ok: true } | { ok: false; detail: string; timedOut: boolean }

/**
 * Probe `url` once. Never rejects: failures, including an abort by `signal`, are outcomes.
 */
export async function probeHealth(url: string, nonce: string, probe: ProbeFetch, signal: AbortSignal): Promise<ProbeOutcome> {
  try {
    // Bypass-Tunnel-Reminder: loca.lt answers browser-like clients with a 401 reminder page without it.
    const response = await probe(url, { signal, headers: { 'bypass-tunnel-reminder': '1', accept: 'application/json' } })
    const body = await response.text()
    if (response.status !== 200) return { ok: false, detail: `${url} answered HTTP ${response.status}`, timedOut: false }
    if (response.headers.get(TUNNEL_HEALTH_NONCE_HEADER) === nonce || bodyCarriesNonce(body, nonce)) return { ok: true }
    return { ok: false, detail: `${url} answered, but not with this inspector's health answer (another app or server?)`, timedOut: false }
  } catch (error: unknown) {
    if (signal.aborted) return { ok: false, detail: `${url} did not answer in time`, timedOut: true }
    return { ok: false, detail: `${url} could not be reached: ${errorMessage(error)}`, timedOut: false }
  }
}

function bodyCarriesNonce(body: string, nonce: string): boolean {
  if (body.trim() === nonce) return true
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null && 'nonce' in value && value.nonce === nonce
  } catch {
    return false
  }
}

/**
 * `*.localhost` names are loopback by definition (RFC 6761 §6.3) and Chromium treats them so,
 * but glibc does not resolve them; a self-hosted or test server hands out such URLs.
 */
const lookupLocalhostAsLoopback: LookupFunction = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all === true) {
      callback(null, [{ address: '127.0.0.1', family: 4 }])
    } else {
      callback(null, '127.0.0.1', 4)
    }
    return
  }
  dnsLookup(hostname, options, callback)
}

/**
 * The default {@link ProbeFetch}: node:http(s), one connection per probe (no keep-alive socket
 * outlives it), `*.localhost` resolved to 127.0.0.1. Not the global `fetch`: it ignores a Host
 * override and cannot resolve `*.localhost`.
 */
export const nodeProbeFetch: ProbeFetch = (url, init) =>
  new Promise<ProbeResponse>((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http
    const request = client.get(
      url,
      { agent: false, headers: { ...init.headers, connection: 'close' }, signal: init.signal, lookup: lookupLocalhostAsLoopback },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const text = new Promise<string>((resolveText, rejectText) => {
          response.on('data', (chunk: Buffer) => {
            if (size < MAX_PROBE_BODY_BYTES) chunks.push(chunk)
            size += chunk.length
          })
          response.on('end', () => resolveText(Buffer.concat(chunks).toString('utf8').slice(0, MAX_PROBE_BODY_BYTES)))
          response.on('error', rejectText)
        })
        // Unhandled if the caller never reads the body; the caller's await still sees it.
        text.catch(() => undefined)
        resolve({
          status: response.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = response.headers[name.toLowerCase()]
              return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
            },
          },
          text: () => text,
        })
      },
    )
    request.on('error', reject)
  })
