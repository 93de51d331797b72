/**
 * Notices what kills a tunnel without a word: the machine waking from sleep, and its network
 * changing (Wi-Fi dropped, joined another one, a VPN went up or down).
 *
 * Why: the tunnel's sockets die silently then. Their end never reaches the server, nothing reaches
 * us either, and only the health probe finds out: up to its interval, a timeout and a second
 * probe later (52 s measured against the test server), while the app showed the dead URL as
 * online. Timers do not help on their own: on Linux and macOS they count no time asleep, so a 30 s
 * probe timer set just before a night's sleep still waits most of its 30 s after the wake.
 *
 * How: a tick every few seconds on the wall clock, which does count time asleep. A tick that comes
 * much later than due means the process was suspended (asleep, or stalled: either way worth a
 * look). The machine's addresses (non-internal, from `os.networkInterfaces()`) changing means the
 * sockets bound to the old one are gone. Both are cheap and need no permission.
 */
import os from 'node:os'

/** Time between two looks. */
export const NETWORK_CHECK_INTERVAL_MS = 5_000

/** A tick this much later than due counts as a wake from sleep (or a stall as long). */
export const SLEEP_GAP_MS = 10_000

/** Stops watching. */
export type StopWatching = () => void

/** Calls `onChange` with the reason whenever the machine woke or its network changed; see the module comment. */
export type WatchNetwork = (onChange: (reason: string) => void) => StopWatching

export interface NetworkWatchDeps {
  /** Wall-clock milliseconds (counts time asleep). */
  now(): number
  setTimeout(callback: () => void, delayMs: number): unknown
  clearTimeout(handle: unknown): void
  /** The machine's addresses that can carry the tunnel, in any order. */
  addresses(): string[]
}

/**
 * Link-local addresses (IPv6 `fe80::/10`, IPv4 `169.254/16`) never carry the tunnel, and come and
 * go with every container's virtual interface: watched, each `docker run` would look like a new network.
 */
const isLinkLocal = (address: string): boolean => /^fe[89ab][0-9a-f]:/i.test(address) || address.startsWith('169.254.')

/** Addresses in `interfaces` that can carry the tunnel (not internal, not link-local), as `family address`. */
export function routableAddresses(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string[] {
  const addresses: string[] = []
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) if (!entry.internal && !isLinkLocal(entry.address)) addresses.push(`${entry.family} ${entry.address}`)
  }
  return addresses
}

/** The machine's addresses that can carry the tunnel. */
export const machineAddresses = (): string[] => routableAddresses(os.networkInterfaces())

const realDeps: NetworkWatchDeps = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  addresses: machineAddresses,
}

/** The watch on `deps` (the real clock, timers and interfaces by default). */
export function createNetworkWatch(deps: NetworkWatchDeps = realDeps, intervalMs = NETWORK_CHECK_INTERVAL_MS): WatchNetwork {
  return (onChange) => {
    // os.networkInterfaces() throws where the system refuses to list them (some sandboxes): then
    // the addresses count as unchanged, and only a wake is noticed. A throw here would be uncaught.
    const fingerprint = (): string => {
      try {
        return [...new Set(deps.addresses())].sort().join(', ')
      } catch {
        return lastAddresses
      }
    }
    let lastAddresses = ''
    let lastTick = deps.now()
    lastAddresses = fingerprint()
    let isStopped = false
    let timer: unknown = null

    const tick = (): void => {
      timer = null
      if (isStopped) return
      const now = deps.now()
      const lateMs = now - lastTick - intervalMs
      lastTick = now
      const addresses = fingerprint()
      const reasons: string[] = []
      if (lateMs >= SLEEP_GAP_MS) reasons.push(`the machine was asleep (or stalled) for about ${Math.round(lateMs / 1_000)} s`)
      if (addresses !== lastAddresses) {
        reasons.push(`the network changed (addresses ${lastAddresses === '' ? 'none' : lastAddresses} -> ${addresses === '' ? 'none' : addresses})`)
        lastAddresses = addresses
      }
      timer = deps.setTimeout(tick, intervalMs)
      if (reasons.length === 0) return
      try {
        onChange(reasons.join('; '))
      } catch {
        // A timer callback has nowhere to report to; the next look is scheduled already.
      }
    }

    timer = deps.setTimeout(tick, intervalMs)
    return () => {
      isStopped = true
      if (timer !== null) deps.clearTimeout(timer)
      timer = null
    }
  }
}
