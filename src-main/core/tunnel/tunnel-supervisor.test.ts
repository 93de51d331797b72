import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { requestThroughTunnel, startLocaltunnelServer, type LocaltunnelServer } from '../../../e2e/fixtures/localtunnel-server'
import { createTunnelNetworkPath, type TunnelNetworkPath } from '../../../e2e/fixtures/tunnel-network-path'
import { TUNNEL_HEALTH_NONCE_HEADER, TUNNEL_HEALTH_PATH, type TunnelState } from '../../shared/tunnel'
import { nodeProbeFetch, type ProbeFetch } from './health-probe'
import type { WatchNetwork } from './network-watch'
import { TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED } from './supervisor-machine'
import { requestRegistration } from './registration'
import { TIMEOUT_STEPS } from './stepped-timeout'
import { createTunnelSupervisor, type TunnelSupervisor, type TunnelSupervisorConfig, type TunnelSupervisorDeps, type TunnelTimers } from './tunnel-supervisor'
import { TunnelProblemError } from './tunnel-problem'
import { EVENTUAL_WAIT_MS, waitFor } from '../../test-support/wait-for'

const NONCE = 'run-nonce-5f1c2a'

interface Captured {
  method: string
  url: string
  rawHeaders: string[]
  body: string
}

/** Stands in for the receiver: answers the health path with the nonce, captures everything else. */
async function startReceiver(): Promise<{ port: number; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.url === TUNNEL_HEALTH_PATH) {
        res.writeHead(200, { 'content-type': 'application/json', [TUNNEL_HEALTH_NONCE_HEADER]: NONCE }).end(JSON.stringify({ nonce: NONCE }))
        return
      }
      captured.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    captured,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Accepts connections and never answers: the case where `await localtunnel()` hangs for ever. */
function startSilentServer(): net.Server {
  // resume(): a paused socket never reads, so it would never see the client's FIN and close.
  return net.createServer((socket) => socket.on('error', () => undefined).resume())
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Resolves with the first state (the current one included) that matches; event-driven, no polling. */
function waitForState(supervisor: TunnelSupervisor, predicate: (state: TunnelState) => boolean, timeoutMs = EVENTUAL_WAIT_MS): Promise<TunnelState> {
  return new Promise((resolve, reject) => {
    if (predicate(supervisor.getState())) {
      resolve(supervisor.getState())
      return
    }
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`state never matched; last: ${JSON.stringify(supervisor.getState())}`))
    }, timeoutMs)
    const unsubscribe = supervisor.onState((state) => {
      if (!predicate(state)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(state)
    })
  })
}

type OnlineState = Extract<TunnelState, { status: 'online' }>

/**
 * Starts the supervisor and waits until it is online. Not what start() settled with: the server
 * forgets a client that has connected no socket within its grace period of registering, so a
 * machine that stalls that long right after a registration sees that attempt fail and a retry
 * succeed (reproduced by having the server forget the first client it registers).
 */
async function startOnline(supervisor: TunnelSupervisor): Promise<OnlineState> {
  await supervisor.start()
  const state = await waitForState(supervisor, (next) => next.status === 'online')
  if (state.status !== 'online') throw new Error('unreachable')
  return state
}

/**
 * Timers that fire only when the test says so (`fire(delayMs)`, the oldest pending one of that
 * delay), for checks on what a timeout does without a wall-clock wait. Sockets and requests stay real.
 */
function createHeldTimers(): TunnelTimers & { pending(): number[]; fire(delayMs: number): void; stall(ms: number): void; clock: { now(): number } } {
  let nextId = 1
  // The supervisor's clock, moved to each timer's due time when it fires: a timer fired by the test
  // is on time, however long the test took to fire it.
  let now = Date.now()
  const held = new Map<number, { delayMs: number; due: number; callback: () => void }>()
  return {
    clock: { now: () => now },
    setTimeout(callback, delayMs) {
      const id = nextId++
      held.set(id, { delayMs, due: now + delayMs, callback })
      return id
    },
    clearTimeout(handle) {
      held.delete(handle as number)
    },
    pending: () => [...held.values()].map((timer) => timer.delayMs),
    fire(delayMs) {
      const entry = [...held.entries()].find(([, timer]) => timer.delayMs === delayMs)
      if (entry === undefined)
        throw new Error(`no pending timer of ${delayMs} ms; pending: ${JSON.stringify([...held.values()].map((timer) => timer.delayMs))}`)
      held.delete(entry[0])
      now = Math.max(now, entry[1].due)
      entry[1].callback()
    },
    // The process could not run for `ms` (a long synchronous task, the machine asleep): the clock
    // moves on, then every timer that came due meanwhile fires, late, in the order they were due,
    // before anything else (as Node runs due timers before it reads the sockets).
    stall(ms) {
      now += ms
      const due = [...held.entries()].filter(([, timer]) => timer.due <= now).sort(([, a], [, b]) => a.due - b.due)
      for (const [id, timer] of due) {
        held.delete(id)
        timer.callback()
      }
    },
  }
}

/** Waits until `check` holds, for conditions no event announces (the process's own timers and sockets). */
async function eventually(check: () => boolean): Promise<void> {
  await waitFor(() => (check() ? true : undefined), { intervalMs: 20 })
}

