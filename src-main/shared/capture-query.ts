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
 * matching is plain substring search (`String.prototype.includes`): no regular expression is ever
 * built from what the user typed.
 *
 * Zod-free and free of Node APIs: the renderer bundles it to decide whether a live capture belongs
 * in a filtered list, and the core's search engine runs the same matcher.
 */
import type { CaptureSummary } from './views'
import { filterFieldsOf, type CaptureOutcome, type FilterableCapture } from './capture-filter'
import type { HeaderPairs } from './http-message'
import { assertNever } from './assert-never'
import { PROVIDER_IDS, PROVIDER_NAMES, type ProviderId } from './provider-catalog'
import { LISTED_VERDICTS, listedVerdictOf, type ListedVerdict } from './listed-verdict'
import { foldForSearch, withoutJsonSpacingNeedle } from './search-text-form'
import { targetNamedByUrl } from './pasted-url'
import { decodeComponent, pathOf, queryStringOf } from './target-text'

/** Longer queries are refused: nothing a person types, and every capture is tested against it. */
export const MAX_CAPTURE_QUERY_LENGTH = 1000

/** Parentheses nest at most this deep (the parser's recursion is bounded by it). */
export const MAX_QUERY_NESTING = 32

/**
 * Terms a query holds at most (words, phrases and field terms, as typed). Each is looked for on
 * its own over every capture's text, so the work is the text's size times the terms: 333 two-letter
 * words over 20,000 captures took 34-70 s where five bodies were 10 MB of one letter.
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

/** One line per construct, for help texts (the renderer's syntax hint shows them). */
export const QUERY_SYNTAX_HELP: ReadonlyArray<{ example: string; meaning: string }> = [
  { example: 'order-4711', meaning: 'anywhere: body text, headers, target, summary, note' },
  { example: '"Alex Smith"', meaning: 'a phrase' },
  {
    example: '"\\"result\\": \\"OK\\""',
    meaning: 'JSON pasted as a phrase: spaces and line breaks next to { } [ ] : , do not count in the body',
  },
  { example: 'https://host/shop/cb?id=7', meaning: 'a pasted URL: also the captures sent to its path and query, whatever the host' },
  { example: 'body:declined', meaning: 'in the body text (binary bodies never match)' },
  { example: 'header.user-agent:ixopay', meaning: 'in a header value (header:x any name or value)' },
  { example: 'query.action:create', meaning: 'in a query parameter of the target' },
  { example: 'path:/callbacks', meaning: 'in the path' },
  { example: 'method:post', meaning: 'the HTTP method' },
  { example: 'provider:stripe', meaning: 'the recognised provider' },
  {
    example: 'verdict:invalid',
    meaning: 'valid, invalid, no-key, unsigned, not-applicable; changed: imported, changed by its exporter (no other verdict matches it)',
  },
  { example: 'status:5xx', meaning: 'the answer sent: 503, 5xx, none' },
  { example: 'event:refund', meaning: 'the event type' },
  { example: 'ref:4711', meaning: "the merchant's reference" },
  { example: 'id:evt_1', meaning: "the provider's transaction or event id, or the capture id" },
  { example: 'note:todo', meaning: 'in the note' },
  { example: 'from:merchant.bundle', meaning: 'imported from that file or source (from:"" any imported capture)' },
  { example: 'after:-2h before:2026-12-01', meaning: 'arrival time (s m h d w ago, or an ISO date, UTC unless an offset is given)' },
  { example: '-term', meaning: 'excludes (also NOT term)' },
  { example: 'a OR b c', meaning: 'a or b, and c: OR binds tighter than the space' },
  { example: '(a OR b) c', meaning: 'groups' },
]

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
   * target (see `alternativesOf`).
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
   * looked for as (its body form, a URL's target: see `alternativesOf`), at its position.
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

/**
 * What the matcher reads of a capture. Cheap fields are plain values (or getters: each is read
 * only when a term needs it); `headers()` and `bodyText()` are called at most once per match, and
 * only when the cheap terms did not decide. Without them (the renderer has only summaries), terms
 * that need them are undecided: see `decideCaptureQuery`.
 */
export interface SearchableCapture {
  /** The capture's own id. */
  readonly id: string
  /** As received (upper case). */
  readonly method: string
  /** The request target as received: path and query. */
  readonly target: string
  readonly receivedAtMs: number
  /** `null` for a refused request. */
  readonly provider: ProviderId | null
  /** As the list shows it: `changed` for a capture changed before export (`listedVerdictOf`). */
  readonly verdict: ListedVerdict | null
  /** `null` when no HTTP answer was sent. */
  readonly answerStatus: number | null
  readonly outcome: CaptureOutcome
  readonly eventType: string | null
  /** The provider's id of the transaction or event. */
  readonly objectId: string | null
  /** The provider's id of this notification (Stripe `evt_…`, PayPal `WH-…`), where it has one. */
  readonly eventId?: string | null
  /** The merchant's reference. */
  readonly reference: string | null
  readonly note: string | null
  /** Where an imported capture came from (`HAR merchant.har, entry 3`); `null` (or absent) for a received one. */
  readonly importedFrom?: string | null
  /**
   * Folded summary text (`foldForSearch`) where a bare word is looked for first: `filterFieldsOf(capture).searchText`
   * (method, target as received and decoded, provider name and id, event, status, ids, reference, amount).
   */
  readonly searchText: string
  /** The request headers in arrival order. */
  headers?(): HeaderPairs
  /**
   * The body as folded searchable text without JSON spacing, `null` when binary or empty:
   * `searchableBodyText` (core/search).
   */
  bodyText?(): string | null
}

/** The parts of a capture that are not on its summary, for `searchableCaptureOf`. */
export interface SearchableParts {
  headers?: () => HeaderPairs
  bodyText?: () => string | null
  note?: string | null
  /** `filterFieldsOf(summary).searchText`, when the caller has it already. */
  searchText?: string
}

/**
 * Parses a query. Blank text gives `query: null` (it filters nothing). `now` (ms) anchors relative
 * times such as `after:-2h`; it defaults to the clock.
 */
export function parseCaptureQuery(source: string, options: { now?: number } = {}): CaptureQueryParse {
  try {
    if (source.length > MAX_CAPTURE_QUERY_LENGTH) {
      throw new CaptureQueryError(`the query is longer than ${MAX_CAPTURE_QUERY_LENGTH} characters`, MAX_CAPTURE_QUERY_LENGTH)
    }
    const tokens = tokenize(source)
    if (tokens.length === 0) return { ok: true, query: null }
    const terms: QueryTerm[] = []
    const parser = new Parser(tokens, source.length, options.now ?? Date.now(), terms)
    const root = parser.parseQuery()
    return {
      ok: true,
      query: {
        source,
        root,
        terms,
        needsHeaders: terms.some((term) => termCost(term) !== 'summary'),
        needsBody: terms.some((term) => termCost(term) === 'body'),
      },
    }
  } catch (error: unknown) {
    if (error instanceof CaptureQueryError) return { ok: false, error }
    throw error
  }
}

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

/** Whether the capture matches; a capture without `headers()`/`bodyText()` is treated as having none. */
export function matchesCaptureQuery(query: CaptureQuery, capture: SearchableCapture): boolean {
  const context = new MatchContext(capture, false)
  return evaluateQueryNode(query.root, (term) => evaluateTerm(term, context)) === true
}

/**
 * Three-valued: `true` or `false` when the capture's fields decide, `null` when the answer
 * depends on headers or body text the capture does not provide (the renderer's live list then
 * asks the core again instead of guessing).
 */
export function decideCaptureQuery(query: CaptureQuery, capture: SearchableCapture): boolean | null {
  const context = new MatchContext(capture, true)
  return evaluateQueryNode(query.root, (term) => evaluateTerm(term, context))
}

/**
 * The fields a `SearchableCapture` is built from: what a list summary (`CaptureSummary`) and a
 * record read back from the log (the store's `LoggedCapture`) both carry under the same names.
 */
export type SearchableSource = FilterableCapture &
  Pick<CaptureSummary, 'id' | 'receivedAt' | 'changedBeforeExport'> & { note?: string | null; importedFrom?: string | null }

/**
 * A `SearchableCapture` from a list summary or a logged record, with whatever else the caller
 * has: the one place its fields are mapped (the renderer's live list and the store's search
 * both call it, so they cannot drift apart).
 */
export function searchableCaptureOf(capture: SearchableSource, parts: SearchableParts = {}): SearchableCapture {
  const recognition = capture.recognition
  const searchable: SearchableCapture = {
    id: capture.id,
    method: capture.method,
    target: capture.target,
    receivedAtMs: Date.parse(capture.receivedAt),
    provider: recognition?.provider.id ?? null,
    verdict: listedVerdictOf(capture),
    answerStatus: capture.response.status,
    outcome: capture.outcome,
    eventType: recognition?.summary.eventType ?? null,
    objectId: recognition?.summary.objectId ?? null,
    eventId: recognition?.summary.eventId ?? null,
    reference: recognition?.summary.reference ?? null,
    note: parts.note ?? capture.note ?? null,
    importedFrom: capture.importedFrom ?? null,
    searchText: parts.searchText ?? filterFieldsOf(capture).searchText,
  }
  if (parts.headers) searchable.headers = parts.headers
  if (parts.bodyText) searchable.bodyText = parts.bodyText
  return searchable
}

// ---- tokens -------------------------------------------------------------------------------------

type Token =
  | { kind: 'open' | 'close' | 'or' | 'and' | 'not' | 'minus'; position: number }
  /** `field` is lower-cased (`header.x-sig`), `null` for a bare word or phrase. */
  | { kind: 'term'; position: number; field: string | null; value: string }

const isSpace = (char: string): boolean =>
  char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v' || char === '\u00a0'
/** Characters that end a word: to search for them, quote the text. */
const endsWord = (char: string): boolean => isSpace(char) || char === '(' || char === ')' || char === '"'

/** One pass over the text. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < source.length) {
    const char = source[at] as string
    if (isSpace(char)) {
      at++
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close', position: at })
      at++
    } else if (char === '"') {
      const phrase = readPhrase(source, at)
      tokens.push({ kind: 'term', position: at, field: null, value: phrase.text })
      at = phrase.end
    } else if (char === '-') {
      // A minus that starts a term excludes it; inside a word (`order-4711`, `after:-2h`) it is text.
      const following = source[at + 1]
      if (following === undefined || isSpace(following) || following === ')') throw new CaptureQueryError('- needs a term after it', at)
      tokens.push({ kind: 'minus', position: at })
      at++
    } else {
      let end = at
      while (end < source.length && !endsWord(source[end] as string)) end++
      const word = source.slice(at, end)
      const token = wordToken(word, at, source, end)
      tokens.push(token.token)
      at = token.end
    }
  }
  return tokens
}

/** A quoted phrase from its opening quote; `\"` and `\\` inside it stand for `"` and `\`. */
function readPhrase(source: string, start: number): { text: string; end: number } {
  let text = ''
  let at = start + 1
  while (at < source.length) {
    const char = source[at] as string
    if (char === '"') return { text, end: at + 1 }
    if (char === '\\' && (source[at + 1] === '"' || source[at + 1] === '\\')) {
      text += source[at + 1]
      at += 2
    } else {
      text += char
      at++
    }
  }
  throw new CaptureQueryError('unclosed quote', start)
}

/** A field name: letters, or `header.`/`query.` and a header or parameter name. */
const FIELD_NAME = /^(?:[a-z]+|(?:header|query)\.[^\s:()"]+)$/i
/** Prefixes of URLs and such, searched as text rather than refused as unknown fields (`localhost:4100/shop`). */
const TEXT_PREFIXES = new Set(['http', 'https', 'urn', 'mailto', 'tel', 'data', 'localhost'])

function wordToken(word: string, position: number, source: string, end: number): { token: Token; end: number } {
  if (word === 'OR' || word === 'AND' || word === 'NOT') {
    return { token: { kind: word === 'OR' ? 'or' : word === 'AND' ? 'and' : 'not', position }, end }
  }
  const colon = word.indexOf(':')
  const name = colon > 0 ? word.slice(0, colon) : ''
  const namedField = name.toLowerCase()
  // `header.:x` would otherwise be searched as plain text and silently match nothing.
  if (namedField === 'header.' || namedField === 'query.') {
    const what = namedField === 'header.' ? 'header' : 'parameter'
    throw new CaptureQueryError(`${name} needs a ${what} name before the colon, as in ${namedField}NAME:text`, position + colon)
  }
  if (colon <= 0 || !FIELD_NAME.test(name) || TEXT_PREFIXES.has(name.toLowerCase())) {
    return { token: { kind: 'term', position, field: null, value: word }, end }
  }
  // A parameter's name is compared folded, as the names in the target are (`query.STRASSE:` is `query.straße:`).
  const field = namedField.startsWith('query.') ? `query.${foldForSearch(name.slice('query.'.length))}` : namedField
  const base = field.startsWith('header.') ? 'header' : field.startsWith('query.') ? 'query' : field
  if (!(QUERY_FIELDS as readonly string[]).includes(base)) {
    throw new CaptureQueryError(`unknown field "${name}" (fields: ${QUERY_FIELDS.join(', ')}; put text in quotes to search for it as is)`, position)
  }
  const rest = word.slice(colon + 1)
  if (rest !== '') return { token: { kind: 'term', position, field, value: rest }, end }
  // `field:"a phrase"`: the value is the phrase that follows the colon.
  if (source[end] === '"') {
    const phrase = readPhrase(source, end)
    return { token: { kind: 'term', position, field, value: phrase.text }, end: phrase.end }
  }
  throw new CaptureQueryError(`${name}: needs a value`, position + colon + 1)
}

// ---- grammar ------------------------------------------------------------------------------------
//   query := and
//   and   := or ( [AND] or )*
//   or    := unary ( OR unary )*
//   unary := ( - | NOT )* primary
//   primary := '(' and ')' | term
//
// OR binds tighter than AND, as in Gmail's search: `provider:stripe OR provider:adyen status:5xx`
// is (stripe or adyen) and 5xx, which is what a person typing it means.

class Parser {
  private next = 0
  private depth = 0
  /** Terms met so far, as typed (not their alternatives). */
  private typedTerms = 0

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
    private readonly now: number,
    private readonly terms: QueryTerm[],
  ) {}

  parseQuery(): QueryNode {
    const root = this.parseAnd()
    const left = this.tokens[this.next]
    if (left) throw new CaptureQueryError(left.kind === 'close' ? 'unmatched )' : 'unexpected text', left.position)
    return root
  }

  private peek(): Token | undefined {
    return this.tokens[this.next]
  }

  private where(token: Token | undefined): number {
    return token?.position ?? this.length
  }

  private parseAnd(): QueryNode {
    const nodes: QueryNode[] = []
    for (;;) {
      const token = this.peek()
      if (token === undefined || token.kind === 'close') break
      if (token.kind === 'and') {
        if (nodes.length === 0) throw new CaptureQueryError('AND needs a term before it', token.position)
        this.next++
        const following = this.peek()
        if (!startsOperand(following) || following?.kind === 'and') throw new CaptureQueryError('AND needs a term after it', token.position)
        continue
      }
      // An OR right after a term is taken by parseOr: one here has nothing on its left.
      if (token.kind === 'or') throw new CaptureQueryError('OR needs a term before it', token.position)
      nodes.push(this.parseOr())
    }
    if (nodes.length === 0) {
      const token = this.peek()
      if (token?.kind === 'close') throw new CaptureQueryError(this.depth > 0 ? 'empty group' : 'unmatched )', token.position)
      throw new CaptureQueryError('a term is expected', this.where(token))
    }
    return combine('and', nodes)
  }

  private parseOr(): QueryNode {
    const nodes = [this.parseUnary()]
    while (this.peek()?.kind === 'or') {
      const or = this.tokens[this.next++] as Token
      const following = this.peek()
      if (!startsOperand(following) || following?.kind === 'and') throw new CaptureQueryError('OR needs a term after it', or.position)
      nodes.push(this.parseUnary())
    }
    return combine('or', nodes)
  }

  private parseUnary(): QueryNode {
    let negations = 0
    let token = this.peek()
    while (token?.kind === 'minus' || token?.kind === 'not') {
      negations++
      const operator = token
      this.next++
      token = this.peek()
      if (!startsOperand(token) || token?.kind === 'and') {
        throw new CaptureQueryError(`${operator.kind === 'not' ? 'NOT' : '-'} needs a term after it`, operator.position)
      }
    }
    const node = this.parsePrimary()
    return negations % 2 === 1 ? { kind: 'not', node } : node
  }

  private parsePrimary(): QueryNode {
    const token = this.tokens[this.next++] as Token
    if (token.kind === 'open') {
      if (this.depth >= MAX_QUERY_NESTING) throw new CaptureQueryError(`groups nest deeper than ${MAX_QUERY_NESTING}`, token.position)
      this.depth++
      const node = this.parseAnd()
      this.depth--
      if (this.peek()?.kind !== 'close') throw new CaptureQueryError('unclosed (', token.position)
      this.next++
      return node
    }
    if (token.kind !== 'term') throw new CaptureQueryError('a term is expected', token.position)
    if (++this.typedTerms > MAX_QUERY_TERMS) {
      throw new CaptureQueryError(`a query holds at most ${MAX_QUERY_TERMS} terms (a phrase in quotes is one)`, token.position)
    }
    const term = compileTerm(token, this.now)
    const alternatives = alternativesOf(term)
    this.terms.push(term, ...alternatives)
    const node: QueryNode = { kind: 'term', term }
    return alternatives.length === 0 ? node : combine('or', [node, ...alternatives.map((alternative): QueryNode => ({ kind: 'term', term: alternative }))])
  }
}

function startsOperand(token: Token | undefined): boolean {
  return token !== undefined && token.kind !== 'close' && token.kind !== 'or'
}

const COST_ORDER: Record<QueryCost, number> = { summary: 0, headers: 1, body: 2 }

function nodeCost(node: QueryNode): number {
  switch (node.kind) {
    case 'term':
      return COST_ORDER[termCost(node.term)]
    case 'not':
      return nodeCost(node.node)
    case 'and':
    case 'or':
      // Children are sorted cheapest first, so the last is the dearest.
      return nodeCost(node.nodes.at(-1) as QueryNode)
    default:
      return assertNever(node)
  }
}

/** One node for a run of AND or OR: a single child stands alone; cheap children are tested first. */
function combine(kind: 'and' | 'or', nodes: QueryNode[]): QueryNode {
  if (nodes.length === 1) return nodes[0] as QueryNode
  const costed = nodes.map((node, order) => ({ node, order, cost: nodeCost(node) }))
  costed.sort((left, right) => left.cost - right.cost || left.order - right.order)
  return { kind, nodes: costed.map(({ node }) => node) }
}

// ---- terms --------------------------------------------------------------------------------------

const VERDICT_LIST = LISTED_VERDICTS.join(', ')
const STATUS_VALUE = /^(?:([1-5])xx|([1-5]\d\d)|none)$/
const RELATIVE_TIME = /^-?(\d{1,9})(s|m|h|d|w)$/
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/**
 * What a word or phrase (an `anywhere` term) is also looked for as, each an alternative it
 * matches by (an OR of them all): its `withoutJsonSpacingNeedle` form in the body text, when that
 * differs (a phrase pasted from pretty-printed JSON); the path and query of a URL, in the request
 * target. Terms of their own, so whatever reads a query's terms (the search-text prefilter, the
 * search's body check) sees every text it may match by.
 */
function alternativesOf(term: QueryTerm): QueryTerm[] {
  if (term.field !== 'anywhere') return []
  const alternatives: QueryTerm[] = []
  const inBody = withoutJsonSpacingNeedle(term.text)
  if (inBody !== term.text) alternatives.push({ position: term.position, field: 'body', text: inBody })
  const target = targetNamedByUrl(term.text)
  if (target !== null) alternatives.push({ position: term.position, field: 'target', text: target })
  return alternatives
}

function compileTerm(token: Extract<Token, { kind: 'term' }>, now: number): QueryTerm {
  const { position, field } = token
  const text = foldForSearch(token.value)
  if (field === null) return { position, field: 'anywhere', text }
  if (field.startsWith('header.')) return { position, field: 'header', name: field.slice('header.'.length), text }
  if (field.startsWith('query.')) return { position, field: 'query', name: field.slice('query.'.length), text }
  const valueAt = position + field.length + 1
  const named = field as QueryField
  switch (named) {
    case 'header':
      return { position, field: 'header', name: null, text }
    case 'query':
      return { position, field: 'query', name: null, text }
    case 'body':
      return { position, field: 'body', text: withoutJsonSpacingNeedle(text) }
    case 'path':
    case 'event':
    case 'ref':
    case 'id':
    case 'note':
    case 'from':
      return { position, field: named, text }
    case 'method':
      return { position, field: 'method', method: token.value.toUpperCase() }
    case 'provider': {
      const providers = new Set(PROVIDER_IDS.filter((id) => id.includes(text) || PROVIDER_NAMES[id].toLowerCase().includes(text)))
      if (providers.size === 0) throw new CaptureQueryError(`provider: no provider is called "${token.value}" (${PROVIDER_IDS.join(', ')})`, valueAt)
      return { position, field: 'provider', providers, text }
    }
    case 'verdict': {
      const verdict = LISTED_VERDICTS.find((status) => status === text)
      if (!verdict) throw new CaptureQueryError(`verdict: must be one of ${VERDICT_LIST}`, valueAt)
      return { position, field: 'verdict', verdict }
    }
    case 'status': {
      const match = STATUS_VALUE.exec(text)
      if (!match) throw new CaptureQueryError('status: must be a status code such as 503, a class such as 5xx, or none', valueAt)
      const answer = match[1] !== undefined ? { hundreds: Number(match[1]) } : match[2] !== undefined ? { code: Number(match[2]) } : ('none' as const)
      return { position, field: 'status', answer }
    }
    case 'after':
    case 'before': {
      const atMs = parseTime(text, now)
      if (atMs === null) throw new CaptureQueryError(`${named}: must be a time such as -2h, -30m, -7d or 2026-12-01T08:00Z`, valueAt)
      return { position, field: named, atMs }
    }
    default:
      return assertNever(named)
  }
}

/** `-2h` (s, m, h, d, w ago) or an ISO date or date-time, UTC unless it gives an offset; `null` if neither. */
function parseTime(text: string, now: number): number | null {
  const relative = RELATIVE_TIME.exec(text)
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]
  const iso = ISO_TIME.exec(text.toUpperCase())
  if (!iso) return null
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(iso[group] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const fraction = iso[7] === undefined ? 0 : Number(`0.${iso[7]}`) * 1000
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + fraction
  // Date.UTC rolls 2026-02-31 over into March: refuse dates that do not exist.
  if (new Date(utc).getUTCDate() !== day) return null
  return utc - offsetMinutes(iso[8]) * 60_000
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
  return zone.startsWith('-') ? -minutes : minutes
}

// ---- matching -----------------------------------------------------------------------------------

/** The capture under test, with its dear parts computed at most once. */
class MatchContext {
  private lowerHeaders: Array<[string, string]> | null | undefined = undefined
  private body: string | null | undefined = undefined
  private parameters: Array<[string, string]> | undefined = undefined

  constructor(
    readonly capture: SearchableCapture,
    /** Missing headers or body make a term undecided (`null`) rather than unmatched. */
    private readonly undecidedWithoutParts: boolean,
  ) {}

  /** Lower-cased header pairs; `null` when the capture cannot provide them and that leaves the answer open. */
  headers(): Array<[string, string]> | null {
    if (this.lowerHeaders === undefined) {
      if (this.capture.headers === undefined) this.lowerHeaders = this.undecidedWithoutParts ? null : []
      else this.lowerHeaders = searchableHeaderPairs(this.capture.headers())
    }
    return this.lowerHeaders
  }

  /** The body text; `undefined` when unknown and that leaves the answer open, `null` when binary or empty. */
  bodyText(): string | null | undefined {
    if (this.body === undefined) {
      if (this.capture.bodyText === undefined) return this.undecidedWithoutParts ? undefined : (this.body = null)
      this.body = this.capture.bodyText()
    }
    return this.body
  }

  /** Decoded, folded query parameters of the target. */
  queryParameters(): Array<[string, string]> {
    this.parameters ??= parseQueryParameters(this.capture.target)
    return this.parameters
  }
}

/**
 * A query's answer in three-valued logic: each term is true, false or `null` (not known from what
 * is at hand), and NOT, AND and OR combine them so that an answer is `null` only when the unknown
 * terms could change it. Used with a capture's parts (`evaluateTerm`) and with its search text
 * alone (core/search/search-text-decision.ts).
 */
export function evaluateQueryNode(node: QueryNode, termValue: (term: QueryTerm) => boolean | null): boolean | null {
  switch (node.kind) {
    case 'term':
      return termValue(node.term)
    case 'not': {
      const inner = evaluateQueryNode(node.node, termValue)
      return inner === null ? null : !inner
    }
    case 'and': {
      let open = false
      for (const child of node.nodes) {
        const result = evaluateQueryNode(child, termValue)
        if (result === false) return false
        if (result === null) open = true
      }
      return open ? null : true
    }
    case 'or': {
      let open = false
      for (const child of node.nodes) {
        const result = evaluateQueryNode(child, termValue)
        if (result === true) return true
        if (result === null) open = true
      }
      return open ? null : false
    }
    default:
      return assertNever(node)
  }
}

const contains = (haystack: string | null, needle: string): boolean => haystack !== null && foldForSearch(haystack).includes(needle)

function evaluateTerm(term: QueryTerm, context: MatchContext): boolean | null {
  const capture = context.capture
  switch (term.field) {
    case 'anywhere': {
      // The summary text holds the target as received and decoded (`filterFieldsOf`).
      if (capture.searchText.includes(term.text) || contains(capture.id, term.text) || contains(capture.note, term.text)) return true
      const headers = context.headers()
      if (headers !== null && headers.some((header) => headerContains(header, term.text))) return true
      const body = context.bodyText()
      if (body !== undefined && body !== null && body.includes(term.text)) return true
      return headers === null || body === undefined ? null : false
    }
    case 'body': {
      const body = context.bodyText()
      return body === undefined ? null : body !== null && body.includes(term.text)
    }
    case 'header': {
      const headers = context.headers()
      if (headers === null) return null
      const { name, text } = term
      return headers.some((header) => (name === null ? headerContains(header, text) : header[0] === name && header[1].includes(text)))
    }
    case 'query': {
      const { name, text } = term
      if (name === null) return foldForSearch(decodeComponent(queryStringOf(capture.target).replaceAll('+', ' '))).includes(text)
      return context.queryParameters().some(([parameter, value]) => parameter === name && value.includes(text))
    }
    case 'path':
      return searchablePathTexts(capture.target).some((text) => text.includes(term.text))
    case 'target':
      return contains(capture.target, term.text)
    case 'event':
      return contains(capture.eventType, term.text)
    case 'ref':
      return contains(capture.reference, term.text)
    case 'id':
      return contains(capture.id, term.text) || contains(capture.objectId, term.text) || contains(capture.eventId ?? null, term.text)
    case 'note':
      return contains(capture.note, term.text)
    case 'from':
      return contains(capture.importedFrom ?? null, term.text)
    case 'method':
      return capture.method.toUpperCase() === term.method
    case 'provider':
      return capture.provider !== null && term.providers.has(capture.provider)
    case 'verdict':
      return capture.verdict === term.verdict
    case 'status': {
      const status = capture.answerStatus
      const answer = term.answer
      if (answer === 'none') return status === null
      if (status === null) return false
      return 'code' in answer ? status === answer.code : Math.floor(status / 100) === answer.hundreds
    }
    case 'after':
      return capture.receivedAtMs >= term.atMs
    case 'before':
      return capture.receivedAtMs < term.atMs
    default:
      return assertNever(term)
  }
}

/**
 * Whether a header (lower-cased) holds the text: in its name, in its value, or across them as the
 * header line is written (`x-signature: abc`, `content-type: application/json`), which is how a
 * header is pasted from raw HTTP, curl -v or a log. The search-text sidecar keeps name and value
 * apart; the prefilter (core/search/query-prefilter.ts) requires the text's pieces around `:`.
 */
function headerContains([name, value]: [string, string], text: string): boolean {
  if (name.includes(text)) return true
  // A value that carried UTF-8 is its bytes as received, a line feed, and its decoded form (see
  // `searchableHeaderPairs`): the header line is written with each form, so the line pasted as the
  // sender meant it ("x-customer: müller") is found too.
  if (!value.includes('\n')) return value.includes(text) || (text.includes(':') && `${name}: ${value}`.includes(text))
  return value.split('\n').some((form) => form.includes(text) || (text.includes(':') && `${name}: ${form}`.includes(text)))
}

/**
 * Headers as the matcher looks in them: names lower-cased, values folded (`foldForSearch`), a
 * value that holds UTF-8 followed by its decoded form. The search-text sidecar (core/search)
 * stores exactly these.
 */
export function searchableHeaderPairs(headers: HeaderPairs): Array<[string, string]> {
  return headers.map(([name, value]) => [name.toLowerCase(), foldForSearch(searchableHeaderValue(value))])
}

const NON_ASCII = /[\u0080-\u00ff]/
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Header values hold one character per byte received (see http-message.ts). A sender that put
 * UTF-8 in a header (`X-Customer: Müller`) is searched as it meant it, beside the bytes as they are.
 */
function searchableHeaderValue(value: string): string {
  if (!NON_ASCII.test(value)) return value
  const bytes = new Uint8Array(value.length)
  for (let index = 0; index < value.length; index++) bytes[index] = value.charCodeAt(index) & 0xff
  try {
    return `${value}\n${strictUtf8.decode(bytes)}`
  } catch {
    return value
  }
}

/**
 * What a `path:` term looks in: the target's path as received and percent-decoded, folded (one
 * when they are the same). The search-text sidecar keeps these apart, so it settles a `path:` term
 * without reading the capture.
 */
export function searchablePathTexts(target: string): string[] {
  const path = pathOf(target)
  const decoded = decodeComponent(path)
  return decoded === path ? [foldForSearch(path)] : [foldForSearch(path), foldForSearch(decoded)]
}

/** `name=value` pairs of the target's query, form-decoded (`+` is a space) and folded. */
function parseQueryParameters(target: string): Array<[string, string]> {
  const query = queryStringOf(target)
  if (query === '') return []
  return query.split('&').map((pair) => {
    const equals = pair.indexOf('=')
    const name = equals === -1 ? pair : pair.slice(0, equals)
    const value = equals === -1 ? '' : pair.slice(equals + 1)
    return [foldForSearch(decodeComponent(name.replaceAll('+', ' '))), foldForSearch(decodeComponent(value.replaceAll('+', ' ')))]
  })
}
