/**
 * The replay HTTP client: node:http / node:https with one fresh connection per send, headers
 * written exactly as given (an array keeps order and case), the body byte for byte, connect and
 * total timeouts, a response size cap and an explicit redirect policy.
 *
 * It never throws: every failure (refused, DNS, TLS, timeout, cancel) comes back as data, because
 * a failed replay is a result the user must see, just like an answer.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import type { HeaderPairs } from '../../shared/http-message'
import {
  REPLAY_CONNECT_TIMEOUT_MS,
  REPLAY_MAX_REDIRECTS,
  REPLAY_MAX_REQUEST_BYTES,
  REPLAY_MAX_RESPONSE_BYTES,
  REPLAY_TIMEOUT_MS,
  type RedirectHop,
  type ReplayFailure,
  type ReplayOutcome,
  type ReplayResponse,
} from '../../shared/replay'
import { withoutCredentials } from './credential-headers'
import { classifyError, failure } from './failure'
import { withoutHopByHop } from './hop-by-hop'
import { frameHeaders } from './replay-request'
import { errorMessage } from '../../shared/errors'
import { formatByteLimit } from '../../shared/byte-size'

/** The part of a `ReplayRequest` the client needs. */
export interface OutgoingRequest {
  method: string
  url: string
  headers: HeaderPairs
  body: Buffer
}

export interface SendOptions {
  /** Total time for the whole exchange, redirects included. */
  timeoutMs?: number
  connectTimeoutMs?: number
  /** Off by default: a redirect is reported with its Location, not followed. */
  followRedirects?: boolean
  maxResponseBytes?: number
  signal?: AbortSignal
  /** Accept self-signed or otherwise untrusted certificates (a local https dev server): on the first origin only. */
  allowInsecureTls?: boolean
  /** Follow a redirect from https to http; refused by default. */
  allowHttpsToHttp?: boolean
  /** Injected clock for `timing.startedAt`. */
  now?: () => Date
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

type HopResult = { kind: 'response'; response: ReplayResponse } | { kind: 'failure'; failure: ReplayFailure }

interface HopContext {
  startedMs: number
  deadlineMs: number
  connectTimeoutMs: number
  maxResponseBytes: number
  allowInsecureTls: boolean
  signal: AbortSignal | undefined
  /** Shared by every hop; the last hop's figures win. */
  timing: { connectMs: number | null; firstByteMs: number | null }
}

/** Sends a request and reports what came back. Never throws. */
export async function sendReplay(request: OutgoingRequest, options: SendOptions = {}): Promise<ReplayOutcome> {
  const startedAt = (options.now?.() ?? new Date()).toISOString()
  const startedMs = performance.now()
  const context: HopContext = {
    startedMs,
    deadlineMs: startedMs + (options.timeoutMs ?? REPLAY_TIMEOUT_MS),
    connectTimeoutMs: options.connectTimeoutMs ?? REPLAY_CONNECT_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? REPLAY_MAX_RESPONSE_BYTES,
    allowInsecureTls: options.allowInsecureTls ?? false,
    signal: options.signal,
    timing: { connectMs: null, firstByteMs: null },
  }
  const redirects: RedirectHop[] = []
  const timing = () => ({
    startedAt,
    durationMs: Math.round(performance.now() - startedMs),
    connectMs: context.timing.connectMs,
    firstByteMs: context.timing.firstByteMs,
  })
  const failed = (url: string, reason: ReplayFailure): ReplayOutcome => ({ kind: 'failure', url, failure: reason, redirects, timing: timing() })

  let url: URL
  try {
    url = new URL(request.url)
  } catch (error: unknown) {
    return failed(request.url, failure('invalid-request', `not a URL: ${request.url} (${errorMessage(error)})`))
  }
  if (request.body.length > REPLAY_MAX_REQUEST_BYTES) {
    return failed(
      url.href,
      failure('too-large', `the body is ${formatByteLimit(request.body.length)}; a replay sends at most ${formatByteLimit(REPLAY_MAX_REQUEST_BYTES)}`),
    )
  }
  const firstOrigin = url.origin
  let method = request.method
  let body = request.body
  let headers = request.headers
  for (;;) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return failed(url.href, failure('invalid-request', `cannot send to a ${url.protocol} URL`))
    const hop = await sendOnce(url, method, headers, body, context)
    if (hop.kind === 'failure') return failed(url.href, hop.failure)
    const { response } = hop
    const location = headerOf(response.headers, 'location')
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
      return { kind: 'response', url: url.href, response, redirects, timing: timing() }
    }
    let next: URL
    try {
      next = new URL(location, url)
    } catch (error: unknown) {
      if (!options.followRedirects)
        return {
          kind: 'response',
          url: url.href,
          response: { ...response, redirect: { status: response.status, location, url: location } },
          redirects,
          timing: timing(),
        }
      return failed(url.href, failure('redirect', `the target redirected to an invalid Location: ${location} (${errorMessage(error)})`))
    }
    const redirect: RedirectHop = { status: response.status, location, url: next.href }
    if (!options.followRedirects) return { kind: 'response', url: url.href, response: { ...response, redirect }, redirects, timing: timing() }
    if (redirects.length >= REPLAY_MAX_REDIRECTS)
      return failed(url.href, failure('redirect', `more than ${REPLAY_MAX_REDIRECTS} redirects; the last pointed to ${next.href}`))
    if (url.protocol === 'https:' && next.protocol === 'http:' && options.allowHttpsToHttp !== true) {
      return failed(
        url.href,
        failure(
          'redirect',
          `the target redirected from https to ${next.href}; not followed, because the request would travel unencrypted (allow it with send.allowHttpsToHttp)`,
        ),
      )
    }
    if (next.origin !== url.origin) {
      // As fetch and curl do: the redirecting origin chose where credentials would go.
      const { kept, dropped } = withoutCredentials(headers)
      headers = kept
      if (dropped.length > 0) redirect.droppedHeaders = dropped
    }
    // A self-signed certificate was accepted for the target the user named, not for other origins.
    context.allowInsecureTls = (options.allowInsecureTls ?? false) && next.origin === firstOrigin
    redirects.push(redirect)
    // As browsers and fetch do: 303 always, and 301/302 for a POST, continue as a GET without body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method.toUpperCase() === 'POST')) {
      method = 'GET'
      body = Buffer.alloc(0)
      headers = headers.filter(([name]) => !/^content-(length|type)$/i.test(name))
    }
    url = next
  }
}

