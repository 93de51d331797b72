/**
 * The registration step of the localtunnel protocol (`GET {server}/?new` or `GET {server}/{subdomain}`),
 * done by us instead of by the client.
 *
 * Why not let `localtunnel()` register: its `Tunnel._init` (lib/Tunnel.js) retries every second
 * for ever on any failure, including the non-2xx answers axios 1.x throws for, and nothing stops
 * that loop: `close()` only sets a flag the loop never reads. So `await localtunnel()` never
 * settles when the server is down or refuses the subdomain (localtunnel/localtunnel#81, #321,
 * #388), and racing it with a timer would leak the retry timer and its requests. Doing the one GET
 * ourselves gives a real timeout and abort, and the real status and body (403 with the server's
 * message for a bad subdomain, connection refused, DNS failure), which become the reason the UI
 * shows. The client is then handed the answer and only opens its sockets.
 */
import http from 'node:http'
import https from 'node:https'
import { adviseAgainstIpServerUrl } from '../../shared/tunnel'
import { describeNetworkError, TunnelProblemError } from './tunnel-problem'

/** A registration answer is a small JSON object; anything bigger is not one. */
const MAX_REGISTRATION_BODY_BYTES = 64 * 1024

/**
 * What the app takes from a server's answer is shown in the UI and the log, kept in
 * `inspector.json` (the id, asked for again on the next launch) and used as the public URL, so it
 * is held to what a localtunnel server sends: an id that is one DNS label, an http(s) URL, a short
 * message in one line. A hostile or broken server (any URL can be set as the server) sent a 60 KB
 * message with line breaks and terminal escapes, which became the tunnel's reason word for word; a
 * 50 KB id; and a `javascript:` "public URL" the health probe could not even request, so the
 * tunnel sat online, never proved and never probed again.
 */
const TUNNEL_ID_PATTERN = /^[A-Za-z0-9_-]{1,63}$/
const MAX_PUBLIC_URL_CHARS = 2_000
export const MAX_SERVER_MESSAGE_CHARS = 300

/**
 * The public server offers 10 sockets. A self-hosted server could ask for thousands; the client
 * would open them all against the receiver, so the count is capped.
 */
export const MAX_TUNNEL_SOCKETS = 10

/** What the server returned, checked. */
export interface TunnelRegistration {
  /** Server base URL the registration was made at, without a trailing slash. */
  serverUrl: string
  /** The subdomain (client id) the server assigned. */
  id: string
  /** Public base URL of the tunnel. */
  url: string
  /** TCP port on the server the client's sockets connect to. */
  port: number
  /** IP the sockets should connect to, when the server names one. */
  ip: string | null
  /** How many sockets to open, already capped at {@link MAX_TUNNEL_SOCKETS}. */
  maxConnCount: number
  /** `cached_url` of caching proxies, passed through to the client. */
  cachedUrl: string | null
}

export interface RegistrationRequest {
  serverUrl: string
  /** `null` asks the server for a random subdomain. */
  subdomain: string | null
}

/**
 * Register a tunnel. Rejects with a {@link TunnelProblemError} (never anything else) when the
 * server cannot be reached, answers an error or garbage, or `signal` aborts (the caller's timeout).
 */
export async function requestRegistration(request: RegistrationRequest, signal: AbortSignal): Promise<TunnelRegistration> {
  const serverUrl = request.serverUrl.replace(/\/+$/, '')
  const target = `${serverUrl}/${request.subdomain === null ? '?new' : encodeURIComponent(request.subdomain)}`
  const where = `the tunnel server at ${serverUrl}`
  const { status, body } = await getJson(target, signal, where)
  const payload = parseJsonObject(body)
  const said = serverSays(payload?.message)
  if (status === 403) {
    const serverMessage = said === null ? '' : ` (the server says: ${said})`
    throw new TunnelProblemError('SUBDOMAIN_REFUSED', `${where} refused the subdomain "${request.subdomain ?? '(random)'}"${serverMessage}`)
  }
  if (status < 200 || status > 299) {
    const serverMessage = said === null ? '' : `: ${said}`
    throw new TunnelProblemError('SERVER_ERROR', `${where} answered HTTP ${status}${serverMessage}`)
  }
  return toRegistration(payload, serverUrl, where)
}

