/**
 * Live captures go on top of a loaded capture list. During a flood (thousands a second for
 * minutes) the list would otherwise keep every one of them in the renderer's memory, which grows
 * until the window stalls; past {@link MAX_LOADED_ROWS} the oldest loaded rows are let go, and
 * scrolling down to them loads them again from the core, as for any list not loaded yet.
 *
 * The list patches the live events apply (captures received, deleted, an endpoint cleared or
 * deleted) live here too, beside the dispatcher in `live-events.ts` that calls them.
 */
import type { QueryClient } from '@tanstack/react-query'
import type { CaptureSummary, Endpoint } from '@shared/views'
import { filterFieldsOf, type CaptureFilterFields } from '@shared/capture-filter'
import { listAdmissionOf, type ListAdmission } from './live-list-admission'
import { listOfKey, queryKeys, type CaptureListData, type CaptureScope } from './query-keys'

/** Rows a list keeps loaded while captures arrive; scrolling further loads older pages again. */
export const MAX_LOADED_ROWS = 20_000

/**
 * `data` with `fresh` (newest first, all newer than the list's first row) on top and its total
 * grown by as many; the oldest loaded rows beyond `maxRows` are dropped, with the cursor set to
 * load them again.
 */
export function prependCaptures(data: CaptureListData, fresh: CaptureSummary[], maxRows = MAX_LOADED_ROWS): CaptureListData {
  const [first, ...rest] = data.pages
  if (!first || fresh.length === 0) return data
  const total = first.total + fresh.length
  const loaded = fresh.length + data.pages.reduce((sum, page) => sum + page.items.length, 0)
  if (loaded <= maxRows) {
    return { ...data, pages: [{ ...first, items: [...fresh, ...first.items], total }, ...rest] }
  }
  const kept = [...fresh, ...data.pages.flatMap((page) => page.items)].slice(0, maxRows)
  const oldestKept = kept.at(-1)
  return {
    pages: [{ items: kept, total, nextCursor: oldestKept ? String(oldestKept.seq) : null }],
    pageParams: [data.pageParams[0]],
  }
}

/** Every capture list in the cache, with its filter ready to test captures (`null`: unfiltered). */
export function listQueries(
  queryClient: QueryClient,
): Array<{ key: readonly unknown[]; scope: CaptureScope; matches: ListAdmission | null; grouped: boolean }> {
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: queryKeys.captureLists() })
    .flatMap((query) => {
      const list = listOfKey(query.queryKey)
      return list === undefined ? [] : [{ key: query.queryKey, scope: list.scope, matches: listAdmissionOf(list.filter), grouped: list.grouped }]
    })
}

/** `refetch`: for a list that cannot tell whether a capture belongs (its query needs the body). */
export function applyCapturesReceived(queryClient: QueryClient, captures: CaptureSummary[], refetch: (key: readonly unknown[]) => void): void {
  const newestFirst = [...captures].sort((a, b) => b.seq - a.seq)
  // Every cached list (each endpoint and filter visited) looks at the same fields: derive them once.
  const fieldsOf = new Map<CaptureSummary, CaptureFilterFields>()
  const fields = (capture: CaptureSummary): CaptureFilterFields => {
    let derived = fieldsOf.get(capture)
    if (derived === undefined) fieldsOf.set(capture, (derived = filterFieldsOf(capture)))
    return derived
  }
  for (const { key, scope, matches, grouped } of listQueries(queryClient)) {
    // A list grouped by delivery shows a retry in its delivery's row (with a new count): the core regroups.
    if (grouped) {
      if (captures.some((capture) => scope === 'all' || capture.endpointId === scope)) refetch(key)
      continue
    }
    // A filtered list takes only the captures its filter matches: the same rule the core pages with.
    let isUndecided = false
    const relevant = newestFirst.filter((capture) => {
      if (scope !== 'all' && capture.endpointId !== scope) return false
      if (matches === null) return true
      const belongs = matches(capture, fields(capture))
      if (belongs === null) isUndecided = true
      return belongs === true
    })
    if (isUndecided) refetch(key)
    if (relevant.length === 0) continue
    const state = queryClient.getQueryState<CaptureListData>(key)
    if (!state?.data) {
      // A first load in flight may have been answered before these arrived.
      if (state?.fetchStatus === 'fetching') void queryClient.invalidateQueries({ queryKey: key, exact: true })
      continue
    }
    queryClient.setQueryData<CaptureListData>(key, (data) => {
      const first = data?.pages[0]
      if (!data || !first) return data
      // A capture already in the list (a refetch raced the event) is never added twice.
      const newestSeq = first.items[0]?.seq ?? -Infinity
      const fresh = relevant.filter((capture) => capture.seq > newestSeq)
      if (fresh.length === 0) return data
      return prependCaptures(data, fresh)
    })
    // A refetch in flight (after a settings change, say) may have been answered before these
    // arrived: when it lands it replaces the list without them, so the list is fetched once more.
    if (state.fetchStatus === 'fetching') refetch(key)
  }
}