function headerOf(headers: HeaderPairs, lowerName: string): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === lowerName)?.[1]
}

function pairs(raw: string[]): HeaderPairs {
  const result: HeaderPairs = []
  for (let index = 0; index + 1 < raw.length; index += 2) result.push([raw[index] as string, raw[index + 1] as string])
  return result
}

/** One request/response exchange on a fresh connection. */
function sendOnce(url: URL, method: string, givenHeaders: HeaderPairs, body: Buffer, context: HopContext): Promise<HopResult> {
  return new Promise<HopResult>((resolve) => {
    let settled = false
    let abortKind: 'connect-timeout' | 'timeout' | 'aborted' | null = null
    const timers: NodeJS.Timeout[] = []
    let outgoing: ClientRequest | null = null
    const elapsed = (): number => Math.round(performance.now() - context.startedMs)

    const onAbort = (): void => stop('aborted')
    const finish = (result: HopResult): void => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      context.signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    const abortFailure = (kind: 'connect-timeout' | 'timeout' | 'aborted'): ReplayFailure => {
      switch (kind) {
        case 'connect-timeout':
          return failure('connect-timeout', `no connection to ${url.host} within ${context.connectTimeoutMs} ms`)
        case 'timeout':
          return failure('timeout', `no complete answer from ${url.host} within ${Math.round(context.deadlineMs - context.startedMs)} ms`)
        case 'aborted':
          return failure('aborted', 'cancelled before the answer was complete')
        default: {
          const exhaustive: never = kind
          return failure('network', String(exhaustive))
        }
      }
    }
    function stop(kind: 'connect-timeout' | 'timeout' | 'aborted'): void {
      if (settled) return
      abortKind = kind
      outgoing?.destroy()
      finish({ kind: 'failure', failure: abortFailure(kind) })
    }

    if (context.signal?.aborted) {
      finish({ kind: 'failure', failure: abortFailure('aborted') })
      return
    }
    const remainingMs = context.deadlineMs - performance.now()
    if (remainingMs <= 0) {
      finish({ kind: 'failure', failure: abortFailure('timeout') })
      return
    }

    // Hop-by-hop headers describe the capture's connection, not this one; framing follows the body.
    const headers = frameHeaders(withoutHopByHop(givenHeaders).kept, url.host, method, body)
    const isHttps = url.protocol === 'https:'
    try {
      outgoing = (isHttps ? httpsRequest : httpRequest)({
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? (isHttps ? 443 : 80) : Number(url.port),
        method,
        path: `${url.pathname}${url.search}`,
        // An array keeps order and case; Node then adds neither Host nor Content-Length (frameHeaders did).
        headers: headers.flat(),
        // A fresh connection per replay: no pooled socket can carry state between replays.
        agent: false,
        rejectUnauthorized: !context.allowInsecureTls,
      })
    } catch (error: unknown) {
      finish({ kind: 'failure', failure: classifyError(error, url) })
      return
    }
    const request = outgoing
    // A timer that comes due lets I/O that has already arrived go first (setImmediate runs after the
    // loop's I/O): when the process was stalled past the deadline, a refusal or an answer that came
    // in time is reported as it was, not as a timeout of the target.
    const stopAfterArrivedIo = (kind: 'connect-timeout' | 'timeout') => () => void setImmediate(() => stop(kind))
    timers.push(setTimeout(stopAfterArrivedIo('timeout'), remainingMs))
    const connectTimer = setTimeout(stopAfterArrivedIo('connect-timeout'), Math.min(context.connectTimeoutMs, remainingMs))
    timers.push(connectTimer)
    context.signal?.addEventListener('abort', onAbort, { once: true })

    request.on('socket', (socket) => {
      const connected = (): void => {
        context.timing.connectMs = elapsed()
        clearTimeout(connectTimer)
      }
      socket.once(isHttps ? 'secureConnect' : 'connect', connected)
    })
    request.on('error', (error: unknown) => {
      if (abortKind !== null) return
      finish({ kind: 'failure', failure: classifyError(error, url) })
    })
    request.on('response', (incoming: IncomingMessage) => {
      context.timing.firstByteMs = elapsed()
      readResponse(incoming, context.maxResponseBytes, (result) => {
        // Stop the connection when we stopped reading (truncated) or were cut off.
        if (result.kind === 'failure' || result.response.bodyTruncated) request.destroy()
        finish(result)
      })
    })
    if (body.length > 0) request.end(body)
    else request.end()
  })
}

