/**
 * Whether a live capture belongs in a filtered list on screen. The select fields and `text` are
 * decided from the capture's summary, by the same rule the core pages with. A query may need the
 * capture's headers or body, which live events do not carry: then the list cannot tell, and is
 * fetched again (at most once a second per list, never over a fetch still running) instead of
 * guessing.
 */
import type { QueryClient } from '@tanstack/react-query'
import { compileCaptureFilter, type CaptureFilter, type CaptureFilterFields } from '@shared/capture-filter'
import { decideCaptureQuery } from '@shared/capture-query-match'
import { parseCaptureQuery } from '@shared/capture-query-parser'
import { searchableCaptureOf } from '@shared/searchable-capture'
import type { CaptureSummary } from '@shared/views'

/** `true`: it belongs in the list; `false`: it does not; `null`: only the core can tell. */
export type ListAdmission = (capture: CaptureSummary, fields: CaptureFilterFields) => boolean | null

/** Refetches of one list are at least this far apart during a flood of undecidable captures. */
const REFETCH_INTERVAL_MS = 1000

/** The admission rule of a list's filter; `null` when the list is unfiltered (everything belongs). */
export function listAdmissionOf(filter: CaptureFilter | undefined, now: number = Date.now()): ListAdmission | null {
  const matches = compileCaptureFilter(filter)
  const source = filter?.query
  const parsed = source === undefined ? null : parseCaptureQuery(source, { now })
  if (parsed === null || (parsed.ok && parsed.query === null)) {
    return matches === null ? null : (_capture, fields) => matches(fields)
  }
  // A malformed query lists nothing (the list shows the core's refusal): nothing joins it.
  if (!parsed.ok) return () => false
  const query = parsed.query
  if (query === null) return null
  return (capture, fields) => {
    if (matches !== null && !matches(fields)) return false
    return decideCaptureQuery(query, searchableCaptureOf(capture, { searchText: fields.searchText }))
  }
}

/**
 * Fetches lists again a little later, once for any number of requests meanwhile. A list still
 * fetching is left to finish (cancelling it during a flood would never let a slow search end) and
 * fetched again after it, so the captures that arrived meanwhile are in the list that is shown.
 */
export function createListRefetcher(queryClient: QueryClient): { request: (key: readonly unknown[]) => void; cancel: () => void } {
  const pending = new Map<string, ReturnType<typeof setTimeout>>()
  function schedule(id: string, key: readonly unknown[]): void {
    pending.set(
      id,
      setTimeout(() => {
        if (queryClient.getQueryState(key)?.fetchStatus === 'fetching') {
          schedule(id, key)
          return
        }
        pending.delete(id)
        void queryClient.invalidateQueries({ queryKey: key, exact: true })
      }, REFETCH_INTERVAL_MS),
    )
  }
  return {
    request(key) {
      const id = JSON.stringify(key)
      if (!pending.has(id)) schedule(id, key)
    },
    cancel() {
      for (const timer of pending.values()) clearTimeout(timer)
      pending.clear()
    },
  }
}
