/**
 * What a tunnel supervisor is given (its config and the dependencies tests replace), and the
 * defaults of what the caller leaves out. Apart from the supervisor so that the rules
 * (supervisor-machine.ts) and the plumbing (tunnel-supervisor.ts) read one resolved set.
 */
import type { BackoffConfig } from './backoff'
import { nodeProbeFetch, type ProbeFetch } from './health-probe'
import { createNetworkWatch, type WatchNetwork } from './network-watch'
import { openLocaltunnelConnection, type OpenTunnel } from './localtunnel-connection'
import { requestRegistration, type RegistrationRequest, type TunnelRegistration } from './registration'

/**
 * Upper bound of one health probe when the config does not set one. A probe that times out counts
 * as failed only when the server wrote nothing onto the tunnel's sockets meanwhile, its own request
 * included, and they are not all busy (supervisor-machine.ts, `BusyTunnel`): so this is how long a
 * request through the public URL may take to reach this machine, far more than it takes even
 * through a slow public server. 10 s made a silent loss take 22 s of the 52 s to notice.
 */
export const TUNNEL_PROBE_TIMEOUT_MS = 5_000

/** Failed probes in a row that count as a lost tunnel: one can be a blip of the public server. */
export const TUNNEL_PROBE_FAILURES_BEFORE_LOSS = 2

/**
 * The localtunnel server keeps a client registered for about a second after its last socket
 * closes (localtunnel/server `lib/Client.js`, grace timeout). Asking for our subdomain again
 * sooner finds it "taken" by our own ghost and yields a random one, so the first reconnect after
 * a loss waits at least this long.
 */
export const TUNNEL_RECLAIM_DELAY_MS = 1_500

/**
 * No steady socket to the server (one that stayed up for a second or carried a request) for this
 * long while online counts as a loss: the client reopens closed sockets at once, and the server
 * keeps idle ones open.
 */
export const TUNNEL_SOCKETS_GONE_GRACE_MS = 3_000

/**
 * Least time since a loss before `reconnecting` turns into `failed` (besides a few failed
 * attempts): quick refusals while the tunnel server restarts (a couple of seconds) are not a
 * failure worth a red state.
 */
export const TUNNEL_RECONNECT_MS_BEFORE_FAILED = 10_000

/**
 * Longest wait between tries to take the requested subdomain back while online with another one,
 * for the first {@link TUNNEL_RECLAIM_PATIENCE_MS}. The tries start at {@link TUNNEL_RECLAIM_DELAY_MS}
 * and double: the server frees a name a second after its client's last socket closed (our own
 * previous connection, the usual holder), so the first tries get it back.
 */
export const TUNNEL_RECLAIM_MAX_INTERVAL_MS = 30_000

/**
 * How long a stand-in is tried back from every {@link TUNNEL_RECLAIM_MAX_INTERVAL_MS} at most. A
 * connection that died without a word (a sleep, a network change) holds its name on the server until
 * each of its sockets has been written onto and the write timed out (localtunnel/server 0.0.8
 * `lib/TunnelAgent.js` watches nothing else; on a Linux server about 15 minutes after a callback
 * reaches the socket), so the name comes free in the minutes after the loss, if at all.
 */
export const TUNNEL_RECLAIM_PATIENCE_MS = 20 * 60_000

/**
 * Wait between tries after {@link TUNNEL_RECLAIM_PATIENCE_MS} on a stand-in: by then the name is
 * held by another client, or by a dead connection nothing is sent to (held for good), neither of
 * which lets go at any time worth watching closely. Each try registers a client on the server that
 * it drops a second later, so asking every 30 s for good made 120 of those an hour for nothing.
 */
