/** The supervisor's state machine with a fake server, a manual clock and pinned jitter. */
import { describe, expect, it } from 'vitest'
import type { TunnelState } from '../../shared/tunnel'
import type { ProbeFetch } from './health-probe'
import type { OpenTunnelOptions, TunnelConnection } from './localtunnel-connection'
import type { RegistrationRequest, TunnelRegistration } from './registration'
import { TUNNEL_PROBE_RETRY_MS } from './supervisor-machine'
import { createTunnelSupervisor, type TunnelLogger, type TunnelSupervisorConfig, type TunnelTimers } from './tunnel-supervisor'
import { TunnelProblemError } from './tunnel-problem'
import { TUNNEL_PROBE_INTERVAL_MS } from './tunnel-service'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (ms: number): string => new Date(T0 + ms).toISOString()

function createManualTime(): { clock: { now(): number }; timers: TunnelTimers; pending(): number; advance(ms: number): Promise<void> } {
  let now = T0
  let nextId = 1
  const queue = new Map<number, { due: number; callback: () => void }>()
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i += 1) await Promise.resolve()
  }
  return {
    clock: { now: () => now },
    timers: {
      setTimeout(callback, delayMs) {
        const id = nextId++
        queue.set(id, { due: now + delayMs, callback })
        return id
      },
      clearTimeout(handle) {
        queue.delete(handle as number)
      },
    },
    pending: () => queue.size,
    async advance(ms) {
      const target = now + ms
      await flush()
      for (;;) {
        const due = [...queue.entries()].filter(([, timer]) => timer.due <= target).sort((a, b) => a[1].due - b[1].due)[0]
        if (due === undefined) break
        queue.delete(due[0])
        now = due[1].due
        due[1].callback()
        await flush()
      }
      now = target
      await flush()
    },
  }
}

const registration = (id: string): TunnelRegistration => ({
  serverUrl: 'https://tunnel.example',
  id,
  url: `https://${id}.tunnel.example`,
  port: 40_000,
  ip: null,
  maxConnCount: 2,
  cachedUrl: null,
})

function fakeConnection(options: OpenTunnelOptions): TunnelConnection & { isClosed: boolean } {
  const connection = {
    isClosed: false,
    liveSockets: () => 2,
    steadySockets: () => 2,
    serverWrites: () => 0,
    isSaturated: () => false,
    close: async () => {
      connection.isClosed = true
    },
  }
  options.onEvent({ type: 'sockets-changed', live: 2, steady: 2 })
  return connection
}

const healthy: ProbeFetch = async () => ({ status: 200, headers: { get: () => 'nonce-1' }, text: async () => '' })

function setUp(deps: {
  register: (request: RegistrationRequest, signal: AbortSignal) => Promise<TunnelRegistration>
  probe?: ProbeFetch
  config?: Partial<TunnelSupervisorConfig>
  logger?: TunnelLogger
}) {
  const time = createManualTime()
  const opened: Array<{ options: OpenTunnelOptions; connection: ReturnType<typeof fakeConnection> }> = []
  const states: TunnelState[] = []
  const supervisor = createTunnelSupervisor(
    {
      localPort: 4100,
      localHost: '127.0.0.1',
      serverUrl: 'https://tunnel.example',
      registrationTimeoutMs: 5_000,
      probeIntervalMs: 30_000,
      healthPath: '/__inspector/health',
      healthNonce: 'nonce-1',
      backoff: { initialMs: 1_000, maxMs: 8_000 },
      reclaimDelayMs: 1_500,
      socketsGoneGraceMs: 3_000,
      ...deps.config,
    },
    {
      register: deps.register,
      openTunnel: async (options) => {
        const connection = fakeConnection(options)
        opened.push({ options, connection })
        return connection
      },
      probe: deps.probe ?? healthy,
      clock: time.clock,
      timers: time.timers,
      random: () => 0.5,
      logger: deps.logger,
    },
  )
  supervisor.onState((state) => states.push(state))
  return { supervisor, time, opened, states }
}

const unreachable = async (): Promise<never> => {
  throw new TunnelProblemError('SERVER_UNREACHABLE', 'nothing answers at the tunnel server (connection refused)')
}

