/** The Delivery view's server state: `getDelivery` for a capture, refreshed by live events (api/live-events.ts). */
import { useQuery } from '@tanstack/react-query'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'

export function useDelivery(captureId: string | null) {
  return useQuery({
    queryKey: queryKeys.delivery(captureId ?? ''),
    queryFn: () => call('getDelivery', { captureId: captureId ?? '' }),
    enabled: captureId !== null,
  })
}
