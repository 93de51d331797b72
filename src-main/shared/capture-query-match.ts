/**
 * Matching a capture against a parsed query (capture-query.ts): each term looked for, folded, in
 * the fields a `SearchableCapture` gives, with plain substring search in time linear in the field
 * however the text is made (`includesText`; no regular expression is built from what the user typed), and the terms' answers combined in three-valued logic
 * (capture-query-logic.ts). The body text, the one part that may be megabytes, is read once for
 * all the terms that look in it (multi-text-search.ts): 32 words over 10 MB of one letter were 32
 * passes of `includes`, each restarting at every letter.
 */
import { assertNever } from './assert-never'
import type { CaptureQuery, QueryTerm } from './capture-query'
import { evaluateQueryNode } from './capture-query-logic'
import { includesText, MultiTextSearch } from './multi-text-search'
import { foldForSearch } from './search-text-form'
import { searchableHeaderPairs, searchablePathTexts, searchableQueryParameters, type SearchableCapture } from './searchable-capture'
import { decodeComponent, queryStringOf } from './target-text'

/** Whether the capture matches; a capture without `headers()`/`bodyText()` is treated as having none. */
export function matchesCaptureQuery(query: CaptureQuery, capture: SearchableCapture): boolean {
  const context = new MatchContext(capture, bodySearchOf(query), false)
  return evaluateQueryNode(query.root, (term) => evaluateTerm(term, context)) === true
}

/**
 * Three-valued: `true` or `false` when the capture's fields decide, `null` when the answer
 * depends on headers or body text the capture does not provide (the renderer's live list then
 * asks the core again instead of guessing).
 */
export function decideCaptureQuery(query: CaptureQuery, capture: SearchableCapture): boolean | null {
  const context = new MatchContext(capture, bodySearchOf(query), true)
  return evaluateQueryNode(query.root, (term) => evaluateTerm(term, context))
}

const bodySearches = new WeakMap<CaptureQuery, MultiTextSearch>()

/** The texts the query's terms look for in the body text (bare words, `body:` terms and their alternatives), to be looked for together. */
export function bodySearchOf(query: CaptureQuery): MultiTextSearch {
  let search = bodySearches.get(query)
  if (search === undefined) {
    search = new MultiTextSearch(query.terms.flatMap((term) => (term.field === 'anywhere' || term.field === 'body' ? [term.text] : [])))
    bodySearches.set(query, search)
  }
  return search
}

/** The capture under test, with its dear parts computed at most once. */
class MatchContext {
  private lowerHeaders: Array<[string, string]> | null | undefined = undefined
  private body: string | null | undefined = undefined
  private bodyHits: ReadonlySet<string> | undefined = undefined
  private parameters: Array<[string, string]> | undefined = undefined

  constructor(
    readonly capture: SearchableCapture,
    /** The query's body texts (`bodySearchOf`). */
    private readonly bodySearch: MultiTextSearch,
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
  private bodyText(): string | null | undefined {
    if (this.body === undefined) {
      if (this.capture.bodyText === undefined) return this.undecidedWithoutParts ? undefined : (this.body = null)
      this.body = this.capture.bodyText()
    }
    return this.body
  }

  /**
   * Whether the body text includes a term's text: every body text of the query is looked for in
   * one pass, the first time one is asked. `undefined` when the body is unknown and that leaves
   * the answer open; `false` when there is no body text (binary or empty).
   */
  bodyIncludes(text: string): boolean | undefined {
    const body = this.bodyText()
    if (body === undefined) return undefined
    if (body === null) return false
    this.bodyHits ??= this.bodySearch.foundIn(body)
    return this.bodyHits.has(text)
  }

  /** Decoded, folded query parameters of the target. */
  queryParameters(): Array<[string, string]> {
    this.parameters ??= searchableQueryParameters(this.capture.target)
    return this.parameters
  }
}

const contains = (haystack: string | null, needle: string): boolean => haystack !== null && includesText(foldForSearch(haystack), needle)

/**
 * The shortest start of a capture id that finds it: its first group. The list never shows the
 * id, so a shorter piece of it (any substring, before) found captures at random: `fee` is in
 * about one random id in 140, `2499` in one in 2,300.
 */
const MIN_CAPTURE_ID_START = 8

/** A capture id is found whole or by its start (as it is pasted from a file name or the API). */
const isCaptureIdOrStart = (id: string, text: string): boolean =>
  (text.length >= MIN_CAPTURE_ID_START || text.length === id.length) && foldForSearch(id).startsWith(text)

function evaluateTerm(term: QueryTerm, context: MatchContext): boolean | null {
  const capture = context.capture
  switch (term.field) {
    case 'anywhere': {
      // The summary text holds the target as received and decoded (`filterFieldsOf`).
      if (includesText(capture.searchText, term.text) || isCaptureIdOrStart(capture.id, term.text) || contains(capture.note, term.text)) return true
      const headers = context.headers()
      if (headers !== null && headers.some((header) => headerContains(header, term.text))) return true
      const inBody = context.bodyIncludes(term.text)
      if (inBody === true) return true
      return headers === null || inBody === undefined ? null : false
    }
    case 'body':
      return context.bodyIncludes(term.text) ?? null
    case 'header': {
      const headers = context.headers()
      if (headers === null) return null
      const { name, text } = term
      return headers.some((header) => (name === null ? headerContains(header, text) : header[0] === name && includesText(header[1], text)))
    }
    case 'query': {
      const { name, text } = term
      if (name === null) return includesText(foldForSearch(decodeComponent(queryStringOf(capture.target).replaceAll('+', ' '))), text)
      return context.queryParameters().some(([parameter, value]) => parameter === name && includesText(value, text))
    }
    case 'path':
      return searchablePathTexts(capture.target).some((text) => includesText(text, term.text))
    case 'target':
      return contains(capture.target, term.text)
    case 'event':
      return contains(capture.eventType, term.text)
    case 'ref':
      return contains(capture.reference, term.text)
    case 'id':
      return isCaptureIdOrStart(capture.id, term.text) || contains(capture.objectId, term.text) || contains(capture.eventId ?? null, term.text)
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
  if (includesText(name, text)) return true
  // A value that carried UTF-8 is its bytes as received, a line feed, and its decoded form (see
  // `searchableHeaderPairs`): the header line is written with each form, so the line pasted as the
  // sender meant it ("x-customer: müller") is found too.
  if (!value.includes('\n')) return includesText(value, text) || (text.includes(':') && includesText(`${name}: ${value}`, text))
  return value.split('\n').some((form) => includesText(form, text) || (text.includes(':') && includesText(`${name}: ${form}`, text)))
}
