/** The socket half against the loopback localtunnel server: which address the local leg dials, and what reaches the receiver. */
import dns from 'node:dns'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { requestThroughTunnel, startLocaltunnelServer } from '../../../e2e/fixtures/localtunnel-server'
import { openLocaltunnelConnection, redialWindowMs, type TunnelConnection, type TunnelConnectionEvent } from './localtunnel-connection'
import { requestRegistration } from './registration'
import { EVENTUAL_WAIT_MS } from '../../test-support/wait-for'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    if (server instanceof http.Server) server.closeAllConnections()
  })
}

/** A receiver on 127.0.0.1 recording raw headers, and a decoy on [::1] with the same port. */
async function startReceiverWithDecoy(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: string[][] = []
  const receiver = http.createServer((req, res) => {
    seen.push(req.rawHeaders)
    answer(req, res)
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const port = (receiver.address() as AddressInfo).port
  cleanups.push(() => closeServer(receiver))
  const decoy = http.createServer((_req, res) => res.end('decoy on ::1'))
  const hasDecoy = await new Promise<boolean>((resolve) => {
    decoy.once('error', () => resolve(false))
    decoy.listen(port, '::1', () => resolve(true))
  })
  if (hasDecoy) cleanups.push(() => closeServer(decoy))
  return { port, seen }
}

/** Counts something that happens on its own; `reached(n)` resolves once it has happened n times. */
function createCounter(): { increment(): void; reached(count: number): Promise<void> } {
  let value = 0
  const waiters: Array<{ count: number; resolve: () => void }> = []
  return {
    increment() {
      value += 1
      for (const waiter of waiters.filter(({ count }) => value >= count)) waiter.resolve()
    },
    reached: (count) => new Promise((resolve) => (value >= count ? resolve() : void waiters.push({ count, resolve }))),
  }
}

async function openThrough(localPort: number) {
  const server = await startLocaltunnelServer()
  cleanups.push(() => server.stop())
  const registration = await requestRegistration({ serverUrl: server.url, subdomain: 'socket-half' }, new AbortController().signal)
  // The server leg by address too, so that any name lookup below can only come from the local leg.
  const connection: TunnelConnection = await openLocaltunnelConnection({
    registration: { ...registration, ip: '127.0.0.1' },
    localPort,
    localHost: '127.0.0.1',
    signal: new AbortController().signal,
    onEvent: () => undefined,
  })
  cleanups.push(() => connection.close())
  return { server, registration, connection }
}

describe('openLocaltunnelConnection', () => {
  it('dials the receiver at 127.0.0.1, never a name that could resolve to ::1, and keeps the Host as received', async () => {
    const { port, seen } = await startReceiverWithDecoy((_req, res) => res.end('receiver'))
    const { server, registration } = await openThrough(port)
    // From here on, only the local leg could look up a name (each request makes it dial again).
    const lookups: string[] = []
    const realLookup = dns.lookup
    vi.spyOn(dns, 'lookup').mockImplementation((hostname: string, ...rest: unknown[]) => {
      lookups.push(hostname)
      Reflect.apply(realLookup, dns, [hostname, ...rest])
    })
    expect(registration.url).toBe(`http://socket-half.localhost:${server.port}`)
    for (let i = 0; i < 3; i += 1) {
      const answer = await requestThroughTunnel(server.port, 'socket-half', { path: `/n${i}` })
      expect(answer).toMatchObject({ status: 200, body: 'receiver' })
    }
    expect(lookups.filter((hostname) => hostname === 'localhost')).toEqual([])
    for (const rawHeaders of seen) expect(rawHeaders.slice(0, 2)).toEqual(['host', `socket-half.localhost:${server.port}`])
  })

  it('passes headers as the real server relays them: lower-case names, repeats joined, no x-forwarded-*', async () => {
    const { port, seen } = await startReceiverWithDecoy((_req, res) => {
      res.setHeader('X-Answer', ['one', 'two'])
      res.end('ok')
    })
    const { server } = await openThrough(port)
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port: server.port,
        path: '/dup',
        agent: false,
        headers: ['Host', `socket-half.localhost:${server.port}`, 'X-Dup', 'a', 'X-Dup', 'b', 'Content-Type', 'text/plain'],
      })
      request.on('response', (response) => {
        response.resume()
        resolve(response)
      })
      request.on('error', reject)
      request.end()
    })
    expect(answer.rawHeaders).toEqual(expect.arrayContaining(['x-answer', 'one, two']))
    const received = seen.at(-1) ?? []
    expect(received).toEqual(expect.arrayContaining(['x-dup', 'a, b', 'content-type', 'text/plain']))
    expect(received.filter((_value, index) => index % 2 === 0).every((name) => name === name.toLowerCase())).toBe(true)
    expect(received.some((value) => value.startsWith('x-forwarded'))).toBe(false)
  })

  it('a receiver that resets the connection leaves the public caller without an answer', async () => {
    const { port } = await startReceiverWithDecoy((req) => req.socket.resetAndDestroy())
    const { server } = await openThrough(port)
    // "No answer" has no event to wait for: the server ignores the failed tunnel socket and the
    // caller's request stays open. An answer, if the tunnel gave one (a 502), would follow the reset
    // at once, so 1.5 s without one is the hang the README describes (a slow machine cannot make
    // this fail: the wait only ends early with an answer).
    await expect(requestThroughTunnel(server.port, 'socket-half', { path: '/reset', timeoutMs: 1_500 })).rejects.toThrow(/no answer within 1500 ms/)
  })
})

