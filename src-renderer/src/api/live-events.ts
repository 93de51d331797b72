/**
 * Wires live events into the React Query cache. Each event patches exactly the keys it affects;
 * nothing is refetched wholesale except after the event stream (re)opens, when events may have
 * been missed.
 *
 * Events are queued and applied in batches: a flood of callbacks (thousands a second) then costs
 * one cache update per list every FLUSH_INTERVAL_MS instead of one per callback, so the UI stays
 * responsive.
 */
import type { QueryClient } from '@tanstack/react-query'
import type { ReplayRecord } from '@shared/replay'
import type { InspectorEvent } from '@shared/contract'
import type { BulkJobView, CaptureSummary, Endpoint, InspectorStatus, StorageIssue, TunnelView } from '@shared/views'
import { filterFieldsOf } from '@shared/capture-filter'
import { createListRefetcher } from './live-list-admission'
import { subscribe, subscribeLiveState, type LiveState } from './api-client'
import { queryKeys, type CaptureListData } from './query-keys'
import { applyCapturesDeleted, applyCapturesReceived, endpointCount, listQueries, removeEndpointCaptures, type DeletedCapture } from './capture-list-patch'
import { mergeTunnelView } from './tunnel-view'

const FLUSH_INTERVAL_MS = 100
/** Capture counts are refetched at most this often during a flood. */
const COUNTS_REFRESH_MS = 300
/** Deliveries on screen are refetched at most this often during a flood. */
const DELIVERIES_REFRESH_MS = 1_000

/** Where live events come from: the API client's event stream; a test feeds its own. */
export interface LiveEventSource {
  subscribe(listener: (event: InspectorEvent) => void): () => void
  subscribeLiveState(listener: (state: LiveState) => void): () => void
}

const apiClientEvents: LiveEventSource = { subscribe, subscribeLiveState }

export function connectLiveEvents(queryClient: QueryClient, source: LiveEventSource = apiClientEvents): () => void {
  let queue: InspectorEvent[] = []
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  const refreshCounts = createThrottle(COUNTS_REFRESH_MS, () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints(), exact: true })
  })
  const listRefetcher = createListRefetcher(queryClient)
  // An open Delivery view (or a detail's "attempt 2 of 3") gains or loses attempts; only shown ones refetch.
  const refreshDeliveries = createThrottle(DELIVERIES_REFRESH_MS, () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.deliveries() })
  })

  function flush(): void {
    flushTimer = undefined
    const events = queue
    queue = []
    // Runs of arrivals and of deletions (a bulk delete sends one event per capture) are applied
    // together: one pass over each list per run, not one per capture.
    let received: CaptureSummary[] = []
    let deleted: DeletedCapture[] = []
    const applyRuns = (): void => {
      if (received.length > 0) applyCapturesReceived(queryClient, received, listRefetcher.request)
      if (deleted.length > 0) applyCapturesDeleted(queryClient, deleted, listRefetcher.request)
      received = []
      deleted = []
    }
    for (const event of events) {
      if (event.type === 'capture-received') {
        if (deleted.length > 0) applyRuns()
        received.push(event.capture)
      } else if (event.type === 'capture-deleted') {
        if (received.length > 0) applyRuns()
        deleted.push({ id: event.id, endpointId: event.endpointId })
      } else {
        applyRuns()
        applyEvent(queryClient, event)
      }
    }
    applyRuns()
    if (events.some(changesCounts)) refreshCounts.run()
    if (
      events.some(
        (event) =>
          event.type === 'capture-received' || event.type === 'capture-deleted' || event.type === 'endpoint-cleared' || event.type === 'captures-reanalyzed',
      )
    )
      refreshDeliveries.run()
  }

  const unsubscribeEvents = source.subscribe((event) => {
    queue.push(event)
    flushTimer ??= setTimeout(flush, FLUSH_INTERVAL_MS)
  })
  const unsubscribeState = source.subscribeLiveState((state) => {
    if (state !== 'open') return
    // Whatever happened while the stream was down was not delivered: refetch what is shown.
    clearTimeout(flushTimer)
    flush()
    void queryClient.invalidateQueries()
  })
  return () => {
    clearTimeout(flushTimer)
    refreshCounts.cancel()
    refreshDeliveries.cancel()
    listRefetcher.cancel()
    unsubscribeEvents()
    unsubscribeState()
  }
}

