/**
 * The supervised localtunnel tunnel: registers with a timeout, opens the client's sockets, watches
 * them and the public URL, and reconnects with backoff, asking for the same subdomain again.
 *
 * The localtunnel 2.0.2 client on its own crashes the process on a server restart (no 'error'
 * listener: localtunnel/localtunnel#81, #321, #388), reports no loss (#315), never re-registers,
 * hangs for ever when the server is unreachable, and silently takes a random subdomain when the
 * requested one is taken (#248, #403). Each of those is handled here (issues at github.com/localtunnel/localtunnel):
 * a taken subdomain is asked for again until the server hands it out (`runReclaim`).
 *
 * What to do on each event is decided by the pure `next` of supervisor-machine.ts; this closure
 * feeds it events and performs the effects it returns (timers, registration, probe, sockets).
 *
 * Concurrency model: every attempt, loss and stop bumps `token` (the machine says which
 * transitions supersede); an async step that resumes with an older token finds its work superseded
 * and only cleans up after itself.
 */
import type { TunnelState } from '../../shared/tunnel'
import { errorMessage } from '../../shared/errors'
import { assertNever } from '../../shared/assert-never'
import { probeHealth } from './health-probe'
import type { TunnelConnection, TunnelConnectionEvent } from './localtunnel-connection'
import type { TunnelRegistration } from './registration'
import { initialSupervisorState, next, type BusyTunnel, type ProblemReport, type SupervisorEffect, type SupervisorEvent } from './supervisor-machine'
import { resolveDeps, resolveMachineSettings, resolveProbeTimeoutMs, type TunnelSupervisorConfig, type TunnelSupervisorDeps } from './supervisor-config'
import { startSteppedTimeout } from './stepped-timeout'
import { TunnelProblemError } from './tunnel-problem'

// What the supervisor is given lives in supervisor-config.ts; callers name it through this module.
export type { TunnelLogger, TunnelSupervisorConfig, TunnelSupervisorDeps, TunnelTimers } from './supervisor-config'

export interface TunnelSupervisor {
  /**
   * Start connecting. Resolves once the first attempt has settled (online, or failed with a retry
   * scheduled); never rejects. Calling it while running changes nothing.
   */
  start(): Promise<void>
  /** Cancel everything (timers, probe, registration in flight, client sockets); resolves when closed. */
  stop(): Promise<void>
  getState(): TunnelState
  /** Called on every state change; returns its unsubscribe. */
  onState(listener: (state: TunnelState) => void): () => void
}

