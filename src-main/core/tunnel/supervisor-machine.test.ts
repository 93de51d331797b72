/** The supervisor's rules as a pure function: each state against each event, no timers or sockets. */
import { describe, expect, it } from 'vitest'
import type { TunnelStatus } from '../../shared/tunnel'
import type { MachineSettings } from './supervisor-config'
import { initialSupervisorState, next, type SupervisorEffect, type SupervisorEvent, type SupervisorState, type TransitionContext } from './supervisor-machine'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (ms: number): string => new Date(T0 + ms).toISOString()

const SETTINGS: MachineSettings = {
  serverUrl: 'https://tunnel.example',
  configuredSubdomain: null,
  firstAttemptNotBefore: 0,
  backoff: { initialMs: 1_000, maxMs: 8_000 },
  probeIntervalMs: 30_000,
  probeFailuresBeforeLoss: 2,
  reclaimDelayMs: 1_500,
  reclaimMaxIntervalMs: 30_000,
  reclaimPatienceMs: 20 * 60_000,
  reclaimSlowIntervalMs: 5 * 60_000,
  reconnectMsBeforeFailed: 10_000,
  socketsGoneGraceMs: 3_000,
}

interface Options {
  /** Milliseconds after T0. */
  ms?: number
  settings?: Partial<MachineSettings>
  random?: number
}

const contextOf = ({ ms = 0, settings = {}, random = 0.5 }: Options = {}): TransitionContext => ({
  settings: { ...SETTINGS, ...settings },
  now: T0 + ms,
  random: () => random,
})

/** Frozen so that a transition that mutates its input throws instead of passing. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

function step(state: SupervisorState, event: SupervisorEvent, options?: Options): ReturnType<typeof next> {
  const transition = next(deepFreeze(state), event, contextOf(options))
  return deepFreeze(transition)
}

/** The state after `events`, all at `options.ms`. */
function drive(events: SupervisorEvent[], options?: Options & { previousSubdomain?: string | null }): SupervisorState {
  const serverUrl = options?.settings?.serverUrl ?? SETTINGS.serverUrl
  return events.reduce((state, event) => step(state, event, options).state, initialSupervisorState(serverUrl, options?.previousSubdomain ?? null))
}

const types = (effects: SupervisorEffect[]): string[] => effects.map((effect) => effect.type)
const effectOf = <K extends SupervisorEffect['type']>(effects: SupervisorEffect[], type: K): Extract<SupervisorEffect, { type: K }> | undefined =>
  effects.find((effect): effect is Extract<SupervisorEffect, { type: K }> => effect.type === type)

const start: SupervisorEvent = { type: 'start' }
const registered = (id: string, requested: string | null = null, steadySockets = 2): SupervisorEvent => ({
  type: 'registered',
  registration: { id, url: `https://${id}.tunnel.example` },
  requested,
  steadySockets,
})
const refused: SupervisorEvent = { type: 'attempt-failed', problem: { code: 'SERVER_UNREACHABLE', message: 'connection refused' } }
const connectionLost: SupervisorEvent = { type: 'connection', event: { type: 'error', message: 'socket hang up' } }
const probeFailed: SupervisorEvent = { type: 'probed', outcome: { ok: false, detail: 'HTTP 404', timedOut: false } }

const FIXTURES: Record<string, SupervisorState> = {
  off: drive([]),
  connecting: drive([start]),
  online: drive([start, registered('abcdef')]),
  reconnecting: drive([start, registered('abcdef'), connectionLost]),
  failed: drive([start, refused]),
  'failed for its settings': drive([start], { settings: { serverUrl: 'ftp://tunnel.example' } }),
}

const EVENTS: Record<SupervisorEvent['type'], SupervisorEvent> = {
  start,
  stop: { type: 'stop' },
  'retry-due': { type: 'retry-due' },
  registered: registered('abcdef'),
  'attempt-failed': refused,
  connection: connectionLost,
  'sockets-gone': { type: 'sockets-gone' },
  probed: { type: 'probed', outcome: { ok: true } },
  'reclaim-missed': { type: 'reclaim-missed', wanted: 'wanted-name', tries: 0, error: null },
  'network-changed': { type: 'network-changed', reason: 'the machine was asleep (or stalled) for about 3600 s' },
}

