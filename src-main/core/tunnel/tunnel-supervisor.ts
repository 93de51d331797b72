/**
 * The supervised localtunnel tunnel: registers with a timeout, opens the client's sockets, watches
 * them and the public URL, and reconnects with backoff, asking for the same subdomain again.
 *
 * The localtunnel 2.0.2 client on its own crashes the process on a server restart (no 'error'
 * listener: localtunnel/localtunnel#81, #321, #388), reports no loss (#315), never re-registers,
 * hangs for ever when the server is unreachable, and silently takes a random subdomain when the
 * requested one is taken (#248, #403). Each of those is handled here (issues at github.com/localtunnel/localtunnel):
 * a taken subdomain is asked for again until the server hands it out (`scheduleReclaim`).
 *
 * Concurrency model: every attempt, loss and stop bumps `token`; an async step that resumes with
 * an older token finds its work superseded and only cleans up after itself.
 */
import { describeInvalidServerUrl, describeInvalidSubdomain, type TunnelProblem, type TunnelProblemCode, type TunnelState } from '../../shared/tunnel'
import { computeBackoffDelayMs, type BackoffConfig } from './backoff'
import { nodeProbeFetch, probeHealth, type ProbeFetch } from './health-probe'
import { openLocaltunnelConnection, type OpenTunnel, type TunnelConnection, type TunnelConnectionEvent } from './localtunnel-connection'
import { requestRegistration, type RegistrationRequest, type TunnelRegistration } from './registration'
import { errorMessage } from '../../shared/errors'
import { assertNever } from '../../shared/assert-never'
import { TunnelProblemError } from './tunnel-problem'

/** Upper bound of one health probe when the config does not set one. */
export const TUNNEL_PROBE_TIMEOUT_MS = 10_000

/** Delay before probing again after a failed probe. */
export const TUNNEL_PROBE_RETRY_MS = 2_000
/** Failed probes in a row that count as a lost tunnel: one can be a blip of the public server. */
export const TUNNEL_PROBE_FAILURES_BEFORE_LOSS = 2

/**
 * The localtunnel server keeps a client registered for about a second after its last socket
 * closes (localtunnel/server `lib/Client.js`, grace timeout). Asking for our subdomain again
 * sooner finds it "taken" by our own ghost and yields a random one, so the first reconnect after
 * a loss waits at least this long.
 */
export const TUNNEL_RECLAIM_DELAY_MS = 1_500

/** No socket to the server for this long while online counts as a loss (the client reopens dead sockets at once). */
export const TUNNEL_SOCKETS_GONE_GRACE_MS = 3_000

/** Failed attempts after a loss before `reconnecting` turns into `failed` (it keeps retrying either way). */
export const TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED = 3

/**
 * ...and the least time since the loss before it does: quick refusals while the tunnel server
 * restarts (a couple of seconds) are not a failure worth a red state.
 */
export const TUNNEL_RECONNECT_MS_BEFORE_FAILED = 10_000

/** Longest wait between tries to take the requested subdomain back while online with another one. */
export const TUNNEL_RECLAIM_MAX_INTERVAL_MS = 30_000

export interface TunnelSupervisorConfig {
  /** The receiver port: the only port the tunnel ever exposes. Never the API's or the UI's. */
  localPort: number
  localHost: '127.0.0.1'
  /** Tunnel server base URL, e.g. `https://localtunnel.me`. */
  serverUrl: string
  /** Subdomain to ask for on every attempt; without one, the subdomain last held is asked for again. */
  subdomain?: string | null
  /** Budget of one attempt: registration plus the first socket to the server. */
  registrationTimeoutMs: number
  /** Time between health probes while online. */
  probeIntervalMs: number
  /** Defaults to the smaller of `probeIntervalMs` and {@link TUNNEL_PROBE_TIMEOUT_MS}. */
  probeTimeoutMs?: number
  /** Defaults to {@link TUNNEL_PROBE_FAILURES_BEFORE_LOSS}. */
  probeFailuresBeforeLoss?: number
  /** Receiver path answering the probe, e.g. `/__inspector/health`. */
  healthPath: string
  /** Per-run value the receiver's health answer must carry (header `x-inspector-nonce` or body). */
  healthNonce: string
  backoff: BackoffConfig
  /** Defaults to {@link TUNNEL_RECLAIM_DELAY_MS}. */
  reclaimDelayMs?: number
  /** Defaults to {@link TUNNEL_SOCKETS_GONE_GRACE_MS}. */
  socketsGoneGraceMs?: number
  /** Defaults to {@link TUNNEL_RECONNECT_MS_BEFORE_FAILED}. */
  reconnectMsBeforeFailed?: number
  /** Defaults to {@link TUNNEL_RECLAIM_MAX_INTERVAL_MS}. */
  reclaimMaxIntervalMs?: number
  /**
   * Subdomain held by the run before this one (a stop and start, or a settings change), asked for
   * again when none is configured so the public URL survives the restart.
   */
  previousSubdomain?: string | null
  /**
   * Clock time before which the first registration is not sent: the server still holds the
   * previous run's client (and its subdomain) for about a second after its sockets closed.
   */
  firstAttemptNotBefore?: number
}