describe('supervisor state machine', () => {
  it('backs off exponentially with jitter while the server stays unreachable', async () => {
    const { supervisor, time } = setUp({ register: unreachable })
    await supervisor.start()
    const schedule: Array<string | null> = []
    for (let i = 0; i < 5; i += 1) {
      const state = supervisor.getState()
      if (state.status !== 'failed') throw new Error(`expected failed, got ${state.status}`)
      schedule.push(state.nextAttemptAt)
      await time.advance(Date.parse(state.nextAttemptAt ?? '') - time.clock.now())
    }
    // random 0.5 of ceilings 1 s, 2 s, 4 s, 8 s, 8 s (capped).
    expect(schedule).toEqual([at(500), at(1_500), at(3_500), at(7_500), at(11_500)])
    expect(supervisor.getState()).toMatchObject({ status: 'failed', attempt: 7, reason: expect.stringMatching(/connection refused/) })
  })

  it('times out a registration that never answers and aborts it', async () => {
    let signalSeen: AbortSignal | undefined
    const { supervisor, time } = setUp({
      register: (_request, signal) =>
        new Promise((_resolve, reject) => {
          signalSeen = signal
          signal.addEventListener('abort', () => reject(signal.reason as Error))
        }),
    })
    const starting = supervisor.start()
    expect(supervisor.getState()).toMatchObject({ status: 'connecting', attempt: 1 })
    await time.advance(4_999)
    expect(supervisor.getState().status).toBe('connecting')
    await time.advance(1)
    await starting
    expect(signalSeen?.aborted).toBe(true)
    expect(supervisor.getState()).toMatchObject({
      status: 'failed',
      lastError: { code: 'REGISTRATION_TIMEOUT', at: at(5_000) },
      reason: 'the tunnel server at https://tunnel.example did not open the tunnel within 5 s',
      nextAttemptAt: at(5_500),
    })
  })

  it('goes online, reconnects after a loss with the same subdomain, and fails after repeated attempts over 10 s', async () => {
    let isUp = true
    const requests: Array<string | null> = []
    const { supervisor, time, opened } = setUp({
      config: { subdomain: 'my-inspector' },
      register: async (request) => {
        requests.push(request.subdomain)
        if (!isUp) return unreachable()
        return registration('my-inspector')
      },
    })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'my-inspector', subdomainChanged: false, lastProvedAt: at(0) })

    isUp = false
    await time.advance(10_000)
    opened[0]?.options.onEvent({ type: 'error', message: 'connection refused' })
    expect(opened[0]?.connection.isClosed).toBe(true)
    // The first reconnect waits out the server's grace period (1.5 s > 0.5 * 1 s of jitter).
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', attempt: 1, nextAttemptAt: at(11_500), lastProvedAt: at(0) })

    await time.advance(1_500)
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', attempt: 2, nextAttemptAt: at(12_000) })
    await time.advance(500)
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', attempt: 3 })
    // Three quick refusals within 3 s of the loss (a server restarting) are not "failed" yet.
    await time.advance(1_000)
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', attempt: 4, lastError: { code: 'SERVER_UNREACHABLE' } })
    await time.advance(2_000)
    await time.advance(4_000)
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', attempt: 6, nextAttemptAt: at(23_000) })
    // 13 s after the loss, at the sixth failed attempt: now it is "failed" (and still retrying).
    await time.advance(4_000)
    expect(supervisor.getState()).toMatchObject({ status: 'failed', attempt: 7, lastError: { code: 'SERVER_UNREACHABLE' }, nextAttemptAt: at(27_000) })

    isUp = true
    await time.advance(4_000)
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'my-inspector' })
    expect(requests.every((requested) => requested === 'my-inspector')).toBe(true)
  })

  it('counts failed probes and sockets that never come back as losses', async () => {
    let probeStatus = 200
    const probe: ProbeFetch = async () => ({ status: probeStatus, headers: { get: () => 'nonce-1' }, text: async () => '' })
    const { supervisor, time, opened } = setUp({ register: async () => registration('abcdef'), probe })
    await supervisor.start()
    await time.advance(0)
    probeStatus = 404
    await time.advance(30_000)
    expect(supervisor.getState().status).toBe('online')
    // A failed probe is confirmed after TUNNEL_PROBE_RETRY_MS, not a whole interval later.
    await time.advance(TUNNEL_PROBE_RETRY_MS)
    expect(supervisor.getState()).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'PROBE_FAILED', message: expect.stringMatching(/HTTP 404/) },
      lastProvedAt: at(0),
      earlierRunProvedAt: null,
    })

    probeStatus = 200
    await time.advance(1_500)
    expect(supervisor.getState().status).toBe('online')
    opened[1]?.options.onEvent({ type: 'sockets-changed', live: 0, steady: 0 })
    await time.advance(2_999)
    opened[1]?.options.onEvent({ type: 'sockets-changed', live: 1, steady: 1 })
    await time.advance(10_000)
    expect(supervisor.getState().status).toBe('online')
    opened[1]?.options.onEvent({ type: 'sockets-changed', live: 0, steady: 0 })
    await time.advance(3_000)
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', lastError: { code: 'TUNNEL_LOST' } })
  })

  it('notices a tunnel whose server silently stopped forwarding within 25 s of the last proof, with the app’s timings', async () => {
    // The sockets stay open, nothing is written onto them, and the probe's request never comes
    // back: a NAT that dropped its mappings, a server restarted behind a half-open connection.
    let isSevered = false
    const probe: ProbeFetch = (_url, init) =>
      isSevered
        ? new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }))
        : healthy(_url, init)
    // The app's interval, and the supervisor's own default probe timeout (none set here).
    const { supervisor, time } = setUp({ register: async () => registration('abcdef'), probe, config: { probeIntervalMs: TUNNEL_PROBE_INTERVAL_MS } })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState()).toMatchObject({ status: 'online', lastProvedAt: at(0) })
    // Severed just after a probe got through: the longest wait for the next one.
    isSevered = true
    let elapsedMs = 0
    while (supervisor.getState().status === 'online' && elapsedMs < 120_000) {
      await time.advance(500)
      elapsedMs += 500
    }
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', lastError: { code: 'PROBE_FAILED' } })
    // Before: a probe every 30 s, each waiting 10 s, two in a row 2 s apart: 52 s, callbacks lost meanwhile.
    expect(elapsedMs).toBeLessThanOrEqual(25_000)
  })

  it('counts sockets that connect and are dropped at once as a loss within the grace time, not at the next probe', async () => {
    // The server drops each new socket at once (its 10-socket limit still held by a dead
    // connection's sockets): the live count flips between 0 and 1 and no socket becomes steady.
    // The probe is 30 s away; before, a live socket reset the 3 s check every time.
    const { supervisor, time, opened } = setUp({ register: async () => registration('abcdef') })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState().status).toBe('online')
    const onEvent = opened[0]!.options.onEvent
    for (let ms = 0; ms < 3_000; ms += 500) {
      onEvent({ type: 'sockets-changed', live: 0, steady: 0 })
      await time.advance(250)
      onEvent({ type: 'sockets-changed', live: 1, steady: 0 })
      await time.advance(250)
    }
    expect(supervisor.getState()).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'TUNNEL_LOST', message: 'every connection to the tunnel server closed and none came back to stay' },
    })
  })

  it('does not accept a 200 without our nonce as proof', async () => {
    const foreign: ProbeFetch = async () => ({ status: 200, headers: { get: () => null }, text: async () => '<html>hello</html>' })
    const { supervisor, time } = setUp({ register: async () => registration('abcdef'), probe: foreign, config: { probeFailuresBeforeLoss: 1 } })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState()).toMatchObject({
      status: 'reconnecting',
      lastError: { message: expect.stringMatching(/not with this inspector's health answer/) },
    })
  })

  it('reports a changed subdomain and keeps asking for the configured one', async () => {
    const requests: Array<string | null> = []
    const { supervisor, time, opened, states } = setUp({
      config: { subdomain: 'wanted-name' },
      register: async (request) => {
        requests.push(request.subdomain)
        return registration('random-id-7')
      },
    })
    await supervisor.start()
    expect(states.find((state) => state.status === 'online')).toMatchObject({
      subdomain: 'random-id-7',
      requestedSubdomain: 'wanted-name',
      subdomainChanged: true,
      url: 'https://random-id-7.tunnel.example',
    })
    opened[0]?.options.onEvent({ type: 'error', message: 'gone' })
    await time.advance(1_500)
    expect(requests).toEqual(['wanted-name', 'wanted-name'])
  })

  it('takes the requested subdomain back once the server hands it out, then drops the stand-in', async () => {
    let isWantedFree = false
    const requests: Array<string | null> = []
    const { supervisor, time, opened } = setUp({
      config: { subdomain: 'wanted-name', reclaimDelayMs: 1_000, reclaimMaxIntervalMs: 4_000 },
      register: async (request) => {
        requests.push(request.subdomain)
        return registration(isWantedFree ? 'wanted-name' : `random-${requests.length}`)
      },
    })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'random-1', subdomainChanged: true })
    // Tries after 1 s, 2 s, 4 s, 4 s (capped): each hands out another random id, which goes unused.
    await time.advance(1_000 + 2_000 + 4_000)
    expect(requests).toEqual(['wanted-name', 'wanted-name', 'wanted-name', 'wanted-name'])
    expect(opened).toHaveLength(1)
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'random-1' })

    isWantedFree = true
    await time.advance(4_000)
    expect(supervisor.getState()).toMatchObject({
      status: 'online',
      subdomain: 'wanted-name',
      subdomainChanged: false,
      url: 'https://wanted-name.tunnel.example',
    })
    expect(opened).toHaveLength(2)
    expect(opened[0]?.connection.isClosed).toBe(true)
    expect(opened[1]?.connection.isClosed).toBe(false)
    // Events of the dropped connection no longer count; the new one's do.
    opened[0]?.options.onEvent({ type: 'error', message: 'late' })
    expect(supervisor.getState().status).toBe('online')
    await time.advance(60_000)
    expect(requests).toHaveLength(5)
    opened[1]?.options.onEvent({ type: 'error', message: 'gone' })
    expect(supervisor.getState()).toMatchObject({ status: 'reconnecting', requestedSubdomain: 'wanted-name' })
  })

  it('waits until the previous run is released before the first registration', async () => {
    const requests: number[] = []
    const { supervisor, time } = setUp({
      config: { previousSubdomain: 'kept-name', firstAttemptNotBefore: T0 + 1_500 },
      register: async (request) => {
        requests.push(time.clock.now() - T0)
        return registration(request.subdomain ?? 'random')
      },
    })
    void supervisor.start()
    await time.advance(1_499)
    expect(supervisor.getState()).toMatchObject({ status: 'connecting', attempt: 1, requestedSubdomain: 'kept-name' })
    expect(requests).toEqual([])
    await time.advance(1)
    expect(requests).toEqual([1_500])
    expect(supervisor.getState()).toMatchObject({ status: 'online', subdomain: 'kept-name', subdomainChanged: false })
  })

  it('stop() cancels every timer and ignores late events', async () => {
    const { supervisor, time, opened } = setUp({ register: async () => registration('abcdef') })
    await supervisor.start()
    await time.advance(0)
    expect(time.pending()).toBeGreaterThan(0)
    await supervisor.stop()
    expect(time.pending()).toBe(0)
    expect(opened[0]?.connection.isClosed).toBe(true)
    opened[0]?.options.onEvent({ type: 'error', message: 'late' })
    expect(supervisor.getState()).toEqual({ status: 'off', serverUrl: 'https://tunnel.example', lastProvedAt: at(0), earlierRunProvedAt: null })

    const failing = setUp({ register: unreachable })
    await failing.supervisor.start()
    expect(failing.time.pending()).toBe(1)
    await failing.supervisor.stop()
    expect(failing.time.pending()).toBe(0)
  })

  it('survives a listener and a logger that throw', async () => {
    const broken = (): never => {
      throw new Error('logger bug')
    }
    const { supervisor, time, opened } = setUp({
      register: async () => registration('abcdef'),
      logger: { info: broken, warn: broken, error: broken },
    })
    supervisor.onState(() => {
      throw new Error('listener bug')
    })
    await supervisor.start()
    await time.advance(0)
    expect(supervisor.getState().status).toBe('online')
    expect(() => opened[0]?.options.onEvent({ type: 'error', message: 'refused' })).not.toThrow()
    expect(supervisor.getState().status).toBe('reconnecting')
    await time.advance(1_500)
    expect(supervisor.getState().status).toBe('online')
  })
})
