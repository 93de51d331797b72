/**
 * Every decision of the tunnel supervisor as one pure function, `next(state, event, context)`: what
 * the supervisor's state becomes and which effects (publish a state, log, start an attempt, arm a
 * timer, drop the connection) follow, in the order they must run.
 *
 * Why apart from tunnel-supervisor.ts: the rules (when a loss counts, when `reconnecting` turns
 * into `failed`, how long to wait, which subdomain to ask for) can then be tested state by state
 * and event by event, without a fake server, fake timers or sockets. The supervisor's closure keeps
 * the plumbing only: timers, abort controllers, the client's sockets and the token that tells a
 * stale async step from a live one. The clock reading and the jitter source come in through
 * `context`, so the same inputs give the same transition.
 */
import {
  describeInvalidServerUrl,
  describeInvalidSubdomain,
  type RequestedSubdomainSource,
  type TunnelProblem,
  type TunnelProblemCode,
  type TunnelState,
} from '../../shared/tunnel'
import { assertNever } from '../../shared/assert-never'
import { computeBackoffDelayMs } from './backoff'
import type { ProbeOutcome } from './health-probe'
import type { TunnelConnectionEvent } from './localtunnel-connection'
import type { TunnelRegistration } from './registration'
import type { MachineSettings } from './supervisor-config'

/** Delay before probing again after a failed probe. */
export const TUNNEL_PROBE_RETRY_MS = 2_000

/** Failed attempts after a loss before `reconnecting` turns into `failed` (it keeps retrying either way). */
export const TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED = 3

export interface SupervisorState {
  /**
   * What listeners see; `lastProvedAt` is kept in it across states. `off` until `start()` and
   * after `stop()`, any other status in between (a start refused for its settings is `failed`).
   */
  tunnel: TunnelState
  /** Online at least once since `start()`: only then is a failed attempt a reconnect. */
  hasBeenOnline: boolean
  /** Failed attempts since the start or since the tunnel was last online. */
  failedAttempts: number
  /**
   * The subdomain the public URL was handed out with, asked for again when none is configured so
   * the URL survives a reconnect: the one the server last gave us, except while online on a stand-in
   * (the server gave another): then the one asked for, which is being taken back. Asking for the
   * stand-in after losing it too would get it, and the name the providers were given would be
   * dropped without a word.
   */
  heldSubdomain: string | null
  /**
   * Whether `heldSubdomain` was this tunnel's in this launch (`held`) or only when the app last ran
   * (`remembered`): it stays `remembered` while the server hands out stand-ins for it.
   */
  heldSubdomainSource: 'held' | 'remembered'
  /** Clock time of the loss being reconnected after, for the floor before `failed`. */
  lostAt: number
  consecutiveProbeFailures: number
  /**
   * The subdomain being taken back while online on a stand-in, and since when: kept through a
   * reconnect that gets a stand-in for it again, so the tries slow down by how long it has been held.
   */
  standIn: { wanted: string; since: number } | null
}

/**
 * Why a probe that timed out is no sign of a lost tunnel. `carried-requests`: the server wrote
 * onto the tunnel's sockets while the probe waited, which it does only with public requests sent to
 * this tunnel, so the public URL reaches this app. `saturated`: every socket carries a request the
 * receiver has not answered yet (slow or delayed answers), so the probe waits at the server for
 * one to come free.
 */
export type BusyTunnel = 'carried-requests' | 'saturated'

/** A failed step as the plumbing reports it; the machine stamps the time. */
export interface ProblemReport {
  code: TunnelProblemCode
  message: string
}