/** Which fixture each event acts in; in every other it must change nothing. */
const APPLIES_IN: Record<SupervisorEvent['type'], string[]> = {
  start: ['off'],
  stop: ['connecting', 'online', 'reconnecting', 'failed', 'failed for its settings'],
  'retry-due': ['reconnecting', 'failed'],
  registered: ['connecting', 'online'],
  'attempt-failed': ['connecting'],
  connection: ['online'],
  'sockets-gone': ['online'],
  probed: ['online'],
  'reclaim-missed': ['online'],
  'network-changed': ['online', 'reconnecting', 'failed'],
}

describe('supervisor machine: which events apply in which state', () => {
  it('builds the fixtures it claims', () => {
    const statuses: Record<string, TunnelStatus> = Object.fromEntries(Object.entries(FIXTURES).map(([name, state]) => [name, state.tunnel.status]))
    expect(statuses).toEqual({
      off: 'off',
      connecting: 'connecting',
      online: 'online',
      reconnecting: 'reconnecting',
      failed: 'failed',
      'failed for its settings': 'failed',
    })
  })

  for (const [name, state] of Object.entries(FIXTURES)) {
    for (const [type, event] of Object.entries(EVENTS) as Array<[SupervisorEvent['type'], SupervisorEvent]>) {
      const applies = APPLIES_IN[type].includes(name)
      it(`${type} in ${name}: ${applies ? 'acts' : 'changes nothing'}`, () => {
        const transition = step(state, event)
        if (applies) {
          expect(transition.effects.length).toBeGreaterThan(0)
        } else {
          expect(transition).toEqual({ state, effects: [], supersedes: false })
          expect(transition.state).toBe(state)
        }
      })
    }
  }
})

describe('supervisor machine: start and stop', () => {
  it('starts the first attempt, asking for a random subdomain, and supersedes older work', () => {
    const transition = step(FIXTURES.off!, start)
    expect(transition.state.tunnel).toEqual({
      status: 'connecting',
      serverUrl: 'https://tunnel.example',
      lastProvedAt: null,
      earlierRunProvedAt: null,
      attempt: 1,
      requestedSubdomain: null,
      requestedSubdomainSource: null,
    })
    expect(types(transition.effects)).toEqual(['publish', 'log', 'attempt'])
    expect(effectOf(transition.effects, 'attempt')).toEqual({ type: 'attempt', subdomain: null, waitMs: 0 })
    expect(effectOf(transition.effects, 'publish')?.state).toBe(transition.state.tunnel)
    expect(transition.supersedes).toBe(true)
  })

  it('asks for the configured subdomain, else for the one the previous run held', () => {
    const held = step(drive([], { previousSubdomain: 'kept-name' }), start)
    expect(effectOf(held.effects, 'attempt')?.subdomain).toBe('kept-name')
    const configured = step(drive([], { previousSubdomain: 'kept-name' }), start, { settings: { configuredSubdomain: 'my-name' } })
    expect(effectOf(configured.effects, 'attempt')?.subdomain).toBe('my-name')
    expect(configured.state.tunnel).toMatchObject({ requestedSubdomain: 'my-name' })
  })

  it("waits before the first attempt until the previous run's subdomain is released, and only then", () => {
    const settings = { firstAttemptNotBefore: T0 + 1_500 }
    const early = step(FIXTURES.off!, start, { ms: 400, settings })
    expect(types(early.effects)).toEqual(['publish', 'log', 'log', 'attempt'])
    expect(effectOf(early.effects, 'attempt')?.waitMs).toBe(1_100)
    expect(effectOf(step(FIXTURES.off!, start, { ms: 1_500, settings }).effects, 'attempt')?.waitMs).toBe(0)
    // A retry (attempt 2) and a reconnect after a loss never wait.
    expect(effectOf(step(drive([start, refused], { settings }), { type: 'retry-due' }, { settings }).effects, 'attempt')?.waitMs).toBe(0)
    const lost = drive([start, registered('abcdef'), connectionLost], { settings })
    expect(effectOf(step(lost, { type: 'retry-due' }, { settings }).effects, 'attempt')?.waitMs).toBe(0)
  })

  it('a new start counts attempts afresh and waits again, but keeps the subdomain last held', () => {
    const settings = { firstAttemptNotBefore: T0 + 1_500 }
    const stopped = drive([start, registered('abcdef'), connectionLost, { type: 'retry-due' }, refused, { type: 'stop' }], { settings })
    expect(stopped.failedAttempts).toBe(1)
    const restarted = step(stopped, start, { settings })
    expect(restarted.state.tunnel).toMatchObject({ status: 'connecting', attempt: 1, requestedSubdomain: 'abcdef' })
    expect(effectOf(restarted.effects, 'attempt')?.waitMs).toBe(1_500)
  })

  it('refuses to start with an invalid server URL or subdomain, once and without a next attempt', () => {
    const badServer = step(FIXTURES.off!, start, { settings: { serverUrl: 'ftp://tunnel.example' } })
    expect(badServer.state.tunnel).toMatchObject({
      status: 'failed',
      attempt: 1,
      nextAttemptAt: null,
      lastError: { code: 'SERVER_UNREACHABLE', at: at(0) },
      reason: 'the tunnel server URL must start with https:// or http://',
    })
    expect(types(badServer.effects)).toEqual(['log', 'publish'])
    expect(badServer.supersedes).toBe(false)
    const badSubdomain = step(FIXTURES.off!, start, { settings: { configuredSubdomain: 'a_b' } })
    expect(badSubdomain.state.tunnel).toMatchObject({ status: 'failed', requestedSubdomain: 'a_b', lastError: { code: 'SUBDOMAIN_INVALID' } })
  })

  it('stops into off, shutting everything down first and keeping the last proof', () => {
    const proved = step(FIXTURES.online!, { type: 'probed', outcome: { ok: true } }, { ms: 700 }).state
    const transition = step(proved, { type: 'stop' })
    expect(transition.state.tunnel).toEqual({ status: 'off', serverUrl: 'https://tunnel.example', lastProvedAt: at(700), earlierRunProvedAt: null })
    expect(types(transition.effects)).toEqual(['shut-down', 'publish', 'log'])
    expect(transition.supersedes).toBe(true)
  })
})