function header(rawHeaders: string[], name: string): string | undefined {
  const index = rawHeaders.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === name)
  return index >= 0 ? rawHeaders[index + 1] : undefined
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setUp(
  overrides: Partial<TunnelSupervisorConfig> = {},
  deps: TunnelSupervisorDeps = {},
  serverOptions: { graceMs?: number } = {},
): Promise<{ supervisor: TunnelSupervisor; server: LocaltunnelServer; receiver: Awaited<ReturnType<typeof startReceiver>> }> {
  const receiver = await startReceiver()
  cleanups.push(() => receiver.close())
  const server = await startLocaltunnelServer(serverOptions)
  cleanups.push(() => server.stop())
  const supervisor = createTunnelSupervisor(
    {
      localPort: receiver.port,
      localHost: '127.0.0.1',
      serverUrl: server.url,
      // Budgets for a busy machine, not for the server: with 1 s for an attempt and the 200 ms
      // interval as the probe's timeout, a loaded machine timed the first attempt out, or failed
      // two probes in a row and dropped a working tunnel. The tests that are about a timeout set theirs.
      registrationTimeoutMs: EVENTUAL_WAIT_MS,
      probeTimeoutMs: EVENTUAL_WAIT_MS,
      probeIntervalMs: 200,
      healthPath: TUNNEL_HEALTH_PATH,
      healthNonce: NONCE,
      backoff: { initialMs: 100, maxMs: 400 },
      reclaimDelayMs: 100,
      ...overrides,
    },
    deps,
  )
  cleanups.push(() => supervisor.stop())
  return { supervisor, server, receiver }
}