export interface TunnelTimers {
  setTimeout(callback: () => void, delayMs: number): unknown
  clearTimeout(handle: unknown): void
}

export interface TunnelLogger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface TunnelSupervisorDeps {
  /** Registration step; defaults to our own GET (registration.ts). */
  register?: (request: RegistrationRequest, signal: AbortSignal) => Promise<TunnelRegistration>
  /** Socket step; defaults to localtunnel's client. */
  openTunnel?: OpenTunnel
  /** Fetch-like used by the health probe; defaults to node:http with `*.localhost` on loopback. */
  probe?: ProbeFetch
  clock?: { now(): number }
  timers?: TunnelTimers
  logger?: TunnelLogger
  /** Jitter source in [0, 1). */
  random?: () => number
}

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

const realTimers: TunnelTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

const silentLogger: TunnelLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }

interface OnlineInfo {
  url: string
  subdomain: string
  requestedSubdomain: string | null
  subdomainChanged: boolean
  onlineSince: string
}

/** Create the supervisor; nothing happens until `start()`. */
export function createTunnelSupervisor(config: TunnelSupervisorConfig, deps: TunnelSupervisorDeps = {}): TunnelSupervisor {
  const register = deps.register ?? requestRegistration
  const openTunnel = deps.openTunnel ?? openLocaltunnelConnection
  const probe = deps.probe ?? nodeProbeFetch
  const clock = deps.clock ?? Date
  const timers = deps.timers ?? realTimers
  const logger = neverThrowing(deps.logger ?? silentLogger)
  const random = deps.random ?? Math.random
  const serverUrl = config.serverUrl.replace(/\/+$/, '')
  const configuredSubdomain = config.subdomain ?? null
  const probeTimeoutMs = config.probeTimeoutMs ?? Math.min(config.probeIntervalMs, TUNNEL_PROBE_TIMEOUT_MS)
  const probeFailuresBeforeLoss = config.probeFailuresBeforeLoss ?? TUNNEL_PROBE_FAILURES_BEFORE_LOSS
  const reclaimDelayMs = config.reclaimDelayMs ?? TUNNEL_RECLAIM_DELAY_MS
  const socketsGoneGraceMs = config.socketsGoneGraceMs ?? TUNNEL_SOCKETS_GONE_GRACE_MS
  const reconnectMsBeforeFailed = config.reconnectMsBeforeFailed ?? TUNNEL_RECONNECT_MS_BEFORE_FAILED
  const reclaimMaxIntervalMs = config.reclaimMaxIntervalMs ?? TUNNEL_RECLAIM_MAX_INTERVAL_MS

  if (!Number.isInteger(config.localPort) || config.localPort < 1 || config.localPort > 65_535) {
    throw new RangeError(`the tunnel's local port must be the receiver's port (1-65535), got ${config.localPort}`)
  }

  const listeners = new Set<(state: TunnelState) => void>()
  let state: TunnelState = { status: 'off', serverUrl, lastProvedAt: null }
  let lastProvedAt: string | null = null
  let isRunning = false
  let token = 0
  let hasBeenOnline = false
  let failedAttempts = 0
  /** Subdomain the server last gave us; asked for again when none is configured, so the URL survives a reconnect. */
  let heldSubdomain: string | null = config.previousSubdomain ?? null
  /** Clock time of the loss the supervisor is reconnecting after, for the floor before `failed`. */
  let lostAt = 0
  let online: OnlineInfo | null = null
  let connection: TunnelConnection | null = null
  let currentAttempt: Promise<void> | null = null
  let attemptAbort: AbortController | null = null
  let probeAbort: AbortController | null = null
  let consecutiveProbeFailures = 0
  let retryTimer: unknown = null
  let deadlineTimer: unknown = null
  let probeTimer: unknown = null
  let socketsGoneTimer: unknown = null
  let reclaimTimer: unknown = null
  let reclaimAbort: AbortController | null = null
  let currentReclaim: Promise<void> | null = null

  const isoNow = (): string => new Date(clock.now()).toISOString()
  const problemOf = (code: TunnelProblemCode, message: string): TunnelProblem => ({ code, message, at: isoNow() })

  function setState(next: TunnelState): void {
    state = next
    for (const listener of [...listeners]) {
      try {
        listener(next)
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

  /** Last line of defence: nothing the tunnel does may become an unhandled rejection. */
  function reportUnexpected(error: unknown): void {
    logger.error('tunnel: unexpected error', { error: errorMessage(error) })
  }

  function launchAttempt(): Promise<void> {
    return runAttempt().catch(reportUnexpected)
  }

  async function runAttempt(): Promise<void> {
    const myToken = ++token
    const attempt = failedAttempts + 1
    const requested = configuredSubdomain ?? heldSubdomain
    setState({ status: 'connecting', serverUrl, lastProvedAt, attempt, requestedSubdomain: requested })
    logger.info('tunnel: connecting', { serverUrl, attempt, requestedSubdomain: requested })
    const abort = new AbortController()
    attemptAbort = abort
    const waitMs = (config.firstAttemptNotBefore ?? 0) - clock.now()
    if (attempt === 1 && !hasBeenOnline && waitMs > 0) {
      logger.info('tunnel: waiting for the server to release the previous run', { waitMs })
      await sleep(waitMs, abort.signal)
      if (myToken !== token) return
    }
    deadlineTimer = timers.setTimeout(() => {
      const seconds = Math.round(config.registrationTimeoutMs / 100) / 10
      abort.abort(new TunnelProblemError('REGISTRATION_TIMEOUT', `the tunnel server at ${serverUrl} did not open the tunnel within ${seconds} s`))
    }, config.registrationTimeoutMs)
    try {
      const registration = await register({ serverUrl, subdomain: requested }, abort.signal)
      if (myToken !== token) return
      const opened = await openTunnel({
        registration,
        localPort: config.localPort,
        localHost: config.localHost,
        signal: abort.signal,
        onEvent: (event) => onConnectionEvent(myToken, event),
      })
      if (myToken !== token) {
        await closeQuietly(opened)
        return
      }
      deadlineTimer = clearTimer(deadlineTimer)
      attemptAbort = null
      connection = opened
      goOnline(registration, requested)
    } catch (error: unknown) {
      if (myToken !== token) return
      deadlineTimer = clearTimer(deadlineTimer)
      attemptAbort = null
      const problem =
        error instanceof TunnelProblemError
          ? problemOf(error.code, error.message)
          : problemOf('SERVER_UNREACHABLE', `the tunnel could not be opened: ${errorMessage(error)}`)
      onAttemptFailed(problem)
    }
  }

  function goOnline(registration: TunnelRegistration, requested: string | null): void {
    failedAttempts = 0
    hasBeenOnline = true
    heldSubdomain = registration.id
    consecutiveProbeFailures = 0
    online = {
      url: registration.url,
      subdomain: registration.id,
      requestedSubdomain: requested,
      subdomainChanged: requested !== null && requested !== registration.id,
      onlineSince: isoNow(),
    }
    setState({ status: 'online', serverUrl, lastProvedAt, ...online })
    if (online.subdomainChanged) {
      // The server gives a random id when the asked-for one is taken, without saying so
      // (localtunnel/localtunnel#248, #403): callback URLs at providers are now stale.
      logger.warn('tunnel: the server gave another subdomain than requested', {
        requestedSubdomain: requested,
        subdomain: registration.id,
      })
      if (requested !== null) scheduleReclaim(token, requested, 0)
    }
    logger.info('tunnel: online', { url: registration.url })
    if (connection?.liveSockets() === 0) armSocketsGone()
    const myToken = token
    probeTimer = timers.setTimeout(() => void runProbe(myToken).catch(reportUnexpected), 0)
  }

  function onConnectionEvent(eventToken: number, event: TunnelConnectionEvent): void {
    if (eventToken !== token || online === null) return
    switch (event.type) {
      case 'error':
        onLoss(problemOf('TUNNEL_LOST', `the connection to the tunnel server was lost: ${event.message}`))
        return
      case 'sockets-changed':
        if (event.live === 0) armSocketsGone()
        else socketsGoneTimer = clearTimer(socketsGoneTimer)
        return
      default:
        assertNever(event)
    }
  }

  function armSocketsGone(): void {
    if (socketsGoneTimer !== null) return
    const myToken = token
    socketsGoneTimer = timers.setTimeout(() => {
      socketsGoneTimer = null
      if (myToken !== token) return
      onLoss(problemOf('TUNNEL_LOST', 'every connection to the tunnel server closed and none came back'))
    }, socketsGoneGraceMs)
  }

  async function runProbe(myToken: number): Promise<void> {
    probeTimer = null
    if (myToken !== token || online === null) return
    const abort = new AbortController()
    probeAbort = abort
    const timeout = timers.setTimeout(() => abort.abort(), probeTimeoutMs)
    const target = new URL(config.healthPath, online.url).toString()
    const outcome = await probeHealth(target, config.healthNonce, probe, abort.signal)
    timers.clearTimeout(timeout)
    if (probeAbort === abort) probeAbort = null
    if (myToken !== token || online === null) return
    if (outcome.ok) {
      consecutiveProbeFailures = 0
      lastProvedAt = isoNow()
      setState({ status: 'online', serverUrl, lastProvedAt, ...online })
    } else {
      consecutiveProbeFailures += 1
      logger.warn('tunnel: health probe failed', { detail: outcome.detail, consecutive: consecutiveProbeFailures })
      if (consecutiveProbeFailures >= probeFailuresBeforeLoss) {
        onLoss(problemOf('PROBE_FAILED', `the public URL no longer reaches this inspector: ${outcome.detail}`))
        return
      }
    }
    // After a failure, look again soon: the first probe can race the client's sockets connecting,
    // and a real loss should be confirmed in seconds, not after a whole interval.
    const nextProbeMs = outcome.ok ? config.probeIntervalMs : Math.min(config.probeIntervalMs, TUNNEL_PROBE_RETRY_MS)
    probeTimer = timers.setTimeout(() => void runProbe(myToken).catch(reportUnexpected), nextProbeMs)
  }

  /**
   * Online, but on another subdomain than asked for: the wanted one is usually held by our own
   * previous client for a second or two (or by someone else for longer). Keep asking for it, more
   * and more rarely, and move over once the server hands it out.
   */
  function scheduleReclaim(myToken: number, wanted: string, tries: number): void {
    const delayMs = Math.min(reclaimMaxIntervalMs, reclaimDelayMs * 2 ** Math.min(tries, 20))
    reclaimTimer = timers.setTimeout(() => {
      reclaimTimer = null
      if (myToken !== token) return
      currentReclaim = runReclaim(myToken, wanted, tries).catch(reportUnexpected)
    }, delayMs)
  }

  async function runReclaim(myToken: number, wanted: string, tries: number): Promise<void> {
    const abort = new AbortController()
    reclaimAbort = abort
    const timeout = timers.setTimeout(() => abort.abort(), config.registrationTimeoutMs)
    let eventToken = -1
    try {
      // A registration that hands out another id is simply not used: the server forgets it after
      // its grace period, since no socket ever connects to it.
      const registration = await register({ serverUrl, subdomain: wanted }, abort.signal)
      if (myToken !== token) return
      if (registration.id !== wanted) {
        scheduleReclaim(myToken, wanted, tries + 1)
        return
      }
      const opened = await openTunnel({
        registration,
        localPort: config.localPort,
        localHost: config.localHost,
        signal: abort.signal,
        onEvent: (event) => onConnectionEvent(eventToken, event),
      })
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
      goOnline(registration, wanted)
      await closeQuietly(previous)
    } catch (error: unknown) {
      if (myToken !== token) return
      logger.warn('tunnel: could not take the requested subdomain back yet', { error: errorMessage(error) })
      scheduleReclaim(myToken, wanted, tries + 1)
    } finally {
      timers.clearTimeout(timeout)
      if (reclaimAbort === abort) reclaimAbort = null
    }
  }

  function cancelReclaim(): void {
    reclaimTimer = clearTimer(reclaimTimer)
    reclaimAbort?.abort()
    reclaimAbort = null
  }

  /** An online tunnel stopped working: drop it and reconnect, asking for the same subdomain. */
  function onLoss(problem: TunnelProblem): void {
    if (!isRunning || online === null) return
    token += 1
    logger.warn('tunnel: lost', { code: problem.code, message: problem.message })
    probeTimer = clearTimer(probeTimer)
    socketsGoneTimer = clearTimer(socketsGoneTimer)
    cancelReclaim()
    probeAbort?.abort()
    probeAbort = null
    online = null
    void closeQuietly(connection)
    connection = null
    failedAttempts = 0
    lostAt = clock.now()
    const delayMs = Math.max(reclaimDelayMs, computeBackoffDelayMs(1, config.backoff, random))
    scheduleRetry(problem, 'reconnecting', delayMs)
  }

  function onAttemptFailed(problem: TunnelProblem): void {
    failedAttempts += 1
    const delayMs = computeBackoffDelayMs(failedAttempts, config.backoff, random)
    const isEarly = failedAttempts < TUNNEL_RECONNECT_ATTEMPTS_BEFORE_FAILED || clock.now() - lostAt < reconnectMsBeforeFailed
    const stillReconnecting = hasBeenOnline && isEarly && problem.code !== 'SUBDOMAIN_REFUSED'
    scheduleRetry(problem, stillReconnecting ? 'reconnecting' : 'failed', delayMs)
  }

  function scheduleRetry(problem: TunnelProblem, status: 'reconnecting' | 'failed', delayMs: number): void {
    const attempt = failedAttempts + 1
    const nextAttemptAt = new Date(clock.now() + delayMs).toISOString()
    const requestedSubdomain = configuredSubdomain ?? heldSubdomain
    if (status === 'failed') {
      setState({ status, serverUrl, lastProvedAt, reason: problem.message, lastError: problem, attempt, requestedSubdomain, nextAttemptAt })
    } else {
      setState({ status, serverUrl, lastProvedAt, lastError: problem, attempt, requestedSubdomain, nextAttemptAt })
    }
    logger.warn(`tunnel: ${status}, next attempt in ${delayMs} ms`, { code: problem.code, message: problem.message })
    const myToken = token
    retryTimer = timers.setTimeout(() => {
      retryTimer = null
      if (myToken !== token || !isRunning) return
      currentAttempt = launchAttempt()
    }, delayMs)
  }

  function invalidSettings(): TunnelProblem | null {
    const badServer = describeInvalidServerUrl(serverUrl)
    if (badServer !== null) return problemOf('SERVER_UNREACHABLE', badServer)
    const badSubdomain = configuredSubdomain === null ? null : describeInvalidSubdomain(configuredSubdomain)
    if (badSubdomain !== null) return problemOf('SUBDOMAIN_INVALID', badSubdomain)
    return null
  }

  return {
    start() {
      if (isRunning) return Promise.resolve()
      isRunning = true
      hasBeenOnline = false
      failedAttempts = 0
      const invalid = invalidSettings()
      if (invalid !== null) {
        // Retrying cannot fix a setting: fail once, with no next attempt, until the settings change.
        logger.warn('tunnel: not started', { message: invalid.message })
        setState({
          status: 'failed',
          serverUrl,
          lastProvedAt,
          reason: invalid.message,
          lastError: invalid,
          attempt: 1,
          requestedSubdomain: configuredSubdomain,
          nextAttemptAt: null,
        })
        return Promise.resolve()
      }
      currentAttempt = launchAttempt()
      return currentAttempt
    },

    async stop() {
      if (!isRunning) return
      isRunning = false
      token += 1
      retryTimer = clearTimer(retryTimer)
      deadlineTimer = clearTimer(deadlineTimer)
      probeTimer = clearTimer(probeTimer)
      socketsGoneTimer = clearTimer(socketsGoneTimer)
      cancelReclaim()
      attemptAbort?.abort(new TunnelProblemError('REGISTRATION_TIMEOUT', 'the tunnel was stopped'))
      attemptAbort = null
      probeAbort?.abort()
      probeAbort = null
      online = null
      const closing = closeQuietly(connection)
      connection = null
      const attempt = currentAttempt
      currentAttempt = null
      const reclaim = currentReclaim
      currentReclaim = null
      setState({ status: 'off', serverUrl, lastProvedAt })
      logger.info('tunnel: stopped')
      await Promise.all([closing, attempt, reclaim])
    },

    getState: () => state,

    onState(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

/**
 * The supervisor logs from timer callbacks and from the client's event handlers, where a throw
 * would be an uncaught exception: a broken logger must not take the process down.
 */
function neverThrowing(logger: TunnelLogger): TunnelLogger {
  const guard =
    (level: keyof TunnelLogger): TunnelLogger['info'] =>
    (message, fields) => {
      try {
        logger[level](message, fields)
      } catch {
        // Nowhere left to report it.
      }
    }
  return { info: guard('info'), warn: guard('warn'), error: guard('error') }
}
