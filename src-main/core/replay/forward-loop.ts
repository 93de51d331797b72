/**
 * Forward loops: an endpoint forwarding to this app's own receiver, or two endpoints (or two
 * installations) forwarding to each other, would turn one delivery into an endless stream of
 * captures. Two guards, because either alone has a gap:
 *
 * - a target that is recognisably the app's own receiver (a loopback address on the receiver's
 *   port, or the tunnel's public URL) is refused when the forward is configured and again when it
 *   would be sent (the tunnel may have come online since);
 * - every forwarded request carries `X-Callback-Inspector-Forwarded`, and a request that arrives
 *   carrying it is captured but never forwarded again. This catches what the first guard cannot
 *   see: a host name that resolves to this machine, a second tunnel, another installation.
 */
import type { HeaderPairs } from '../../shared/http-message'

import { FORWARDED_MARK_HEADER } from '../../shared/replay'

export { FORWARDED_MARK_HEADER }
const FORWARDED_MARK_LOWER = FORWARDED_MARK_HEADER.toLowerCase()

/** Where this app's receiver can be reached, as known right now. */
export interface OwnReceiver {
  /** The receiver's local port(s). */
  ports(): readonly number[]
  /** Public URLs that lead to the receiver (the tunnel's, when online). */
  publicUrls(): readonly string[]
}

/** Host names and literals that always mean "this machine" (the URL parser has already normalised them). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '0.0.0.0' ||
    host === '[::1]' ||
    host === '[::]' ||
    // IPv4-mapped loopback, as the URL parser writes it: [::ffff:127.0.0.1] -> [::ffff:7f00:1].
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  )
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'https:' ? 443 : 80
}

/** Why a target URL is this app's own receiver, or `null` when it is not recognisably so. */
export function ownReceiverProblem(target: URL, own: OwnReceiver): string | null {
  if (isLoopbackHost(target.hostname) && own.ports().includes(portOf(target))) {
    return `${target.origin} is this app's own receiver: forwarding there would capture every callback again, endlessly`
  }
  for (const publicUrl of own.publicUrls()) {
    let parsed: URL
    try {
      parsed = new URL(publicUrl)
    } catch {
      continue
    }
    if (parsed.origin === target.origin)
      return `${target.origin} is this app's public tunnel URL: forwarding there would capture every callback again, endlessly`
  }
  return null
}

/** Whether a request was forwarded by a Callback Inspector (this one or another). */
export function carriesForwardMark(headers: HeaderPairs): boolean {
  return headers.some(([name]) => name.toLowerCase() === FORWARDED_MARK_LOWER)
}

/** Why a capture must not be forwarded to this target, or `null` when it may. */
export function forwardLoopProblem(target: URL, capturedHeaders: HeaderPairs, own: OwnReceiver | undefined): string | null {
  if (carriesForwardMark(capturedHeaders)) {
    return `not forwarded: this request was itself forwarded by Callback Inspector (it carries ${FORWARDED_MARK_HEADER}), and forwarding it again could loop`
  }
  return own === undefined ? null : ownReceiverProblem(target, own)
}
