import { QueryClient } from '@tanstack/react-query'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { InspectorEvent } from '@shared/contract'
import type { CaptureDetail, CaptureSummary, Endpoint, InspectorStatus } from '@shared/views'
import type { ReplayRecord } from '@shared/replay'
import type { LiveState } from './api-client'
import { connectLiveEvents, type LiveEventSource } from './live-events'
import { queryKeys, type CaptureListData } from './query-keys'

/** An event stream the test writes to: what the API client's stream delivers, without a server. */
function createEventStream(): LiveEventSource & { emit(event: InspectorEvent): void; setState(state: LiveState): void } {
  const listeners = new Set<(event: InspectorEvent) => void>()
  const stateListeners = new Set<(state: LiveState) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    subscribeLiveState(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    emit: (event) => listeners.forEach((listener) => listener(event)),
    setState: (state) => stateListeners.forEach((listener) => listener(state)),
  }
}

const capture = (seq: number, endpointId = 'ep-a'): CaptureSummary => ({ id: `c${seq}`, seq, endpointId }) as CaptureSummary
const listed = (data: CaptureListData | undefined) => data?.pages.flatMap((page) => page.items.map((item) => item.id))
const totalOf = (data: CaptureListData | undefined) => data?.pages[0]?.total

function listData(captures: CaptureSummary[], total = captures.length): CaptureListData {
  return { pages: [{ items: captures, nextCursor: null, total }], pageParams: [undefined] }
}