describe('tunnel supervisor against a loopback localtunnel server', () => {
  it('connects, proves the public URL, and carries requests with the public host intact', async () => {
    const { supervisor, server, receiver } = await setUp()
    const state = await startOnline(supervisor)
    expect(state.url).toBe(`http://${state.subdomain}.localhost:${server.port}`)
    expect(state.subdomainChanged).toBe(false)
    await waitForState(supervisor, (next) => next.lastProvedAt !== null)

    for (let i = 0; i < 3; i += 1) {
      const answer = await requestThroughTunnel(server.port, state.subdomain, {
        method: 'POST',
        path: `/ixopay/callback?orderId=${i}`,
        headers: { 'content-type': 'application/json' },
        body: `{"n":${i}}`,
      })
      expect(answer).toMatchObject({ status: 200, body: 'OK' })
    }
    expect(receiver.captured.map((capture) => [capture.method, capture.url, capture.body])).toEqual([
      ['POST', '/ixopay/callback?orderId=0', '{"n":0}'],
      ['POST', '/ixopay/callback?orderId=1', '{"n":1}'],
      ['POST', '/ixopay/callback?orderId=2', '{"n":2}'],
    ])
    // Every request, not only the first on each socket, keeps the public Host (no local_host rewrite).
    for (const capture of receiver.captured) {
      expect(header(capture.rawHeaders, 'host')).toBe(`${state.subdomain}.localhost:${server.port}`)
    }
  })

  it('detects a server restart and reconnects with the same subdomain', async () => {
    const { supervisor, server, receiver } = await setUp({ subdomain: 'inspector-restart' })
    expect(await startOnline(supervisor)).toMatchObject({ subdomain: 'inspector-restart' })
    const registeredBeforeRestart = server.registrations().length
    const seen: TunnelState['status'][] = []
    supervisor.onState((state) => seen.push(state.status))

    await server.restart()
    // The client's reconnect to its old port is refused: an 'error' that would crash an unguarded client.
    const lost = await waitForState(supervisor, (state) => state.status === 'reconnecting')
    expect(lost).toMatchObject({ attempt: 1, lastError: { code: 'TUNNEL_LOST', message: expect.stringMatching(/refused/) } })
    const back = await waitForState(supervisor, (state) => state.status === 'online')
    expect(back).toMatchObject({ subdomain: 'inspector-restart', requestedSubdomain: 'inspector-restart', subdomainChanged: false })
    expect(seen).toContain('connecting')
    // Every registration, before and after the restart, asked for the name and was given it (a
    // retried attempt adds one more of the same).
    expect(server.registrations().length).toBeGreaterThan(registeredBeforeRestart)
    expect(new Set(server.registrations().map(({ requested, assigned }) => `${requested ?? 'a new name'} -> ${assigned}`))).toEqual(
      new Set(['inspector-restart -> inspector-restart']),
    )

    const answer = await requestThroughTunnel(server.port, 'inspector-restart', { method: 'POST', path: '/after-restart', body: 'x' })
    expect(answer.status).toBe(200)
    expect(receiver.captured.at(-1)?.url).toBe('/after-restart')
  })

  it('rides out a server restart of a few failed attempts without showing "failed", and keeps the subdomain', async () => {
    const { supervisor, server } = await setUp({ subdomain: 'inspector-bounce' })
    expect(await startOnline(supervisor)).toMatchObject({ subdomain: 'inspector-bounce' })
    const seen: TunnelState[] = []
    supervisor.onState((state) => seen.push(state))
    const refusedAttempts = (): number =>
      seen.filter((state) => (state.status === 'reconnecting' || state.status === 'failed') && state.lastError.code === 'SERVER_UNREACHABLE').length
    // The server stays down until more attempts have been refused than the count that alone would
    // turn 'reconnecting' into 'failed': from then on only the time since the loss keeps it
    // 'reconnecting'. Down for as many attempts as that, not for a fixed time, so a slow machine
    // cannot bring it back before enough attempts failed.
    await server.stop()
    await waitForState(supervisor, () => refusedAttempts() > TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED)
    const restarted = await startLocaltunnelServer({ port: server.port })
    cleanups.push(() => restarted.stop())
    const back = await waitForState(supervisor, (state) => state.status === 'online')
    expect(back).toMatchObject({ subdomain: 'inspector-bounce', subdomainChanged: false })
    expect(seen.map((state) => state.status)).not.toContain('failed')
    expect(restarted.registrations().length).toBeGreaterThan(0)
    for (const registration of restarted.registrations()) expect(registration).toEqual({ requested: 'inspector-bounce', assigned: 'inspector-bounce' })
  })

  it('takes the configured subdomain back once whoever held it lets go', async () => {
    const { supervisor, server } = await setUp({ subdomain: 'wanted-back', reclaimDelayMs: 200, reclaimMaxIntervalMs: 400 })
    server.takeSubdomain('wanted-back')
    const first = await startOnline(supervisor)
    expect(first).toMatchObject({ subdomainChanged: true, requestedSubdomain: 'wanted-back' })
    // The real server's readable random ids: adjective-animal-NN.
    expect(first.subdomain).toMatch(/^[a-z]+-[a-z]+-\d{2}$/)
    const published: TunnelState[] = []
    supervisor.onState((state) => published.push(state))
    // Two tries to take it back miss (the server answers each with another random id): the
    // supervisor schedules a try only after the one before missed, so once the third is answered
    // the first two have been handled, and the tunnel must still be the one it had.
    const asksForWanted = (): number => server.registrations().filter((registration) => registration.requested === 'wanted-back').length
    await server.until(() => asksForWanted() >= 3, { what: 'a third request for wanted-back' })
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: first.subdomain })
    expect(published.filter((state) => state.status !== 'online' || state.subdomain !== first.subdomain)).toEqual([])

    server.releaseSubdomain('wanted-back')
    const back = await waitForState(supervisor, (state) => state.status === 'online' && state.subdomain === 'wanted-back')
    expect(back).toMatchObject({ subdomainChanged: false, url: `http://wanted-back.localhost:${server.port}` })
    expect((await requestThroughTunnel(server.port, 'wanted-back', { path: '/after-reclaim' })).status).toBe(200)
    // The stand-in's sockets were closed, so the server forgets it after its grace period.
    await server.released(first.subdomain)
    expect(server.clients().map((client) => client.id)).toEqual(['wanted-back'])
  })

  it('explains that a server addressed by IP cannot build a public URL', async () => {
    const server = await startLocaltunnelServer()
    cleanups.push(() => server.stop())
    const byIp = `http://127.0.0.1:${server.port}`
    const refusal = await requestRegistration({ serverUrl: byIp, subdomain: null }, new AbortController().signal).catch((error: unknown) => error)
    expect(refusal).toMatchObject({
      code: 'BAD_SERVER_RESPONSE',
      message: expect.stringContaining(`use the server's domain name instead, e.g. http://localhost:${server.port}`),
    })
    expect((refusal as Error).message).not.toMatch(/not a localtunnel server/)
  })

  it('treats a public URL that stops answering as lost, and takes its subdomain back', async () => {
    let isBroken = false
    const probe: ProbeFetch = (url, init) => (isBroken ? Promise.reject(new Error('simulated 404 for ever')) : nodeProbeFetch(url, init))
    // After a loss the supervisor waits reclaimDelayMs, longer than the server's grace period, so
    // that the server has forgotten the lost client when it asks for the name again. Both are
    // timers: a machine that stalls while the server takes in the closed sockets starts the grace
    // period late, and it can end after the wait (then the name is still taken and a random one
    // comes back). What the wait stands for is made certain here: a registration goes out only once
    // the server has let go of the lost client. The wait itself is checked with a manual clock
    // (supervisor-states.test.ts).
    let lostClientReleased: Promise<void> = Promise.resolve()
    const register: TunnelSupervisorDeps['register'] = async (request, signal) => {
      await lostClientReleased
      return requestRegistration(request, signal)
    }
    const { supervisor, server } = await setUp({ reclaimDelayMs: 600 }, { probe, register }, { graceMs: 300 })
    await supervisor.start()
    const first = await waitForState(supervisor, (state) => state.status === 'online' && state.lastProvedAt !== null)
    if (first.status !== 'online') throw new Error('unreachable')

    lostClientReleased = server.released(first.subdomain)
    isBroken = true
    const lost = await waitForState(supervisor, (state) => state.status === 'reconnecting')
    expect(lost).toMatchObject({ lastError: { code: 'PROBE_FAILED' } })
    isBroken = false
    const back = await waitForState(supervisor, (state) => state.status === 'online')
    // No subdomain was configured: the one held before is asked for again and kept.
    expect(back).toMatchObject({ subdomain: first.subdomain, requestedSubdomain: first.subdomain, subdomainChanged: false })
    expect((await requestThroughTunnel(server.port, first.subdomain)).status).toBe(200)
  })

  it('fails with a reason when the server is unreachable, then keeps retrying', async () => {
    const port = await freePort()
    // A registration timeout longer than the test's own: start() can settle within the test only
    // on the refusal itself, not by giving up on a server it never heard from.
    const { supervisor } = await setUp({ serverUrl: `http://127.0.0.1:${port}`, registrationTimeoutMs: 60_000 })
    await supervisor.start()
    const failed = supervisor.getState()
    if (failed.status !== 'failed') throw new Error(`expected failed, got ${JSON.stringify(failed)}`)
    expect(failed.lastError.code).toBe('SERVER_UNREACHABLE')
    expect(failed.reason).toMatch(/connection refused/)
    expect(failed.nextAttemptAt).not.toBeNull()
    await waitForState(supervisor, (state) => state.status === 'connecting' && state.attempt === 2)
    await waitForState(supervisor, (state) => state.status === 'failed' && state.attempt === 3)
  })

  it('gives up on a silent server after the registration timeout, then retries', async () => {
    const silent = startSilentServer()
    const connections: net.Socket[] = []
    const registrationArrived = new Promise<void>((resolve) => silent.on('connection', (socket) => (connections.push(socket), resolve())))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())))
    // The supervisor's timers are the test's: the registration timeout fires when the test says,
    // not after a wall-clock wait that a busy machine stretches.
    // The timeout runs in TIMEOUT_STEPS steps of 80 ms (stepped-timeout.ts).
    const timers = createHeldTimers()
    const { supervisor } = await setUp(
      { serverUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, registrationTimeoutMs: 80 * TIMEOUT_STEPS },
      { timers, clock: timers.clock },
    )
    let hasSettled = false
    const starting = supervisor.start().then(() => (hasSettled = true))
    await registrationArrived
    // The registration is at the silent server and only the timeout can end it: nothing has settled.
    expect(timers.pending()).toEqual([80])
    expect(hasSettled).toBe(false)
    expect(supervisor.getState()).toMatchObject({ status: 'connecting', attempt: 1 })

    for (let step = 0; step < TIMEOUT_STEPS; step += 1) timers.fire(80)
    await starting
    expect(supervisor.getState()).toMatchObject({ status: 'failed', lastError: { code: 'REGISTRATION_TIMEOUT' } })
    expect(supervisor.getState()).toHaveProperty('reason', expect.stringMatching(/within 0\.4 s/))
    // The request given up on is aborted, not left open at the server.
    const [registration] = connections
    if (registration === undefined) throw new Error('unreachable')
    if (!registration.closed) await new Promise((resolve) => registration.once('close', resolve))
    // Then it retries, after its backoff (at most backoff.maxMs).
    const [retryMs] = timers.pending()
    expect(retryMs).toBeLessThanOrEqual(400)
    timers.fire(retryMs!)
    await waitForState(supervisor, (state) => state.status === 'connecting' && state.attempt === 2)
  })

  it('reports an invalid subdomain plainly, without retrying', async () => {
    const { supervisor, server } = await setUp({ subdomain: 'Bad_Name' })
    await supervisor.start()
    expect(supervisor.getState()).toMatchObject({
      status: 'failed',
      nextAttemptAt: null,
      lastError: { code: 'SUBDOMAIN_INVALID' },
      reason: expect.stringMatching(/"Bad_Name" cannot be a tunnel subdomain: use 4 to 63 lower-case letters/),
    })
    expect(server.registrations()).toEqual([])
  })

  it('turns a 403 from the server into a clear refusal', async () => {
    const server = await startLocaltunnelServer()
    cleanups.push(() => server.stop())
    const refusal = await requestRegistration({ serverUrl: server.url, subdomain: 'no' }, new AbortController().signal).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TunnelProblemError)
    expect(refusal).toMatchObject({
      code: 'SUBDOMAIN_REFUSED',
      message: expect.stringMatching(/refused the subdomain "no" \(the server says: Invalid subdomain/),
    })
  })

  it('reports at once when the server hands out another subdomain than requested', async () => {
    const { supervisor, server } = await setUp({ subdomain: 'taken-name' })
    server.takeSubdomain('taken-name')
    const states: TunnelState[] = []
    supervisor.onState((state) => states.push(state))
    await startOnline(supervisor)
    const firstOnline = states.find((state) => state.status === 'online')
    expect(firstOnline).toMatchObject({ requestedSubdomain: 'taken-name', subdomainChanged: true })
    expect(firstOnline).not.toHaveProperty('subdomain', 'taken-name')
  })

  it('stop() closes the client sockets and leaves no timers or sockets behind', async () => {
    const { supervisor, server } = await setUp()
    const count = (type: string): number => process.getActiveResourcesInfo().filter((resource) => resource === type).length
    const baseline = { timers: count('Timeout'), sockets: count('TCPSocketWrap') }
    await supervisor.start()
    const state = await waitForState(supervisor, (next) => next.lastProvedAt !== null)
    if (state.status !== 'online') throw new Error('unreachable')
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten connected sockets' })
    await requestThroughTunnel(server.port, state.subdomain)
    expect(count('TCPSocketWrap')).toBeGreaterThanOrEqual(baseline.sockets + 10)

    // Probes go on every 200 ms until the stop: the proof kept is the last one before it.
    const lastProvedAt = supervisor.getState().lastProvedAt
    await supervisor.stop()
    expect(supervisor.getState()).toMatchObject({ status: 'off', lastProvedAt })
    await server.until(() => server.clients().every((client) => client.connectedSockets === 0), { what: 'every socket closed' })
    await eventually(() => count('Timeout') <= baseline.timers && count('TCPSocketWrap') <= baseline.sockets)
  })

  it('stop() during a hanging registration cancels it', async () => {
    const silent = startSilentServer()
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())))
    const { supervisor } = await setUp({ serverUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, registrationTimeoutMs: 10_000 })
    const count = (type: string): number => process.getActiveResourcesInfo().filter((resource) => resource === type).length
    const baseline = { timers: count('Timeout'), sockets: count('TCPSocketWrap') }
    const starting = supervisor.start()
    await waitForState(supervisor, (state) => state.status === 'connecting')
    await supervisor.stop()
    await starting
    expect(supervisor.getState().status).toBe('off')
    await eventually(() => count('Timeout') <= baseline.timers && count('TCPSocketWrap') <= baseline.sockets)
  })

  it('only ever forwards to the receiver port', async () => {
    const ports: number[] = []
    const { supervisor, receiver } = await setUp(
      {},
      {
        openTunnel: async (options) => {
          ports.push(options.localPort)
          const { openLocaltunnelConnection } = await import('./localtunnel-connection')
          return openLocaltunnelConnection(options)
        },
      },
    )
    await startOnline(supervisor)
    expect(new Set(ports)).toEqual(new Set([receiver.port]))
    expect(() => createTunnelSupervisor({ ...baseConfig(), localPort: 0 })).toThrow(/receiver's port/)
  })
})