describe('supervisor machine: attempts', () => {
  it('goes online with what the server handed out, then probes at once', () => {
    const connecting = drive([start, refused, { type: 'retry-due' }])
    expect(connecting.failedAttempts).toBe(1)
    const online = step(connecting, registered('abcdef'), { ms: 2_000 })
    expect(online.state.tunnel).toEqual({
      status: 'online',
      serverUrl: 'https://tunnel.example',
      lastProvedAt: null,
      earlierRunProvedAt: null,
      url: 'https://abcdef.tunnel.example',
      subdomain: 'abcdef',
      requestedSubdomain: null,
      requestedSubdomainSource: null,
      subdomainChanged: false,
      nextReclaimAt: null,
      onlineSince: at(2_000),
    })
    expect(online.state).toMatchObject({ failedAttempts: 0, hasBeenOnline: true, heldSubdomain: 'abcdef', consecutiveProbeFailures: 0 })
    expect(types(online.effects)).toEqual(['publish', 'log', 'probe'])
    expect(effectOf(online.effects, 'probe')).toEqual({ type: 'probe', delayMs: 0, publicUrl: 'https://abcdef.tunnel.example' })
    expect(online.supersedes).toBe(false)
  })

  it('watches for sockets that never settle when it goes online without a steady one', () => {
    const transition = step(FIXTURES.connecting!, registered('abcdef', null, 0))
    expect(types(transition.effects)).toEqual(['publish', 'log', 'arm-sockets-gone', 'probe'])
    expect(effectOf(transition.effects, 'arm-sockets-gone')?.delayMs).toBe(3_000)
    expect(types(step(FIXTURES.connecting!, registered('abcdef', null, 1)).effects)).not.toContain('arm-sockets-gone')
  })

  it('reports another subdomain than requested and starts taking the requested one back', () => {
    const connecting = step(FIXTURES.off!, start, { settings: { configuredSubdomain: 'wanted-name' } }).state
    const transition = step(connecting, registered('random-1', 'wanted-name'))
    expect(transition.state.tunnel).toMatchObject({ subdomain: 'random-1', requestedSubdomain: 'wanted-name', subdomainChanged: true })
    expect(types(transition.effects)).toEqual(['publish', 'log', 'reclaim', 'log', 'probe'])
    expect(effectOf(transition.effects, 'reclaim')).toEqual({ type: 'reclaim', wanted: 'wanted-name', tries: 0, delayMs: 1_500 })
  })

  it('moves over when the reclaim gets the requested subdomain, keeping the last proof', () => {
    const standIn = drive([start, registered('random-1', 'wanted-name'), { type: 'probed', outcome: { ok: true } }], { ms: 300 })
    const transition = step(standIn, registered('wanted-name', 'wanted-name'), { ms: 9_000 })
    expect(transition.state.tunnel).toMatchObject({
      status: 'online',
      subdomain: 'wanted-name',
      subdomainChanged: false,
      lastProvedAt: at(300),
      earlierRunProvedAt: null,
      onlineSince: at(9_000),
    })
    expect(effectOf(transition.effects, 'reclaim')).toBeUndefined()
  })

  it('after losing a stand-in, asks again for the subdomain it stood in for, not for the stand-in', () => {
    // None configured: the name held before is asked for; the server, still holding it for the
    // lost connection, hands out a stand-in.
    const standIn = drive([start, registered('random-1', 'kept-name')], { previousSubdomain: 'kept-name' })
    expect(standIn.tunnel).toMatchObject({ subdomain: 'random-1', subdomainChanged: true })
    const lost = step(standIn, connectionLost)
    expect(lost.state.tunnel).toMatchObject({ status: 'reconnecting', requestedSubdomain: 'kept-name' })
    expect(effectOf(step(lost.state, { type: 'retry-due' }).effects, 'attempt')?.subdomain).toBe('kept-name')
    // Given a stand-in again, it goes on taking the name back; given the name, it holds that.
    const again = step(step(lost.state, { type: 'retry-due' }).state, registered('random-2', 'kept-name'))
    expect(effectOf(again.effects, 'reclaim')).toMatchObject({ wanted: 'kept-name' })
    expect(step(again.state, registered('kept-name', 'kept-name')).state.heldSubdomain).toBe('kept-name')
    // A stop keeps it too: the next start asks for it.
    expect(step(step(standIn, { type: 'stop' }).state, start).state.tunnel).toMatchObject({ requestedSubdomain: 'kept-name' })
  })

  it('fails an attempt before the tunnel was ever online, backing off with jitter', () => {
    const first = step(FIXTURES.connecting!, refused, { ms: 100 })
    expect(first.state.tunnel).toEqual({
      status: 'failed',
      serverUrl: 'https://tunnel.example',
      lastProvedAt: null,
      earlierRunProvedAt: null,
      reason: 'connection refused',
      lastError: { code: 'SERVER_UNREACHABLE', message: 'connection refused', at: at(100) },
      attempt: 2,
      requestedSubdomain: null,
      requestedSubdomainSource: null,
      nextAttemptAt: at(600),
    })
    expect(types(first.effects)).toEqual(['publish', 'log', 'retry'])
    expect(effectOf(first.effects, 'retry')?.delayMs).toBe(500)
    // The second failure draws from a ceiling twice as high.
    const second = step(step(first.state, { type: 'retry-due' }).state, refused, { random: 0.75 })
    expect(second.state.tunnel).toMatchObject({ status: 'failed', attempt: 3 })
    expect(effectOf(second.effects, 'retry')?.delayMs).toBe(1_500)
  })

  it('stays reconnecting after a loss until 3 attempts failed and 10 s passed since the loss', () => {
    let state = drive([start, registered('abcdef')])
    state = step(state, connectionLost, { ms: 10_000 }).state
    expect(state.lostAt).toBe(T0 + 10_000)
    for (const ms of [11_000, 12_000]) {
      state = step(step(state, { type: 'retry-due' }, { ms }).state, refused, { ms }).state
      expect(state.tunnel.status).toBe('reconnecting')
    }
    const third = step(state, { type: 'retry-due' }, { ms: 13_000 }).state
    expect(step(third, refused, { ms: 19_999 }).state.tunnel).toMatchObject({ status: 'reconnecting', attempt: 4, requestedSubdomain: 'abcdef' })
    expect(step(third, refused, { ms: 20_000 }).state.tunnel).toMatchObject({ status: 'failed', attempt: 4 })
  })

  it('long after a loss, still takes 3 failed attempts before failed', () => {
    let state = step(drive([start, registered('abcdef')]), connectionLost).state
    const statuses: string[] = []
    for (let i = 0; i < 3; i += 1) {
      state = step(step(state, { type: 'retry-due' }, { ms: 60_000 }).state, refused, { ms: 60_000 }).state
      statuses.push(state.tunnel.status)
    }
    expect(statuses).toEqual(['reconnecting', 'reconnecting', 'failed'])
  })

  it('does not look hopeful about a refused subdomain, even right after a loss', () => {
    const lost = drive([start, registered('abcdef'), connectionLost, { type: 'retry-due' }])
    const transition = step(lost, { type: 'attempt-failed', problem: { code: 'SUBDOMAIN_REFUSED', message: 'refused "abcdef"' } })
    expect(transition.state.tunnel).toMatchObject({ status: 'failed', lastError: { code: 'SUBDOMAIN_REFUSED' } })
  })

  it('retries with the next attempt number and the same subdomain', () => {
    const failedTwice = drive([start, refused, { type: 'retry-due' }, refused], { previousSubdomain: 'kept-name' })
    const transition = step(failedTwice, { type: 'retry-due' })
    expect(transition.state.tunnel).toMatchObject({ status: 'connecting', attempt: 3, requestedSubdomain: 'kept-name' })
    expect(transition.supersedes).toBe(true)
  })
})

