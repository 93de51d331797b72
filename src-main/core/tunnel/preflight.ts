/**
 * Pre-flight checklist for an endpoint's public URL against a provider's rules: can the provider
 * deliver there at all? Pure: no DNS, no network (a host name's A record is not looked up).
 *
 * Each provider's rules (https required or recommended, ports, IPv4 only) are in its module
 * (`publicUrl`, with its sources); the address ranges no public sender can reach are here. The
 * `why` texts are shown to the user as they are: plain words, no references.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { PreflightCheck, PreflightProvider } from '../../shared/tunnel'
import type { UrlRules } from '../providers/provider-module'
import { providerModule } from '../providers/registry'

/** IXOPAY's list of refused ranges (its callback documentation, see ixopay.ts) plus the other ranges no public sender can reach. */
const NON_PUBLIC_IPV4: ReadonlyArray<[network: string, prefix: number, label: string]> = [
  ['0.0.0.0', 8, '"this network" (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'link-local (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'reserved (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'documentation (192.0.2.0/24)'],
  ['192.168.0.0', 16, 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'documentation (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'documentation (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'reserved (240.0.0.0/4, incl. 255.255.255.255)'],
]

const NON_PUBLIC_IPV6: ReadonlyArray<[network: string, prefix: number, label: string]> = [
  ['::', 128, 'unspecified (::)'],
  ['::1', 128, 'loopback (::1)'],
  ['fc00::', 7, 'unique local (fc00::/7)'],
  ['fe80::', 10, 'link-local (fe80::/10)'],
  ['2001:db8::', 32, 'documentation (2001:db8::/32)'],
  ['ff00::', 8, 'multicast (ff00::/8)'],
]

/** Names that never resolve to a public address (RFC 6761, RFC 8375, common LAN suffixes). */
const NON_PUBLIC_SUFFIXES = ['localhost', 'local', 'internal', 'lan', 'home.arpa', 'test', 'example', 'invalid']

/**
 * Check `url` against `provider`'s rules. Returns one line per check; when the URL does not parse
 * there is only the `url` line.
 */
export function preflightPublicUrl(url: string, provider: PreflightProvider): PreflightCheck[] {
  const { rules, senderName: providerName } = providerModule(provider).publicUrl
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return [{ check: 'url', ok: false, severity: 'required', detail: `"${url}" is not an absolute URL` }]
  }
  const isHttps = parsed.protocol === 'https:'
  if ((!isHttps && parsed.protocol !== 'http:') || parsed.hostname === '') {
    return [{ check: 'url', ok: false, severity: 'required', detail: `${providerName} needs an http or https URL with a host` }]
  }
  const port = parsed.port === '' ? (isHttps ? 443 : 80) : Number(parsed.port)
  return [
    { check: 'url', ok: true, severity: 'required', detail: 'an absolute http(s) URL with a host' },
    isHttps
      ? { check: 'https', ok: true, severity: rules.https.severity, detail: 'uses https' }
      : { check: 'https', ok: false, severity: rules.https.severity, detail: `uses http: ${rules.https.why}` },
    rules.ports === null
      ? { check: 'port', ok: true, severity: 'required', detail: `port ${port}; ${providerName} documents no port restriction` }
      : {
          check: 'port',
          ok: rules.ports.includes(port),
          severity: 'required',
          detail: rules.ports.includes(port)
            ? `port ${port}`
            : `port ${port}: ${providerName} only calls ports ${rules.ports.join(' or ')} (its support can allow-list others)`,
        },
    checkPublicHost(parsed.hostname, rules, providerName),
  ]
}

function checkPublicHost(rawHost: string, rules: UrlRules, providerName: string): PreflightCheck {
  const host = rawHost
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '')
  const fail = (detail: string): PreflightCheck => ({ check: 'public-host', ok: false, severity: 'required', detail })
  if (isIPv4(host)) {
    const range = nonPublicRange(host, 'ipv4')
    return range === null
      ? { check: 'public-host', ok: true, severity: 'required', detail: `${host} is a public IPv4 address` }
      : fail(`${host} is ${range}: ${providerName} cannot reach it`)
  }
  if (isIPv6(host)) {
    const mapped = ipv4MappedAddress(host)
    const range = mapped !== null ? nonPublicRange(mapped, 'ipv4') : nonPublicRange(host, 'ipv6')
    if (range !== null) return fail(`${host} is ${range}: ${providerName} cannot reach it`)
    if (rules.isIpv4Only) return fail(`${host} is an IPv6 address: ${providerName} needs a host with an IPv4 (A) record`)
    return { check: 'public-host', ok: true, severity: 'required', detail: `${host} is a public IPv6 address` }
  }
  const suffix = NON_PUBLIC_SUFFIXES.find((name) => host === name || host.endsWith(`.${name}`))
  if (suffix !== undefined) return fail(`${host} is a local name (.${suffix}): ${providerName} cannot reach it`)
  const blocked = rules.blockedHostSuffixes?.suffixes.find((name) => host === name || host.endsWith(`.${name}`))
  if (blocked !== undefined) return fail(`${host} is under ${blocked}: ${rules.blockedHostSuffixes?.why ?? `${providerName} refuses it`}`)
  if (!host.includes('.')) return fail(`${host} is a single-label name, not a public host`)
  const record = rules.isIpv4Only ? 'a public IPv4 (A) record' : 'a public address'
  return { check: 'public-host', ok: true, severity: 'required', detail: `${host} is a host name; it must resolve to ${record} (not checked here)` }
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:c0a8:1`, as URL normalises it), if it is one. */
function ipv4MappedAddress(host: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1]
  if (dotted !== undefined) return dotted
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host)
  if (hex === null) return null
  const high = Number.parseInt(hex[1] ?? '0', 16)
  const low = Number.parseInt(hex[2] ?? '0', 16)
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
}

const blockLists = new Map<'ipv4' | 'ipv6', Array<[BlockList, string]>>()

function nonPublicRange(address: string, family: 'ipv4' | 'ipv6'): string | null {
  let lists = blockLists.get(family)
  if (lists === undefined) {
    lists = (family === 'ipv4' ? NON_PUBLIC_IPV4 : NON_PUBLIC_IPV6).map(([network, prefix, label]) => {
      const list = new BlockList()
      list.addSubnet(network, prefix, family)
      return [list, label]
    })
    blockLists.set(family, lists)
  }
  return lists.find(([list]) => list.check(address, family))?.[1] ?? null
}