function baseConfig(): TunnelSupervisorConfig {
  return {
    localPort: 4100,
    localHost: '127.0.0.1',
    serverUrl: 'https://localtunnel.me',
    registrationTimeoutMs: 1_000,
    probeIntervalMs: 1_000,
    healthPath: TUNNEL_HEALTH_PATH,
    healthNonce: NONCE,
    backoff: { initialMs: 1_000, maxMs: 60_000 },
  }
}

describe('tunnel supervisor while every socket carries a slow answer', () => {
  /** Stands in for the receiver with a slow answer configured: the health path at once, everything else once the test releases it. */
  async function startSlowReceiver(): Promise<{ port: number; held: http.ServerResponse[]; close(): Promise<void> }> {
    const held: http.ServerResponse[] = []
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        if (req.url === TUNNEL_HEALTH_PATH) return void res.writeHead(200, { [TUNNEL_HEALTH_NONCE_HEADER]: NONCE }).end(JSON.stringify({ nonce: NONCE }))
        held.push(res)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return {
      port: (server.address() as AddressInfo).port,
      held,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    }
  }

  it('does not take a probe that waits behind the answers for a lost tunnel', async () => {
    const receiver = await startSlowReceiver()
    cleanups.push(() => receiver.close())
    // The probe's interval and timeout fire when the test says (distinct delays name them; the
    // timeout runs in TIMEOUT_STEPS steps of 777 ms).
    const timers = createHeldTimers()
    const { supervisor, server } = await setUp(
      {
        localPort: receiver.port,
        probeIntervalMs: 200,
        probeTimeoutMs: 777 * TIMEOUT_STEPS,
        probeFailuresBeforeLoss: 2,
        socketsGoneGraceMs: 3_000,
        registrationTimeoutMs: 5_000,
      },
      { timers, clock: timers.clock },
    )
    const seen: TunnelState['status'][] = []
    supervisor.onState((state) => seen.push(state.status))
    await supervisor.start()
    const online = supervisor.getState()
    if (online.status !== 'online') throw new Error(`not online: ${JSON.stringify(online)}`)
    timers.fire(0)
    await waitForState(supervisor, (state) => state.lastProvedAt !== null)
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten connected sockets' })

    // Ten callbacks whose answers take long (a delay configured on the endpoint): every socket carries one.
    const slow = Array.from({ length: 10 }, (_, i) =>
      requestThroughTunnel(server.port, online.subdomain, { method: 'POST', path: `/slow/${i}`, body: 'x' }).catch((error: unknown) => error),
    )
    await eventually(() => receiver.held.length === 10)
    // Two probes in a row wait at the server for a free socket, and time out.
    const probeSettled = (): boolean => timers.pending().includes(200) || seen.includes('reconnecting')
    for (let probe = 0; probe < 2; probe += 1) {
      await eventually(probeSettled)
      timers.fire(200)
      for (let step = 0; step < TIMEOUT_STEPS; step += 1) timers.fire(777)
    }
    await eventually(probeSettled)
    // Before, the second timeout was a loss: the tunnel was dropped, and the ten answers with it.
    expect(seen).not.toContain('reconnecting')
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: online.subdomain, onlineSince: online.onlineSince })

    for (const answer of receiver.held.splice(0)) answer.writeHead(200).end('OK')
    expect(await Promise.all(slow)).toEqual(Array(10).fill(expect.objectContaining({ status: 200, body: 'OK' })))
    // The answers are out, the sockets free again: the next probe gets through.
    const provedBefore = supervisor.getState().lastProvedAt
    timers.fire(200)
    await waitForState(supervisor, (state) => state.lastProvedAt !== provedBefore)
  })
})

