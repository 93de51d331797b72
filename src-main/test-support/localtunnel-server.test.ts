/**
 * The localtunnel test server (e2e/fixtures/localtunnel-server.ts) against what the real server
 * (localtunnel/server 0.0.8) does with a client's sockets, driven by a bare client of plain
 * sockets: the app's tunnel tests are only as good as this stand-in.
 */
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { requestThroughTunnel, startLocaltunnelServer, type LocaltunnelServer } from '../../e2e/fixtures/localtunnel-server'
import { waitFor } from './wait-for'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startServer(options: Parameters<typeof startLocaltunnelServer>[0] = {}): Promise<LocaltunnelServer> {
  const server = await startLocaltunnelServer(options)
  cleanups.push(() => server.stop())
  return server
}

async function register(server: LocaltunnelServer, name: string): Promise<{ id: string; port: number; max_conn_count: number }> {
  const answer = await fetch(`${server.url}/${name}`)
  return (await answer.json()) as { id: string; port: number; max_conn_count: number }
}

/** A tunnel socket of a bare client: answers each request written onto it when `answer()` is called, keeping the connection. */
interface BareSocket {
  socket: net.Socket
  /** Requests written onto it so far. */
  requests: number
  /** Resolves once `count` requests have been written onto it. */
  written(count: number): Promise<void>
  answer(): void
  closed: Promise<void>
}

async function connectBare(port: number): Promise<BareSocket> {
  const socket = net.connect({ host: '127.0.0.1', port })
  socket.on('error', () => undefined)
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const bare: BareSocket = {
    socket,
    requests: 0,
    written: (count) => new Promise((resolve) => (bare.requests >= count ? resolve() : void waiters.push({ count, resolve }))),
    answer: () => void socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  }
  socket.on('data', (chunk: Buffer) => {
    bare.requests += chunk.toString('latin1').split('\r\n\r\n').length - 1
    for (const waiter of waiters.filter(({ count }) => bare.requests >= count)) waiter.resolve()
  })
  cleanups.push(() => void socket.destroy())
  await new Promise((resolve) => socket.once('connect', resolve))
  return bare
}

describe('the localtunnel test server, as the real one', () => {
  it('lets a client connect 10 sockets whatever max_conn_count it answers, and closes one more at once', async () => {
    const server = await startServer({ maxConnCount: 3 })
    const registration = await register(server, 'ten-sockets')
    expect(registration).toMatchObject({ id: 'ten-sockets', max_conn_count: 3 })
    const sockets = await Promise.all(Array.from({ length: 10 }, () => connectBare(registration.port)))
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten sockets' })
    const eleventh = await connectBare(registration.port)
    await eleventh.closed
    expect(server.clients()[0]?.connectedSockets).toBe(10)
    expect(sockets.every((bare) => !bare.socket.closed)).toBe(true)
  })

  it('keeps one socket after the answers and closes the others, which the client replaces', async () => {
    const server = await startServer()
    const registration = await register(server, 'free-sockets')
    const sockets = await Promise.all(Array.from({ length: 3 }, () => connectBare(registration.port)))
    await server.until(() => server.clients()[0]?.connectedSockets === 3, { what: 'three sockets' })
    const answers = Array.from({ length: 3 }, () => requestThroughTunnel(server.port, 'free-sockets'))
    await Promise.all(sockets.map((bare) => bare.written(1)))
    for (const bare of sockets) bare.answer()
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual([200, 200, 200])
    await server.until(() => server.clients()[0]?.connectedSockets === 1, { what: 'one socket kept' })
    // The two it closed reach the client as ends: a client that did not replace them would be left with one.
    await Promise.race(sockets.map((bare) => bare.closed))
    await waitFor(() => (sockets.filter((bare) => bare.socket.closed).length === 2 ? true : undefined), { intervalMs: 10 })
  })

  it('holds a request with no socket free for as long as it takes the client to connect another', async () => {
    const server = await startServer()
    const registration = await register(server, 'slow-sockets')
    const busy = await connectBare(registration.port)
    await server.until(() => server.clients()[0]?.connectedSockets === 1, { what: 'a socket' })
    const first = requestThroughTunnel(server.port, 'slow-sockets')
    await busy.written(1)
    const second = requestThroughTunnel(server.port, 'slow-sockets')
    // Longer than the five seconds the stand-in used to give up after (leaving the caller hanging).
    await new Promise((resolve) => setTimeout(resolve, 5_500))
    const late = await connectBare(registration.port)
    await late.written(1)
    late.answer()
    busy.answer()
    expect((await Promise.all([first, second])).map((answer) => answer.status)).toEqual([200, 200])
  }, 20_000)

  it("sees a client's idle sockets end, and lets its name go a grace period later", async () => {
    const server = await startServer({ graceMs: 200 })
    const registration = await register(server, 'ended-idle')
    const sockets = await Promise.all(Array.from({ length: 4 }, () => connectBare(registration.port)))
    await server.until(() => server.clients()[0]?.connectedSockets === 4, { what: 'four sockets' })
    for (const bare of sockets) bare.socket.end()
    await server.released('ended-idle')
    expect(await register(server, 'ended-idle')).toMatchObject({ id: 'ended-idle' })
  })
})