describe('openLocaltunnelConnection when no socket can connect', () => {
  it('fails at once when every dial fails, not only when the server refuses', async () => {
    // A dial that fails with an error other than a refusal: a TCP connect to the broadcast
    // address is rejected by the system at once (ENETUNREACH on Linux). The case it stands for: a
    // server that forgot the client while its dials were in flight resets them (ECONNRESET).
    const opening = openLocaltunnelConnection({
      registration: {
        serverUrl: 'http://127.0.0.1',
        id: 'unreachable',
        url: 'http://unreachable.localhost',
        port: 9,
        ip: '255.255.255.255',
        maxConnCount: 3,
        cachedUrl: null,
      },
      localPort: 1,
      localHost: '127.0.0.1',
      // Before the fix, the open waited for this (in the app: the 15 s registration timeout).
      signal: AbortSignal.timeout(EVENTUAL_WAIT_MS),
      onEvent: () => undefined,
    })
    await expect(opening).rejects.toMatchObject({ code: 'TUNNEL_CONNECT_FAILED', message: expect.stringMatching(/port 9 did not take the tunnel/) })
  })
})

describe('openLocaltunnelConnection when a replacement socket cannot connect', () => {
  it('dials it again shortly, so the tunnel keeps every socket', async () => {
    // Two callbacks at once take two sockets; after the answers the server keeps one and closes
    // the other, as the real one does, and the connection dials a replacement. That dial fails
    // with an error other than a refusal (the broadcast address: ENETUNREACH at once, standing in
    // for a network blip): the tunnel used to go on with one socket fewer for good.
    const receiver = http.createServer((_req, res) => setTimeout(() => res.end('receiver'), 200))
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(receiver))
    const { server, registration } = await openThrough((receiver.address() as AddressInfo).port)
    await server.until(() => server.clients()[0]?.connectedSockets === registration.maxConnCount, { what: 'every socket connected' })
    const realConnect = net.connect
    let failedDials = 0
    vi.spyOn(net, 'connect').mockImplementation(((options: net.NetConnectOpts, listener?: () => void) => {
      const isServerLeg = (options as net.TcpNetConnectOpts).port === registration.port
      if (!isServerLeg || failedDials > 0) return realConnect(options, listener)
      failedDials += 1
      return realConnect({ ...(options as net.TcpNetConnectOpts), host: '255.255.255.255' }, listener)
    }) as typeof net.connect)

    const answers = await Promise.all([0, 1].map((i) => requestThroughTunnel(server.port, 'socket-half', { path: `/together-${i}` })))
    expect(answers.map((answer) => answer.body)).toEqual(['receiver', 'receiver'])
    await server.until(() => server.clients()[0]?.connectedSockets === registration.maxConnCount - 1, { what: 'one socket closed after the answers' })
    await server.until(() => failedDials === 1 && server.clients()[0]?.connectedSockets === registration.maxConnCount, {
      what: 'the socket that failed to connect dialled again',
    })
  })
})