describe('tunnel supervisor when the app stalls while a probe waits', () => {
  it('reads the answer that came during a stall longer than the probe timeout, instead of counting the probe as failed', async () => {
    const probeTimeoutMs = 1_500
    // The test server, the tunnel client and the receiver share this process, as the app's main
    // process runs the tunnel client and the receiver: a synchronous busy loop stalls them all. It
    // starts once the server has handed the probe's request to the tunnel's socket, so the request
    // waits there, unread, for longer than the probe may take.
    let stallsLeft = 0
    const stallEnds: number[] = []
    const path = createTunnelNetworkPath({
      afterServerChunk(chunk) {
        if (stallsLeft === 0 || !chunk.includes(`GET ${TUNNEL_HEALTH_PATH} `)) return
        stallsLeft -= 1
        const until = Date.now() + probeTimeoutMs + 300
        while (Date.now() < until) {
          // Busy: a long synchronous task of the main process.
        }
        stallEnds.push(Date.now())
      },
    })
    cleanups.push(() => path.close())
    const register: TunnelSupervisorDeps['register'] = async (request, signal) => {
      const registration = await requestRegistration(request, signal)
      return { ...registration, ip: '127.0.0.1', port: await path.portFor(registration.port) }
    }
    const failures: unknown[] = []
    const logger = { info: () => undefined, warn: (message: string, fields?: unknown) => void failures.push({ message, fields }), error: () => undefined }
    const { supervisor } = await setUp({ probeTimeoutMs, probeFailuresBeforeLoss: 2 }, { register, logger })
    await supervisor.start()
    const before = await waitForState(supervisor, (state) => state.status === 'online' && state.lastProvedAt !== null)
    if (before.status !== 'online') throw new Error('unreachable')
    const seen: TunnelState[] = []
    supervisor.onState((state) => seen.push(state))

    // Two stalls in a row, each during a probe (the second one's retry, when the first failed):
    // before, each probe timed out before its answer was read, and the second was a loss.
    stallsLeft = 2
    for (let stall = 0; stall < 2; stall += 1) {
      const provedAfterStall = (state: TunnelState): boolean =>
        stallEnds.length > stall && state.lastProvedAt !== null && Date.parse(state.lastProvedAt) >= (stallEnds[stall] ?? Infinity)
      const after = await waitForState(supervisor, (state) => state.status !== 'online' || provedAfterStall(state))
      expect(after).toMatchObject({ status: 'online', onlineSince: before.onlineSince })
    }
    expect(stallEnds).toHaveLength(2)
    expect(seen.filter((state) => state.status !== 'online')).toEqual([])
    expect(failures).toEqual([])
  })
})

