/** React Query hooks over the API: the renderer's server state. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query'
import type { ProcedureInput, ProcedureOutput } from '@shared/contract'
import { call, getLiveState, loadCapture } from './api-client'
import { queryKeys, type CaptureScope } from './query-keys'
import { mergeTunnelView } from './tunnel-view'
import { applyReplayRecorded } from './live-events'
import type { BulkJobView, CapturePage, TunnelView } from '@shared/views'
import { normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'

export const CAPTURE_PAGE_SIZE = 300

export function useStatus() {
  return useQuery({ queryKey: queryKeys.status(), queryFn: () => call('getStatus', {}) })
}

export function useEndpoints() {
  return useQuery({ queryKey: queryKeys.endpoints(), queryFn: () => call('listEndpoints', {}) })
}

/**
 * A page of the capture list. The first page of a search arrives before its total:
 * `countState` is `counting` until countCaptures answers (then the total is exact and the field
 * gone), `unknown` if the count failed; `total` meanwhile is only the matches loaded so far.
 */
export interface CaptureListPage extends CapturePage {
  countState?: 'counting' | 'unknown'
}

/** Puts a search's total into its first page once counted. */
async function countSearchMatches(queryClient: QueryClient, queryKey: readonly unknown[], input: ProcedureInput<'countCaptures'>): Promise<void> {
  let update: Partial<Pick<CaptureListPage, 'total' | 'countState'>>
  try {
    update = { total: (await call('countCaptures', input)).total, countState: undefined }
  } catch {
    update = { countState: 'unknown' }
  }
  queryClient.setQueryData<InfiniteData<CaptureListPage>>(queryKey, (data) => {
    const first = data?.pages[0]
    if (!data || !first || first.countState !== 'counting') return data
    return { ...data, pages: data.pages.map((page) => (page.countState === 'counting' ? { ...page, ...update } : page)) }
  })
}

/** `grouped`: one row per delivery (`listCaptures { groupBy: "delivery" }`). */
export function useCaptureList(scope: CaptureScope, filter: CaptureFilter | undefined, grouped = false) {
  const active = normalizeCaptureFilter(filter)
  const queryClient = useQueryClient()
  const queryKey = queryKeys.captureList(scope, active, grouped)
  return useInfiniteQuery({
    queryKey,
    queryFn: async ({ pageParam }): Promise<CaptureListPage> => {
      const input = {
        ...(scope === 'all' ? {} : { endpointId: scope }),
        ...(pageParam === undefined ? {} : { cursor: pageParam }),
        ...(active === undefined ? {} : { filter: active }),
        limit: CAPTURE_PAGE_SIZE,
      }
      const isSearch = !grouped && (active?.text !== undefined || active?.query !== undefined)
      if (isSearch && pageParam === undefined) {
        // A search shows its newest matches as soon as they fill the page (listCapturePage stops
        // reading there); the total, which may read every capture, follows from countCaptures.
        const page = await call('listCapturePage', input)
        // Every match is on this page (it names no older one): its rows are the total. Counting
        // them again read every capture a second time, and the header said "179 of 20,084
        // captures, counting…" over a list already complete.
        if (page.nextCursor === null) return { ...page, total: page.items.length } satisfies CaptureListPage
        void countSearchMatches(queryClient, queryKey, { ...(scope === 'all' ? {} : { endpointId: scope }), filter: active })
        return { ...page, total: page.items.length, countState: 'counting' } satisfies CaptureListPage
      }
      // An older page of a search needs no count (the list shows the first page's total):
      // listCapturePage stops reading once the page is full, where listCaptures counts every match again.
      const first = queryClient.getQueryData<InfiniteData<CaptureListPage>>(queryKey)?.pages[0]
      if (pageParam !== undefined && isSearch && first !== undefined) {
        return { ...(await call('listCapturePage', input)), total: first.total, countState: first.countState } satisfies CaptureListPage
      }
      return call('listCaptures', { ...input, ...(grouped ? { groupBy: 'delivery' as const } : {}) })
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    // While the next filter's first page loads, the rows of the last one stay (no empty flash per keystroke).
    placeholderData: keepPreviousData,
    // Structural sharing would deep-compare tens of thousands of rows on every live patch; the
    // patches already keep unchanged rows and pages identical.
    structuralSharing: false,
  })
}

/**
 * One capture with its body; captures never change, only disappear. Its bodies come decoded (see
 * `preparedBodiesOf`); a capture left while loading stops loading (the signal).
 */
export function useCaptureDetail(id: string | null) {
  return useQuery({
    queryKey: queryKeys.captureDetail(id ?? ''),
    queryFn: ({ signal }) => loadCapture(id ?? '', signal),
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

/** Deletes a selection; the `capture-deleted` events take the rows out of every list. */
export function useDeleteCaptures() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (ids: string[]) => call('deleteCaptures', { ids }),
    onSuccess: () => refreshIfNotLive(queryClient, [queryKeys.endpoints(), queryKeys.captureLists()]),
  })
}

export function useClearEndpoint() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { id: string; includePinned: boolean }) => call('clearEndpoint', input),
    onSuccess: () => refreshIfNotLive(queryClient, [queryKeys.endpoints(), queryKeys.captureLists()]),
  })
}