export const TUNNEL_RECLAIM_SLOW_INTERVAL_MS = 5 * 60_000

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
  /** Defaults to {@link TUNNEL_RECLAIM_PATIENCE_MS}. */
  reclaimPatienceMs?: number
  /** Defaults to {@link TUNNEL_RECLAIM_SLOW_INTERVAL_MS}. */
  reclaimSlowIntervalMs?: number
  /**
   * Subdomain held by the run before this one (a stop and start, or a settings change), asked for
   * again when none is configured so the public URL survives the restart.
   */
  previousSubdomain?: string | null
  /**
   * Whether `previousSubdomain` was held in this launch (the default) or is remembered from the
   * last one: the state says which (`requestedSubdomainSource`), so the UI does not call it a name
   * the user asked for, nor one this launch had.
   */
  previousSubdomainSource?: 'held' | 'remembered'
  /** The last proof of an earlier run in this launch, carried in every state (`earlierRunProvedAt`). */
  earlierRunProvedAt?: string | null
  /**
   * Clock time before which the first registration is not sent: the server still holds the
   * previous run's client (and its subdomain) for about a second after its sockets closed.
   */
  firstAttemptNotBefore?: number
}

/** The supervisor's configuration as the rules need it, defaults resolved. */
export interface MachineSettings {
  /** Without a trailing slash. */
  serverUrl: string
  configuredSubdomain: string | null
  /** Clock time before which the first registration after a start is not sent; 0 for none. */
  firstAttemptNotBefore: number
  backoff: BackoffConfig
  probeIntervalMs: number
  probeFailuresBeforeLoss: number
  reclaimDelayMs: number
  reclaimMaxIntervalMs: number
  reclaimPatienceMs: number
  reclaimSlowIntervalMs: number
  reconnectMsBeforeFailed: number
  socketsGoneGraceMs: number
}

/** The settings the state machine decides by, every default filled in. */
export function resolveMachineSettings(config: TunnelSupervisorConfig): MachineSettings {
  return {
    serverUrl: config.serverUrl.replace(/\/+$/, ''),
    configuredSubdomain: config.subdomain ?? null,
    firstAttemptNotBefore: config.firstAttemptNotBefore ?? 0,
    backoff: config.backoff,
    probeIntervalMs: config.probeIntervalMs,
    probeFailuresBeforeLoss: config.probeFailuresBeforeLoss ?? TUNNEL_PROBE_FAILURES_BEFORE_LOSS,
    reclaimDelayMs: config.reclaimDelayMs ?? TUNNEL_RECLAIM_DELAY_MS,
    reclaimMaxIntervalMs: config.reclaimMaxIntervalMs ?? TUNNEL_RECLAIM_MAX_INTERVAL_MS,
    reclaimPatienceMs: config.reclaimPatienceMs ?? TUNNEL_RECLAIM_PATIENCE_MS,
    reclaimSlowIntervalMs: config.reclaimSlowIntervalMs ?? TUNNEL_RECLAIM_SLOW_INTERVAL_MS,
    reconnectMsBeforeFailed: config.reconnectMsBeforeFailed ?? TUNNEL_RECONNECT_MS_BEFORE_FAILED,
    socketsGoneGraceMs: config.socketsGoneGraceMs ?? TUNNEL_SOCKETS_GONE_GRACE_MS,
  }
}

/** Upper bound of one health probe: never longer than the interval between probes. */
export function resolveProbeTimeoutMs(config: TunnelSupervisorConfig): number {
  return config.probeTimeoutMs ?? Math.min(config.probeIntervalMs, TUNNEL_PROBE_TIMEOUT_MS)
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
  /** Tells of a wake from sleep or a network change; defaults to the machine's clock and interfaces (network-watch.ts). */
  watchNetwork?: WatchNetwork
}

const realTimers: TunnelTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

const silentLogger: TunnelLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }

/** `deps` with every default filled in; the logger never throws. */
export function resolveDeps(deps: TunnelSupervisorDeps): Required<TunnelSupervisorDeps> {
  return {
    register: deps.register ?? requestRegistration,
    openTunnel: deps.openTunnel ?? openLocaltunnelConnection,
    probe: deps.probe ?? nodeProbeFetch,
    clock: deps.clock ?? Date,
    timers: deps.timers ?? realTimers,
    logger: neverThrowing(deps.logger ?? silentLogger),
    random: deps.random ?? Math.random,
    watchNetwork: deps.watchNetwork ?? createNetworkWatch(),
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
