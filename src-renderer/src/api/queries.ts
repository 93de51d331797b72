/** React Query hooks over the API: the renderer's server state. */
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query'
import type { ProcedureInput } from '../../../src-main/shared/contract'
import { call, getLiveState } from './api-client'
import { queryKeys, type CaptureScope } from './query-keys'

export const CAPTURE_PAGE_SIZE = 300

export function useStatus() {
  return useQuery({ queryKey: queryKeys.status(), queryFn: () => call('getStatus', {}) })
}

export function useEndpoints() {
  return useQuery({ queryKey: queryKeys.endpoints(), queryFn: () => call('listEndpoints', {}) })
}

export function useCaptureList(scope: CaptureScope) {
  return useInfiniteQuery({
    queryKey: queryKeys.captureList(scope),
    queryFn: ({ pageParam }) =>
      call('listCaptures', {
        ...(scope === 'all' ? {} : { endpointId: scope }),
        ...(pageParam === undefined ? {} : { cursor: pageParam }),
        limit: CAPTURE_PAGE_SIZE,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    // Structural sharing would deep-compare tens of thousands of rows on every live patch; the
    // patches already keep unchanged rows and pages identical.
    structuralSharing: false,
  })
}

/** One capture with its body; captures never change, only disappear. */
export function useCaptureDetail(id: string | null) {
  return useQuery({
    queryKey: queryKeys.captureDetail(id ?? ''),
    queryFn: () => call('getCapture', { id: id ?? '' }),
    enabled: id !== null,
    staleTime: Infinity,
    gcTime: 30_000,
  })
}

/**
 * Mutations rely on the live events to update the cache precisely; when the event stream is down
 * they invalidate instead, so the screen never shows stale results of the user's own action.
 */
function refreshIfNotLive(queryClient: QueryClient, keys: ReadonlyArray<readonly unknown[]>): void {
  if (getLiveState() === 'open') return
  for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey })
}

export function useCreateEndpoint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ProcedureInput<'createEndpoint'>) => call('createEndpoint', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.endpoints() }),
  })
}

export function useUpdateEndpoint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ProcedureInput<'updateEndpoint'>) => call('updateEndpoint', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.endpoints() }),
  })
}

export function useDeleteEndpoint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => call('deleteEndpoint', { id }),
    onSuccess: () => refreshIfNotLive(queryClient, [queryKeys.endpoints(), queryKeys.captureLists()]),
  })
}

export function useDeleteCapture() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => call('deleteCapture', { id }),
    onSuccess: () => refreshIfNotLive(queryClient, [queryKeys.endpoints(), queryKeys.captureLists()]),
  })
}

export function useClearEndpoint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => call('clearEndpoint', { id }),
    onSuccess: () => refreshIfNotLive(queryClient, [queryKeys.endpoints(), queryKeys.captureLists()]),
  })
}