describe('connectLiveEvents', () => {
  let queryClient: QueryClient
  let stream: ReturnType<typeof createEventStream>
  let disconnect: () => void

  beforeEach(() => {
    vi.useFakeTimers()
    queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
    stream = createEventStream()
    disconnect = connectLiveEvents(queryClient, stream)
  })
  afterEach(() => {
    disconnect()
    queryClient.clear()
    vi.useRealTimers()
  })

  const flush = () => vi.advanceTimersByTime(100)

  it('batches arrivals: nothing changes until the flush, then each list in scope gets its captures on top', () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(2), capture(1)]))
    queryClient.setQueryData(queryKeys.captureList('ep-b'), listData([capture(3, 'ep-b')]))
    queryClient.setQueryData(queryKeys.captureList('all'), listData([capture(3, 'ep-b'), capture(2), capture(1)]))

    stream.emit({ type: 'capture-received', capture: capture(4) })
    stream.emit({ type: 'capture-received', capture: capture(5, 'ep-b') })
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c2', 'c1'])

    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c4', 'c2', 'c1'])
    expect(totalOf(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toBe(3)
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-b')))).toEqual(['c5', 'c3'])
    expect(listed(queryClient.getQueryData(queryKeys.captureList('all')))).toEqual(['c5', 'c4', 'c3', 'c2', 'c1'])
  })

  it('never lists a capture twice when a refetch already brought it', () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(2), capture(1)]))
    stream.emit({ type: 'capture-received', capture: capture(2) })
    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c2', 'c1'])
    expect(totalOf(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toBe(2)
  })

  it('fetches a list again when a refetch in flight was answered before a capture arrived', async () => {
    const key = queryKeys.captureList('ep-a')
    queryClient.setQueryData(key, listData([capture(1)]))
    // A background refetch (a settings change invalidated the list) whose answer predates capture 2.
    let answer: (data: CaptureListData) => void = () => undefined
    const inFlight = queryClient.fetchQuery({ queryKey: key, queryFn: () => new Promise<CaptureListData>((resolve) => (answer = resolve)), staleTime: 0 })
    stream.emit({ type: 'capture-received', capture: capture(2) })
    flush()
    expect(listed(queryClient.getQueryData(key))).toEqual(['c2', 'c1'])
    answer(listData([capture(1)]))
    await inFlight
    // The stale answer replaced the list; the list is asked for again, and nothing is lost for good.
    expect(listed(queryClient.getQueryData(key))).toEqual(['c1'])
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true)
  })

  it('fetches a list again when a refetch in flight was answered before a deletion', async () => {
    const key = queryKeys.captureList('ep-a')
    queryClient.setQueryData(key, listData([capture(2), capture(1)]))
    let answer: (data: CaptureListData) => void = () => undefined
    const inFlight = queryClient.fetchQuery({ queryKey: key, queryFn: () => new Promise<CaptureListData>((resolve) => (answer = resolve)), staleTime: 0 })
    stream.emit({ type: 'capture-deleted', id: 'c2', endpointId: 'ep-a' })
    flush()
    expect(listed(queryClient.getQueryData(key))).toEqual(['c1'])
    answer(listData([capture(2), capture(1)]))
    await inFlight
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true)
  })

  it('applies an arrival and a deletion in the order they happened', () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(1)]))
    queryClient.setQueryData(queryKeys.captureDetail('c1'), capture(1))
    stream.emit({ type: 'capture-received', capture: capture(2) })
    stream.emit({ type: 'capture-deleted', id: 'c2', endpointId: 'ep-a' })
    stream.emit({ type: 'capture-deleted', id: 'c1', endpointId: 'ep-a' })
    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual([])
    expect(totalOf(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toBe(0)
    expect(queryClient.getQueryData(queryKeys.captureDetail('c1'))).toBeUndefined()
  })

  it("counts a deleted capture an unfiltered list had not loaded yet in the list's total", () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(3), capture(2)], 3))
    stream.emit({ type: 'capture-deleted', id: 'c1', endpointId: 'ep-a' })
    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c3', 'c2'])
    expect(totalOf(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toBe(2)
  })

  it("empties a cleared endpoint's list and count, and takes its captures out of the list of all endpoints", () => {
    const endpoints = [{ id: 'ep-a', captureCount: 2 } as Endpoint, { id: 'ep-b', captureCount: 1 } as Endpoint]
    queryClient.setQueryData(queryKeys.endpoints(), endpoints)
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(2), capture(1)]))
    queryClient.setQueryData(queryKeys.captureList('all'), listData([capture(3, 'ep-b'), capture(2), capture(1)]))
    stream.emit({ type: 'endpoint-cleared', endpointId: 'ep-a' })
    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual([])
    expect(listed(queryClient.getQueryData(queryKeys.captureList('all')))).toEqual(['c3'])
    expect(totalOf(queryClient.getQueryData(queryKeys.captureList('all')))).toBe(1)
    expect(queryClient.getQueryData<Endpoint[]>(queryKeys.endpoints())?.map((endpoint) => endpoint.captureCount)).toEqual([0, 1])
  })

  it("asks for the endpoints again when a capture is updated (a pin changes the endpoint's pinnedCount, which the Clear dialog reads)", () => {
    queryClient.setQueryData(queryKeys.endpoints(), [{ id: 'ep-a', captureCount: 1, pinnedCount: 0 } as Endpoint])
    expect(queryClient.getQueryState(queryKeys.endpoints())?.isInvalidated).toBe(false)
    stream.emit({ type: 'capture-updated', capture: { ...capture(1), pinned: true } })
    flush()
    vi.advanceTimersByTime(1_000)
    expect(queryClient.getQueryState(queryKeys.endpoints())?.isInvalidated).toBe(true)
  })

  it('asks for an open capture again when its answer changed (a pass-through forward relayed), keeping its bodies and answer together', () => {
    const pending = { kind: 'hang', status: null, headers: [], bodySize: 0, delayMs: 0, chosenBy: { kind: 'default' } }
    const relayed = { kind: 'respond', status: 200, headers: [['content-type', 'text/plain']], bodySize: 11, delayMs: 0, chosenBy: { kind: 'default' } }
    const open = { ...capture(1), response: pending, responseBodyBase64: '', request: { bodyBase64: '' } } as unknown as CaptureDetail
    queryClient.setQueryData(queryKeys.captureDetail('c1'), open)
    // A note changes nothing of the answer: patched in place.
    stream.emit({ type: 'capture-updated', capture: { ...capture(1), response: pending, note: 'seen' } as unknown as CaptureSummary })
    flush()
    expect(queryClient.getQueryData<CaptureDetail>(queryKeys.captureDetail('c1'))?.note).toBe('seen')
    expect(queryClient.getQueryState(queryKeys.captureDetail('c1'))?.isInvalidated).toBe(false)
    // The answer came: the detail's answer body (and its prepared bytes) are not in the event, so
    // patching showed "200 OK · body 11 bytes" over "No body.". It is asked for again whole.
    stream.emit({ type: 'capture-updated', capture: { ...capture(1), response: relayed, note: 'seen' } as unknown as CaptureSummary })
    flush()
    const shown = queryClient.getQueryData<CaptureDetail>(queryKeys.captureDetail('c1'))
    expect(shown?.response).toEqual(pending)
    expect(queryClient.getQueryState(queryKeys.captureDetail('c1'))?.isInvalidated).toBe(true)
  })

  const answered = { kind: 'response', url: 'http://127.0.0.1:9/x', response: { status: 200 } } as unknown as ReplayRecord['outcome']
  const inFlight: ReplayRecord['outcome'] = { kind: 'sending', url: 'http://127.0.0.1:9/x', startedAt: '2026-01-01T00:00:00.000Z' }
  const historyOf = (captureId: string) =>
    queryClient.getQueryData<ReplayRecord[]>(queryKeys.replays(captureId))?.map((record) => [record.id, record.outcome.kind])

  it('puts a recorded resend on top of its capture history once', () => {
    const older = { id: 'r1', captureId: 'c1', kind: 'resend', outcome: answered } as ReplayRecord
    const newer = { id: 'r2', captureId: 'c1', kind: 'resend', outcome: answered } as ReplayRecord
    queryClient.setQueryData(queryKeys.replays('c1'), [older])
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: newer })
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: newer })
    flush()
    expect(queryClient.getQueryData<ReplayRecord[]>(queryKeys.replays('c1'))?.map((record) => record.id)).toEqual(['r2', 'r1'])
  })

  it('shows a resend in flight as it goes out, and replaces it where it is with its answer', () => {
    const older = { id: 'r1', captureId: 'c1', kind: 'resend', outcome: answered } as ReplayRecord
    const sending = { id: 'r2', captureId: 'c1', kind: 'resend', outcome: inFlight } as ReplayRecord
    const other = { id: 'r3', captureId: 'c1', kind: 'bulk', outcome: inFlight } as ReplayRecord
    queryClient.setQueryData(queryKeys.replays('c1'), [older])
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: sending })
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: other })
    flush()
    expect(historyOf('c1')).toEqual([
      ['r3', 'sending'],
      ['r2', 'sending'],
      ['r1', 'response'],
    ])
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: { ...sending, outcome: answered } })
    flush()
    expect(historyOf('c1')).toEqual([
      ['r3', 'sending'],
      ['r2', 'response'],
      ['r1', 'response'],
    ])
    // A refetch that had the answer already is not taken back by a late in-flight event.
    queryClient.setQueryData(queryKeys.replays('c1'), [{ ...other, outcome: answered }, { ...sending, outcome: answered }, older])
    stream.emit({ type: 'replay-recorded', captureId: 'c1', record: other })
    flush()
    expect(historyOf('c1')).toEqual([
      ['r3', 'response'],
      ['r2', 'response'],
      ['r1', 'response'],
    ])
  })

  it('shows a storage failure on the status and clears it on recovery', () => {
    const status = { storage: { lastError: null, issues: [] } } as unknown as InspectorStatus
    queryClient.setQueryData(queryKeys.status(), status)
    stream.emit({ type: 'storage-failed', message: 'disk full', at: '2026-01-01T00:00:00.000Z' })
    flush()
    expect(queryClient.getQueryData<InspectorStatus>(queryKeys.status())?.storage.lastError).toEqual({ message: 'disk full', at: '2026-01-01T00:00:00.000Z' })
    stream.emit({ type: 'storage-recovered', at: '2026-01-01T00:01:00.000Z' })
    flush()
    expect(queryClient.getQueryData<InspectorStatus>(queryKeys.status())?.storage.lastError).toBeNull()
  })

  it('applies what is queued at once and refetches everything when the stream (re)opens, since events may have been missed', () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(1)]))
    stream.emit({ type: 'capture-received', capture: capture(2) })
    stream.setState('open')
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c2', 'c1'])
    expect(queryClient.getQueryState(queryKeys.captureList('ep-a'))?.isInvalidated).toBe(true)
  })

  it('stops listening once disconnected', () => {
    queryClient.setQueryData(queryKeys.captureList('ep-a'), listData([capture(1)]))
    disconnect()
    stream.emit({ type: 'capture-received', capture: capture(2) })
    flush()
    expect(listed(queryClient.getQueryData(queryKeys.captureList('ep-a')))).toEqual(['c1'])
  })
})

