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

/**
 * The delivery with as many older pages as were asked for (`fetchNextPage`), joined oldest first.
 * Kept under the delivery's key, so the live events that refresh it refresh these pages too.
 */
export function useDeliveryPages(captureId: string) {
  const query = useInfiniteQuery({
    queryKey: [...queryKeys.delivery(captureId), 'pages'] as const,
    queryFn: ({ pageParam }) => call('getDelivery', { captureId, ...(pageParam === undefined ? {} : { cursor: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
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
