/**
 * The capture filter: which captures a list shows and a bulk replay sends. This is the one
 * matching rule: the core answers `listCaptures` with it, and the renderer uses it to decide
 * whether a live `capture-received` belongs in the filtered list on screen, so the two can never
 * disagree. Plain data and functions with no runtime imports but the provider catalogue and the search's text folding (the
 * renderer bundles it); the contract validates filters with schemas built from these lists.
 */
import type { CaptureSummary } from './views'
import { PROVIDER_IDS, PROVIDER_NAMES, type ProviderId } from './provider-catalog'
import { foldForSearch } from './search-text-form'
import { decodedTarget } from './target-text'
import { LISTED_VERDICTS, listedVerdictOf, type ListedVerdict } from './listed-verdict'

export const CAPTURE_OUTCOMES = ['captured', 'refused'] as const
export type CaptureOutcome = (typeof CAPTURE_OUTCOMES)[number]

/** Classes of what the receiver answered; `none`: no HTTP answer (closed, reset, never answered). */
export const ANSWER_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'none'] as const
export type AnswerClass = (typeof ANSWER_CLASSES)[number]

/** An answer class (`2xx`…`5xx`, `none`) or one exact status code (`503`). */
export const ANSWER_FILTER_PATTERN = /^(?:[2-5]xx|none|[1-5]\d\d)$/

/** An HTTP method is a token (RFC 9110); the receiver stores it as sent. */
export const METHOD_FILTER_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/

/** Search text longer than this is refused: nothing a person types, and every query scans it. */
export const MAX_FILTER_TEXT_LENGTH = 200

/** Every field is optional; a capture must match all the fields given. */
export interface CaptureFilter {
  /**
   * Case-insensitive substring of the method, the request target (path and query, also decoded), the
   * recognised provider's name, or a parsed summary field (event type, status, the provider's
   * object id, the merchant reference, the amount). Trimmed; empty means no text filter.
   */
  text?: string
  /**
   * A query in the capture query language (shared/capture-query.ts): words anywhere in the request,
   * body included, field terms, phrases, exclusions, OR. At most MAX_CAPTURE_QUERY_LENGTH characters.
   * `compileCaptureFilter` does not look at it: the search (core/search) and the renderer's
   * live list match it with `matchesCaptureQuery`/`decideCaptureQuery`.
   */
  query?: string
  /** A provider id from the catalogue, or `unknown` (recognised as no known sender). */
  provider?: ProviderId
  /** A signature verdict, or `changed` (imported with changedBeforeExport: listed-verdict.ts). */
  verdict?: ListedVerdict
  /** Given in any case; captured methods are upper case (the receiver's HTTP parser accepts no other). */
  method?: string
  /** `2xx`, `3xx`, `4xx`, `5xx`, `none` or an exact status code such as `503`. */
  answer?: string
  outcome?: CaptureOutcome
}

/**
 * What a filter looks at, derived once per capture: the store keeps these on each capture's entry,
 * so a query never parses a stored record. Provider ids and verdicts are the catalogue's own
 * strings, shared by every capture; the search text is the only string of a capture's own.
 */
export interface CaptureFilterFields {
  method: string
  /** `null` for a refused request (no body, nothing recognised). */
  provider: ProviderId | null
  /** The verdict the list shows (listed-verdict.ts): `changed` for a capture changed before export. */
  verdict: ListedVerdict | null
  /** `null` when no HTTP answer was sent (closed, reset, never answered). */
  answerStatus: number | null
  outcome: CaptureOutcome
  /** Folded (lower case, NFC: `foldForSearch`), one field a line: what `text` is searched in. */
  searchText: string
}

/** What `filterFieldsOf` reads: fields both a stored record and a `CaptureSummary` have. */
export type FilterableCapture = Pick<CaptureSummary, 'method' | 'target' | 'outcome' | 'recognition' | 'changedBeforeExport'> & {
  response: Pick<CaptureSummary['response'], 'status'>
}

/**
 * Records read back from disk come with their own copy of every string; mapping them to the
 * catalogue's keeps 100,000 entries down to a dozen provider and verdict strings.
 */
const SHARED_PROVIDER_IDS = new Map<string, ProviderId>(PROVIDER_IDS.map((id) => [id, id]))
const SHARED_VERDICTS = new Map<string, ListedVerdict>(LISTED_VERDICTS.map((status) => [status, status]))

