import { useMemo } from 'react'
import { useQueries, type UseQueryResult } from '@tanstack/react-query'
import { MAX_SELECTED_CAPTURES } from '@shared/capture-selection'
import type { CaptureSummary } from '@shared/views'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'
import type { SelectedCapture } from '../replay/replayed-provider'

/**
 * The captures the ticked rows stand for. In a list grouped by delivery a row is a whole delivery
 * ("×3"), and ticking it selected only the row's capture, its latest attempt: a delete, an export
 * or a replay of "the selection" silently left the other attempts out. A grouped row now stands for
 * every attempt of its delivery, those on no loaded page included (`getDelivery`, page by page).
 */
export interface SelectedCaptures {
  /** Every capture selected, once `state` is `ready`; empty before (a bulk action waits for the whole set). */
  ids: readonly string[]
  /** The provider and endpoint of each of `ids`, for the bulk replay's example route and warnings. */
  captures: ReadonlyArray<SelectedCapture>
  /** How many captures are selected: `ids.length` when ready, else what the rows' attempt counts add up to. */
  count: number
  /** Rows ticked in a grouped list (each a delivery); `null` in a list of captures. */
  deliveryCount: number | null
  /**
   * `ready`: `ids` is the whole selection. `finding`: a ticked delivery's attempts are being listed.
   * `failed`: they could not be (`error` says why). `too-many`: the rows' attempt counts add up to more
   * than one call may name, so they are not listed (the bar says to select fewer).
   */
  state: 'ready' | 'finding' | 'failed' | 'too-many'
  error: string | null
}

/** A grouped row whose delivery has attempts besides the row's own. */
function standsForMore(row: CaptureSummary, grouped: boolean): boolean {
  return grouped && row.delivery !== undefined && row.delivery.attemptCount > 1
}

function selectedCaptureOf(capture: CaptureSummary): SelectedCapture & { id: string } {
  return { id: capture.id, providerId: capture.recognition?.provider.id ?? null, endpointId: capture.endpointId }
}

/** Every attempt of the delivery `captureId` is an attempt of, oldest first: `getDelivery` pages back to the first. */
async function everyAttemptOf(captureId: string): Promise<Array<SelectedCapture & { id: string }>> {
  const pages: CaptureSummary[][] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call('getDelivery', { captureId, ...(cursor === undefined ? {} : { cursor }) })
    pages.unshift(page.attempts)
    if (page.nextCursor === null) return pages.flat().map(selectedCaptureOf)
    cursor = page.nextCursor
  }
}

type AttemptsResult = UseQueryResult<Array<SelectedCapture & { id: string }>>

/** Module-level, so the combined result keeps its identity while the queries' results do. */
function combineAttempts(results: AttemptsResult[]) {
  return {
    attempts: results.map((result) => result.data),
    isFinding: results.some((result) => result.data === undefined && result.error === null),
    error: results.find((result) => result.error !== null)?.error ?? null,
  }
}

/**
 * `rows`: the ticked rows, in list order. Their delivery's attempts are fetched under the
 * delivery's query key, so the live events that refresh an open Delivery view (an attempt deleted,
 * say) refresh the selection too. A new attempt makes another row the delivery's: the ticked row
 * leaves the list, and the selection with it, as any row that leaves the list does.
 */
export function useSelectedCaptures(rows: readonly CaptureSummary[], grouped: boolean): SelectedCaptures {
  const wanted = rows.filter((row) => standsForMore(row, grouped))
  // Known before anything is fetched: a selection over the limit is not listed only to be refused.
  const expectedCount = rows.reduce((sum, row) => sum + (standsForMore(row, grouped) ? (row.delivery?.attemptCount ?? 1) : 1), 0)
  const isTooMany = expectedCount > MAX_SELECTED_CAPTURES
  const fetched = useQueries({
    queries: wanted.map((row) => ({
      queryKey: [...queryKeys.delivery(row.id), 'every-attempt'] as const,
      queryFn: () => everyAttemptOf(row.id),
      enabled: !isTooMany,
    })),
    combine: combineAttempts,
  })

  return useMemo((): SelectedCaptures => {
    const deliveryCount = grouped ? rows.length : null
    const pending = { ids: [], captures: [], count: expectedCount, deliveryCount }
    if (isTooMany) return { ...pending, state: 'too-many', error: null }
    if (fetched.error !== null) return { ...pending, state: 'failed', error: fetched.error.message }
    if (fetched.isFinding) return { ...pending, state: 'finding', error: null }
    const captures = new Map<string, SelectedCapture>()
    let fetchedIndex = 0
    for (const row of rows) {
      const attempts = standsForMore(row, grouped) ? (fetched.attempts[fetchedIndex++] ?? []) : [selectedCaptureOf(row)]
      for (const { id, ...capture } of attempts) captures.set(id, capture)
    }
    return { ids: [...captures.keys()], captures: [...captures.values()], count: captures.size, deliveryCount, state: 'ready', error: null }
  }, [rows, grouped, expectedCount, isTooMany, fetched])
}
