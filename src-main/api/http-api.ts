/**
 * The scripting API over HTTP: `POST /api/<procedure>` with a JSON body, and `GET /api/events`
 * as server-sent events.
 *
 * Threat model: the API listens on 127.0.0.1, but any web page the user visits can make the
 * browser send requests to loopback. So every request must carry the per-run bearer token (a page
 * cannot read it), a foreign `Origin` is refused (CSRF), POSTs must be `application/json` (not a
 * CORS-simple request, so browsers preflight them and we never answer preflights), and the `Host`
 * must be loopback (DNS rebinding). The receiver port, the only one the tunnel exposes, never
 * serves this API, and a callback an endpoint forwards here is refused whatever it carries.
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { InspectorEvent } from '../shared/contract'
import { formatByteLimit } from '../shared/byte-size'
import { errorMessage, type ApiError, type Result } from '../shared/errors'
import { FORWARDED_MARK_HEADER } from '../shared/replay-types'
import { subscribeInBatches } from '../core/event-bus'
import type { Dispatch } from './dispatch'
import { sendResult } from './json-answer'

export const API_PREFIX = '/api/'
export const MAX_API_BODY_BYTES = 32 * 1024 * 1024
/**
 * An input over the limit is still read (and thrown away) up to this many bytes in all, so the
 * caller reads the 413: closing a socket with unread bytes in it resets the connection, and the
 * answer is lost with it. A body that goes on past this is cut off.
 */
export const MAX_REFUSED_API_BODY_BYTES = 2 * MAX_API_BODY_BYTES
export const SSE_HEARTBEAT_MS = 15_000
/** A subscriber that lets this much pile up unread is dropped rather than let memory grow. */
export const SSE_MAX_BUFFERED_BYTES = 8 * 1024 * 1024

export interface HttpApiConfig {
  token: string
  /** Origins allowed to call (the UI's own); requests without an Origin (scripts) are fine. */
  allowedOrigins: () => string[]
  /** Host header values accepted, e.g. `127.0.0.1:4000` and `localhost:4000`. */
  allowedHosts: () => string[]
}

export interface HttpApiDeps {
  dispatch: Dispatch
  subscribe(listener: (event: InspectorEvent) => void): () => void
}

/** Returns a handler that answers `/api/*` requests; `false` for requests it does not own. */
export function createHttpApi(config: HttpApiConfig, deps: HttpApiDeps) {
  const expectedToken = Buffer.from(config.token)

  function refuse(request: IncomingMessage): ApiError | null {
    // Node keeps the first of several Host headers and drops the rest; a request carrying more than
    // one is malformed (RFC 9112 §3.2) and may be read by a proxy or another parser by its last one.
    const hosts = request.headersDistinct.host ?? []
    if (hosts.length !== 1 || !config.allowedHosts().includes((hosts[0] ?? '').toLowerCase())) {
      return { code: 'FORBIDDEN', message: 'this API only answers requests addressed to its loopback host' }
    }
    // A callback the app forwarded on (a live forward's mark): the receiver, and so the tunnel,
    // reach this API only if an endpoint forwards to it, and then not past this line.
    if (request.headers[FORWARDED_MARK_HEADER.toLowerCase()] !== undefined) {
      return { code: 'FORBIDDEN', message: `a callback forwarded by this app (${FORWARDED_MARK_HEADER}) never reaches its API` }
    }
    const origin = request.headers.origin
    if (origin !== undefined && !config.allowedOrigins().includes(origin)) {
      return { code: 'FORBIDDEN', message: `requests from origin ${origin} are not allowed` }
    }
    const presented = Buffer.from(/^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '')
    if (presented.length !== expectedToken.length || !timingSafeEqual(presented, expectedToken)) {
      return { code: 'UNAUTHORIZED', message: 'missing or wrong API token (Authorization: Bearer <token>)' }
    }
    return null
  }

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = (request.url ?? '').split('?')[0] ?? ''
    if (!path.startsWith(API_PREFIX)) return false
    const refusal = refuse(request)
    if (refusal) {
      request.resume()
      await sendResult(response, { ok: false, error: refusal })
      return true
    }
    const name = path.slice(API_PREFIX.length)
    if (name === 'events') {
      if (request.method !== 'GET') {
        await sendResult(response, { ok: false, error: { code: 'BAD_REQUEST', message: 'subscribe to events with GET' } })
      } else {
        streamEvents(request, response, (listener) => deps.subscribe(listener))
      }
      return true
    }
    if (request.method !== 'POST') {
      request.resume()
      await sendResult(response, { ok: false, error: { code: 'BAD_REQUEST', message: `call procedures with POST ${API_PREFIX}<procedure>` } })
      return true
    }
    // Exactly JSON (parameters allowed): not application/json-seq or other look-alikes.
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      request.resume()
      await sendResult(response, { ok: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the input as Content-Type: application/json' } })
      return true
    }
    const body = await readJson(request)
    if (!body.ok) {
      await sendResult(response, body)
      return true
    }
    await sendResult(response, await deps.dispatch(name, body.value))
    return true
  }
}

function readJson(request: IncomingMessage): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const tooLarge: Result<unknown> = {
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: `API input is limited to ${formatByteLimit(MAX_API_BODY_BYTES)}` },
    }
    const declared = Number(request.headers['content-length'] ?? 0)
    const chunks: Buffer[] = []
    let size = 0
    const isTooLarge = () => declared > MAX_API_BODY_BYTES || size > MAX_API_BODY_BYTES
    // Refused as soon as it is known to be too large; the body is still read, without keeping it,
    // so the answer is not lost to a reset (see MAX_REFUSED_API_BODY_BYTES).
    if (isTooLarge()) resolve(tooLarge)
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (!isTooLarge()) {
        chunks.push(chunk)
        return
      }
      chunks.length = 0
      resolve(tooLarge)
      if (size > MAX_REFUSED_API_BODY_BYTES) request.destroy()
    })
    request.on('error', () => resolve({ ok: false, error: { code: 'BAD_REQUEST', message: 'the request body could not be read' } }))
    request.on('end', () => {
      if (isTooLarge()) return
      // A UTF-8 byte order mark (as some Windows tools write files) is not part of the JSON (RFC 8259 §8.1).
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
      if (text.trim() === '') return resolve({ ok: true, value: {} })
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown })
      } catch (error: unknown) {
        // JSON.parse says where ("… in JSON at position 8"): a hand-written call is fixed from that.
        resolve({ ok: false, error: { code: 'BAD_REQUEST', message: `the request body is not valid JSON: ${errorMessage(error)}` } })
      }
    })
  })
}

function streamEvents(request: IncomingMessage, response: ServerResponse, subscribe: HttpApiDeps['subscribe']): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  response.write(': connected\n\n')
  // One write per batch of events, not per event (see subscribeInBatches).
  const unsubscribe = subscribeInBatches({ subscribe }, (events) => {
    if (response.writableLength > SSE_MAX_BUFFERED_BYTES) {
      response.destroy()
      return
    }
    response.write(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''))
  })
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS)
  const cleanUp = (): void => {
    clearInterval(heartbeat)
    unsubscribe()
  }
  request.on('close', cleanUp)
  response.on('error', cleanUp)
}