function applyEvent(queryClient: QueryClient, event: Exclude<InspectorEvent, { type: 'capture-received' | 'capture-deleted' }>): void {
  switch (event.type) {
    case 'endpoint-cleared':
      removeEndpointCaptures(queryClient, event.endpointId, endpointCount(queryClient, event.endpointId), false)
      return
    case 'endpoints-changed':
      void applyEndpointsChanged(queryClient)
      return
    case 'storage-failed':
      patchStorageError(queryClient, { message: event.message, at: event.at })
      return
    case 'storage-recovered':
      patchStorageError(queryClient, null)
      return
    case 'storage-issue-found':
      addStorageIssue(queryClient, event.issue)
      return
    case 'captures-reanalyzed':
      // Derived fields (provider verdicts) changed for every capture of the endpoint: refetch its views.
      for (const { key, scope } of listQueries(queryClient)) {
        if (scope === 'all' || scope === event.endpointId) void queryClient.invalidateQueries({ queryKey: key, exact: true })
      }
      void queryClient.invalidateQueries({
        queryKey: queryKeys.captureDetails(),
        predicate: (query) => (query.state.data as CaptureSummary | undefined)?.endpointId === event.endpointId,
      })
      return
    case 'capture-updated':
      applyCaptureUpdated(queryClient, event.capture)
      return
    case 'replay-recorded':
      applyReplayRecorded(queryClient, event.record)
      return
    case 'bulk-replay-progress':
      applyBulkProgress(queryClient, event.job)
      return
    case 'import-progress':
      // The import dialog shows this progress; the imported captures arrive as capture-received.
      return
    case 'tunnel-changed':
      queryClient.setQueryData<TunnelView>(queryKeys.tunnel(), (view) => mergeTunnelView(view, event))
      // Endpoints carry their public URL, which comes and goes with the tunnel.
      void queryClient.invalidateQueries({ queryKey: queryKeys.endpoints() })
      return
    default: {
      const unhandled: never = event
      console.warn('Unhandled live event', unhandled)
    }
  }
}

/** A capture's note, pin or sender-left time changed: replace its row wherever it is listed, and its detail's fields. */
function applyCaptureUpdated(queryClient: QueryClient, capture: CaptureSummary): void {
  for (const { key, scope, matches, grouped } of listQueries(queryClient)) {
    let isListed = false
    let isRegrouped = false
    queryClient.setQueryData<CaptureListData>(key, (data) => {
      if (!data || !data.pages.some((page) => page.items.some((item) => item.id === capture.id))) return data
      isListed = true
      // A grouped row keeps its delivery's facts (the event carries the capture alone); recognised
      // again as another delivery, it is grouped again by the core.
      const updated = (item: CaptureSummary): CaptureSummary => {
        if (item.delivery === undefined) return capture
        if (item.deliveryKey !== capture.deliveryKey) isRegrouped = true
        return { ...capture, delivery: item.delivery }
      }
      return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === capture.id ? updated(item) : item)) })) }
    })
    if (grouped && isRegrouped) void queryClient.invalidateQueries({ queryKey: key, exact: true })
    // A new note (`note:`, bare words) or recognition can move a capture into or out of a filtered
    // list: unless it plainly stays where it is, the list is asked for again.
    const inScope = scope === 'all' || capture.endpointId === scope
    if (matches !== null && inScope && matches(capture, filterFieldsOf(capture)) !== isListed)
      void queryClient.invalidateQueries({ queryKey: key, exact: true })
  }
  const detailKey = queryKeys.captureDetail(capture.id)
  const detail = queryClient.getQueryData<CaptureSummary>(detailKey)
  if (detail === undefined) return
  // The event carries the summary, not the answer's body: an open capture whose answer changed (a
  // pass-through forward relayed the target's) is asked for again whole, so its answer and body
  // stay one (patched, it showed "200 OK · body 11 bytes" over the pending answer's "No body.").
  if (JSON.stringify(detail.response) !== JSON.stringify(capture.response)) void queryClient.invalidateQueries({ queryKey: detailKey, exact: true })
  else queryClient.setQueryData<CaptureSummary>(detailKey, { ...detail, ...capture })
}