function readResponse(incoming: IncomingMessage, maxBytes: number, done: (result: HopResult) => void): void {
  const chunks: Buffer[] = []
  let kept = 0
  let truncated = false
  let finished = false
  const declared = incoming.headers['content-length']
  const declaredSize = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null
  const complete = (): void => {
    if (finished) return
    finished = true
    const body = Buffer.concat(chunks)
    done({
      kind: 'response',
      response: {
        status: incoming.statusCode ?? 0,
        statusMessage: incoming.statusMessage ?? '',
        httpVersion: incoming.httpVersion,
        headers: pairs(incoming.rawHeaders),
        bodyBase64: body.toString('base64'),
        bodySize: body.length,
        bodyTruncated: truncated,
        declaredSize,
        redirect: null,
      },
    })
  }
  incoming.on('data', (chunk: Buffer) => {
    if (finished) return
    const room = maxBytes - kept
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room))
      kept = maxBytes
      truncated = true
      complete()
      return
    }
    chunks.push(chunk)
    kept += chunk.length
  })
  incoming.on('end', complete)
  incoming.on('error', (error: unknown) => {
    if (finished) return
    finished = true
    done({ kind: 'failure', failure: failure('connection-reset', `the answer was cut off after ${kept} body bytes: ${errorMessage(error)}`) })
  })
  incoming.on('aborted', () => {
    if (finished) return
    finished = true
    done({ kind: 'failure', failure: failure('connection-reset', `the target closed the connection after ${kept} body bytes of its answer`) })
  })
}