/** An endpoint's recognition settings and key descriptors (never the secrets). */
export function useProviderSettings(endpointId: string) {
  return useQuery({
    queryKey: queryKeys.providerSettings(endpointId),
    queryFn: () => call('getProviderSettings', { endpointId }),
  })
}

/**
 * Settings and key changes answer with the new view; the verdicts they change arrive as a
 * `captures-reanalyzed` event (or are refetched here when the event stream is down).
 */
function useProviderSettingsMutation<Input extends { endpointId: string }, Output extends ProcedureOutput<'getProviderSettings'>>(
  run: (input: Input) => Promise<Output>,
) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: run,
    onSuccess: (view, input) => {
      queryClient.setQueryData(queryKeys.providerSettings(input.endpointId), view)
      refreshIfNotLive(queryClient, [queryKeys.captureLists(), queryKeys.captureDetails()])
    },
  })
}

export function useSetProviderSettings() {
  return useProviderSettingsMutation((input: ProcedureInput<'setProviderSettings'>) => call('setProviderSettings', input))
}

export function useAddKey() {
  return useProviderSettingsMutation((input: ProcedureInput<'addKey'>) => call('addKey', input))
}

export function useRemoveKey() {
  return useProviderSettingsMutation((input: ProcedureInput<'removeKey'>) => call('removeKey', input))
}

/** How an endpoint answers, with the server's warnings about it. */
export function useAnswerConfig(endpointId: string) {
  return useQuery({
    queryKey: queryKeys.answerConfig(endpointId),
    queryFn: () => call('getAnswerConfig', { endpointId }),
  })
}

export function useSetAnswerConfig() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ProcedureInput<'setAnswerConfig'>) => call('setAnswerConfig', input),
    onSuccess: (view) => queryClient.setQueryData(queryKeys.answerConfig(view.endpointId), view),
  })
}

export function useResetAnswerSequence() {
  return useMutation({
    mutationFn: (endpointId: string) => call('resetAnswerSequence', { endpointId }),
  })
}

// ---------------------------------------------------------------------------------------------
// Replay, forward, simulate and the tunnel (issues 5 and 6)

/** A capture's resend history, newest first; `replay-recorded` events patch it. */
export function useReplays(captureId: string) {
  return useQuery({ queryKey: queryKeys.replays(captureId), queryFn: () => call('listReplays', { captureId }) })
}

export function useReplayCapture() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ProcedureInput<'replayCapture'>) => call('replayCapture', input),
    // The same patch as the live event's: whichever comes first adds the record, once.
    onSuccess: (record) => applyReplayRecorded(queryClient, record),
  })
}

/** `null`: no endpoint to ask about (the query waits). */
export function useForwardConfig(endpointId: string | null) {
  return useQuery({
    queryKey: queryKeys.forwardConfig(endpointId ?? ''),
    queryFn: () => call('getForwardConfig', { endpointId: endpointId ?? '' }),
    enabled: endpointId !== null,
  })
}

export function useSetForwardConfig() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ProcedureInput<'setForwardConfig'>) => call('setForwardConfig', input),
    onSuccess: (view) => {
      queryClient.setQueryData(queryKeys.forwardConfig(view.endpointId), view)
      // The sidebar's forward badges come with the endpoint list.
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints() })
    },
  })
}

export function useBulkJob(initial: BulkJobView) {
  return useQuery({
    queryKey: queryKeys.bulkJob(initial.jobId),
    queryFn: () => call('getBulkReplay', { jobId: initial.jobId }),
    initialData: initial,
    // Events of a quick job can all arrive before this query exists (they are dropped then): ask once on mount.
    refetchOnMount: 'always',
    // Progress comes from `bulk-replay-progress` events; polling every 2 s while the stream is down,
    // and every 5 s while it is up, in case a fetch's older snapshot landed after the last event.
    refetchInterval: (query) => (query.state.data?.finished ? false : getLiveState() === 'open' ? 5000 : 2000),
  })
}

export function useSimulatorTemplates() {
  return useQuery({ queryKey: queryKeys.simulatorTemplates(), queryFn: () => call('listSimulatorTemplates', {}), staleTime: Infinity })
}

/** The tunnel's settings and live state; `tunnel-changed` events patch the state. */
export function useTunnel() {
  return useQuery({
    queryKey: queryKeys.tunnel(),
    queryFn: () => call('getTunnel', {}),
    // A refetch answered before an event that is applied first must not roll the state back.
    structuralSharing: (current, fetched) => mergeTunnelView(current as TunnelView | undefined, fetched as TunnelView) ?? fetched,
  })
}

export function useTunnelAction() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (action: { kind: 'start' } | { kind: 'stop' } | { kind: 'settings'; input: ProcedureInput<'setTunnelSettings'> }) =>
      action.kind === 'start' ? call('startTunnel', {}) : action.kind === 'stop' ? call('stopTunnel', {}) : call('setTunnelSettings', action.input),
    onSuccess: (view) => {
      queryClient.setQueryData<TunnelView>(queryKeys.tunnel(), (current) => mergeTunnelView(current, view))
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints() })
    },
  })
}