describe('openLocaltunnelConnection against a server that drops sockets at once', () => {
  /**
   * The connection's clock and timers are faked (its sockets stay real): a drop counts as quick
   * however long the machine takes to deliver it, and a redial that waits fires only when the test
   * moves the clock on. So "nothing happened" is checked at a point where nothing can happen yet,
   * instead of after a real wait. The server accepts each socket and `keep`s it or drops it at once.
   */
  async function openAgainstDroppingServer(keep: (acceptedSoFar: number) => boolean) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    cleanups.push(() => {
      vi.useRealTimers()
    })
    const connectSpy = vi.spyOn(net, 'connect')
    const accepted = createCounter()
    let acceptedSoFar = 0
    const dropping = net.createServer((socket) => {
      socket.on('error', () => undefined)
      if (!keep(acceptedSoFar)) socket.destroy()
      acceptedSoFar += 1
      accepted.increment()
    })
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve))
    const droppingPort = (dropping.address() as AddressInfo).port
    cleanups.push(() => (dropping.listening ? closeServer(dropping) : undefined))
    /** Dials of the server leg (the local leg dials the receiver with the same function). */
    const serverDials = (): number => connectSpy.mock.calls.filter(([options]) => (options as unknown as net.TcpNetConnectOpts).port === droppingPort).length
    const socketReports = createCounter()
    const events: TunnelConnectionEvent[] = []
    // A receiver that is listening: a server socket is read (and its drop seen) only once it is
    // paired with the receiver; against a refusing receiver it would never notice the drop at all.
    const received: string[] = []
    const receiver = net.createServer((socket) => socket.on('data', (chunk: Buffer) => received.push(chunk.toString('latin1'))))
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(receiver))
    const connection = await openLocaltunnelConnection({
      registration: {
        serverUrl: 'http://127.0.0.1',
        id: 'drop',
        url: 'http://drop.localhost',
        port: droppingPort,
        ip: '127.0.0.1',
        maxConnCount: 2,
        cachedUrl: null,
      },
      localPort: (receiver.address() as AddressInfo).port,
      localHost: '127.0.0.1',
      signal: new AbortController().signal,
      onEvent: (event) => {
        events.push(event)
        if (event.type === 'sockets-changed') socketReports.increment()
      },
    })
    cleanups.push(() => connection.close())
    return { connection, dropping, droppingPort, accepted, socketReports, serverDials, events, received }
  }

  it('does not redial in a tight loop', async () => {
    // The server keeps its first socket (it counts it: the registration stays ours) and drops
    // every other at once, as over its limit.
    const { connection, accepted, socketReports, serverDials, events } = await openAgainstDroppingServer((acceptedSoFar) => acceptedSoFar === 0)
    // The kept socket, and the other one redialled four times at once (2 × max_conn_count quick
    // drops in a row): six dials; the kept one reported once, each dropped one twice. The
    // connection decides on a redial right after reporting a drop, so once the eleventh report
    // is in, the last drop has been decided on.
    await accepted.reached(6)
    await socketReports.reached(11)
    expect(serverDials()).toBe(6)
    // The fifth drop's redial, and the kept socket's second until it counts as steady.
    expect(vi.getTimerCount()).toBe(2)
    expect(events.at(-1)).toEqual({ type: 'sockets-changed', live: 1, steady: 0 })
    // Then once a second: the replacement waits the full second, and comes after it.
    vi.advanceTimersByTime(999)
    expect(serverDials()).toBe(6)
    vi.advanceTimersByTime(1)
    // The kept socket counts as steady once the reads due meanwhile are in (the next turn of the loop).
    await new Promise((resolve) => setImmediate(resolve))
    expect(connection.steadySockets()).toBe(1)
    expect(events).toContainEqual({ type: 'sockets-changed', live: 1, steady: 1 })
    expect(serverDials()).toBe(7)
    await accepted.reached(7)
    await socketReports.reached(14)
    expect(serverDials()).toBe(7)
    vi.advanceTimersByTime(1_000)
    expect(serverDials()).toBe(8)
  })

  it('stops dialling a port the server may have given to another client, and reports the loss', async () => {
    // Every socket is dropped at once, so none is ever steady: after the quick redials, the
    // replacements would wait a second, longer than the real server keeps a client with no socket
    // before closing its port, which the next client to register may get. Here the next owner
    // writes its own public request onto every socket that reaches it.
    const { dropping, droppingPort, accepted, socketReports, serverDials, events, received } = await openAgainstDroppingServer(() => false)
    await accepted.reached(6)
    await socketReports.reached(12)
    expect(serverDials()).toBe(6)
    await closeServer(dropping)
    const stranger = net.createServer((socket) =>
      socket.on('error', () => undefined).end('GET /strangers-callback HTTP/1.1\r\nHost: someone-else.localhost\r\n\r\n'),
    )
    await new Promise<void>((resolve) => stranger.listen(droppingPort, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(stranger))

    vi.advanceTimersByTime(1_000)
    // Before, both replacements were dialled now, and again each second: the stranger's request
    // reached the receiver.
    expect(serverDials()).toBe(6)
    expect(events.at(-1)).toEqual({ type: 'error', message: expect.stringMatching(/port \d+ stayed up for 1\.0 s: the server may have let go of the tunnel/) })
    expect(events.filter((event) => event.type === 'error')).toHaveLength(1)
    vi.advanceTimersByTime(5_000)
    expect(serverDials()).toBe(6)
    expect(received).toEqual([])
  })
})
describe('openLocaltunnelConnection with a receiver that times out idle connections', () => {
  it('opens no receiver connection for an idle tunnel socket, so a callback after a quiet spell is not answered by a stale 408', async () => {
    // The app's receiver, like any node:http server, answers a connection that sends no request
    // within its headers timeout (30 s) with "408 Request Timeout" and closes it. Each tunnel
    // socket waits, idle, for the server to hand it a public request: when it was paired with a
    // receiver connection at once, that 408 went to the server unasked, and the next callback
    // relayed on the socket got it (the app's own probe too: the tunnel reconnected every minute,
    // each time under a new subdomain). Here the timeout is 300 ms instead of 30 s.
    let receiverConnections = 0
    const receiver = http.createServer({ headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 }, (_req, res) => res.end('receiver'))
    receiver.on('connection', () => (receiverConnections += 1))
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(receiver))
    const { server, registration } = await openThrough((receiver.address() as AddressInfo).port)
    // Idle for several timeouts and checks: a receiver connection opened now would get its 408.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const openedWhileIdle = receiverConnections
    for (let i = 0; i < registration.maxConnCount; i += 1) {
      const answer = await requestThroughTunnel(server.port, 'socket-half', { path: `/after-quiet-${i}`, timeoutMs: EVENTUAL_WAIT_MS })
      expect(answer).toMatchObject({ status: 200, body: 'receiver' })
    }
    expect(openedWhileIdle).toBe(0)
  })
})