describe('tunnel supervisor when the app stalls while a registration waits', () => {
  /**
   * The server's answer to the next registration for `subdomain` is held back once `hold()` is
   * called, until the test releases it: the answer came during a stall and is read after it. Each
   * held registration's abort signal is kept, to tell whether the timeout gave up on it.
   */
  function holdingRegister(subdomain: string | null): {
    register: TunnelSupervisorDeps['register']
    hold(): void
    held: Promise<AbortSignal>
    release(): void
  } {
    let isHolding = false
    let onHeld: (signal: AbortSignal) => void = () => undefined
    let release: () => void = () => undefined
    const held = new Promise<AbortSignal>((resolve) => (onHeld = resolve))
    const released = new Promise<void>((resolve) => (release = resolve))
    return {
      register: async (request, signal) => {
        const registration = await requestRegistration(request, signal)
        if (!isHolding || request.subdomain !== subdomain) return registration
        isHolding = false
        onHeld(signal)
        // Held until released, or until the registration is given up on (a timeout, a stop).
        await new Promise<void>((resolve) => {
          void released.then(resolve)
          signal.addEventListener('abort', () => resolve(), { once: true })
        })
        return registration
      },
      hold: () => (isHolding = true),
      held,
      release: () => release(),
    }
  }

  it('opens the tunnel whose registration was answered during a stall longer than the registration timeout', async () => {
    const timers = createHeldTimers()
    const holding = holdingRegister('stalled-attempt')
    holding.hold()
    const { supervisor } = await setUp(
      { subdomain: 'stalled-attempt', registrationTimeoutMs: 1_000 * TIMEOUT_STEPS },
      { timers, clock: timers.clock, register: holding.register },
    )
    const seen: TunnelState['status'][] = []
    supervisor.onState((state) => seen.push(state.status))
    const starting = supervisor.start()
    const signal = await holding.held
    // Stalled for longer than the whole timeout; the answer was there all along.
    timers.stall(4 * 1_000 * TIMEOUT_STEPS)
    // Before, the plain 5 s timer fired first and gave up on it: "did not open the tunnel within 5 s".
    expect(signal.aborted).toBe(false)
    holding.release()
    await starting
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'stalled-attempt' })
    expect(seen).not.toContain('failed')
    expect(seen).not.toContain('reconnecting')
  })

  it('still times out a registration that gets no answer after the stall', async () => {
    const timers = createHeldTimers()
    const holding = holdingRegister('never-answered')
    holding.hold()
    const { supervisor } = await setUp(
      { subdomain: 'never-answered', registrationTimeoutMs: 1_000 * TIMEOUT_STEPS },
      { timers, clock: timers.clock, register: holding.register },
    )
    const starting = supervisor.start()
    const signal = await holding.held
    timers.stall(4 * 1_000 * TIMEOUT_STEPS)
    // The stall does not count, the steps after it do.
    for (let step = 0; step < TIMEOUT_STEPS; step += 1) timers.fire(1_000)
    expect(signal.aborted).toBe(true)
    holding.release()
    await starting
    expect(supervisor.getState()).toMatchObject({ lastError: { code: 'REGISTRATION_TIMEOUT' } })
  })

  it('takes the subdomain back when the reclaim was answered during a stall longer than the registration timeout', async () => {
    const timers = createHeldTimers()
    const holding = holdingRegister('stalled-reclaim')
    const reclaimDelayMs = 333
    const socketsGoneGraceMs = 3_333
    const { supervisor, server } = await setUp(
      { subdomain: 'stalled-reclaim', registrationTimeoutMs: 1_000 * TIMEOUT_STEPS, reclaimDelayMs, reclaimMaxIntervalMs: 4_444, socketsGoneGraceMs },
      { timers, clock: timers.clock, register: holding.register },
    )
    server.takeSubdomain('stalled-reclaim')
    const standIn = await startOnline(supervisor)
    expect(standIn).toMatchObject({ subdomainChanged: true, requestedSubdomain: 'stalled-reclaim' })
    // The stand-in's sockets steady (on the connection's own timers): the stall below is the reclaim's only.
    await eventually(() => !timers.pending().includes(socketsGoneGraceMs))
    server.releaseSubdomain('stalled-reclaim')
    holding.hold()
    timers.fire(reclaimDelayMs)
    const signal = await holding.held
    timers.stall(4 * 1_000 * TIMEOUT_STEPS)
    // Before, the plain timer gave up on the reclaim, and the name was asked for again later.
    expect(signal.aborted).toBe(false)
    holding.release()
    expect(await waitForState(supervisor, (state) => state.status === 'online' && state.subdomain === 'stalled-reclaim')).toMatchObject({
      subdomainChanged: false,
    })
  })
})