describe('supervisor machine: losing an online tunnel', () => {
  it('drops the connection and reconnects no sooner than the server releases the subdomain', () => {
    const transition = step(FIXTURES.online!, connectionLost, { ms: 5_000 })
    expect(transition.state.tunnel).toEqual({
      status: 'reconnecting',
      serverUrl: 'https://tunnel.example',
      lastProvedAt: null,
      earlierRunProvedAt: null,
      lastError: { code: 'TUNNEL_LOST', message: 'the connection to the tunnel server was lost: socket hang up', at: at(5_000) },
      attempt: 1,
      requestedSubdomain: 'abcdef',
      requestedSubdomainSource: 'held',
      nextAttemptAt: at(6_500),
    })
    expect(types(transition.effects)).toEqual(['log', 'drop-connection', 'publish', 'log', 'retry'])
    expect(transition.supersedes).toBe(true)
    expect(transition.state).toMatchObject({ failedAttempts: 0, lostAt: T0 + 5_000 })
  })

  it('waits the backoff instead when it is longer than the release', () => {
    const transition = step(FIXTURES.online!, connectionLost, { settings: { backoff: { initialMs: 4_000, maxMs: 8_000 } }, random: 0.9 })
    expect(effectOf(transition.effects, 'retry')?.delayMs).toBe(3_600)
  })

  it('arms the sockets-gone timer when the last steady socket closes and disarms it when one is steady again', () => {
    const gone = step(FIXTURES.online!, { type: 'connection', event: { type: 'sockets-changed', live: 0, steady: 0 } })
    expect(gone.effects).toEqual([{ type: 'arm-sockets-gone', delayMs: 3_000 }])
    expect(gone.state).toBe(FIXTURES.online)
    const back = step(FIXTURES.online!, { type: 'connection', event: { type: 'sockets-changed', live: 1, steady: 1 } })
    expect(back.effects).toEqual([{ type: 'disarm-sockets-gone' }])
  })

  it('keeps the sockets-gone timer while sockets connect and are dropped at once', () => {
    // The server drops every new socket (its limit held by a dead connection's sockets): each
    // connects and closes, none becomes steady. A live socket alone used to disarm the timer.
    const flapping = [1, 0, 1, 0].map((live) => step(FIXTURES.online!, { type: 'connection', event: { type: 'sockets-changed', live, steady: 0 } }))
    for (const transition of flapping) expect(transition.effects).toEqual([{ type: 'arm-sockets-gone', delayMs: 3_000 }])
  })

  it('counts sockets that never came back as a loss', () => {
    const transition = step(FIXTURES.online!, { type: 'sockets-gone' })
    expect(transition.state.tunnel).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'TUNNEL_LOST', message: 'every connection to the tunnel server closed and none came back to stay' },
    })
  })
})