describe('openLocaltunnelConnection while its sockets carry slow answers', () => {
  it('is saturated while every socket carries a request the receiver has not answered, and counts what the server writes', async () => {
    // Only the clock is faked, to move it past the limits; sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] })
    cleanups.push(() => void vi.useRealTimers())
    const held: http.ServerResponse[] = []
    const receiver = http.createServer((req, res) => void req.resume().on('end', () => held.push(res)))
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(receiver))
    const { server, connection } = await openThrough((receiver.address() as AddressInfo).port)
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten connected sockets' })
    const later = (ms: number): void => void vi.setSystemTime(Date.now() + ms)
    /** Polls on real timers, so the faked clock stands still meanwhile (vi.waitFor would move it on). */
    const until = async (check: () => boolean, what: string): Promise<void> => {
      for (let polls = 0; !check(); polls += 1) {
        if (polls * 10 > EVENTUAL_WAIT_MS) throw new Error(`never saw ${what}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }

    // Idle sockets connected for over a second: a request sent now would be written onto one at once.
    later(1_001)
    expect(connection.isSaturated()).toBe(false)
    expect(connection.serverWrites()).toBe(0)

    let answered = 0
    const slow = Array.from({ length: 10 }, (_, i) =>
      requestThroughTunnel(server.port, 'socket-half', { path: `/slow/${i}` }).then(
        (answer) => ((answered += 1), answer),
        (error: unknown) => error,
      ),
    )
    await until(() => held.length === 10, 'ten requests at the receiver')
    expect(connection.serverWrites()).toBeGreaterThanOrEqual(10)
    expect(connection.isSaturated()).toBe(true)
    // Longer than any answer delay an endpoint can have: a hang, or answers that can no longer leave.
    later(130_001)
    expect(connection.isSaturated()).toBe(false)
    later(-130_001)
    expect(connection.isSaturated()).toBe(true)

    // One answer out: its socket (or the one that replaces it) is free again. A request waiting at
    // the server would be written onto it at once, so only once it has stayed free for a second
    // does the tunnel count as able to take one.
    held.shift()!.end('OK')
    await until(() => answered === 1 && connection.liveSockets() === 10, 'the first answer at the caller, and ten sockets connected')
    expect(connection.isSaturated()).toBe(true)
    later(1_001)
    expect(connection.isSaturated()).toBe(false)
    for (const answer of held.splice(0)) answer.end('OK')
    expect(await Promise.all(slow)).toEqual(Array(10).fill(expect.objectContaining({ status: 200 })))
  })
})

describe('openLocaltunnelConnection over a slow path to the server', () => {
  it('shortens the redial window by the round trip it measured', () => {
    expect(redialWindowMs(0)).toBe(500)
    expect(redialWindowMs(400)).toBe(500)
    expect(redialWindowMs(600)).toBe(300)
    expect(redialWindowMs(850)).toBe(50)
    expect(redialWindowMs(950)).toBe(0)
    expect(redialWindowMs(5_000)).toBe(0)
  })

  /**
   * A connection to a server that keeps every socket, over a path whose dials connect
   * `connectDelayMs(n)` ms after they went out (`n`: connects counted from 0), on a faked clock: the
   * sockets stay real, and each connect event moves the clock on to when it "arrived".
   */
  async function openOverSlowPath(maxConnCount: number, connectDelayMs: (dial: number) => number) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    cleanups.push(() => void vi.useRealTimers())
    const accepted: net.Socket[] = []
    const server = net.createServer((socket) => void accepted.push(socket.on('error', () => undefined)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(server))
    const serverPort = (server.address() as AddressInfo).port
    const realConnect = net.connect
    let serverDials = 0
    let connects = 0
    vi.spyOn(net, 'connect').mockImplementation(((options: net.NetConnectOpts) => {
      const socket = realConnect(options)
      if ((options as net.TcpNetConnectOpts).port === serverPort) {
        serverDials += 1
        const dialledAt = Date.now()
        socket.prependOnceListener('connect', () => vi.setSystemTime(Math.max(Date.now(), dialledAt + connectDelayMs(connects++))))
      }
      return socket
    }) as typeof net.connect)
    const receiver = net.createServer((socket) => socket.resume())
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => closeServer(receiver))
    const events: TunnelConnectionEvent[] = []
    const connection = await openLocaltunnelConnection({
      registration: {
        serverUrl: 'http://localhost',
        id: 'slow-path',
        url: 'http://slow-path.localhost',
        port: serverPort,
        ip: '127.0.0.1',
        maxConnCount,
        cachedUrl: null,
      },
      localPort: (receiver.address() as AddressInfo).port,
      localHost: '127.0.0.1',
      signal: new AbortController().signal,
      onEvent: (event) => void events.push(event),
    })
    cleanups.push(() => connection.close())
    await vi.waitFor(() => expect(connection.liveSockets()).toBe(maxConnCount), { timeout: EVENTUAL_WAIT_MS })
    // Steady once they have stayed up a second (checked once the reads due meanwhile are in).
    vi.advanceTimersByTime(1_000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(connection.steadySockets()).toBe(maxConnCount)
    return { connection, events, accepted, serverDials: () => serverDials }
  }

  it('does not redial the port once its last steady socket closed when a dial would arrive after the server let go', async () => {
    // Every dial connects 950 ms after it went out (one round trip): a redial even at once would
    // reach the server only just before it lets go, with no margin for a timer running late.
    const { events, accepted, serverDials } = await openOverSlowPath(1, () => 950)

    // The server closes it (as after an answer).
    accepted[0]!.destroy()
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'sockets-changed', live: 0, steady: 0 }), { timeout: EVENTUAL_WAIT_MS })
    // Before, it was dialled again at once, as over a fast path.
    expect(serverDials()).toBe(1)
    expect(events.at(-1)).toEqual({ type: 'error', message: expect.stringMatching(/round trip to the server of about 0\.95 s/) })
  })

  it('judges the round trip by the usual dial, not by one held up', async () => {
    // Two of three dials connect at once, the last 950 ms late (a stall of this process reads its
    // connect event late): the path is fast, so after the server closes every socket, all three
    // are dialled again at once.
    const { connection, events, accepted, serverDials } = await openOverSlowPath(3, (connect) => (connect === 2 ? 950 : 0))
    for (const socket of accepted.splice(0)) socket.destroy()
    // Polled on the loop's check phase, which the faked clock does not move (no replacement can turn steady meanwhile).
    for (let turns = 0; connection.steadySockets() > 0; turns += 1) {
      if (turns > 100_000) throw new Error('the closes never arrived')
      await new Promise((resolve) => setImmediate(resolve))
    }
    // Before, the last of the three was held back (judged by the 950 ms dial) until a replacement turned steady.
    expect(serverDials()).toBe(6)
    expect(events.filter((event) => event.type === 'error')).toEqual([])
  })
})
