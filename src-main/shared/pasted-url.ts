/**
 * A URL pasted into the search box: the receiver's or an endpoint's URL, the tunnel's public URL,
 * a capture's URL as `curl` or the list shows it. A capture records only its request target (path
 * and query: `/shop/webhooks?id=7`), never the scheme and host it was sent to, which differ by
 * where it came through (`http://127.0.0.1:4100`, `https://abc.loca.lt`, a proxy). So a URL also
 * names the captures whose target holds its path and query, whatever its scheme and host.
 *
 * Plain string scanning, linear in the text: no regular expression runs over what was typed.
 */

/**
 * The path and query (from the first `/` or `?` after the host, without a `#fragment`) of a URL:
 * `http://` or `https://` and any host, or, without a scheme, `localhost`, an IPv4 address, a
 * bracketed IPv6 address or a dotted host name (`abc.loca.lt`), with an optional port, followed
 * by a path or query. `null` when the text is no such URL, or when it names no particular target
 * (nothing, or only `/`, after the host: every capture's target starts with `/`).
 */
export function targetNamedByUrl(text: string): string | null {
  const lower = text.toLowerCase()
  const scheme = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : 0
  let authorityEnd = scheme
  while (authorityEnd < text.length && !endsAuthority(text.charCodeAt(authorityEnd))) authorityEnd++
  const authority = lower.slice(scheme, authorityEnd)
  if (scheme === 0 ? !isBareHostAndPort(authority) : authority === '') return null
  const fragment = text.indexOf('#', authorityEnd)
  let target = text.slice(authorityEnd, fragment === -1 ? text.length : fragment)
  if (target.startsWith('?')) target = `/${target}`
  return target === '' || target === '/' ? null : target
}

/** `/`, `?` or `#`: where a URL's host and port end. */
const endsAuthority = (code: number): boolean => code === 0x2f || code === 0x3f || code === 0x23

/**
 * A host a URL without its scheme starts with (lower-cased): `localhost`, four dotted numbers,
 * `[…]`, or two or more dotted labels of letters, digits and `-`, the last holding a letter (so
 * `10.5/3` is arithmetic, not a host); then an optional `:port`.
 */
function isBareHostAndPort(authority: string): boolean {
  const colon = authority.startsWith('[') ? authority.indexOf(':', authority.indexOf(']')) : authority.indexOf(':')
  const host = colon === -1 ? authority : authority.slice(0, colon)
  if (colon !== -1) {
    const port = authority.slice(colon + 1)
    if (port.length === 0 || port.length > 5 || !isDigits(port)) return false
  }
  if (host === 'localhost') return true
  if (host.startsWith('[')) return host.length > 2 && host.endsWith(']') && isIpv6Body(host.slice(1, -1))
  const labels = host.split('.')
  if (labels.length < 2 || labels.some((label) => label === '' || !isLabel(label))) return false
  if (labels.length === 4 && labels.every((label) => isDigits(label) && label.length <= 3 && Number(label) <= 255)) return true
  return [...(labels.at(-1) as string)].some((char) => char >= 'a' && char <= 'z')
}

function isDigits(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x30 || code > 0x39) return false
  }
  return text.length > 0
}

function isLabel(label: string): boolean {
  for (let index = 0; index < label.length; index++) {
    const code = label.charCodeAt(index)
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || code === 0x2d)) return false
  }
  return true
}

function isIpv6Body(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || code === 0x3a || code === 0x2e)) return false
  }
  return text.includes(':')
}
