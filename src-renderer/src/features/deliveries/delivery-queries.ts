/** The Delivery view's server state: `getDelivery` for a capture, refreshed by live events (api/live-events.ts). */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'
import { joinDeliveryPages } from './delivery-pages'

/** The delivery's latest page of attempts (what the capture detail and Compare need). */
export function useDelivery(captureId: string | null) {
  return useQuery({
    queryKey: queryKeys.delivery(captureId ?? ''),
    queryFn: () => call('getDelivery', { captureId: captureId ?? '' }),
    enabled: captureId !== null,
  })
}

/** Where a page of `getDelivery` starts counting back from: the latest attempt, a page's `nextCursor`, or an attempt number. */
type DeliveryPageParam = { cursor?: string; upToAttempt?: number }

/**
 * The delivery with as many older pages as were asked for (`fetchNextPage`), joined oldest first:
 * from the latest attempt, or from the page ending with attempt `upToAttempt` (the Delivery view's
 * "Go to attempt"; `pageEndFor`). Kept under the delivery's key, so the live events that refresh it
 * refresh these pages too. `keepPrevious`: while another page is fetched, the pages shown so far
 * stay (the view keeps its place and focus until the new page is there).
 */
export function useDeliveryPages(captureId: string, { upToAttempt, keepPrevious = false }: { upToAttempt?: number; keepPrevious?: boolean } = {}) {
  const firstPage: DeliveryPageParam = upToAttempt === undefined ? {} : { upToAttempt }
  const query = useInfiniteQuery({
    queryKey: [...queryKeys.delivery(captureId), 'pages', ...(upToAttempt === undefined ? [] : [upToAttempt])] as const,
    queryFn: ({ pageParam }) => call('getDelivery', { captureId, ...pageParam }),
    initialPageParam: firstPage,
    getNextPageParam: (page): DeliveryPageParam | undefined => (page.nextCursor === null ? undefined : { cursor: page.nextCursor }),
    // Only the same capture's pages: another capture's delivery is not a stand-in for this one.
    placeholderData: (previous, previousQuery) => (keepPrevious && previousQuery?.queryKey[1] === captureId ? previous : undefined),
  })
  return { ...query, delivery: query.data === undefined ? undefined : joinDeliveryPages(query.data.pages) }
}

/**
 * The page of one attempt, by its number (1 = the first to arrive): what "Compare with…" jumps to,
 * however old the attempt. Under the delivery's key, so a new attempt refreshes it.
 */
export function useDeliveryAttempt(captureId: string, attempt: number | null) {
  return useQuery({
    queryKey: [...queryKeys.delivery(captureId), 'attempt', attempt] as const,
    queryFn: () => call('getDelivery', { captureId, upToAttempt: attempt ?? 1, limit: 1 }),
    enabled: attempt !== null,
  })
}
