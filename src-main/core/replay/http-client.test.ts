import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { REPLAY_MAX_REQUEST_BYTES } from '../../shared/replay-limits'
import { sendReplay, type OutgoingRequest } from './http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'

const post = (url: string, body = 'hello'): OutgoingRequest => ({ method: 'POST', url, headers: [['Content-Type', 'text/plain']], body: Buffer.from(body) })

let target: LoopbackTarget | null = null
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await target?.close()
  target = null
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A TCP server that accepts and never answers. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>()
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('sendReplay: answers', () => {
  it('returns status, headers in order, body and timing', async () => {
    target = await startLoopbackTarget((_request, response) => {
      response.writeHead(201, 'Created', [
        ['X-First', '1'],
        ['x-second', '2'],
        ['Content-Type', 'text/plain'],
      ])
      response.end('created')
    })
    const outcome = await sendReplay(post(`${target.url}/x`))
    if (outcome.kind !== 'response') throw new Error(outcome.failure.message)
    expect(outcome.response).toMatchObject({ status: 201, statusMessage: 'Created', bodySize: 7, bodyTruncated: false, redirect: null })
    expect(Buffer.from(outcome.response.bodyBase64, 'base64').toString()).toBe('created')
    expect(outcome.response.headers.slice(0, 3)).toEqual([
      ['X-First', '1'],
      ['x-second', '2'],
      ['Content-Type', 'text/plain'],
    ])
    expect(outcome.timing.durationMs).toBeGreaterThanOrEqual(0)
    expect(outcome.timing.connectMs).not.toBeNull()
  })

  it('refuses a body over what a replay sends, saying both sizes in words', async () => {
    const outcome = await sendReplay({ ...post('http://127.0.0.1:9/'), body: Buffer.alloc(REPLAY_MAX_REQUEST_BYTES + 1024) }, {})
    expect(outcome.kind === 'failure' && outcome.failure).toMatchObject({
      kind: 'too-large',
      // '67109888 bytes; replays send at most 67108864' before: a count nobody reads, the limit without a unit.
      message: 'the body is 65,537 KiB; a replay sends at most 64 MiB',
    })
  })

  it('truncates an answer over the size limit and says so', async () => {
    target = await startLoopbackTarget((_request, response) => response.end(Buffer.alloc(200_000, 0x61)))
    const outcome = await sendReplay(post(target.url), { maxResponseBytes: 1000 })
    if (outcome.kind !== 'response') throw new Error(outcome.failure.message)
    expect(outcome.response).toMatchObject({ status: 200, bodySize: 1000, bodyTruncated: true, declaredSize: 200_000 })
  })

  it('reports a redirect with its Location instead of following it', async () => {
    target = await startLoopbackTarget((request, response) => {
      if (request.target === '/old') {
        response.writeHead(307, { Location: '/new' })
        response.end()
      } else response.end('moved here')
    })
    const outcome = await sendReplay(post(`${target.url}/old`))
    if (outcome.kind !== 'response') throw new Error(outcome.failure.message)
    expect(outcome.response.status).toBe(307)
    expect(outcome.response.redirect).toEqual({ status: 307, location: '/new', url: `${target.url}/new` })
    expect(target.received).toHaveLength(1)

    const followed = await sendReplay(post(`${target.url}/old`, 'kept on 307'), { followRedirects: true })
    if (followed.kind !== 'response') throw new Error(followed.failure.message)
    expect(followed.response.status).toBe(200)
    expect(followed.redirects).toEqual([{ status: 307, location: '/new', url: `${target.url}/new` }])
    expect(target.received[2]?.body.toString()).toBe('kept on 307')
  })

  it('stops following after too many redirects', async () => {
    target = await startLoopbackTarget((_request, response) => {
      response.writeHead(302, { Location: '/loop' })
      response.end()
    })
    const outcome = await sendReplay(post(target.url), { followRedirects: true })
    expect(outcome.kind === 'failure' && outcome.failure.kind).toBe('redirect')
  })
})

describe('sendReplay: failures are data, never exceptions', () => {
  it('connection refused', async () => {
    const outcome = await sendReplay(post(`http://127.0.0.1:${await closedPort()}/`))
    expect(outcome.kind === 'failure' && outcome.failure).toMatchObject({ kind: 'connection-refused', code: 'ECONNREFUSED' })
  })

  it('a refusal that arrived while the process was stalled past the deadline is a refusal, not a timeout', async () => {
    const port = await closedPort()
    const sending = sendReplay(post(`http://127.0.0.1:${port}/`), { timeoutMs: 100 })
    // A stall as on a busy machine: the deadline is due before the loop gets to read the refusal.
    const until = performance.now() + 300
    while (performance.now() < until) {
      // busy
    }
    const outcome = await sending
    expect(outcome.kind === 'failure' && outcome.failure).toMatchObject({ kind: 'connection-refused', code: 'ECONNREFUSED' })
  })

  it('DNS failure for a .invalid host', async () => {
    const outcome = await sendReplay(post('http://callback-target.invalid/'), { timeoutMs: 8000 })
    expect(outcome.kind === 'failure' && outcome.failure.kind).toBe('dns')
  })

  it('timeout when the target never answers', async () => {
    const url = await silentServer()
    // A timeout that never fired would hold the test until its own time limit: no wall-clock bound needed.
    const outcome = await sendReplay(post(url), { timeoutMs: 300 })
    expect(outcome.kind === 'failure' && outcome.failure).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/within 300 ms$/) })
  })

  it('TLS failure when speaking https to a plain server', async () => {
    target = await startLoopbackTarget()
    const outcome = await sendReplay(post(target.url.replace('http:', 'https:')), { timeoutMs: 3000 })
    expect(outcome.kind === 'failure' && outcome.failure.kind).toBe('tls')
  })

  it('aborted by the caller', async () => {
    const url = await silentServer()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const outcome = await sendReplay(post(url), { signal: controller.signal, timeoutMs: 5000 })
    expect(outcome.kind === 'failure' && outcome.failure.kind).toBe('aborted')
  })

  it('a header value Node refuses is an invalid request', async () => {
    const outcome = await sendReplay({ method: 'POST', url: 'http://127.0.0.1:1/', headers: [['X-Bad', 'a\nb']], body: Buffer.alloc(0) })
    expect(outcome.kind === 'failure' && outcome.failure.kind).toBe('invalid-request')
  })
})
