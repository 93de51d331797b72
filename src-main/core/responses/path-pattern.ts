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
 *
 * Why no regular expression: the path comes from whoever reaches the receiver (public through the
 * tunnel), and a backtracking regex for `/*-*-*` takes cubic time on a long path of dashes (a
 * 4,000-character path froze the app for 15 s). The matcher below walks the path once, keeping the
 * set of pattern positions that are still alive (a Thompson-style simulation), so its cost is at
 * most path length × pattern length, whatever the pattern. A two-pointer matcher with one
 * backtrack point is not enough here: with two wildcard kinds (`*` stops at `/`, `**` does not)
 * the latest `*` does not always dominate the earlier ones.
 */
import { assertNever } from '../../shared/assert-never'

/** One step of a prepared pattern. */
type PatternNode =
  /** Exactly this character. */
  | { kind: 'char'; char: string }
  /** Any run of characters other than `/` (a `*`). */
  | { kind: 'segment-star' }
  /** Any run of characters (a `**` inside a segment, or the tail of a whole-segment `**`). */
  | { kind: 'any-star' }
  /** A whole-segment `**`: either nothing, or a `/` followed by the `any-star` node after it. */
  | { kind: 'optional-slash' }

/** A path glob prepared once (per answer configuration) and matched many times. */
export interface PreparedPathPattern {
  readonly pattern: string
  readonly nodes: readonly PatternNode[]
}

/** Paths and patterns are compared with a leading slash whether or not the user wrote one. */
export function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`
}

/** Turns a glob into the nodes the matcher walks. Linear in the pattern's length. */
export function preparePathPattern(pattern: string): PreparedPathPattern {
  const segments = withLeadingSlash(pattern).split('/').slice(1)
  const nodes: PatternNode[] = []
  let previousWasGlobstar = false
  for (const segment of segments) {
    if (/^\*{2,}$/.test(segment)) {
      // Zero or more segments, each with its slash. Repeats collapse into one: they mean the same.
      if (!previousWasGlobstar) nodes.push({ kind: 'optional-slash' }, { kind: 'any-star' })
      previousWasGlobstar = true
      continue
    }
    previousWasGlobstar = false
    nodes.push({ kind: 'char', char: '/' })
    for (const token of segment.split(/(\*+)/)) {
      if (token === '') continue
      if (token.startsWith('*')) nodes.push({ kind: token.length >= 2 ? 'any-star' : 'segment-star' })
      else for (const char of token) nodes.push({ kind: 'char', char })
    }
  }
  // An empty pattern (or just `/`) matches the endpoint's root.
  if (nodes.length === 0) nodes.push({ kind: 'char', char: '/' })
  return { pattern, nodes }
}

/**
 * Whether a path matches a prepared glob; a query string, if the caller left one on, is ignored.
 * Cost: at most (path length + 1) × (pattern nodes + 1) steps; no backtracking.
 */
export function matchesPreparedPathPattern(prepared: PreparedPathPattern, path: string): boolean {
  const queryStart = path.indexOf('?')
  const subject = withLeadingSlash(queryStart === -1 ? path : path.slice(0, queryStart))
  const { nodes } = prepared
  const end = nodes.length
  // `seen[i] === generation` marks position i as already in the set for this step.
  const seen = new Int32Array(end + 1)
  let generation = 0
  let current: number[] = []
  let next: number[] = []

  /** Adds a position and everything reachable from it without consuming a character. */
  const add = (set: number[], start: number): void => {
    const pending = [start]
    while (pending.length > 0) {
      const position = pending.pop() as number
      if (seen[position] === generation) continue
      seen[position] = generation
      set.push(position)
      const node = nodes[position]
      if (node === undefined) continue
      switch (node.kind) {
        case 'segment-star':
        case 'any-star':
          pending.push(position + 1)
          break
        case 'optional-slash':
          // Zero segments: skip the slash and the any-star that follows it.
          pending.push(position + 2)
          break
        case 'char':
          break
        default: {
          return assertNever(node)
        }
      }
    }
  }

  generation++
  add(current, 0)
  for (const char of subject) {
    generation++
    next.length = 0
    for (const position of current) {
      const node = nodes[position]
      if (node === undefined) continue
      switch (node.kind) {
        case 'char':
          if (node.char === char) add(next, position + 1)
          break
        case 'segment-star':
          if (char !== '/') add(next, position)
          break
        case 'any-star':
          add(next, position)
          break
        case 'optional-slash':
          if (char === '/') add(next, position + 1)
          break
        default: {
          return assertNever(node)
        }
      }
    }
    if (next.length === 0) return false
    ;[current, next] = [next, current]
  }
  return current.includes(end)
}

/** Prepared patterns by their text: a configuration's few patterns are prepared once, not per delivery. */
const preparedByPattern = new Map<string, PreparedPathPattern>()
const PREPARED_CACHE_SIZE = 256

/** The prepared form of a pattern, from a small cache (oldest dropped first). */
export function preparedPathPattern(pattern: string): PreparedPathPattern {
  const cached = preparedByPattern.get(pattern)
  if (cached !== undefined) return cached
  const prepared = preparePathPattern(pattern)
  if (preparedByPattern.size >= PREPARED_CACHE_SIZE) {
    const oldest = preparedByPattern.keys().next()
    if (oldest.done !== true) preparedByPattern.delete(oldest.value)
  }
  preparedByPattern.set(pattern, prepared)
  return prepared
}

/** Whether a path matches a glob; a query string, if the caller left one on, is ignored. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  return matchesPreparedPathPattern(preparedPathPattern(pattern), path)
}