export type SupervisorEvent =
  | { type: 'start' }
  | { type: 'stop' }
  /** The retry timer of a failed attempt or a loss fired. */
  | { type: 'retry-due' }
  /** An attempt, or a reclaim of the requested subdomain, has its sockets open. */
  | { type: 'registered'; registration: Pick<TunnelRegistration, 'id' | 'url'>; requested: string | null; steadySockets: number }
  | { type: 'attempt-failed'; problem: ProblemReport }
  | { type: 'connection'; event: TunnelConnectionEvent }
  /** The sockets-gone timer fired: no socket stayed up or carried a request within the grace time. */
  | { type: 'sockets-gone' }
  /** `busy`: the probe timed out while the tunnel was demonstrably busy (see {@link BusyTunnel}); null otherwise. */
  | { type: 'probed'; outcome: ProbeOutcome; busy?: BusyTunnel | null }
  /** A reclaim try got another subdomain (`error` null) or failed. */
  | { type: 'reclaim-missed'; wanted: string; tries: number; error: string | null }
  /** The machine woke from sleep or its network changed (network-watch.ts): the sockets may have died without a word. */
  | { type: 'network-changed'; reason: string }

export type SupervisorEffect =
  | { type: 'publish'; state: TunnelState }
  | { type: 'log'; level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> }
  /** Register (after `waitMs`, when above 0) and open the sockets, within the registration timeout. */
  | { type: 'attempt'; subdomain: string | null; waitMs: number }
  | { type: 'retry'; delayMs: number }
  /** `now`: instead of the probe scheduled, unless one is in flight (its outcome is the answer). */
  | { type: 'probe'; delayMs: number; publicUrl: string; now?: boolean }
  /** Start the sockets-gone timer unless it runs already. */
  | { type: 'arm-sockets-gone'; delayMs: number }
  | { type: 'disarm-sockets-gone' }
  | { type: 'reclaim'; wanted: string; tries: number; delayMs: number }
  /** Close the connection and cancel its probe, its timers and any reclaim. */
  | { type: 'drop-connection' }
  /** Cancel and close everything: attempt, timers, probe, reclaim, connection. */
  | { type: 'shut-down' }

export interface Transition {
  state: SupervisorState
  effects: SupervisorEffect[]
  /** Async work started before this transition is stale: the plumbing bumps its token before the effects. */
  supersedes: boolean
}

export interface TransitionContext {
  settings: MachineSettings
  /** Clock time of the event. */
  now: number
  /** Jitter source in [0, 1), drawn only by transitions that back off. */
  random: () => number
}

type Online = Extract<TunnelState, { status: 'online' }>

export function initialSupervisorState(
  serverUrl: string,
  previousSubdomain: string | null,
  previousSubdomainSource: 'held' | 'remembered' = 'held',
  earlierRunProvedAt: string | null = null,
): SupervisorState {
  return {
    tunnel: { status: 'off', serverUrl, lastProvedAt: null, earlierRunProvedAt },
    hasBeenOnline: false,
    failedAttempts: 0,
    heldSubdomain: previousSubdomain,
    heldSubdomainSource: previousSubdomainSource,
    lostAt: 0,
    consecutiveProbeFailures: 0,
    standIn: null,
  }
}

/**
 * The transition for `event` in `state`. Each case names the states its event applies in; in any
 * other the event is stale (a timer or a step that outlived its state) and changes nothing.
 */
export function next(state: SupervisorState, event: SupervisorEvent, context: TransitionContext): Transition {
  const tunnel = state.tunnel
  switch (event.type) {
    case 'start':
      return tunnel.status === 'off' ? start(state, context) : unchanged(state)
    case 'stop':
      return tunnel.status === 'off' ? unchanged(state) : stop(state)
    case 'retry-due': {
      // A `failed` without a next attempt (invalid settings) has no retry timer to wait for.
      const isWaiting = tunnel.status === 'reconnecting' || (tunnel.status === 'failed' && tunnel.nextAttemptAt !== null)
      return isWaiting ? beginAttempt(state, context) : unchanged(state)
    }
    case 'registered':
      return tunnel.status === 'connecting' || tunnel.status === 'online' ? goOnline(state, event, context) : unchanged(state)
    case 'attempt-failed':
      return tunnel.status === 'connecting' ? attemptFailed(state, event.problem, context) : unchanged(state)
    case 'connection':
      return tunnel.status === 'online' ? onConnectionEvent(state, event.event, context) : unchanged(state)
    case 'sockets-gone':
      return tunnel.status === 'online'
        ? lose(state, { code: 'TUNNEL_LOST', message: 'every connection to the tunnel server closed and none came back to stay' }, context)
        : unchanged(state)
    case 'probed':
      return tunnel.status === 'online' ? probed(state, tunnel, event.outcome, event.busy ?? null, context) : unchanged(state)
    case 'reclaim-missed':
      return tunnel.status === 'online' ? reclaimMissed(state, tunnel, event, context) : unchanged(state)
    case 'network-changed':
      return networkChanged(state, event.reason, context)
    default:
      return assertNever(event)
  }
}