/**
 * A new record goes on top of its capture's history, once; a record it has (a resend shown in
 * flight, `sending`) is replaced where it is by its newer state: the finished record (same id).
 * A finished record is never taken back to `sending` (a refetch may have got the answer first).
 */
export function applyReplayRecorded(queryClient: QueryClient, record: ReplayRecord): void {
  if (record.captureId === null) return
  queryClient.setQueryData<ReplayRecord[]>(queryKeys.replays(record.captureId), (records) => {
    if (records === undefined) return records
    const position = records.findIndex((each) => each.id === record.id)
    if (position === -1) return [record, ...records]
    const known = records[position] as ReplayRecord
    if (known.outcome.kind !== 'sending' || record.outcome.kind === 'sending') return records
    return records.map((each, index) => (index === position ? record : each))
  })
  // A resend remembers its target per endpoint.
  if (record.kind === 'resend') void queryClient.invalidateQueries({ queryKey: queryKeys.forwardConfigs() })
}

/** Progress events carry the counts only: keep the results known so far, fetch them all once finished. */
function applyBulkProgress(queryClient: QueryClient, job: BulkJobView): void {
  const key = queryKeys.bulkJob(job.jobId)
  const previous = queryClient.getQueryData<BulkJobView>(key)
  if (previous === undefined) return
  if (previous.finished && previous.results.length > 0) return
  queryClient.setQueryData<BulkJobView>(key, { ...job, results: job.results.length > 0 ? job.results : previous.results })
  if (job.finished && job.results.length === 0) void queryClient.invalidateQueries({ queryKey: key, exact: true })
}

/** The event says only "something changed": refetch the list, then drop what deleted endpoints held. */
async function applyEndpointsChanged(queryClient: QueryClient): Promise<void> {
  const before = queryClient.getQueryData<Endpoint[]>(queryKeys.endpoints()) ?? []
  await queryClient.refetchQueries({ queryKey: queryKeys.endpoints(), exact: true })
  const after = queryClient.getQueryData<Endpoint[]>(queryKeys.endpoints())
  if (!after) return
  const remaining = new Set(after.map((endpoint) => endpoint.id))
  for (const endpoint of before) {
    if (!remaining.has(endpoint.id)) removeEndpointCaptures(queryClient, endpoint.id, endpoint.captureCount, true)
  }
}

/**
 * Endpoint capture counts are refetched rather than patched: a count cannot tell whether a
 * refetch that raced an event already includes it, so adding to it could count a capture twice.
 */
/** Events that change an endpoint's figures: its capture count, or (a pin, in `capture-updated`) its pinned count. */
function changesCounts(event: InspectorEvent): boolean {
  return event.type === 'capture-received' || event.type === 'capture-deleted' || event.type === 'endpoint-cleared' || event.type === 'capture-updated'
}

/** Runs `action` at most once per `intervalMs`, always once more after the last call. */
function createThrottle(intervalMs: number, action: () => void): { run(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined
  let lastRunAt = -Infinity
  return {
    run() {
      if (timer !== undefined) return
      const waitMs = Math.max(0, lastRunAt + intervalMs - Date.now())
      timer = setTimeout(() => {
        timer = undefined
        lastRunAt = Date.now()
        action()
      }, waitMs)
    },
    cancel() {
      clearTimeout(timer)
    },
  }
}

/**
 * A data file found damaged after the status was read (a capture's replay history, read when first
 * shown): listed with the others, once (an issue the status fetched meanwhile already has is not added twice).
 */
function addStorageIssue(queryClient: QueryClient, issue: StorageIssue): void {
  const status = queryClient.getQueryData<InspectorStatus>(queryKeys.status())
  if (!status) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.status() })
    return
  }
  if (status.storage.issues.some((known) => known.movedTo === issue.movedTo && known.at === issue.at && known.file === issue.file)) return
  queryClient.setQueryData<InspectorStatus>(queryKeys.status(), { ...status, storage: { ...status.storage, issues: [...status.storage.issues, issue] } })
}

function patchStorageError(queryClient: QueryClient, lastError: InspectorStatus['storage']['lastError']): void {
  const status = queryClient.getQueryData<InspectorStatus>(queryKeys.status())
  if (!status) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.status() })
    return
  }
  queryClient.setQueryData<InspectorStatus>(queryKeys.status(), { ...status, storage: { ...status.storage, lastError } })
}
