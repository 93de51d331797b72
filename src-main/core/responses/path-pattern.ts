/**
 * Path globs for answer rules, matched against the path part of the request target relative to
 * the endpoint (no query string), e.g. `/orders/**` or `/callbacks/*.json`.
 *
 * `*` matches within one path segment (never a `/`); `**` matches across segments. A whole
 * segment `**` also matches zero segments, so `/orders/**` matches `/orders` and `/orders/1/2`,
 * and `/**` matches every path. Every other character is literal (no `?`, `[...]` or `{a,b}`:
 * callback paths are plain, and fewer metacharacters mean fewer surprises). Matching is
 * case-sensitive and on the path as received (percent-encoding not decoded), like the signature
 * schemes that sign the path.
 */

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&')
}

/** Paths and patterns are compared with a leading slash whether or not the user wrote one. */
export function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}

/** Compiles a path glob to an anchored regular expression. */
export function compilePathPattern(pattern: string): RegExp {
  const segments = withLeadingSlash(pattern).split('/').slice(1)
  let source = ''
  let previousWasGlobstar = false
  for (const segment of segments) {
    if (/^\*{2,}$/.test(segment)) {
      // A whole-segment globstar: zero or more segments, each with its slash. Repeats collapse
      // into one, which means the same and keeps the regex from backtracking polynomially.
      if (!previousWasGlobstar) source += '(?:/.*)?'
      previousWasGlobstar = true
      continue
    }
    previousWasGlobstar = false
    source += '/'
    for (const token of segment.split(/(\*+)/)) {
      if (token === '') continue
      if (token.startsWith('*')) source += token.length >= 2 ? '.*' : '[^/]*'
      else source += escapeRegex(token)
    }
  }
  return new RegExp(`^${source === '' ? '/' : source}$`)
}

/** Whether a path matches a glob; a query string, if the caller left one on, is ignored. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const queryStart = path.indexOf('?')
  const pathOnly = queryStart === -1 ? path : path.slice(0, queryStart)
  return compilePathPattern(pattern).test(withLeadingSlash(pathOnly))
}