/**
 * After a wake or a network change the tunnel's sockets may be dead, and nothing but a probe tells:
 * while online, probe at once and take one failure as the loss (a blip of the public server is
 * the least likely reason now); while waiting to reconnect, try at once instead of after the
 * backoff (up to a minute), since the network that was missing may be back.
 */
function networkChanged(state: SupervisorState, reason: string, context: TransitionContext): Transition {
  const tunnel = state.tunnel
  const log: SupervisorEffect = {
    type: 'log',
    level: 'info',
    message: 'tunnel: the machine woke or its network changed; checking the tunnel now',
    fields: { reason },
  }
  if (tunnel.status === 'online') {
    const consecutiveProbeFailures = Math.max(state.consecutiveProbeFailures, context.settings.probeFailuresBeforeLoss - 1)
    return {
      state: { ...state, consecutiveProbeFailures },
      effects: [log, { type: 'probe', delayMs: 0, publicUrl: tunnel.url, now: true }],
      supersedes: false,
    }
  }
  const isWaiting = tunnel.status === 'reconnecting' || (tunnel.status === 'failed' && tunnel.nextAttemptAt !== null)
  if (!isWaiting) return unchanged(state)
  const attempt = beginAttempt(state, context)
  return { ...attempt, effects: [log, ...attempt.effects] }
}

function unchanged(state: SupervisorState): Transition {
  return { state, effects: [], supersedes: false }
}

const isoAt = (ms: number): string => new Date(ms).toISOString()

function requestedSubdomain(state: SupervisorState, settings: MachineSettings): string | null {
  return settings.configuredSubdomain ?? state.heldSubdomain
}

/** Why {@link requestedSubdomain} is asked for, for the words the UI shows. */
function requestedSubdomainSource(state: SupervisorState, settings: MachineSettings): RequestedSubdomainSource | null {
  if (settings.configuredSubdomain !== null) return 'configured'
  return state.heldSubdomain === null ? null : state.heldSubdomainSource
}

function start(state: SupervisorState, context: TransitionContext): Transition {
  const { settings } = context
  const started: SupervisorState = { ...state, hasBeenOnline: false, failedAttempts: 0, standIn: null }
  const invalid = invalidSettings(settings, context.now)
  if (invalid === null) return beginAttempt(started, context)
  // Retrying cannot fix a setting: fail once, with no next attempt, until the settings change.
  const tunnel: TunnelState = {
    status: 'failed',
    serverUrl: settings.serverUrl,
    lastProvedAt: state.tunnel.lastProvedAt,
    earlierRunProvedAt: state.tunnel.earlierRunProvedAt,
    reason: invalid.message,
    lastError: invalid,
    attempt: 1,
    requestedSubdomain: settings.configuredSubdomain,
    requestedSubdomainSource: settings.configuredSubdomain === null ? null : 'configured',
    nextAttemptAt: null,
  }
  return {
    state: { ...started, tunnel },
    effects: [
      { type: 'log', level: 'warn', message: 'tunnel: not started', fields: { message: invalid.message } },
      { type: 'publish', state: tunnel },
    ],
    supersedes: false,
  }
}

function invalidSettings(settings: MachineSettings, now: number): TunnelProblem | null {
  const badServer = describeInvalidServerUrl(settings.serverUrl)
  if (badServer !== null) return { code: 'SERVER_UNREACHABLE', message: badServer, at: isoAt(now) }
  const badSubdomain = settings.configuredSubdomain === null ? null : describeInvalidSubdomain(settings.configuredSubdomain)
  if (badSubdomain !== null) return { code: 'SUBDOMAIN_INVALID', message: badSubdomain, at: isoAt(now) }
  return null
}

