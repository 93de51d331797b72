/**
 * A capture as the query matcher (capture-query-match.ts) reads it, and the forms its headers,
 * path and query parameters are searched in; the search-text sidecar (core/search) stores the
 * same forms, so it can answer for the matcher.
 */
import { filterFieldsOf, type CaptureOutcome, type FilterableCapture } from './capture-filter'
import type { HeaderPairs } from './http-message'
import { listedVerdictOf, type ListedVerdict } from './listed-verdict'
import type { ProviderId } from './provider-catalog'
import { foldForSearch } from './search-text-form'
import { decodeComponent, pathOf, queryStringOf } from './target-text'
import type { CaptureSummary } from './views'

/**
 * What the matcher reads of a capture. Cheap fields are plain values (or getters: each is read
 * only when a term needs it); `headers()` and `bodyText()` are called at most once per match, and
 * only when the cheap terms did not decide. Without them (the renderer has only summaries), terms
 * that need them are undecided: see `decideCaptureQuery` (capture-query-match.ts).
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

/**
 * The header lines a search looks in: the headers, then the trailer fields a chunked body ended
 * with (header lines sent after the body: a digest, a signature), so `header:` terms and bare words
 * find a trailer as they find a header. The one home of this rule: the store's scan and the
 * search-text sidecar both read it.
 */
export function searchedHeaderLines(record: { headers: HeaderPairs; trailers?: HeaderPairs | undefined }): HeaderPairs {
  return record.trailers === undefined || record.trailers.length === 0 ? record.headers : [...record.headers, ...record.trailers]
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

/** `name=value` pairs of the target's query, form-decoded (`+` is a space) and folded: what a `query.NAME:` term looks in. */
export function searchableQueryParameters(target: string): Array<[string, string]> {
  const query = queryStringOf(target)
  if (query === '') return []
  return query.split('&').map((pair) => {
    const equals = pair.indexOf('=')
    const name = equals === -1 ? pair : pair.slice(0, equals)
    const value = equals === -1 ? '' : pair.slice(equals + 1)
    return [foldForSearch(decodeComponent(name.replaceAll('+', ' '))), foldForSearch(decodeComponent(value.replaceAll('+', ' ')))]
  })
}