describe('a capture updated in a list grouped by delivery', () => {
  it("keeps its row's delivery facts (×3), and has the list grouped again when it became another delivery", () => {
    vi.useFakeTimers()
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
    const stream = createEventStream()
    const disconnect = connectLiveEvents(queryClient, stream)
    try {
      const delivery = { deliveryKey: 'sha256:aa', attemptCount: 3, firstReceivedAt: '', latestReceivedAt: '', succeeded: false, duplicateCount: 0 }
      const row = { ...capture(3), deliveryKey: 'sha256:aa', delivery } as CaptureSummary
      const key = queryKeys.captureList('ep-a', undefined, true)
      queryClient.setQueryData(key, listData([row]))

      // A note added: the event carries the capture without `delivery`.
      stream.emit({ type: 'capture-updated', capture: { ...capture(3), deliveryKey: 'sha256:aa', note: 'seen' } })
      vi.advanceTimersByTime(100)
      const [updated] = queryClient.getQueryData<CaptureListData>(key)!.pages[0]!.items
      expect(updated).toMatchObject({ note: 'seen', delivery: { attemptCount: 3 } })
      expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false)

      // Recognised again under another key: its row's facts are another delivery's now.
      stream.emit({ type: 'capture-updated', capture: { ...capture(3), deliveryKey: 'stripe:evt_1' } })
      vi.advanceTimersByTime(100)
      expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true)
    } finally {
      disconnect()
      queryClient.clear()
      vi.useRealTimers()
    }
  })
})