function stop(state: SupervisorState): Transition {
  const tunnel: TunnelState = {
    status: 'off',
    serverUrl: state.tunnel.serverUrl,
    lastProvedAt: state.tunnel.lastProvedAt,
    earlierRunProvedAt: state.tunnel.earlierRunProvedAt,
  }
  return {
    state: { ...state, tunnel },
    effects: [{ type: 'shut-down' }, { type: 'publish', state: tunnel }, { type: 'log', level: 'info', message: 'tunnel: stopped' }],
    supersedes: true,
  }
}

function beginAttempt(state: SupervisorState, { settings, now }: TransitionContext): Transition {
  const attempt = state.failedAttempts + 1
  const requested = requestedSubdomain(state, settings)
  const { serverUrl } = settings
  const tunnel: TunnelState = {
    status: 'connecting',
    serverUrl,
    lastProvedAt: state.tunnel.lastProvedAt,
    earlierRunProvedAt: state.tunnel.earlierRunProvedAt,
    attempt,
    requestedSubdomain: requested,
    requestedSubdomainSource: requestedSubdomainSource(state, settings),
  }
  const effects: SupervisorEffect[] = [
    { type: 'publish', state: tunnel },
    { type: 'log', level: 'info', message: 'tunnel: connecting', fields: { serverUrl, attempt, requestedSubdomain: requested } },
  ]
  // Only the first attempt of a run waits: the previous run's client still holds its subdomain.
  const untilReleasedMs = settings.firstAttemptNotBefore - now
  const waitMs = attempt === 1 && !state.hasBeenOnline && untilReleasedMs > 0 ? untilReleasedMs : 0
  if (waitMs > 0) effects.push({ type: 'log', level: 'info', message: 'tunnel: waiting for the server to release the previous run', fields: { waitMs } })
  effects.push({ type: 'attempt', subdomain: requested, waitMs })
  return { state: { ...state, tunnel }, effects, supersedes: true }
}

function goOnline(state: SupervisorState, event: Extract<SupervisorEvent, { type: 'registered' }>, { settings, now }: TransitionContext): Transition {
  const { registration, requested } = event
  const wanted = requested !== null && requested !== registration.id ? requested : null
  const standIn = wanted === null ? null : state.standIn?.wanted === wanted ? state.standIn : { wanted, since: now }
  const reclaim = standIn === null ? null : reclaimEffect(standIn, 0, settings, now)
  const tunnel: Online = {
    status: 'online',
    serverUrl: settings.serverUrl,
    lastProvedAt: state.tunnel.lastProvedAt,
    earlierRunProvedAt: state.tunnel.earlierRunProvedAt,
    url: registration.url,
    subdomain: registration.id,
    requestedSubdomain: requested,
    requestedSubdomainSource: requested === null ? null : requestedSubdomainSource(state, settings),
    subdomainChanged: wanted !== null,
    nextReclaimAt: reclaim === null ? null : isoAt(now + reclaim.delayMs),
    onlineSince: isoAt(now),
  }
  const effects: SupervisorEffect[] = [{ type: 'publish', state: tunnel }]
  if (reclaim !== null) {
    // The server gives a random id when the asked-for one is taken, without saying so
    // (localtunnel/localtunnel#248, #403): callback URLs at providers are now stale.
    effects.push({
      type: 'log',
      level: 'warn',
      message: 'tunnel: the server gave another subdomain than requested',
      fields: { requestedSubdomain: requested, subdomain: registration.id },
    })
    effects.push(reclaim)
  }
  effects.push({ type: 'log', level: 'info', message: 'tunnel: online', fields: { url: registration.url } })
  if (event.steadySockets === 0) effects.push({ type: 'arm-sockets-gone', delayMs: settings.socketsGoneGraceMs })
  effects.push({ type: 'probe', delayMs: 0, publicUrl: registration.url })
  return {
    state: {
      ...state,
      tunnel,
      failedAttempts: 0,
      hasBeenOnline: true,
      heldSubdomain: tunnel.subdomainChanged ? requested : registration.id,
      // A name asked for again from the last launch is this launch's only once the server hands it out.
      heldSubdomainSource: tunnel.subdomainChanged ? state.heldSubdomainSource : 'held',
      consecutiveProbeFailures: 0,
      standIn,
    },
    effects,
    supersedes: false,
  }
}