describe('tunnel supervisor after its sockets die without the server hearing of it', () => {
  /**
   * Online with the subdomain the server picked (none configured, as by default), the sockets
   * through a network path that then dies silently (a machine asleep, a changed network): the
   * server keeps the lost connection's sockets, and its name, until writes onto them time out.
   * The probe through the public URL notices; the reconnect asks for the name, and the server hands
   * out a stand-in, since its own lost connection still holds it.
   */
  async function severedAfterOnline(): Promise<{
    supervisor: TunnelSupervisor
    server: LocaltunnelServer
    path: TunnelNetworkPath
    lost: OnlineState
    standIn: OnlineState
  }> {
    const path = createTunnelNetworkPath()
    cleanups.push(() => path.close())
    const register: TunnelSupervisorDeps['register'] = async (request, signal) => {
      const registration = await requestRegistration(request, signal)
      return { ...registration, ip: '127.0.0.1', port: await path.portFor(registration.port) }
    }
    const { supervisor, server } = await setUp(
      { probeTimeoutMs: 1_500, probeFailuresBeforeLoss: 1, reclaimDelayMs: 100, reclaimMaxIntervalMs: 200 },
      { register },
    )
    await supervisor.start()
    const lost = await waitForState(supervisor, (state) => state.status === 'online' && state.lastProvedAt !== null)
    if (lost.status !== 'online') throw new Error('unreachable')
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten connected sockets' })

    path.sever()
    const reconnecting = await waitForState(supervisor, (state) => state.status === 'reconnecting')
    expect(reconnecting).toMatchObject({ lastError: { code: 'PROBE_FAILED' }, requestedSubdomain: lost.subdomain })
    const standIn = await waitForState(supervisor, (state) => state.status === 'online')
    if (standIn.status !== 'online') throw new Error('unreachable')
    return { supervisor, server, path, lost, standIn }
  }

  it('says the subdomain changed while the server holds it for the lost connection, and takes it back once the server lets go', async () => {
    const { supervisor, server, path, lost, standIn } = await severedAfterOnline()
    expect(standIn).toMatchObject({ requestedSubdomain: lost.subdomain, subdomainChanged: true })
    expect(standIn.subdomain).not.toBe(lost.subdomain)
    // The server still counts the lost connection's ten sockets: they never said they closed.
    expect(server.clients().find((client) => client.id === lost.subdomain)).toMatchObject({ connectedSockets: 10 })
    const asksForLost = (): number => server.registrations().filter((registration) => registration.requested === lost.subdomain).length
    const asked = asksForLost()
    await server.until(() => asksForLost() >= asked + 2, { what: 'two more requests for the lost name' })
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: standIn.subdomain, subdomainChanged: true })

    // Callbacks to the old URL are written onto the dead sockets (one each, they get no answer),
    // and those writes time out: only then does the server let go of the name.
    const stranded = Array.from({ length: 10 }, () => requestThroughTunnel(server.port, lost.subdomain, { timeoutMs: 200 }).catch(() => undefined))
    await waitFor(() => (path.severedWrittenOnto() === 10 ? true : undefined), { intervalMs: 20 })
    await Promise.all(stranded)
    path.timeOutSevered()
    await server.released(lost.subdomain)
    const back = await waitForState(supervisor, (state) => state.status === 'online' && state.subdomain === lost.subdomain)
    expect(back).toMatchObject({ subdomainChanged: false, url: lost.url })
    expect((await requestThroughTunnel(server.port, lost.subdomain, { path: '/after-the-silent-loss' })).status).toBe(200)
  })

  it('checks at once after a wake or a network change, and reconnects after the first failed probe', async () => {
    let networkChanged: (reason: string) => void = () => undefined
    const watchNetwork: WatchNetwork = (onChange) => {
      networkChanged = onChange
      return () => void (networkChanged = () => undefined)
    }
    const path = createTunnelNetworkPath()
    cleanups.push(() => path.close())
    const register: TunnelSupervisorDeps['register'] = async (request, signal) => {
      const registration = await requestRegistration(request, signal)
      return { ...registration, ip: '127.0.0.1', port: await path.portFor(registration.port) }
    }
    // No regular probe within the test: only the wake can bring one.
    const { supervisor, server } = await setUp(
      { probeIntervalMs: 600_000, probeTimeoutMs: 1_500, reclaimDelayMs: 100, reclaimMaxIntervalMs: 200 },
      { register, watchNetwork },
    )
    await supervisor.start()
    const before = await waitForState(supervisor, (state) => state.status === 'online' && state.lastProvedAt !== null)
    if (before.status !== 'online') throw new Error('unreachable')
    await server.until(() => server.clients()[0]?.connectedSockets === 10, { what: 'ten connected sockets' })
    const seen: TunnelState[] = []
    supervisor.onState((state) => seen.push(state))

    // The laptop slept and woke on another network: the sockets are dead, and nobody said so.
    path.sever()
    networkChanged('the machine was asleep (or stalled) for about 3600 s')
    // Before, the tunnel showed online until the next regular probe, and two probes failed.
    const lost = await waitForState(supervisor, (state) => state.status === 'reconnecting')
    expect(lost).toMatchObject({ lastError: { code: 'PROBE_FAILED' }, requestedSubdomain: before.subdomain })
    expect(seen.filter((state) => state.status === 'online')).toEqual([])
    // Back with a stand-in (the server still holds the name for the dead connection), which it says.
    expect(await waitForState(supervisor, (state) => state.status === 'online')).toMatchObject({ requestedSubdomain: before.subdomain, subdomainChanged: true })
  })

  it('tries again at once when the network comes back, instead of waiting out a long backoff', async () => {
    let networkChanged: (reason: string) => void = () => undefined
    const watchNetwork: WatchNetwork = (onChange) => {
      networkChanged = onChange
      return () => void (networkChanged = () => undefined)
    }
    // The backoff after the loss draws its longest delay: ten minutes.
    const { supervisor, server } = await setUp(
      { subdomain: 'back-online', backoff: { initialMs: 600_000, maxMs: 600_000 } },
      { watchNetwork, random: () => 0.99 },
    )
    await startOnline(supervisor)
    await server.restart()
    const waiting = await waitForState(supervisor, (state) => state.status === 'reconnecting')
    if (waiting.status !== 'reconnecting') throw new Error('unreachable')
    expect(Date.parse(waiting.nextAttemptAt) - Date.now()).toBeGreaterThan(500_000)

    networkChanged('the network changed (addresses none -> IPv4 192.0.2.7)')
    expect(await waitForState(supervisor, (state) => state.status === 'online')).toMatchObject({ subdomain: 'back-online', subdomainChanged: false })
  })

  it('asks for the lost name again, not the stand-in, when the stand-in is lost too', async () => {
    const { supervisor, server, lost, standIn } = await severedAfterOnline()
    // The server restarts: every client is dropped, the lost connection's too, so the name is free.
    await server.restart()
    const back = await waitForState(supervisor, (state) => state.status === 'online' && state.onlineSince > standIn.onlineSince)
    expect(back).toMatchObject({ subdomain: lost.subdomain, requestedSubdomain: lost.subdomain, subdomainChanged: false })
    expect(server.registrations().filter((registration) => registration.requested === standIn.subdomain)).toEqual([])
  })
})
