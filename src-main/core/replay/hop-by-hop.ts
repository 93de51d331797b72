/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1): they describe one connection, not the message, so a
 * replay or a forward never copies them. Copying `Transfer-Encoding: chunked` next to a fixed body
 * would even corrupt the framing.
 */
import type { HeaderPairs } from '../../shared/http-message'

/** Lower-case names that are always hop-by-hop. `Proxy-*` is matched by prefix. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'])

/** Names listed in `Connection` headers (e.g. `Connection: close, X-Foo`), lower-cased. */
export function connectionListed(headers: HeaderPairs): Set<string> {
  const listed = new Set<string>()
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'connection') continue
    for (const token of value.split(',')) {
      const trimmed = token.trim().toLowerCase()
      if (trimmed) listed.add(trimmed)
    }
  }
  return listed
}

/** True when `name` is hop-by-hop for a message whose `Connection` headers list `listed`. */
export function isHopByHop(name: string, listed: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase()
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || listed.has(lower)
}

/** Splits headers into the end-to-end ones (order and case kept) and the names dropped. */
export function withoutHopByHop(headers: HeaderPairs): { kept: HeaderPairs; dropped: string[] } {
  const listed = connectionListed(headers)
  const kept: HeaderPairs = []
  const dropped: string[] = []
  for (const [name, value] of headers) {
    if (isHopByHop(name, listed)) dropped.push(name)
    else kept.push([name, value])
  }
  return { kept, dropped }
}