/**
 * Online, but on another subdomain than asked for: the wanted one is usually held by our own
 * previous client for a second or two, or by a connection of ours that died without a word until
 * the server's writes onto it time out (minutes), or by someone else for longer. Keep asking for it,
 * more and more rarely, and move over once the server hands it out.
 */
function reclaimEffect(
  standIn: { wanted: string; since: number },
  tries: number,
  settings: MachineSettings,
  now: number,
): Extract<SupervisorEffect, { type: 'reclaim' }> {
  const longest = now - standIn.since < settings.reclaimPatienceMs ? settings.reclaimMaxIntervalMs : settings.reclaimSlowIntervalMs
  const delayMs = Math.min(longest, settings.reclaimDelayMs * 2 ** Math.min(tries, 20))
  return { type: 'reclaim', wanted: standIn.wanted, tries, delayMs }
}

function reclaimMissed(
  state: SupervisorState,
  online: Online,
  missed: Extract<SupervisorEvent, { type: 'reclaim-missed' }>,
  { settings, now }: TransitionContext,
): Transition {
  const effects: SupervisorEffect[] = []
  if (missed.error !== null) {
    effects.push({ type: 'log', level: 'warn', message: 'tunnel: could not take the requested subdomain back yet', fields: { error: missed.error } })
  }
  const standIn = state.standIn?.wanted === missed.wanted ? state.standIn : { wanted: missed.wanted, since: now }
  const reclaim = reclaimEffect(standIn, missed.tries + 1, settings, now)
  const tunnel: Online = { ...online, nextReclaimAt: isoAt(now + reclaim.delayMs) }
  effects.push({ type: 'publish', state: tunnel }, reclaim)
  return { state: { ...state, tunnel, standIn }, effects, supersedes: false }
}

function attemptFailed(state: SupervisorState, report: ProblemReport, context: TransitionContext): Transition {
  const failedAttempts = state.failedAttempts + 1
  const delayMs = computeBackoffDelayMs(failedAttempts, context.settings.backoff, context.random)
  const isEarly = failedAttempts < TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED || context.now - state.lostAt < context.settings.reconnectMsBeforeFailed
  // A refused subdomain will be refused again: no point in looking hopeful about it.
  const stillReconnecting = state.hasBeenOnline && isEarly && report.code !== 'SUBDOMAIN_REFUSED'
  return scheduleRetry({ ...state, failedAttempts }, report, stillReconnecting ? 'reconnecting' : 'failed', delayMs, context)
}

/** An online tunnel stopped working: drop it and reconnect, asking for the same subdomain. */
function lose(state: SupervisorState, report: ProblemReport, context: TransitionContext, before: SupervisorEffect[] = []): Transition {
  const { settings, now } = context
  const delayMs = Math.max(settings.reclaimDelayMs, computeBackoffDelayMs(1, settings.backoff, context.random))
  // failedAttempts is already 0: going online reset it.
  const retry = scheduleRetry({ ...state, lostAt: now }, report, 'reconnecting', delayMs, context)
  const lost: SupervisorEffect[] = [
    { type: 'log', level: 'warn', message: 'tunnel: lost', fields: { code: report.code, message: report.message } },
    { type: 'drop-connection' },
  ]
  return { state: retry.state, effects: [...before, ...lost, ...retry.effects], supersedes: true }
}

