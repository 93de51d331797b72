/**
 * The capture receiver: a plain node:http server on 127.0.0.1 that accepts any method and any path
 * under `/<endpoint-slug>`, reads the request byte for byte and hands it to the capture pipeline,
 * which stores it and then answers.
 *
 * Threat model: this is the only port the tunnel exposes to the internet, so everything that
 * reaches it is hostile input. It serves no API and no UI; it never lists endpoints; malformed
 * HTTP, oversized headers and bodies, slow senders and floods are refused with a status and a
 * message, never with a crash.
 */
import { createServer, maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Refusal } from '../../shared/views'
import type { HeaderPairs } from '../../shared/http-message'
import { formatByteLimit, formatBytes } from '../../shared/byte-size'
import { bodyStalledReason, bodyTooLargeReason } from '../../shared/refusal-reasons'
import { splitTarget } from '../../shared/slug'
import { originFormOf } from '../../shared/target-text'
import { TUNNEL_HEALTH_NONCE_HEADER, TUNNEL_HEALTH_PATH } from '../../shared/tunnel'
import type { Logger } from '../logger'
import { RECEIVER_KEEP_ALIVE_TIMEOUT_MS } from '../responses/connection-headers'
import { BodyBudget, defaultBodyBytesInFlight } from './body-budget'
import { capConnections } from './connection-budget'
import { BODY_IDLE_TIMEOUT_MS, declaredContentLength, readBody } from './read-body'

/**
 * Requests one connection may have sent and not had handled yet. Node parses pipelined requests as
 * fast as they arrive and hands each over at once; it stops reading only once answers back up, and
 * the answer of a capture waits for it to be stored: 150,000 pipelined requests on one connection
 * (11 MB) took the app to 1 GB while nothing was captured. No provider pipelines. A request that
 * arrives while this many are being handled is not captured: it is answered 503 at once
 * (PIPELINING_REFUSAL_MESSAGE), after the answers before it.
 */
export const MAX_PIPELINED_REQUESTS = 64

/** What a request past MAX_PIPELINED_REQUESTS on one connection is answered (503). */
export const PIPELINING_REFUSAL_MESSAGE = `Not captured: this connection already had ${MAX_PIPELINED_REQUESTS} requests waiting for their answers (pipelining). Send this one again once they are answered.`

/** Generous for 10 MB bodies over a slow tunnel, finite against slowloris. */
export const REQUEST_TIMEOUT_MS = 300_000
export const HEADERS_TIMEOUT_MS = 30_000

/** What the receiver says to a request whose target is neither a path nor an absolute http(s) URL. */
export const UNUSABLE_TARGET_MESSAGE =
  'Send callbacks to a path, /<endpoint-slug>/..., or to an absolute http(s) URL with that path (http://host/<endpoint-slug>/...).'

export interface ReceivedRequest {
  endpointId: string
  method: string
  /**
   * The request target exactly as received: path and query, or an absolute URL
   * (`http://host/<slug>/x?y=1`) from some proxies and clients. Read its path with `originFormOf`.
   */
  target: string
  /** The target's path and query with the `/<slug>` prefix removed, always starting with `/`. */
  pathWithinEndpoint: string
  httpVersion: string
  headers: HeaderPairs
  /**
   * The trailer fields of a chunked body (after its last chunk), as raw name/value pairs like
   * `headers`; absent when there were none (every callback seen so far).
   */
  trailers?: HeaderPairs
  remoteAddress: string
  remotePort: number
  receivedAt: Date
  durationMs: number
  body: Buffer
  refusal: Refusal | null
}

export interface ReceiverConfig {
  host: string
  port: number
  maxBodyBytes: number
  /** Body bytes held at once across requests (default `defaultBodyBytesInFlight(maxBodyBytes)`, see body-budget.ts). */
  maxBodyBytesInFlight?: number
  /** How long a body may stop arriving before it is refused (default `BODY_IDLE_TIMEOUT_MS`). */
  bodyIdleTimeoutMs?: number
  /** How long a request's headers may take from the connection's start or the request's first byte (default `HEADERS_TIMEOUT_MS`). */
  headersTimeoutMs?: number
  /** Echoed by the health path, so the tunnel's probe knows it reached this very process. */
  healthNonce: string
  /** Connections held at once (default `maxConnectionsFor('receiver')`, connection-budget.ts); past it a new one is closed at once. */
  maxConnections?: number
}

