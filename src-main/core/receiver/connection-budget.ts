/**
 * How many connections each of the app's listeners holds at once: one rule for the receiver and
 * the headless API/UI server. Every socket takes a file descriptor; at the open-file limit
 * accept() fails (EMFILE) for every listener, and so do the capture files. Each listener gets a
 * share of the limit, and a connection past its share is closed at once (Node's `maxConnections`):
 *
 * - the receiver, the one port the internet reaches (floods, many senders at once): half;
 * - the API/UI server (loopback: a UI's requests and event stream, scripts): an eighth;
 * - the rest (three eighths) stays for the capture files, the log, forwards, resends and the tunnel.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { Logger } from '../logger'

/** The open-file limit the shares are taken of when it is not known (Windows). */
export const FALLBACK_OPEN_FILE_LIMIT = 8_192
/** The fewest connections a listener ever allows, whatever the limit. */
export const MIN_MAX_CONNECTIONS = 32
/** How often, at most, a listener logs that it refused connections for being at its limit. */
export const CONNECTION_LIMIT_LOG_INTERVAL_MS = 60_000

export type Listener = 'receiver' | 'api'

/** Each listener's share of the open-file limit. */
export const CONNECTION_SHARES: Record<Listener, { share: number; words: string }> = {
  receiver: { share: 1 / 2, words: 'half the open-file limit' },
  api: { share: 1 / 8, words: 'an eighth of the open-file limit' },
}

/**
 * The process's open-file limit (soft, which Node raises to the hard limit at start-up), or null
 * when it cannot be read.
 */
export function openFileLimit(): number | null {
  try {
    if (process.platform === 'linux') {
      const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'latin1'))
      return match === null || match[1] === 'unlimited' ? null : Number(match[1])
    }
    if (process.platform === 'win32') return null
    // macOS and the BSDs: a child inherits the limits and its shell reports them.
    const text = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'latin1', timeout: 2_000 }).trim()
    return /^\d+$/.test(text) ? Number(text) : null
  } catch {
    return null
  }
}

/** The connections `listener` holds at once under the open-file limit `limit`. */
export function maxConnectionsFor(listener: Listener, limit: number | null = openFileLimit()): number {
  return Math.max(MIN_MAX_CONNECTIONS, Math.floor((limit ?? FALLBACK_OPEN_FILE_LIMIT) * CONNECTION_SHARES[listener].share))
}

/**
 * Caps `server` at `maxConnections` (by default its listener's share). Node closes a connection
 * past it before it is read (no answer can be written without reading the request, and reading is
 * what the cap saves); the log says so, once a minute at most.
 */
export function capConnections(
  server: Server,
  listener: Listener,
  deps: { logger: Logger; now: () => Date; idleCloseSeconds: number },
  maxConnections = maxConnectionsFor(listener),
): void {
  server.maxConnections = maxConnections
  const name = listener === 'receiver' ? 'the receiver' : 'the API/UI server'
  let refused = 0
  let loggedAt: number | null = null
  server.on('drop', () => {
    refused++
    const now = deps.now().getTime()
    if (loggedAt !== null && now - loggedAt < CONNECTION_LIMIT_LOG_INTERVAL_MS) return
    deps.logger.warn(
      `${name} refused ${refused} connection(s): it already holds ${maxConnections}, its limit (${CONNECTION_SHARES[listener].words}, "ulimit -n"). Connections that send nothing are closed after ${deps.idleCloseSeconds} s; raise the limit to hold more.`,
    )
    loggedAt = now
    refused = 0
  })
}