function scheduleRetry(
  state: SupervisorState,
  report: ProblemReport,
  status: 'reconnecting' | 'failed',
  delayMs: number,
  { settings, now }: TransitionContext,
): Transition {
  const problem: TunnelProblem = { ...report, at: isoAt(now) }
  const common = {
    serverUrl: settings.serverUrl,
    lastProvedAt: state.tunnel.lastProvedAt,
    earlierRunProvedAt: state.tunnel.earlierRunProvedAt,
    lastError: problem,
    attempt: state.failedAttempts + 1,
    requestedSubdomain: requestedSubdomain(state, settings),
    requestedSubdomainSource: requestedSubdomainSource(state, settings),
    nextAttemptAt: isoAt(now + delayMs),
  }
  const tunnel: TunnelState = status === 'failed' ? { status, reason: problem.message, ...common } : { status, ...common }
  return {
    state: { ...state, tunnel },
    effects: [
      { type: 'publish', state: tunnel },
      { type: 'log', level: 'warn', message: `tunnel: ${status}, next attempt in ${delayMs} ms`, fields: { code: problem.code, message: problem.message } },
      { type: 'retry', delayMs },
    ],
    supersedes: false,
  }
}

function onConnectionEvent(state: SupervisorState, event: TunnelConnectionEvent, context: TransitionContext): Transition {
  switch (event.type) {
    case 'error':
      return lose(state, { code: 'TUNNEL_LOST', message: `the connection to the tunnel server was lost: ${event.message}` }, context)
    case 'sockets-changed': {
      // Steady sockets, not live ones: a server that drops every new socket at once (its limit
      // still held by the dead sockets of a connection it never heard close) has the live count
      // flip between 0 and 1, which never left it at 0 for the whole grace time: the loss waited
      // for the probe. A socket that stays up, or carries a request, is what shows the tunnel works;
      // an idle tunnel keeps its sockets open, so they stay steady.
      const effect: SupervisorEffect =
        event.steady === 0 ? { type: 'arm-sockets-gone', delayMs: context.settings.socketsGoneGraceMs } : { type: 'disarm-sockets-gone' }
      return { state, effects: [effect], supersedes: false }
    }
    default:
      return assertNever(event)
  }
}

function probed(state: SupervisorState, online: Online, outcome: ProbeOutcome, busy: BusyTunnel | null, context: TransitionContext): Transition {
  const { settings } = context
  if (!outcome.ok && busy !== null) {
    // Not a failure: dropping the tunnel now would cut every answer in flight and the public URL
    // with them. Requests seen meanwhile prove the URL works; a saturated tunnel only delays the
    // verdict to the next probe (a dead network frees the sockets within the answers' delays).
    const consecutiveProbeFailures = busy === 'carried-requests' ? 0 : state.consecutiveProbeFailures
    const reason =
      busy === 'carried-requests' ? 'the server relayed callbacks meanwhile' : 'every connection is carrying a callback whose answer is not out yet'
    return {
      state: { ...state, consecutiveProbeFailures },
      effects: [
        { type: 'log', level: 'info', message: 'tunnel: health probe waited behind callbacks, not counted as a failure', fields: { reason } },
        { type: 'probe', delayMs: settings.probeIntervalMs, publicUrl: online.url },
      ],
      supersedes: false,
    }
  }
  if (outcome.ok) {
    const tunnel: Online = { ...online, lastProvedAt: isoAt(context.now) }
    return {
      state: { ...state, tunnel, consecutiveProbeFailures: 0 },
      effects: [
        { type: 'publish', state: tunnel },
        { type: 'probe', delayMs: settings.probeIntervalMs, publicUrl: online.url },
      ],
      supersedes: false,
    }
  }
  const failed: SupervisorState = { ...state, consecutiveProbeFailures: state.consecutiveProbeFailures + 1 }
  const warned: SupervisorEffect = {
    type: 'log',
    level: 'warn',
    message: 'tunnel: health probe failed',
    fields: { detail: outcome.detail, consecutive: failed.consecutiveProbeFailures },
  }
  if (failed.consecutiveProbeFailures >= settings.probeFailuresBeforeLoss) {
    return lose(failed, { code: 'PROBE_FAILED', message: `the public URL no longer reaches this inspector: ${outcome.detail}` }, context, [warned])
  }
  // After a failure, look again soon: the first probe can race the client's sockets connecting,
  // and a real loss should be confirmed in seconds, not after a whole interval.
  const delayMs = Math.min(settings.probeIntervalMs, TUNNEL_PROBE_RETRY_MS)
  return { state: failed, effects: [warned, { type: 'probe', delayMs, publicUrl: online.url }], supersedes: false }
}
