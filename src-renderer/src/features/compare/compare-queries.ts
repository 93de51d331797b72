/** The Compare view's server state: `diffCaptures`. Captures and resends never change, so a diff never goes stale. */
import { useQuery } from '@tanstack/react-query'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'

/** What to compare: two captures, or a capture and one of its resends. */
export type CompareTarget = { leftId: string; rightId: string } | { leftId: string; rightReplayId: string }

export function useCaptureDiff(target: CompareTarget) {
  return useQuery({
    queryKey: queryKeys.captureDiff(target),
    queryFn: () => call('diffCaptures', target),
    staleTime: Infinity,
    gcTime: 30_000,
  })
}
