/**
 * Where a resend or forward goes: the target URL, plus (with "keep the captured path") what the
 * sender put after the endpoint's slug, kept inside the target URL's base path. Zod-free and
 * Node-free, so the Forward dialog previews the same URL the core requests.
 *
 * Forward and resend with "keep the captured path" append what a sender put after the endpoint's
 * slug to the target URL. A sender who knows the public tunnel URL controls that part, so it must
 * never climb out of the configured base path (`/hooks/ixopay` must not become `/admin/secret`).
 * WHATWG URL parsing (what the HTTP client uses) resolves `..`, `%2e%2e`, `.%2e` and turns `\` into
 * `/` for http(s); many servers and frameworks also decode `%2f` and `%5c` before routing. So dot
 * segments are recognised in all those spellings: plain ones are resolved here (and refused when
 * they would climb above the base), and ones hidden behind an encoded separator are refused
 * because how the target decodes them cannot be known.
 */
import { InspectorError } from './errors'
import { splitTarget } from './slug'

/** A dot segment, literal or with its dots percent-encoded (`.`, `%2e`, `%2E` in any mix). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i
/** Percent-encoded `/` or `\`: a separator to any target that decodes before it routes. */
const ENCODED_SEPARATOR = /%2f|%5c/i

function dotSegmentKind(segment: string): 'current' | 'parent' | null {
  if (!DOT_SEGMENT.test(segment)) return null
  return segment.replace(/%2e/gi, '.') === '.' ? 'current' : 'parent'
}

/**
 * Resolves the dot segments of a captured path (relative to the endpoint, starting with `/`, no
 * query) and returns the path to append to the base. Segments are otherwise kept byte for byte.
 * Throws `InspectorError('BAD_REQUEST')` when the path would leave the base path.
 */
export function confineCapturedPath(capturedPath: string): string {
  // `\` is a separator for every http(s) URL the client parses, so it is one here too.
  const segments = capturedPath.split(/[/\\]/).slice(1)
  const kept: string[] = []
  const refuse = (why: string): never => {
    throw new InspectorError(
      'BAD_REQUEST',
      `the captured path ${JSON.stringify(capturedPath.slice(0, 200))} ${why}; it is not sent so it cannot reach other paths of the target`,
    )
  }
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1
    const kind = dotSegmentKind(segment)
    if (kind === 'parent') {
      if (kept.length === 0) refuse("climbs above the target URL's path")
      kept.pop()
    } else if (kind === null) {
      if (ENCODED_SEPARATOR.test(segment) && segment.split(/%2f|%5c/i).some((part) => dotSegmentKind(part) !== null)) {
        refuse('hides a dot segment behind an encoded slash')
      }
      kept.push(segment)
      continue
    }
    // A trailing dot segment names a directory: keep the trailing slash, as URL resolution does.
    if (last) kept.push('')
  }
  return `/${kept.join('/')}`
}

/**
 * The request target to send. Without `keepCapturedPath` it is the target URL's path and query;
 * with it, the captured path and query relative to the endpoint are appended (`/<slug>/notify?x=1`
 * sent to `http://host/cb` goes to `/cb/notify?x=1`). The captured part is appended as it arrived,
 * because signatures (IXOPAY) cover it byte for byte, except that its dot segments are resolved and
 * it may never climb out of the target's path (`confineCapturedPath` throws `BAD_REQUEST`).
 */
export function sentTarget(url: URL, capturedTarget: string, keepCapturedPath: boolean): string {
  const basePath = url.pathname === '' ? '/' : url.pathname
  const baseQuery = url.search.slice(1)
  if (!keepCapturedPath) return `${basePath}${url.search}`
  const { rest } = splitTarget(capturedTarget)
  const queryAt = rest.indexOf('?')
  const restPath = confineCapturedPath(queryAt < 0 ? rest : rest.slice(0, queryAt))
  const restQuery = queryAt < 0 ? '' : rest.slice(queryAt + 1)
  const path = restPath === '/' ? basePath : `${basePath.replace(/\/+$/, '')}${restPath}`
  const queries = [baseQuery, restQuery].filter((query) => query !== '')
  return queries.length > 0 ? `${path}?${queries.join('&')}` : path
}

/**
 * The URL exactly as an HTTP client parses and requests it (origin, path and query; a fragment is
 * never sent), so a preview or a history never shows one path while another is requested.
 */
export function requestedUrl(url: URL, capturedTarget: string, keepCapturedPath: boolean): URL {
  const parsed = new URL(`${url.protocol}//${url.host}${sentTarget(url, capturedTarget, keepCapturedPath)}`)
  parsed.hash = ''
  return parsed
}