export interface DeletedCapture {
  id: string
  endpointId: string
}

/**
 * Drops deleted captures from every list they were in. An unfiltered list's total loses every
 * deleted capture of its scope, loaded or not; a filtered list cannot tell whether one it had not
 * loaded matched its filter, so it is fetched again when that happens.
 */
export function applyCapturesDeleted(queryClient: QueryClient, deleted: DeletedCapture[], refetch: (key: readonly unknown[]) => void): void {
  for (const { key, scope, matches, grouped } of listQueries(queryClient)) {
    const inScope = new Set(deleted.filter((capture) => scope === 'all' || capture.endpointId === scope).map((capture) => capture.id))
    if (inScope.size === 0) continue
    // Deleting a delivery's latest attempt leaves its older ones: the core regroups.
    if (grouped) {
      void queryClient.invalidateQueries({ queryKey: key, exact: true })
      continue
    }
    let removed = 0
    queryClient.setQueryData<CaptureListData>(key, (data) => {
      if (!data) return data
      const pages = data.pages.map((page) => {
        const kept = page.items.filter((item) => !inScope.has(item.id))
        removed += page.items.length - kept.length
        return kept.length === page.items.length ? page : { ...page, items: kept }
      })
      const [first, ...rest] = pages
      const gone = matches === null ? inScope.size : removed
      return first && gone > 0 ? { ...data, pages: [{ ...first, total: Math.max(0, first.total - gone) }, ...rest] } : data
    })
    if (matches !== null && removed < inScope.size) void queryClient.invalidateQueries({ queryKey: key, exact: true })
    // A refetch in flight may have been answered before the deletion: it would bring the rows back.
    else if (queryClient.getQueryState(key)?.fetchStatus === 'fetching') refetch(key)
  }
  for (const { id } of deleted) queryClient.removeQueries({ queryKey: queryKeys.captureDetail(id), exact: true })
}

/** An endpoint was cleared (`isDeleted` false) or deleted: drop its captures from every view. */
export function removeEndpointCaptures(queryClient: QueryClient, endpointId: string, previousCount: number, isDeleted: boolean): void {
  for (const { key, scope, matches } of listQueries(queryClient)) {
    if (scope === endpointId) {
      if (isDeleted) {
        queryClient.removeQueries({ queryKey: key, exact: true })
      } else {
        queryClient.setQueryData<CaptureListData>(key, (data) =>
          data ? { pages: [{ items: [], nextCursor: null, total: 0 }], pageParams: [undefined] } : data,
        )
      }
    } else if (scope === 'all') {
      queryClient.setQueryData<CaptureListData>(key, (data) => {
        if (!data) return data
        let removed = 0
        const pages = data.pages.map((page) => {
          const items = page.items.filter((item) => item.endpointId !== endpointId)
          removed += page.items.length - items.length
          return removed === 0 ? page : { ...page, items }
        })
        const [first, ...rest] = pages
        if (!first) return data
        // Unfiltered, every capture of the endpoint counted; filtered, only the server knows how many matched.
        const gone = matches === null ? Math.max(removed, previousCount) : removed
        return { ...data, pages: [{ ...first, total: Math.max(0, first.total - gone) }, ...rest] }
      })
      if (matches !== null) void queryClient.invalidateQueries({ queryKey: key, exact: true })
    }
  }
  if (!isDeleted) setEndpointCountToZero(queryClient, endpointId)
  queryClient.removeQueries({
    queryKey: queryKeys.captureDetails(),
    predicate: (query) => (query.state.data as CaptureSummary | undefined)?.endpointId === endpointId,
  })
}

/** The capture count the endpoint list shows for an endpoint (0 when not loaded). */
export function endpointCount(queryClient: QueryClient, endpointId: string): number {
  const endpoints = queryClient.getQueryData<Endpoint[]>(queryKeys.endpoints())
  return endpoints?.find((endpoint) => endpoint.id === endpointId)?.captureCount ?? 0
}

/** A cleared endpoint has no captures: no refetch needed to know that. */
function setEndpointCountToZero(queryClient: QueryClient, endpointId: string): void {
  queryClient.setQueryData<Endpoint[]>(queryKeys.endpoints(), (endpoints) =>
    endpoints?.map((endpoint) => (endpoint.id === endpointId ? { ...endpoint, captureCount: 0 } : endpoint)),
  )
}