/** Create the supervisor; nothing happens until `start()`. */
export function createTunnelSupervisor(config: TunnelSupervisorConfig, deps: TunnelSupervisorDeps = {}): TunnelSupervisor {
  const { register, openTunnel, probe, clock, timers, logger, random, watchNetwork } = resolveDeps(deps)
  const settings = resolveMachineSettings(config)
  const { serverUrl } = settings
  const probeTimeoutMs = resolveProbeTimeoutMs(config)

  if (!Number.isInteger(config.localPort) || config.localPort < 1 || config.localPort > 65_535) {
    throw new RangeError(`the tunnel's local port must be the receiver's port (1-65535), got ${config.localPort}`)
  }

  const listeners = new Set<(state: TunnelState) => void>()
  let machine = initialSupervisorState(serverUrl, config.previousSubdomain ?? null, config.previousSubdomainSource, config.earlierRunProvedAt ?? null)
  let token = 0
  let connection: TunnelConnection | null = null
  let currentAttempt: Promise<void> | null = null
  let attemptAbort: AbortController | null = null
  let probeAbort: AbortController | null = null
  let retryTimer: unknown = null
  /** Cancels the registration timeout of the attempt in flight. */
  let cancelDeadline: (() => void) | null = null
  let probeTimer: unknown = null
  let socketsGoneTimer: unknown = null
  let reclaimTimer: unknown = null
  let reclaimAbort: AbortController | null = null
  let currentReclaim: Promise<void> | null = null
  /** Everything the last shut-down effect closed and cancelled, settling once all have; what `stop()` waits for. */
  let stopping: Promise<unknown> | null = null
  /** Ends the watch for a wake or a network change, which runs from start() to stop(). */
  let stopWatching: (() => void) | null = null

  /**
   * Feed one event to the machine and perform its effects in order. The state is taken before any
   * effect runs, so a listener that calls back in (a stop from a state listener) sees it. Effects
   * carry the token of their transition: what they start is stale once a later one supersedes it.
   */
  function dispatch(event: SupervisorEvent): void {
    const transition = next(machine, event, { settings, now: clock.now(), random })
    machine = transition.state
    if (transition.supersedes) token += 1
    const myToken = token
    for (const effect of transition.effects) perform(effect, myToken)
  }

  function perform(effect: SupervisorEffect, myToken: number): void {
    switch (effect.type) {
      case 'publish':
        publish(effect.state)
        return
      case 'log':
        logger[effect.level](effect.message, effect.fields)
        return
      case 'attempt':
        currentAttempt = runAttempt(myToken, effect.subdomain, effect.waitMs).catch(reportUnexpected)
        return
      case 'retry':
        retryTimer = timers.setTimeout(() => {
          retryTimer = null
          if (myToken === token) dispatch({ type: 'retry-due' })
        }, effect.delayMs)
        return
      case 'probe':
        if (effect.now === true) {
          if (probeAbort !== null) return
          probeTimer = clearTimer(probeTimer)
        }
        probeTimer = timers.setTimeout(() => void runProbe(myToken, effect.publicUrl).catch(reportUnexpected), effect.delayMs)
        return
      case 'arm-sockets-gone':
        if (socketsGoneTimer !== null) return
        socketsGoneTimer = timers.setTimeout(() => {
          socketsGoneTimer = null
          if (myToken === token) dispatch({ type: 'sockets-gone' })
        }, effect.delayMs)
        return
      case 'disarm-sockets-gone':
        socketsGoneTimer = clearTimer(socketsGoneTimer)
        return
      case 'reclaim':
        reclaimTimer = timers.setTimeout(() => {
          reclaimTimer = null
          if (myToken !== token) return
          currentReclaim = runReclaim(myToken, effect.wanted, effect.tries).catch(reportUnexpected)
        }, effect.delayMs)
        return
      case 'drop-connection':
        probeTimer = clearTimer(probeTimer)
        socketsGoneTimer = clearTimer(socketsGoneTimer)
        cancelReclaim()
        probeAbort?.abort()
        probeAbort = null
        void closeQuietly(connection)
        connection = null
        return
      case 'shut-down':
        stopWatching?.()
        stopWatching = null
        stopping = shutDown()
        return
      default:
        assertNever(effect)
    }
  }

  function publish(state: TunnelState): void {
    for (const listener of [...listeners]) {
      try {
        listener(state)
      } catch (error: unknown) {
        logger.error('a tunnel state listener threw', { error: errorMessage(error) })
      }
    }
  }

  function clearTimer(handle: unknown): null {
    if (handle !== null) timers.clearTimeout(handle)
    return null
  }

  function closeQuietly(closing: TunnelConnection | null): Promise<void> {
    if (closing === null) return Promise.resolve()
    return closing.close().catch((error: unknown) => {
      logger.warn('closing the tunnel client failed', { error: errorMessage(error) })
    })
  }

  /** Resolves after `delayMs` on the injected timers, or at once when `signal` aborts. */
  function sleep(delayMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const handle = timers.setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, delayMs)
      function onAbort(): void {
        timers.clearTimeout(handle)
        resolve()
      }
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * The registration timeout (of an attempt, or of a reclaim), not counting time the process could
   * not run (stepped-timeout.ts). A plain timer fired first after a stall or a sleep as long as the
   * budget (15 s), before the server's answer that came meanwhile was read: a tunnel that opened
   * failed with "did not open the tunnel within 15 s", or a reclaim was given up on.
   */
  function startDeadline(what: string, onExpired: () => void): () => void {
    return startSteppedTimeout({
      timers,
      clock,
      budgetMs: config.registrationTimeoutMs,
      onExpired,
      onStall: (lateMs) =>
        logger.info(`tunnel: the app was stalled while ${what} waited; that time does not count against its timeout`, { stalledMs: Math.round(lateMs) }),
    })
  }

  /** Last line of defence: nothing the tunnel does may become an unhandled rejection. */
  function reportUnexpected(error: unknown): void {
    logger.error('tunnel: unexpected error', { error: errorMessage(error) })
  }

  /** The client's sockets for `registration`; their events count while `eventToken()` is the current token. */
  function openSockets(registration: TunnelRegistration, signal: AbortSignal, eventToken: () => number): Promise<TunnelConnection> {
    const onEvent = (event: TunnelConnectionEvent): void => {
      if (eventToken() === token) dispatch({ type: 'connection', event })
    }
    return openTunnel({ registration, localPort: config.localPort, localHost: config.localHost, signal, onEvent })
  }

  async function runAttempt(myToken: number, requested: string | null, waitMs: number): Promise<void> {
    const abort = new AbortController()
    attemptAbort = abort
    if (waitMs > 0) {
      await sleep(waitMs, abort.signal)
      if (myToken !== token) return
    }
    cancelDeadline = startDeadline('the registration', () => {
      const seconds = Math.round(config.registrationTimeoutMs / 100) / 10
      abort.abort(new TunnelProblemError('REGISTRATION_TIMEOUT', `the tunnel server at ${serverUrl} did not open the tunnel within ${seconds} s`))
    })
    try {
      const registration = await register({ serverUrl, subdomain: requested }, abort.signal)
      if (myToken !== token) return
      const opened = await openSockets(registration, abort.signal, () => myToken)
      if (myToken !== token) {
        await closeQuietly(opened)
        return
      }
      cancelDeadline?.()
      cancelDeadline = null
      attemptAbort = null
      connection = opened
      dispatch({ type: 'registered', registration, requested, steadySockets: opened.steadySockets() })
    } catch (error: unknown) {
      if (myToken !== token) return
      cancelDeadline?.()
      cancelDeadline = null
      attemptAbort = null
      dispatch({ type: 'attempt-failed', problem: problemReportOf(error) })
    }
  }

  async function runProbe(myToken: number, publicUrl: string): Promise<void> {
    probeTimer = null
    if (myToken !== token) return
    const abort = new AbortController()
    probeAbort = abort
    const probed = connection
    const writesBefore = probed?.serverWrites() ?? 0
    // Not a plain timer: after a stall of this process it would fire before the answer that came
    // meanwhile is read (stepped-timeout.ts).
    const cancelTimeout = startSteppedTimeout({
      timers,
      clock,
      budgetMs: probeTimeoutMs,
      onExpired: () => abort.abort(),
      onStall: (lateMs) =>
        logger.info('tunnel: the app was stalled while the health probe waited; that time does not count against the probe', {
          stalledMs: Math.round(lateMs),
        }),
    })
    const target = new URL(config.healthPath, publicUrl).toString()
    const outcome = await probeHealth(target, config.healthNonce, probe, abort.signal)
    cancelTimeout()
    if (probeAbort === abort) probeAbort = null
    if (myToken !== token) return
    // A probe that timed out may only have waited its turn at the server: every socket carrying a
    // slow answer (a delay configured, a flood of callbacks), the probe queued behind them.
    const busy = !outcome.ok && outcome.timedOut && probed !== null && probed === connection ? busyEvidence(probed, writesBefore) : null
    dispatch({ type: 'probed', outcome, busy })
  }

  /** Why a probe that timed out says nothing about the tunnel, if it does not. */
  function busyEvidence(probed: TunnelConnection, writesBefore: number): BusyTunnel | null {
    if (probed.serverWrites() > writesBefore) return 'carried-requests'
    if (probed.isSaturated()) return 'saturated'
    return null
  }

  /** One try to take `wanted` back (the machine schedules the tries); moves over when the server hands it out. */
  async function runReclaim(myToken: number, wanted: string, tries: number): Promise<void> {
    const abort = new AbortController()
    reclaimAbort = abort
    const cancelTimeout = startDeadline('the reclaim', () => abort.abort())
    let eventToken = -1
    try {
      // A registration that hands out another id is simply not used: the server forgets it after
      // its grace period, since no socket ever connects to it.
      const registration = await register({ serverUrl, subdomain: wanted }, abort.signal)
      if (myToken !== token) return
      if (registration.id !== wanted) {
        dispatch({ type: 'reclaim-missed', wanted, tries, error: null })
        return
      }
      // Its events count only once it has taken over (below).
      const opened = await openSockets(registration, abort.signal, () => eventToken)
      if (myToken !== token) {
        await closeQuietly(opened)
        return
      }
      // Move over: the old connection, its probe and its timers belong to a superseded token.
      token += 1
      eventToken = token
      probeTimer = clearTimer(probeTimer)
      socketsGoneTimer = clearTimer(socketsGoneTimer)
      probeAbort?.abort()
      probeAbort = null
      const previous = connection
      connection = opened
      logger.info('tunnel: took the requested subdomain back', { subdomain: wanted })
      dispatch({ type: 'registered', registration, requested: wanted, steadySockets: opened.steadySockets() })
      await closeQuietly(previous)
    } catch (error: unknown) {
      if (myToken !== token) return
      dispatch({ type: 'reclaim-missed', wanted, tries, error: errorMessage(error) })
    } finally {
      cancelTimeout()
      if (reclaimAbort === abort) reclaimAbort = null
    }
  }

  function cancelReclaim(): void {
    reclaimTimer = clearTimer(reclaimTimer)
    reclaimAbort?.abort()
    reclaimAbort = null
  }

  /** Cancels every timer and step in flight and closes the connection; resolves once all have settled. */
  function shutDown(): Promise<unknown> {
    retryTimer = clearTimer(retryTimer)
    cancelDeadline?.()
    cancelDeadline = null
    probeTimer = clearTimer(probeTimer)
    socketsGoneTimer = clearTimer(socketsGoneTimer)
    cancelReclaim()
    attemptAbort?.abort(new TunnelProblemError('REGISTRATION_TIMEOUT', 'the tunnel was stopped'))
    attemptAbort = null
    probeAbort?.abort()
    probeAbort = null
    const closing = closeQuietly(connection)
    connection = null
    const attempt = currentAttempt
    currentAttempt = null
    const reclaim = currentReclaim
    currentReclaim = null
    return Promise.all([closing, attempt, reclaim])
  }

  return {
    start() {
      const attemptBefore = currentAttempt
      const wasOff = machine.tunnel.status === 'off'
      dispatch({ type: 'start' })
      if (wasOff && machine.tunnel.status !== 'off' && stopWatching === null) {
        stopWatching = watchNetwork((reason) => {
          if (machine.tunnel.status !== 'off') dispatch({ type: 'network-changed', reason })
        })
      }
      // Only a start that launched an attempt waits for it (not one while running, nor one refused for its settings).
      return currentAttempt !== attemptBefore && currentAttempt !== null ? currentAttempt : Promise.resolve()
    },

    async stop() {
      const shutDownBefore = stopping
      dispatch({ type: 'stop' })
      // Only a stop that shut down waits for it (not one while stopped, nor one from a listener of that stop).
      if (stopping !== shutDownBefore) await stopping
    },

    getState: () => machine.tunnel,

    onState(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

/** A failed attempt's error as the state will show it; anything but our own problem is an unreachable server. */
function problemReportOf(error: unknown): ProblemReport {
  if (error instanceof TunnelProblemError) return { code: error.code, message: error.message }
  return { code: 'SERVER_UNREACHABLE', message: `the tunnel could not be opened: ${errorMessage(error)}` }
}
