/** Raw HTTP helpers for tests: exact bytes out, exact bytes back, no client-side rewriting. */
import { request, type Agent } from 'node:http'
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** Sends with node:http, keeping header order and case as given. */
export function send(
  url: string,
  options: { method?: string; path?: string; headers?: Array<[string, string]>; body?: Buffer | string },
): Promise<RawResponse> {
  const target = new URL(url)
  const given = options.headers ?? []
  const body = options.body === undefined ? undefined : Buffer.from(options.body)
  const hasLength = given.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))
  const hasHost = given.some(([name]) => name.toLowerCase() === 'host')
  const headers: Array<[string, string]> = [...(hasHost ? [] : [['Host', target.host] as [string, string]]), ...given]
  if (body !== undefined && !hasLength) headers.push(['Content-Length', String(body.length)])
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path ?? `${target.pathname}${target.search}`,
        // An array keeps order and case; Node then adds neither Host nor Content-Length.
        headers: headers.flat(),
        agent: false,
      },
      (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }))
        incoming.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** Writes raw bytes on a TCP socket and returns everything the server wrote back before closing. */
export function sendRaw(url: string, bytes: string | Buffer, timeoutMs = 5_000): Promise<string> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
    socket.on('connect', () => socket.write(bytes))
    socket.on('timeout', () => reject(new Error('timeout')))
  })
}

/**
 * A JSON POST over a keep-alive agent, as a flood of callbacks arrives: resolves the status, or 0
 * when the connection failed (the app was killed mid-request), never rejects.
 */
export function postJson(url: URL, body: string | Buffer, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (incoming) => {
        incoming.resume()
        incoming.on('end', () => resolve(incoming.statusCode ?? 0))
        incoming.on('error', () => resolve(0))
      },
    )
    outgoing.on('error', () => resolve(0))
    outgoing.end(body)
  })
}