export function filterFieldsOf(capture: FilterableCapture): CaptureFilterFields {
  const columns = filterColumnsOf(capture)
  const searched = [capture.method, capture.target]
  // Decoded too, so `münchen` or "alex smith" finds `?city=M%C3%BCnchen&name=Alex+Smith`, as a form body is searched.
  const decoded = decodedTarget(capture.target)
  if (decoded !== capture.target) searched.push(decoded)
  const recognition = capture.recognition
  if (recognition) {
    const provider = columns.provider
    // "Unknown sender" is what the list shows as a dash: searching "unknown" should find paths, not every stranger.
    if (provider !== 'unknown' && provider !== null) searched.push(PROVIDER_NAMES[provider], provider)
    const { eventType, status, objectId, eventId, reference, amount } = recognition.summary
    for (const value of [eventType, status, objectId, eventId, reference, amount]) if (value) searched.push(value)
  }
  return { ...columns, searchText: foldForSearch(searched.join('\n')) }
}

/** The filter fields but the search text: what the store's index keeps of every capture it stores. */
export function filterColumnsOf(capture: FilterableCapture): Omit<CaptureFilterFields, 'searchText'> {
  const recognition = capture.recognition
  const verdict = listedVerdictOf(capture)
  return {
    method: capture.method,
    provider: recognition ? (SHARED_PROVIDER_IDS.get(recognition.provider.id) ?? recognition.provider.id) : null,
    verdict: verdict === null ? null : (SHARED_VERDICTS.get(verdict) ?? verdict),
    answerStatus: capture.response.status,
    outcome: capture.outcome,
  }
}

/**
 * The filter with only the fields that restrict anything, text trimmed and folded and the
 * method upper-cased; `undefined` when it lets every capture through. Equal filters normalise to
 * equal objects, so the renderer can use the result in a query key.
 */
export function normalizeCaptureFilter(filter: CaptureFilter | undefined): CaptureFilter | undefined {
  if (!filter) return undefined
  const normalized: CaptureFilter = {}
  const text = filter.text === undefined ? undefined : foldForSearch(filter.text.trim())
  if (text) normalized.text = text
  // Kept as typed (error positions refer to it); blank means no query.
  if (filter.query !== undefined && filter.query.trim() !== '') normalized.query = filter.query
  if (filter.provider) normalized.provider = filter.provider
  if (filter.verdict) normalized.verdict = filter.verdict
  if (filter.method) normalized.method = filter.method.toUpperCase()
  if (filter.answer) normalized.answer = filter.answer.toLowerCase()
  if (filter.outcome) normalized.outcome = filter.outcome
  return Object.keys(normalized).length > 0 ? normalized : undefined
}

export function isCaptureFilterActive(filter: CaptureFilter | undefined): boolean {
  return normalizeCaptureFilter(filter) !== undefined
}

export type CaptureMatcher = (fields: CaptureFilterFields) => boolean

/**
 * The matching rule for every field but `query`, prepared once for testing many captures; `null`
 * when those fields let every capture through (callers then skip testing altogether). Cheap
 * comparisons run before the text search. `query` needs the headers and body: see capture-query.ts.
 */
export function compileCaptureFilter(filter: CaptureFilter | undefined): CaptureMatcher | null {
  const { query: _query, ...fields } = filter ?? {}
  const active = normalizeCaptureFilter(fields)
  if (!active) return null
  const { text, provider, verdict, method, answer, outcome } = active
  const answerMatches = answer === undefined ? null : answerMatcher(answer)
  return (fields) =>
    (outcome === undefined || fields.outcome === outcome) &&
    (provider === undefined || fields.provider === provider) &&
    (verdict === undefined || fields.verdict === verdict) &&
    (method === undefined || fields.method === method) &&
    (answerMatches === null || answerMatches(fields.answerStatus)) &&
    (text === undefined || fields.searchText.includes(text))
}

function answerMatcher(answer: string): (status: number | null) => boolean {
  if (answer === 'none') return (status) => status === null
  if (answer.endsWith('xx')) {
    const hundreds = Number(answer[0])
    return (status) => status !== null && Math.floor(status / 100) === hundreds
  }
  const code = Number(answer)
  return (status) => status === code
}
