/**
 * The tunnel as the renderer and scripts see it: its live state, its settings and the pre-flight
 * checklist for a public URL. Everything here is JSON-serialisable (timestamps are ISO strings)
 * and free of Node imports, so the renderer can import it.
 */

/** The public localtunnel server, used unless the installation names a self-hosted one. */
import { PINNABLE_PROVIDER_IDS } from './provider-catalog'

export const DEFAULT_TUNNEL_SERVER_URL = 'https://localtunnel.me'

/** Path on the receiver that the tunnel's health probe requests through the public URL. */
export const TUNNEL_HEALTH_PATH = '/__inspector/health'

/**
 * Header the receiver puts on its answer to {@link TUNNEL_HEALTH_PATH}, carrying the per-run
 * nonce. A 200 alone proves nothing: a tunnel server that lost us, or another app, can answer 200.
 */
export const TUNNEL_HEALTH_NONCE_HEADER = 'x-inspector-nonce'

/**
 * The subdomain rule of the localtunnel server (localtunnel/server `server.js`): 4-63 lower-case
 * letters and digits, dashes allowed inside from 6 characters on. The server answers 403 otherwise.
 */
export const TUNNEL_SUBDOMAIN_PATTERN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/

/** Why the tunnel is not (or no longer) working, in a form the UI can both branch on and show. */
export type TunnelProblemCode =
  /** The requested subdomain breaks the server's naming rule; checked before any network call. */
  | 'SUBDOMAIN_INVALID'
  /** The server refused the requested subdomain (HTTP 403). */
  | 'SUBDOMAIN_REFUSED'
  /** The tunnel server could not be reached: refused, unknown host, network down, TLS failure. */
  | 'SERVER_UNREACHABLE'
  /** No registration (or no tunnel connection) within the registration timeout. */
  | 'REGISTRATION_TIMEOUT'
  /** The server answered the registration with an HTTP error other than 403. */
  | 'SERVER_ERROR'
  /** The server answered 200 with something that is not a localtunnel registration. */
  | 'BAD_SERVER_RESPONSE'
  /** The server registered us but its tunnel port refused or dropped the connections. */
  | 'TUNNEL_CONNECT_FAILED'
  /** An established tunnel lost its connections to the server. */
  | 'TUNNEL_LOST'
  /** The public URL stopped reaching our receiver (the health probe failed). */
  | 'PROBE_FAILED'

export interface TunnelProblem {
  code: TunnelProblemCode
  /** Plain words, shown as is. */
  message: string
  at: string
}

/**
 * Why a subdomain is asked for: `configured` in the settings by the user; `held`, this tunnel's
 * subdomain earlier in this launch (none configured); `remembered`, the tunnel's subdomain when the
 * app last ran (none configured, kept in `inspector.json`), which the user may never have seen.
 */
export type RequestedSubdomainSource = 'configured' | 'held' | 'remembered'

interface TunnelStateBase {
  /** Server in use, e.g. `https://localtunnel.me`. */
  serverUrl: string
  /** Last time the health probe got our receiver's answer through the public URL in this run; kept across states. */
  lastProvedAt: string | null
  /**
   * Last time a probe proved an earlier run of the tunnel in this launch (before the last start, or
   * a restart by a settings change); `null` if none did. A new run starts with `lastProvedAt` `null`:
   * this one says whether the tunnel worked before it.
   */
  earlierRunProvedAt: string | null
}