function toRegistration(payload: Record<string, unknown> | null, serverUrl: string, where: string): TunnelRegistration {
  const bad = (what: string): TunnelProblemError => new TunnelProblemError('BAD_SERVER_RESPONSE', `${where} is not a localtunnel server (${what})`)
  if (payload === null) throw bad('its answer is not a JSON object')
  const { id, url, port, ip, max_conn_count: maxConnCount, cached_url: cachedUrl } = payload
  if (typeof id !== 'string' || id === '') throw bad('no id in its answer')
  if (!TUNNEL_ID_PATTERN.test(id)) throw bad('its id is not a subdomain: at most 63 letters, digits, - and _')
  if (typeof url !== 'string' || !URL.canParse(url)) throw addressedByIp(serverUrl, where, url) ?? bad('no valid url in its answer')
  const { protocol } = new URL(url)
  if ((protocol !== 'http:' && protocol !== 'https:') || url.length > MAX_PUBLIC_URL_CHARS) throw bad('its url is not an http or https URL')
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw bad('no valid port in its answer')
  const sockets = typeof maxConnCount === 'number' && Number.isInteger(maxConnCount) && maxConnCount > 0 ? maxConnCount : 1
  return {
    serverUrl,
    id,
    url,
    port,
    ip: typeof ip === 'string' && ip !== '' ? ip : null,
    maxConnCount: Math.min(sockets, MAX_TUNNEL_SOCKETS),
    cachedUrl: typeof cachedUrl === 'string' ? cachedUrl : null,
  }
}

/** A server called by IP address answers a URL like `http://{id}.127.0.0.1:P`: say to use its name instead. */
function addressedByIp(serverUrl: string, where: string, url: unknown): TunnelProblemError | null {
  const advice = adviseAgainstIpServerUrl(serverUrl)
  if (advice === null) return null
  const answered = typeof url === 'string' ? ` (${JSON.stringify(url.slice(0, 200))})` : ''
  return new TunnelProblemError('BAD_SERVER_RESPONSE', `${where} answered no usable public URL${answered}: ${advice}`)
}

/** The server's `message`, in one line of at most {@link MAX_SERVER_MESSAGE_CHARS} characters; null when it sent none. */
function serverSays(message: unknown): string | null {
  if (typeof message !== 'string') return null
  const line = message.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').trim()
  if (line === '') return null
  return line.length > MAX_SERVER_MESSAGE_CHARS ? `${line.slice(0, MAX_SERVER_MESSAGE_CHARS)}…` : line
}

function parseJsonObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** axios, which the client used, follows redirects; a server moved to another host (http to https) may rely on it. */
const MAX_REDIRECTS = 3

async function getJson(target: string, signal: AbortSignal, where: string): Promise<{ status: number; body: string }> {
  let url = target
  for (let redirects = 0; ; redirects += 1) {
    const answer = await getOnce(url, signal, where)
    const location = answer.location
    if (answer.status < 300 || answer.status > 399 || location === null || redirects >= MAX_REDIRECTS) return answer
    const next = new URL(location, url)
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return answer
    url = next.toString()
  }
}

function getOnce(target: string, signal: AbortSignal, where: string): Promise<{ status: number; body: string; location: string | null }> {
  return new Promise((resolve, reject) => {
    const abortProblem = (): TunnelProblemError =>
      signal.reason instanceof TunnelProblemError ? signal.reason : new TunnelProblemError('REGISTRATION_TIMEOUT', `${where} did not answer in time`)
    if (signal.aborted) {
      reject(abortProblem())
      return
    }
    const client = target.startsWith('https:') ? https : http
    // agent: false so no keep-alive socket outlives the request (stop() must leave nothing open).
    const request = client.get(target, { agent: false, headers: { accept: 'application/json' }, signal }, (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_REGISTRATION_BODY_BYTES) {
          response.destroy()
          reject(new TunnelProblemError('BAD_SERVER_RESPONSE', `${where} is not a localtunnel server (its answer is too large)`))
          return
        }
        chunks.push(chunk)
      })
      response.on('error', (error: unknown) =>
        reject(signal.aborted ? abortProblem() : new TunnelProblemError('SERVER_UNREACHABLE', describeNetworkError(error, where))),
      )
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          location: response.headers.location ?? null,
        }),
      )
    })
    request.on('error', (error: unknown) => {
      reject(signal.aborted ? abortProblem() : new TunnelProblemError('SERVER_UNREACHABLE', describeNetworkError(error, where)))
    })
  })
}