describe('supervisor machine: probes and reclaims', () => {
  it('a good probe proves the URL and schedules the next after the interval', () => {
    const transition = step(FIXTURES.online!, { type: 'probed', outcome: { ok: true } }, { ms: 1_234 })
    expect(transition.state.tunnel).toEqual({ ...FIXTURES.online!.tunnel, lastProvedAt: at(1_234) })
    expect(transition.effects).toEqual([
      { type: 'publish', state: transition.state.tunnel },
      { type: 'probe', delayMs: 30_000, publicUrl: 'https://abcdef.tunnel.example' },
    ])
  })

  it('a failed probe looks again soon, and only failures in a row count as a loss', () => {
    const once = step(FIXTURES.online!, probeFailed)
    expect(once.state.tunnel).toBe(FIXTURES.online!.tunnel)
    expect(once.state.consecutiveProbeFailures).toBe(1)
    expect(types(once.effects)).toEqual(['log', 'probe'])
    expect(effectOf(once.effects, 'probe')?.delayMs).toBe(2_000)
    expect(effectOf(step(FIXTURES.online!, probeFailed, { settings: { probeIntervalMs: 1_000 } }).effects, 'probe')?.delayMs).toBe(1_000)

    const recovered = step(step(once.state, { type: 'probed', outcome: { ok: true } }).state, probeFailed)
    expect(recovered.state.tunnel.status).toBe('online')

    const twice = step(once.state, probeFailed)
    expect(twice.state.tunnel).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'PROBE_FAILED', message: 'the public URL no longer reaches this inspector: HTTP 404' },
    })
    expect(types(twice.effects)).toEqual(['log', 'log', 'drop-connection', 'publish', 'log', 'retry'])
    expect(step(FIXTURES.online!, probeFailed, { settings: { probeFailuresBeforeLoss: 1 } }).state.tunnel.status).toBe('reconnecting')
  })

  it('does not count a probe that timed out behind callbacks as a failure', () => {
    const timedOut = (busy: 'carried-requests' | 'saturated' | null): SupervisorEvent => ({
      type: 'probed',
      outcome: { ok: false, detail: 'did not answer in time', timedOut: true },
      busy,
    })
    const once = step(FIXTURES.online!, probeFailed).state
    // Every socket carrying an answer not out yet: the probe waited its turn; no verdict either way.
    const saturated = step(once, timedOut('saturated'))
    expect(saturated.state.tunnel).toBe(FIXTURES.online!.tunnel)
    expect(saturated.state.consecutiveProbeFailures).toBe(1)
    expect(types(saturated.effects)).toEqual(['log', 'probe'])
    expect(effectOf(saturated.effects, 'probe')?.delayMs).toBe(30_000)
    expect(step(step(saturated.state, timedOut('saturated')).state, timedOut('saturated')).state.tunnel.status).toBe('online')
    // A real failure after it is the second in a row.
    expect(step(saturated.state, probeFailed).state.tunnel.status).toBe('reconnecting')
    // Callbacks relayed meanwhile prove the public URL works: the count starts afresh.
    const carried = step(once, timedOut('carried-requests'))
    expect(carried.state.consecutiveProbeFailures).toBe(0)
    expect(step(carried.state, probeFailed).state.tunnel.status).toBe('online')
    // A timeout without such evidence counts.
    expect(step(once, timedOut(null)).state.tunnel.status).toBe('reconnecting')
  })

  it('after a wake or a network change, probes at once and takes one failure as the loss', () => {
    const changed: SupervisorEvent = { type: 'network-changed', reason: 'the network changed' }
    const checking = step(FIXTURES.online!, changed)
    expect(checking.state.tunnel).toBe(FIXTURES.online!.tunnel)
    expect(checking.effects).toEqual([
      expect.objectContaining({ type: 'log', level: 'info' }),
      { type: 'probe', delayMs: 0, publicUrl: 'https://abcdef.tunnel.example', now: true },
    ])
    expect(checking.supersedes).toBe(false)
    expect(step(checking.state, probeFailed).state.tunnel).toMatchObject({ status: 'reconnecting', lastError: { code: 'PROBE_FAILED' } })
    // A good probe clears it: a later blip needs two failures again.
    const fine = step(checking.state, { type: 'probed', outcome: { ok: true } }).state
    expect(step(fine, probeFailed).state.tunnel.status).toBe('online')
    // A probe stuck behind slow answers is still no verdict.
    const busy: SupervisorEvent = { type: 'probed', outcome: { ok: false, detail: 'did not answer in time', timedOut: true }, busy: 'saturated' }
    expect(step(checking.state, busy).state.tunnel.status).toBe('online')
  })

  it('after a wake or a network change, reconnects at once instead of waiting out the backoff', () => {
    const changed: SupervisorEvent = { type: 'network-changed', reason: 'the network changed' }
    for (const name of ['reconnecting', 'failed']) {
      const transition = step(FIXTURES[name]!, changed, { ms: 500 })
      expect(transition.state.tunnel).toMatchObject({ status: 'connecting', attempt: FIXTURES[name]!.failedAttempts + 1 })
      expect(transition.supersedes).toBe(true)
      expect(effectOf(transition.effects, 'attempt')).toMatchObject({ waitMs: 0 })
    }
    // A reconnect asks for the lost subdomain.
    expect(effectOf(step(FIXTURES.reconnecting!, changed).effects, 'attempt')?.subdomain).toBe('abcdef')
  })

  it('says when it asks for the requested subdomain next, and asks every 5 min once it has been taken for 20 min', () => {
    // On a stand-in for "wanted-name" from T0.
    const standIn = step(step(FIXTURES.off!, start, { settings: { configuredSubdomain: 'wanted-name' } }).state, registered('random-1', 'wanted-name'))
    expect(standIn.state.tunnel).toMatchObject({ subdomainChanged: true, nextReclaimAt: at(1_500) })
    let state = standIn.state
    let tries = 0
    const delays: number[] = []
    for (let ms = 1_500; ms < 60 * 60_000; tries += 1) {
      const missed = step(state, { type: 'reclaim-missed', wanted: 'wanted-name', tries, error: null }, { ms })
      const delayMs = effectOf(missed.effects, 'reclaim')!.delayMs
      // What the dialog shows as the next try is when it goes out.
      expect(effectOf(missed.effects, 'publish')?.state).toMatchObject({ status: 'online', subdomain: 'random-1', nextReclaimAt: at(ms + delayMs) })
      delays.push(delayMs)
      state = missed.state
      ms += delayMs
    }
    // 3 s, 6 s, 12 s, 24 s, then every 30 s for the first 20 minutes; every 5 minutes after. Before:
    // every 30 s for good, each try a registration the server drops a second later.
    expect(delays.slice(0, 5)).toEqual([3_000, 6_000, 12_000, 24_000, 30_000])
    expect(delays.filter((delay) => delay === 30_000).length).toBeGreaterThan(35)
    expect(delays.slice(-5)).toEqual(Array(5).fill(5 * 60_000))
    expect(delays.length).toBeLessThan(60)
    // A reconnect that lands on a stand-in for the same name again keeps counting from the first.
    const lost = step(state, connectionLost, { ms: 60 * 60_000 }).state
    const again = step(step(lost, { type: 'retry-due' }, { ms: 60 * 60_000 + 2_000 }).state, registered('random-2', 'wanted-name'), { ms: 60 * 60_000 + 3_000 })
    expect(effectOf(again.effects, 'reclaim')?.delayMs).toBe(1_500)
    const afterFirstMiss = step(again.state, { type: 'reclaim-missed', wanted: 'wanted-name', tries: 8, error: null }, { ms: 60 * 60_000 + 4_500 })
    expect(effectOf(afterFirstMiss.effects, 'reclaim')?.delayMs).toBe(5 * 60_000)
    // Online on the wanted name: nothing to take back, no next try.
    expect(step(again.state, registered('wanted-name', 'wanted-name')).state.tunnel).toMatchObject({ subdomainChanged: false, nextReclaimAt: null })
  })

  it('asks for the requested subdomain again more and more rarely, up to the longest interval', () => {
    const missed = (tries: number, error: string | null = null): SupervisorEffect[] =>
      step(FIXTURES.online!, { type: 'reclaim-missed', wanted: 'wanted-name', tries, error }).effects
    expect(types(missed(0))).toEqual(['publish', 'reclaim'])
    expect(effectOf(missed(0), 'reclaim')).toEqual({ type: 'reclaim', wanted: 'wanted-name', tries: 1, delayMs: 3_000 })
    expect(effectOf(missed(3), 'reclaim')?.delayMs).toBe(24_000)
    expect(effectOf(missed(4), 'reclaim')?.delayMs).toBe(30_000)
    expect(effectOf(missed(5_000), 'reclaim')?.delayMs).toBe(30_000)
    expect(types(missed(0, 'connection refused'))).toEqual(['log', 'publish', 'reclaim'])
    // 2 ** 1024 is Infinity, and 0 * Infinity is NaN: a zero delay must stay zero after many tries.
    const immediate = step(FIXTURES.online!, { type: 'reclaim-missed', wanted: 'wanted-name', tries: 5_000, error: null }, { settings: { reclaimDelayMs: 0 } })
    expect(effectOf(immediate.effects, 'reclaim')?.delayMs).toBe(0)
  })
})