export interface ReceiverDeps {
  logger: Logger
  now: () => Date
  /** Maps the first path segment to an endpoint id. */
  resolveEndpoint(slug: string): string | undefined
  /** Stores the request and writes the answer; must never throw. */
  handle(request: ReceivedRequest, response: ServerResponse): Promise<void>
}

export interface Receiver {
  readonly url: string
  readonly port: number
  /** Stops accepting, ends idle keep-alive sockets, and destroys the rest after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export async function startReceiver(config: ReceiverConfig, deps: ReceiverDeps): Promise<Receiver> {
  const sockets = new Set<Socket>()
  const bodies = new BodyBudget(config.maxBodyBytesInFlight ?? defaultBodyBytesInFlight(config.maxBodyBytes))
  /**
   * Per connection: requests it sent that are not handled yet (see MAX_PIPELINED_REQUESTS), the
   * answer of the last one Node handed over (a malformed request after it is refused only once
   * that answer is written), whether it is being refused, and whether the log named it for
   * pipelining past the limit.
   */
  const connections = new WeakMap<Socket, { pending: number; lastResponse: ServerResponse; refusing: boolean; pipeliningLogged: boolean }>()
  /** The record of the request's connection, with `response` noted as its last answer. */
  const connectionOf = (socket: Socket, response: ServerResponse) => {
    let connection = connections.get(socket)
    if (connection === undefined) connections.set(socket, (connection = { pending: 0, lastResponse: response, refusing: false, pipeliningLogged: false }))
    connection.lastResponse = response
    return connection
  }
  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket
    const connection = connectionOf(socket, response)
    if (connection.pending >= MAX_PIPELINED_REQUESTS) {
      // Answered at once and not captured. Node writes a connection's answers in order, so this one
      // follows those of the captures before it (each once stored); and answers that wait for
      // nothing are what make Node stop reading a flood: it pauses a connection whose queued
      // answers pile up. Closing the connection instead lost the answers of the captures before
      // it (their providers would retry what was stored), and a close while the sender still
      // sends is a reset, which loses them too.
      if (!connection.pipeliningLogged) {
        connection.pipeliningLogged = true
        deps.logger.warn(
          `the receiver refused requests (503) on a connection that sent more than ${MAX_PIPELINED_REQUESTS} without waiting for their answers`,
          {
            remoteAddress: socket.remoteAddress,
          },
        )
      }
      request.resume()
      answerPlain(response, 503, PIPELINING_REFUSAL_MESSAGE)
      return
    }
    connection.pending++
    const handled = connection
    void onRequest(request, response)
      .catch((error: unknown) => {
        deps.logger.error('receiver failed on a request', { error: String(error) })
        answerPlain(response, 500, 'Callback Inspector failed to handle this request.')
      })
      .finally(() => void handled.pending--)
  }
  const headersTimeout = config.headersTimeoutMs ?? HEADERS_TIMEOUT_MS
  const server: Server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout,
      keepAliveTimeout: RECEIVER_KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the timeouts every 30 s by default: a headers timeout of 30 s then fired after 30 to 60 s.
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(headersTimeout / 6))),
      // Checked in onRequest, to say why (Node's own refusal is a bare 400).
      requireHostHeader: false,
    },
    handleRequest,
  )
  // Every header line is kept: Node's default keeps the first 1,000 or so and drops the rest without
  // a word: a request of 1,104 header lines was captured with its first 1,023 (a signature after them lost).
  // The 16 KB header size limit (431 past it) still bounds how many there can be.
  server.maxHeadersCount = 0
  // `Expect: 100-continue`: a body that is too large is refused before the sender transmits it;
  // any other gets the go-ahead (what Node does when nobody listens).
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const declared = declaredContentLength(request)
    if (declared === null || (declared <= config.maxBodyBytes && bodies.canTake(declared))) response.writeContinue()
    handleRequest(request, response)
  })
  // Any other expectation: Node answered a bare 417; the sender is told which one is met.
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    connectionOf(request.socket, response)
    request.resume()
    answerPlain(
      response,
      417,
      `Only "Expect: 100-continue" is met here; this request said "Expect: ${(request.headers.expect ?? '').slice(0, 64)}". Nothing was captured: send it without that header.`,
    )
  })
  // CONNECT (authority form, `host:443`) asks for a proxy tunnel. Node closes the connection
  // without a word when nobody listens; the sender is told why instead.
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    const message = `CONNECT is refused: Callback Inspector's receiver is not a proxy. ${UNUSABLE_TARGET_MESSAGE}`
    socket.on('error', () => undefined)
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    )
  })
  capConnections(server, 'receiver', { logger: deps.logger, now: deps.now, idleCloseSeconds: headersTimeout / 1000 }, config.maxConnections)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A connection that never sent a byte is closed without a word. A "408 Request Timeout" there
    // answers no request: a relay that keeps idle connections to the receiver (the tunnel, a
    // reverse proxy) read it as the answer to the next callback it sent on that connection.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0) return void socket.destroy()
    const connection = connections.get(socket)
    // Node reports each chunk that arrives after the error again: the refusal is written once.
    if (connection?.refusing) return
    const refuse = (): void => {
      // Malformed HTTP from the internet: refused with why, and never a crash.
      if (socket.writable) socket.end(clientErrorAnswer(error))
      socket.destroy()
    }
    const last = connection?.lastResponse
    // An error in the body of the last request (a bad chunk, trailers too large) is that request's:
    // refused at once (its reading ends, nothing is captured). Waiting for its answer would wait
    // for a body that never ends.
    if (connection === undefined || last === undefined || last.writableFinished || last.destroyed || !last.req.complete) return refuse()
    // Requests before the malformed one are still being stored or answered (pipelined, or bytes
    // that follow a request at once): their answers are written first, in order, and the refusal
    // after them. Before, the 400 was written at once, in place of their answers, and the
    // connection closed: a captured callback's sender read 400 (and sent it again).
    connection.refusing = true
    socket.pause()
    let refused = false
    const once = (): void => void (refused || ((refused = true), refuse()))
    last.once('finish', once)
    last.once('close', once)
  })

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = deps.now()
    const started = performance.now()
    const target = request.url ?? '/'
    // RFC 9112 3.2: an HTTP/1.1 request without Host is refused (Node did, with a bare 400).
    if (request.headers.host === undefined && request.httpVersionMajor === 1 && request.httpVersionMinor === 1) {
      request.resume()
      answerPlain(response, 400, 'An HTTP/1.1 request needs a Host header (RFC 9112 3.2). Nothing was captured.')
      return
    }
    // Stored as received; routed by its path: an absolute-form target (`http://host/<slug>/x`) too.
    const path = originFormOf(target)
    if (!path.startsWith('/')) {
      // `OPTIONS *` (asterisk form), or a URL of another scheme: nothing a callback is sent to.
      request.resume()
      answerPlain(response, 400, `${UNUSABLE_TARGET_MESSAGE} This request's target is "${target.slice(0, 64)}".`)
      return
    }
    const { slug, rest } = splitTarget(path)

    if (path === TUNNEL_HEALTH_PATH || path.startsWith(`${TUNNEL_HEALTH_PATH}?`)) {
      request.resume()
      response.setHeader(TUNNEL_HEALTH_NONCE_HEADER, config.healthNonce)
      answerPlain(response, 200, JSON.stringify({ service: 'callback-inspector', nonce: config.healthNonce }), 'application/json')
      return
    }
    const endpointId = slug === '' ? undefined : deps.resolveEndpoint(slug)
    if (endpointId === undefined) {
      request.resume()
      // The page at the root is for a person: a callback sent there, or to `//<slug>/...` (a base URL
      // ending in `/` joined to a path starting with one), was answered 200 but captured nowhere, so
      // its provider took it as delivered.
      const isRootPage = slug === '' && (path === '/' || path.startsWith('/?')) && (request.method === 'GET' || request.method === 'HEAD')
      const message = isRootPage
        ? 'Callback Inspector receiver. Send callbacks to /<endpoint-slug>/...'
        : slug === ''
          ? `No endpoint in the path "${path.slice(0, 64)}": send callbacks to /<endpoint-slug>/... Check the callback URL.`
          : `No endpoint "${slug.slice(0, 64)}" on this Callback Inspector. Check the callback URL.`
      answerPlain(response, isRootPage ? 200 : 404, message)
      return
    }

    const body = await readBody(request, config.maxBodyBytes, bodies, config.bodyIdleTimeoutMs)
    if (body.kind === 'aborted') return
    const headers = pairHeaders(request.rawHeaders)
    const refusal: Refusal | null =
      body.kind === 'too-large'
        ? {
            status: 413,
            // In words a person reads ("10 MiB"); the exact figure is getStatus's maxBodyBytes.
            reason: bodyTooLargeReason(config.maxBodyBytes),
            declaredSize: body.declaredSize,
            receivedBytes: body.receivedBytes,
          }
        : body.kind === 'stalled'
          ? {
              status: 408,
              reason: bodyStalledReason((config.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS) / 1000, body.receivedBytes),
              declaredSize: body.declaredSize,
              receivedBytes: body.receivedBytes,
            }
          : body.kind === 'busy'
            ? {
                status: 503,
                reason: `Too many bodies are arriving at once: this inspector already holds ${formatBytes(bodies.heldBytes)} of other callbacks' bodies (its limit is ${formatByteLimit(bodies.limitBytes)}). Retry later.`,
                declaredSize: body.declaredSize,
                receivedBytes: body.receivedBytes,
              }
            : null
    if (refusal) {
      // We stop reading mid-body (a body too large, or one that stopped), so the connection cannot carry another request.
      response.shouldKeepAlive = false
    }
    try {
      await deps.handle(
        {
          endpointId,
          method: request.method ?? 'GET',
          target,
          pathWithinEndpoint: rest,
          httpVersion: request.httpVersion,
          headers,
          // Read by Node once the body ended: only a complete body has them.
          ...(body.kind === 'complete' && request.rawTrailers.length > 0 ? { trailers: pairHeaders(request.rawTrailers) } : {}),
          remoteAddress: request.socket.remoteAddress ?? '',
          remotePort: request.socket.remotePort ?? 0,
          receivedAt,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          body: body.kind === 'complete' ? body.body : Buffer.alloc(0),
          refusal,
        },
        response,
      )
    } finally {
      // Held until the capture is stored and answered: the pipeline keeps the body until then.
      if (body.kind === 'complete') bodies.give(body.heldBytes)
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Logged once listening: a failure to listen (a taken port) is the caller's to report, once.
  server.on('error', (error) => deps.logger.error('receiver server error', { error: String(error) }))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${config.host}:${port}`,
    port,
    async stop(graceMs = 1_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy()
      }, graceMs)
      await closed
      clearTimeout(timer)
    },
  }
}

/**
 * The whole answer to a request Node could not parse or that timed out: its status, and a message
 * saying what was wrong (llhttp's reason: "Transfer-Encoding can't be present with Content-Length",
 * "Invalid header value char"), where the sender used to read only "400 Bad Request".
 */
export function clientErrorAnswer(error: NodeJS.ErrnoException & { reason?: string }): string {
  const code = error.code ?? ''
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'
  const detail =
    status === 431
      ? `The request line and header fields (or the trailer fields) are larger than ${formatByteLimit(maxHeaderSize)}.`
      : status === 408
        ? 'The request did not arrive in time.'
        : code === 'HPE_PAUSED_H2_UPGRADE'
          ? 'HTTP/2 is not spoken here: send HTTP/1.1.'
          : `Malformed HTTP/1.1: ${(error.reason ?? error.message).slice(0, 200)}.`
  const framing = /^HPE_(INVALID_TRANSFER_ENCODING|UNEXPECTED_CONTENT_LENGTH|INVALID_CONTENT_LENGTH)$/.test(code)
    ? ' Where a body ends must be certain (RFC 9112 6.3): one Content-Length, or Transfer-Encoding ending in chunked, not both.'
    : ''
  const message = `${status} ${title}\n${detail}${framing} Nothing was captured.\n`
  return `HTTP/1.1 ${status} ${title}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`
}

function pairHeaders(raw: string[]): HeaderPairs {
  const pairs: HeaderPairs = []
  for (let index = 0; index + 1 < raw.length; index += 2) pairs.push([raw[index] as string, raw[index + 1] as string])
  return pairs
}

export function answerPlain(
  response: ServerResponse,
  status: number,
  message: string,
  contentType = 'text/plain; charset=utf-8',
  extraHeaders: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return
  const body = Buffer.from(message)
  // The receiver's own answers (404 reflects the slug) are never sniffed into something active.
  response.writeHead(status, { ...extraHeaders, 'content-type': contentType, 'content-length': body.length, 'x-content-type-options': 'nosniff' })
  response.end(body)
}
