/**
 * The capture query language: what the search box and `listCaptures` `filter.query` accept.
 *
 *     order-4711                     a bare word: anywhere in the request
 *     "Alex Smith"                   a phrase (quotes; `\"` inside one is a quote)
 *     body:declined  header.x-signature:""  query.action:create  path:/ixopay
 *     method:post  provider:stripe  verdict:invalid  verdict:changed  status:5xx  status:503
 *     event:payment_intent  ref:4711  id:evt_1  note:refund  from:merchant.har  after:-2h  before:2026-12-01
 *     -term  NOT term                excludes
 *     a b  (a AND b)                 every term must match
 *     a OR b  (a OR b) -c            either; OR binds tighter than AND (`a OR b c` = `(a OR b) c`)
 *
 * Everything is case-insensitive and Unicode-normalisation-insensitive (`café` finds `cafe\u0301`);
 * in body text, whitespace next to JSON punctuation does not count (`"\"result\": \"OK\""` finds
 * `{"result":"OK"}`); a pasted URL also finds the captures sent to its path and query, whatever
 * its host (shared/search-text-form.ts and shared/pasted-url.ts say how). The parser is one pass
 * over the text and a recursive descent whose depth is capped, so it is linear on any input;
 * matching is plain substring search (`String.prototype.includes`; in the body text and the
 * search-text sidecar, every term's text at once in one pass: multi-text-search.ts): no regular
 * expression is ever built from what the user typed.
 *
 * This module says what a parsed query is. capture-query-parser.ts parses one (its tokens in
 * capture-query-tokens.ts, each term's value in capture-query-terms.ts); capture-query-match.ts
 * matches a capture (searchable-capture.ts maps what it reads); capture-query-logic.ts combines
 * NOT, AND and OR; capture-query-help.ts holds the help lines. All zod-free and free of Node APIs:
 * the renderer bundles them to decide whether a live capture belongs in a filtered list, and the
 * core's search engine runs the same matcher.
 */
import { assertNever } from './assert-never'
import type { ListedVerdict } from './listed-verdict'
import type { ProviderId } from './provider-catalog'

/** Longer queries are refused: nothing a person types, and every capture is tested against it. */
export const MAX_CAPTURE_QUERY_LENGTH = 1000

/** Parentheses nest at most this deep (the parser's recursion is bounded by it). */
export const MAX_QUERY_NESTING = 32

/**
 * Terms a query holds at most (words, phrases and field terms, as typed). Bodies and sidecars are
 * read once for all the terms (multi-text-search.ts), but the summary, headers and fields of each
 * capture left to the matcher are still looked in term by term, and the search's automaton grows
 * with the terms. When each term was a pass of its own, 333 two-letter words over 20,000 captures
 * took 34-70 s where five bodies were 10 MB of one letter (32 took 36-46 s; now under 1.5 s).
 */
export const MAX_QUERY_TERMS = 32

/** Field names a term can start with (`header.NAME:` and `query.NAME:` take a name after the dot). */
export const QUERY_FIELDS = [
  'body',
  'header',
  'query',
  'path',
  'method',
  'provider',
  'verdict',
  'status',
  'event',
  'ref',
  'id',
  'after',
  'before',
  'note',
  'from',
] as const
export type QueryField = (typeof QUERY_FIELDS)[number]

/**
 * A term's value is folded at parse time (case folded, NFC: `foldForSearch`); `position` is where
 * the term starts (0-based).
 */
export type QueryTerm = { position: number } & (
  | { field: 'anywhere'; text: string }
  /** `body:` text is looked for in its `withoutJsonSpacingNeedle` form, as body text is searched without JSON spacing. */
  /** `from:`: where an imported capture came from (`importedFrom`); `from:""` any imported capture. */
  | { field: 'body' | 'path' | 'event' | 'ref' | 'id' | 'note' | 'from'; text: string }
  /**
   * Never typed: the path and query of a URL given as a word or phrase, looked for in the request
   * target (see `alternativesOf`, capture-query-terms.ts).
   */
  | { field: 'target'; text: string }
  /** `name` lower-cased; `null` (`header:x`): any header's name or value. */
  | { field: 'header'; name: string | null; text: string }
  /** `name` folded (`foldForSearch`) and matched against decoded parameter names, folded; `null` (`query:x`): the decoded query string. */
  | { field: 'query'; name: string | null; text: string }
  | { field: 'method'; method: string }
  /** The providers whose id or name contains what was typed. */
  | { field: 'provider'; providers: ReadonlySet<ProviderId>; text: string }
  /** As the list shows it (`listedVerdictOf`): `changed` for a capture changed before export. */
  | { field: 'verdict'; verdict: ListedVerdict }
  /** `2xx`…`5xx` (`hundreds`), one `code`, or `none` (no HTTP answer). */
  | { field: 'status'; answer: { hundreds: number } | { code: number } | 'none' }
  /** `after:` includes the instant, `before:` excludes it. */
  | { field: 'after' | 'before'; atMs: number }
)

export type QueryNode =
  { kind: 'term'; term: QueryTerm } | { kind: 'not'; node: QueryNode } | { kind: 'and'; nodes: QueryNode[] } | { kind: 'or'; nodes: QueryNode[] }

/**
 * What a term has to read, cheapest first: `summary` fields are at hand for every capture;
 * `headers` and `body` are the lazy parts of a `SearchableCapture`. A bare word needs `body` (it
 * looks everywhere, the body last).
 */
export type QueryCost = 'summary' | 'headers' | 'body'

/** A parsed query, ready to test many captures. Children of AND and OR are ordered cheapest first. */
export interface CaptureQuery {
  /** The text as given. */
  source: string
  root: QueryNode
  /**
   * Every term, in the order typed; a word or phrase is followed by the alternatives it is also
   * looked for as (its body form, a URL's target: see `alternativesOf`, capture-query-terms.ts), at its position.
   */
  terms: QueryTerm[]
  /** Some term reads the headers (bare words and `header.` terms). */
  needsHeaders: boolean
  /** Some term reads the body text (bare words and `body:` terms): an engine can index or cache for these. */
  needsBody: boolean
}

/** A malformed query: the message says what and where ("unclosed quote at character 14"). */
export class CaptureQueryError extends Error {
  /** 0-based offset in the query text (the message gives it 1-based, as "character N"). */
  readonly position: number

  constructor(problem: string, position: number) {
    super(`${problem} at character ${position + 1}`)
    this.name = 'CaptureQueryError'
    this.position = position
  }
}

export type CaptureQueryParse = { ok: true; query: CaptureQuery | null } | { ok: false; error: CaptureQueryError }

/** What a term reads (see `QueryCost`). */
export function termCost(term: QueryTerm): QueryCost {
  switch (term.field) {
    case 'anywhere':
    case 'body':
      return 'body'
    case 'header':
      return 'headers'
    case 'query':
    case 'path':
    case 'target':
    case 'event':
    case 'ref':
    case 'id':
    case 'note':
    case 'from':
    case 'method':
    case 'provider':
    case 'verdict':
    case 'status':
    case 'after':
    case 'before':
      return 'summary'
    default:
      return assertNever(term)
  }
}
