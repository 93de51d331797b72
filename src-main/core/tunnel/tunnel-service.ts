/**
 * The app's tunnel: remembers its settings, runs one supervisor at a time over the receiver port
 * (never the API's), and publishes every state change. A settings change while running restarts
 * the supervisor with the new server or subdomain.
 */
import { randomUUID } from 'node:crypto'
import type { InspectorEvent } from '../../shared/contract'
import { errorMessage, InspectorError } from '../../shared/errors'
import {
  DEFAULT_TUNNEL_SETTINGS,
  describeInvalidServerUrl,
  describeInvalidSubdomain,
  TUNNEL_HEALTH_PATH,
  type TunnelSettings,
  type TunnelState,
} from '../../shared/tunnel'
import type { EventBus } from '../event-bus'
import type { Logger } from '../logger'
import { TUNNEL_RECLAIM_DELAY_MS } from './supervisor-config'
import { createTunnelSupervisor, type TunnelSupervisor, type TunnelSupervisorDeps } from './tunnel-supervisor'

export const TUNNEL_REGISTRATION_TIMEOUT_MS = 15_000
/**
 * Time between health probes while online. Nothing else notices a server that silently stopped
 * forwarding while the sockets stay open (a NAT that forgot its mappings, a server restarted behind
 * half-open connections): a loss is two failed probes, so this bounds how long callbacks are lost
 * while the app still says "online" (with 30 s, up to 52 s). One small GET through the server.
 */
export const TUNNEL_PROBE_INTERVAL_MS = 10_000
export const TUNNEL_BACKOFF = { initialMs: 1_000, maxMs: 60_000 }

export interface TunnelServiceConfig {
  receiverPort: number
  /** Proves to the health probe that the public URL reaches this very process. */
  healthNonce: string
}

export interface TunnelServiceDeps {
  events: EventBus<InspectorEvent>
  logger: Logger
  loadSettings(): TunnelSettings | undefined
  saveSettings(settings: TunnelSettings): Promise<void>
  /** What the last run that went online, with no subdomain configured, left to remember (kept across app restarts). */
  loadMemory?(): TunnelMemory | undefined
  /** Keeps {@link TunnelMemory} for the next launch; `null` forgets it (a run on a configured subdomain). */
  saveMemory?(memory: TunnelMemory | null): Promise<void>
  /** Overrides for tests (intervals, timers); production uses the real localtunnel client. */
  supervisor?: TunnelSupervisorDeps & TunnelTimingOverrides
}

/**
 * Durations a test shortens so it neither waits real seconds nor races them; the app leaves them
 * out and gets the defaults.
 */
export interface TunnelTimingOverrides {
  probeIntervalMs?: number
  registrationTimeoutMs?: number
  /**
   * How long the server is assumed to hold a stopped or lost client's subdomain: a restart waits
   * this long after the previous run's sockets closed before asking for that name again, a
   * reconnect after a loss waits at least this long, and a reclaim of a taken name starts at this
   * interval. Defaults to {@link TUNNEL_RECLAIM_DELAY_MS}; a test against a server with a shorter
   * grace period sets it shorter.
   */
  reclaimDelayMs?: number
}

/**
 * With no subdomain configured, the subdomain the public URL was last handed out with (not a
 * stand-in: on one, the name it stands in for) and the server it is on. The next launch asks for it
 * again: a provider given the URL yesterday still reaches the app today.
 */
export interface TunnelMemory {
  /** Without a trailing slash. */
  serverUrl: string
  subdomain: string
}

export interface TunnelService {
  settings(): TunnelSettings
  state(): TunnelState
  /** Counts state changes; see `TunnelView.stateRevision`. */
  stateRevision(): number
  /** The public base URL while online, else `null`. */
  publicUrl(): string | null
  start(): Promise<TunnelState>
  stop(): Promise<TunnelState>
  updateSettings(change: Partial<TunnelSettings>): Promise<TunnelSettings>
}

