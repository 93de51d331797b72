/**
 * Searching captures with a query (`CaptureFilter.query`) through the store's public methods: the
 * store narrows by the other filter fields, then each capture is tested newest first, its summary
 * before anything else, its headers and body only when the summary did not decide.
 *
 * This is the plain, correct path: it reads the records and bodies it needs on every search. The
 * store's own search engine (indexes, cached body text) takes over where it exists.
 */
import type { CaptureFilter } from '../../shared/capture-filter'
import { decideCaptureQuery, matchesCaptureQuery, parseCaptureQuery, searchableCaptureOf, type CaptureQuery } from '../../shared/capture-query'
import type { CaptureSummary } from '../../shared/contract'
import { InspectorError } from '../../shared/errors'
import type { CaptureStore } from '../store/capture-store'
import { searchableBodyText } from './searchable-body'

/** What a search reads of the store. */
export type SearchableStore = Pick<CaptureStore, 'ids' | 'get' | 'has' | 'load' | 'readBody'>

/** Captures tested between two yields to the event loop, so the receiver keeps answering. */
const SEARCH_SLICE = 100

export interface CaptureSearchPage {
  items: CaptureSummary[]
  nextBeforeSeq: number | null
  total: number
}

/**
 * The query of a filter, parsed (relative times against `now`); `null` when it has none.
 * A malformed query is a BAD_REQUEST that says where ("query: unclosed quote at character 14").
 */
export function captureQueryOf(filter: CaptureFilter | undefined, now: number = Date.now()): CaptureQuery | null {
  if (filter?.query === undefined) return null
  const parsed = parseCaptureQuery(filter.query, { now })
  if (!parsed.ok) throw new InspectorError('BAD_REQUEST', `query: ${parsed.error.message}`)
  return parsed.query
}

/** The filter without its query: what the store's own matching takes. */
export function withoutQuery(filter: CaptureFilter | undefined): CaptureFilter | undefined {
  if (filter === undefined) return undefined
  const { query: _query, ...rest } = filter
  return rest
}

/**
 * One page, newest first, of the captures (of an endpoint, or all) matching the filter and its
 * query, below `beforeSeq`; `total` counts every match.
 */
export async function searchCapturePage(
  store: SearchableStore,
  request: { endpointId?: string; beforeSeq?: number; limit: number; filter: CaptureFilter | undefined; query: CaptureQuery },
): Promise<CaptureSearchPage> {
  const { endpointId, beforeSeq, limit, filter, query } = request
  const items: CaptureSummary[] = []
  let total = 0
  let hasOlder = false
  await forEachMatch(store, (await store.ids(endpointId, withoutQuery(filter))).reverse(), query, (summary) => {
    total++
    if (beforeSeq !== undefined && summary.seq >= beforeSeq) return
    if (items.length < limit) items.push(summary)
    else hasOlder = true
  })
  return { items, nextBeforeSeq: hasOlder ? (items.at(-1)?.seq ?? null) : null, total }
}

/** Ids of the captures (of an endpoint, or all) matching the filter and its query, oldest first. */
export async function searchCaptureIds(store: SearchableStore, endpointId: string | undefined, filter: CaptureFilter | undefined, query: CaptureQuery): Promise<string[]> {
  const ids: string[] = []
  await forEachMatch(store, await store.ids(endpointId, withoutQuery(filter)), query, (summary) => ids.push(summary.id))
  return ids
}

async function forEachMatch(store: SearchableStore, ids: string[], query: CaptureQuery, onMatch: (summary: CaptureSummary) => void): Promise<void> {
  for (const [index, id] of ids.entries()) {
    if (index % SEARCH_SLICE === SEARCH_SLICE - 1) await new Promise((resolve) => setImmediate(resolve))
    const summary = await store.get(id)
    // Deleted while the search ran.
    if (summary === undefined) continue
    if (await matchesStored(store, query, summary)) onMatch(summary)
  }
}

async function matchesStored(store: SearchableStore, query: CaptureQuery, summary: CaptureSummary): Promise<boolean> {
  const decided = decideCaptureQuery(query, searchableCaptureOf(summary))
  if (decided !== null) return decided
  let record: Awaited<ReturnType<SearchableStore['load']>>
  let body: Buffer
  try {
    record = await store.load(summary.id)
    body = summary.outcome === 'captured' ? await store.readBody(summary.id) : Buffer.alloc(0)
  } catch (error: unknown) {
    // Deleted while the search ran: it no longer belongs in any list.
    if (!store.has(summary.id)) return false
    throw error
  }
  const headers = record.headers
  return matchesCaptureQuery(query, searchableCaptureOf(summary, { headers: () => headers, bodyText: () => searchableBodyText({ headers }, body) }))
}