/** The tunnel's live state. Switch on `status`. */
export type TunnelState =
  | (TunnelStateBase & { status: 'off' })
  | (TunnelStateBase & {
      status: 'connecting'
      /** 1 for the first attempt after start or after a loss. */
      attempt: number
      /** What is being asked for: the configured subdomain, else the one held before; `null` for a random one. */
      requestedSubdomain: string | null
      /** Why `requestedSubdomain` is asked for; `null` with it. */
      requestedSubdomainSource: RequestedSubdomainSource | null
    })
  | (TunnelStateBase & {
      status: 'online'
      /** Public base URL of the receiver, exactly as the server returned it. */
      url: string
      subdomain: string
      requestedSubdomain: string | null
      requestedSubdomainSource: RequestedSubdomainSource | null
      /**
       * The server handed out another subdomain than the one asked for (it was taken): every
       * callback URL configured at a provider with the old name is now wrong.
       */
      subdomainChanged: boolean
      /**
       * With `subdomainChanged`, when the app next asks for `requestedSubdomain` again (it moves
       * over once the server hands it out); `null` otherwise.
       */
      nextReclaimAt: string | null
      onlineSince: string
    })
  | (TunnelStateBase & {
      status: 'reconnecting'
      /** Number of the attempt that `nextAttemptAt` will make (1 = first after the loss). */
      attempt: number
      /** Subdomain the next attempt asks for. */
      requestedSubdomain: string | null
      requestedSubdomainSource: RequestedSubdomainSource | null
      nextAttemptAt: string
      lastError: TunnelProblem
    })
  | (TunnelStateBase & {
      status: 'failed'
      /** Plain-words reason, the same as `lastError.message`. */
      reason: string
      lastError: TunnelProblem
      /** Number of the attempt that `nextAttemptAt` will make, counted since start or the last loss. */
      attempt: number
      /** Subdomain the next attempt asks for. */
      requestedSubdomain: string | null
      requestedSubdomainSource: RequestedSubdomainSource | null
      /** When the next attempt runs; `null` when retrying cannot help (an invalid subdomain): fix the settings. */
      nextAttemptAt: string | null
    })

export type TunnelStatus = TunnelState['status']

/** Per-installation tunnel settings. */
export interface TunnelSettings {
  /** Tunnel server base URL (http or https, no path). */
  serverUrl: string
  /** Subdomain to ask for on every start and reconnect; `null` lets the server choose. */
  subdomain: string | null
  startWithApp: boolean
}

export const DEFAULT_TUNNEL_SETTINGS: TunnelSettings = {
  serverUrl: DEFAULT_TUNNEL_SERVER_URL,
  subdomain: null,
  startWithApp: false,
}

/** `null` when `subdomain` is acceptable to a localtunnel server, else why not, in plain words. */
export function describeInvalidSubdomain(subdomain: string): string | null {
  if (TUNNEL_SUBDOMAIN_PATTERN.test(subdomain)) return null
  return (
    `"${subdomain}" cannot be a tunnel subdomain: use 4 to 63 lower-case letters and digits ` +
    '(dashes are allowed inside names of 6 characters or more, not at either end)'
  )
}

/** `null` when `serverUrl` can be a tunnel server, else why not. */
export function describeInvalidServerUrl(serverUrl: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(serverUrl)
  } catch {
    return `"${serverUrl}" is not a URL`
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the tunnel server URL must start with https:// or http://'
  if (parsed.username !== '' || parsed.password !== '') return 'the tunnel server URL must not contain a user name or password'
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') {
    return 'the tunnel server URL must be a bare origin such as https://localtunnel.me (no path or query)'
  }
  return null
}

/**
 * `null` unless `serverUrl` names its host by IP address, else the advice to use a name. The
 * localtunnel server builds each public URL as `{id}.{the Host it was called by}`, so a server
 * called as `http://127.0.0.1:P` hands out `http://{id}.127.0.0.1:P`, which is no usable URL.
 * Not a refusal: a different server may build its URLs otherwise.
 */
export function adviseAgainstIpServerUrl(serverUrl: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(serverUrl)
  } catch {
    return null
  }
  const isIpv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/.test(parsed.hostname)
  const isIpv6 = parsed.hostname.startsWith('[')
  if (!isIpv4 && !isIpv6) return null
  const isLoopback = parsed.hostname.startsWith('127.') || parsed.hostname === '[::1]'
  const example = isLoopback ? `${parsed.protocol}//localhost${parsed.port === '' ? '' : `:${parsed.port}`}` : 'https://tunnel.example.com'
  return `a localtunnel server builds each public URL from the name it is called by, so an IP address gives no usable URL: use the server's domain name instead, e.g. ${example}`
}

/** Providers the pre-flight checklist knows URL rules for; `generic` applies common sense only. */
export const PREFLIGHT_PROVIDERS = PINNABLE_PROVIDER_IDS

export type PreflightProvider = (typeof PREFLIGHT_PROVIDERS)[number]

export type PreflightCheckName = 'url' | 'https' | 'port' | 'public-host'

/** One line of the pre-flight checklist. */
export interface PreflightCheck {
  check: PreflightCheckName
  ok: boolean
  /** `required`: the provider will not deliver; `recommended`: it will, but should not. */
  severity: 'required' | 'recommended'
  detail: string
}