export function createTunnelService(config: TunnelServiceConfig, deps: TunnelServiceDeps): TunnelService {
  let settings: TunnelSettings = { ...DEFAULT_TUNNEL_SETTINGS, ...deps.loadSettings() }
  let supervisor: TunnelSupervisor | undefined
  let unsubscribe: (() => void) | undefined
  const offState = (): TunnelState => ({ status: 'off', serverUrl: settings.serverUrl, lastProvedAt: null, earlierRunProvedAt: null })
  let lastState: TunnelState = offState()
  // Starts at the clock so a renderer that outlives a restart of the core still sees the new
  // run's states as newer (a tunnel changes state a few times a second at most).
  let stateRevision = Date.now()
  /**
   * What the last run that held a name held when it stopped. The server keeps a stopped client's
   * name for about a second, so a restart (Stop then Start, or a settings change) waits that out
   * before asking for the name again, instead of being handed a random one.
   */
  let previousRun: PreviousRun | null = rememberedRun(deps.loadMemory?.())
  /** What was last handed to `saveMemory` (or loaded): saved again only when it changes. */
  let memory: TunnelMemory | null = deps.loadMemory?.() ?? null
  let memorySaves: Promise<void> = Promise.resolve()
  /** The subdomain the run holds while online (a stand-in, when the server gave another than asked for). */
  let heldSubdomain: string | null = null
  /**
   * The subdomain the run's public URL was handed out with: the one held, except on a stand-in,
   * where it is the one asked for (and being taken back). A restart asks for this one: asking for
   * the stand-in would get it, and drop the providers' URL without a word.
   */
  let wantedSubdomain: string | null = null
  /** Whether `wantedSubdomain` was held in this launch, or is only remembered from the last one (held in none since). */
  let wantedSource: 'held' | 'remembered' = 'held'
  let running: RunSettings | null = null
  const reclaimDelayMs = deps.supervisor?.reclaimDelayMs ?? TUNNEL_RECLAIM_DELAY_MS

  function publish(state: TunnelState): void {
    lastState = state
    if (state.status === 'online') {
      heldSubdomain = state.subdomain
      wantedSubdomain = state.subdomainChanged ? state.requestedSubdomain : state.subdomain
      wantedSource = state.subdomainChanged && state.requestedSubdomainSource === 'remembered' ? 'remembered' : 'held'
      remember(wantedSubdomain)
    }
    stateRevision += 1
    deps.events.publish({ type: 'tunnel-changed', state, stateRevision })
  }

  /**
   * Keeps the name the public URL was handed out with for the next launch, when none is configured;
   * a run on a configured name forgets it, as a restart in the same launch would not ask for it.
   */
  function remember(wanted: string | null): void {
    if (running === null || !deps.saveMemory) return
    const next = running.configuredSubdomain === null && wanted !== null ? { serverUrl: running.serverUrl, subdomain: wanted } : null
    if (next?.serverUrl === memory?.serverUrl && next?.subdomain === memory?.subdomain) return
    memory = next
    const save = deps.saveMemory.bind(deps)
    // In order, so an older name never overwrites a newer one; a failed save only costs the next launch its URL.
    memorySaves = memorySaves.then(() =>
      save(next).catch((error: unknown) => deps.logger.warn('tunnel: could not keep the subdomain for the next launch', { error: errorMessage(error) })),
    )
  }

  async function start(): Promise<TunnelState> {
    if (supervisor) return lastState
    running = { serverUrl: settings.serverUrl.replace(/\/+$/, ''), configuredSubdomain: settings.subdomain }
    const { previousSubdomain, previousSubdomainSource, firstAttemptNotBefore } = planRestart(previousRun, running, reclaimDelayMs)
    heldSubdomain = null
    wantedSubdomain = null
    wantedSource = 'held'
    supervisor = createTunnelSupervisor(
      {
        localPort: config.receiverPort,
        localHost: '127.0.0.1',
        serverUrl: settings.serverUrl,
        subdomain: settings.subdomain,
        registrationTimeoutMs: deps.supervisor?.registrationTimeoutMs ?? TUNNEL_REGISTRATION_TIMEOUT_MS,
        probeIntervalMs: deps.supervisor?.probeIntervalMs ?? TUNNEL_PROBE_INTERVAL_MS,
        healthPath: TUNNEL_HEALTH_PATH,
        healthNonce: config.healthNonce,
        backoff: TUNNEL_BACKOFF,
        reclaimDelayMs,
        previousSubdomain,
        previousSubdomainSource,
        firstAttemptNotBefore,
        // The run's own proof starts at null; the last proof before it is kept apart, so "not
        // proved yet" never hides that the tunnel worked before the restart.
        earlierRunProvedAt: lastState.lastProvedAt ?? lastState.earlierRunProvedAt,
      },
      { logger: deps.logger, ...deps.supervisor },
    )
    unsubscribe = supervisor.onState(publish)
    await supervisor.start()
    return lastState
  }

  async function stop(): Promise<TunnelState> {
    const stopping = supervisor
    supervisor = undefined
    unsubscribe?.()
    unsubscribe = undefined
    if (stopping) {
      const held = heldSubdomain
      const wanted = wantedSubdomain
      const source = wantedSource
      const ran = running
      running = null
      await stopping.stop()
      // Measured from when the sockets are closed: the server's grace period starts then.
      const stoppedAt = (deps.supervisor?.clock ?? Date).now()
      // A run that never held a name (stopped while it waited, or while the server was down)
      // leaves the run before it as the one to follow: else the next start asked for a random name.
      if (ran !== null && held !== null) previousRun = { ...ran, heldSubdomain: held, wantedSubdomain: wanted, wantedSource: source, stoppedAt }
    }
    // Off, with the proofs of the runs before: they stay true. (Settings saved while off start
    // afresh: the proofs were of another server or subdomain.)
    publish({ ...offState(), lastProvedAt: lastState.lastProvedAt, earlierRunProvedAt: lastState.earlierRunProvedAt })
    // The app's stop releases the data folder after this: no write of the memory may come later.
    await memorySaves
    return lastState
  }

  return {
    settings: () => settings,
    state: () => lastState,
    stateRevision: () => stateRevision,
    publicUrl: () => (lastState.status === 'online' ? lastState.url.replace(/\/+$/, '') : null),
    start,
    stop,
    async updateSettings(change) {
      const next: TunnelSettings = { ...settings, ...change }
      const problem = describeInvalidServerUrl(next.serverUrl) ?? (next.subdomain ? describeInvalidSubdomain(next.subdomain) : null)
      if (problem) throw new InspectorError('BAD_REQUEST', problem)
      await deps.saveSettings(next)
      const restart = supervisor !== undefined && (next.serverUrl !== settings.serverUrl || next.subdomain !== settings.subdomain)
      settings = next
      if (restart) {
        await stop()
        await start()
      } else if (!supervisor) publish(offState())
      return settings
    },
  }
}

/** What a run was started with: the server (without a trailing slash) and the configured subdomain. */
interface RunSettings {
  serverUrl: string
  configuredSubdomain: string | null
}

/** What the last run held when it stopped, the name its URL was handed out with, and when its sockets were closed. */
interface PreviousRun extends RunSettings {
  heldSubdomain: string | null
  wantedSubdomain: string | null
  /** `remembered` while the wanted name is the last launch's and no run of this launch has held it. */
  wantedSource: 'held' | 'remembered'
  stoppedAt: number
}

/**
 * How a new run follows the previous one. With no subdomain configured (before and now) it asks
 * for the one the last run's URL was handed out with (the one it held, unless that was a stand-in),
 * so the public URL survives a Stop and Start. When it asks for a name the last run held on the
 * same server, it waits until the server has let go of that run.
 */
function planRestart(
  previous: PreviousRun | null,
  next: RunSettings,
  reclaimDelayMs: number,
): { previousSubdomain: string | null; previousSubdomainSource: 'held' | 'remembered'; firstAttemptNotBefore: number | undefined } {
  if (previous === null || previous.serverUrl !== next.serverUrl || previous.wantedSubdomain === null) {
    return { previousSubdomain: null, previousSubdomainSource: 'held', firstAttemptNotBefore: undefined }
  }
  const previousSubdomain = next.configuredSubdomain === null && previous.configuredSubdomain === null ? previous.wantedSubdomain : null
  const asksForHeldName = (next.configuredSubdomain ?? previousSubdomain) === previous.heldSubdomain
  return {
    previousSubdomain,
    previousSubdomainSource: previous.wantedSource,
    firstAttemptNotBefore: asksForHeldName ? previous.stoppedAt + reclaimDelayMs : undefined,
  }
}

/**
 * The run of an earlier launch, as far as it matters to this one: the name its URL was handed out
 * with. Its sockets closed when that process ended, long enough ago for the server to have let go.
 */
function rememberedRun(memory: TunnelMemory | undefined): PreviousRun | null {
  if (memory === undefined) return null
  return {
    serverUrl: memory.serverUrl.replace(/\/+$/, ''),
    configuredSubdomain: null,
    heldSubdomain: null,
    wantedSubdomain: memory.subdomain,
    wantedSource: 'remembered',
    stoppedAt: 0,
  }
}

/** A fresh nonce per run for the health probe. */
export const createHealthNonce = (): string => randomUUID()
