/**
 * The oldest end of the capture list, loaded on its own (End): rows fetched from the oldest
 * capture upwards (see oldest-captures.ts), shown below the rows paged from the newest end with a
 * gap between them until either side grows into the other. Kept current by the live events:
 * deleted captures leave it, updated ones are replaced; anything wider (a clear, re-verified
 * signatures, another filter) drops it, to be loaded again at the next End. A list grouped by
 * delivery reads its rows grouped (`groupBy: "delivery"`): a retry arriving moves its delivery's
 * row to the top, so the row leaves this end; a deletion may regroup a row, so the rows are read again.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { CaptureFilter } from '@shared/capture-filter'
import { MAX_PAGE_SIZE } from '@shared/contract'
import type { CaptureSummary } from '@shared/views'
import { call, subscribe } from '../../api/api-client'
import type { CaptureScope } from '../../api/query-keys'
import { oldestRows, rowsAbove, type FetchOldestFirst, type RowsRead } from './oldest-captures'

/** Rows loaded at a time from the oldest end: a few screens. */
const OLDEST_ROWS_PER_LOAD = 300

interface OldestRows {
  /** The list these rows belong to (scope, filter, grouping). */
  listKey: string
  /** Newest first, like the list. */
  rows: CaptureSummary[]
  /** Every row below this `seq` is in `rows`. */
  coveredBelowSeq: number
}

export interface OldestCaptures {
  /** Rows of the oldest end for the list on screen; empty until End asked for them. */
  rows: CaptureSummary[]
  /** Every row below this `seq` is in `rows`. */
  coveredBelowSeq: number
  isLoading: boolean
  /** Loads the oldest rows (below `ceilingSeq`, the oldest row loaded from the newest end); resolves with them. */
  loadOldest: (ceilingSeq: number) => Promise<CaptureSummary[]>
  /** Loads the rows just above those loaded, up to `ceilingSeq`; resolves with how many were added. */
  loadNewer: (ceilingSeq: number) => Promise<number>
}

export function useOldestCaptures(scope: CaptureScope, filter: CaptureFilter | undefined, grouped: boolean, listKey: string): OldestCaptures {
  const [loaded, setLoaded] = useState<OldestRows | null>(null)
  const [isLoading, setIsLoading] = useState(false)
  const current = loaded !== null && loaded.listKey === listKey ? loaded : null
  const rows = current?.rows ?? NO_ROWS
  const rowsRef = useRef(current)
  useEffect(() => {
    rowsRef.current = current
  }, [current])
  const busy = useRef(false)

  const fetchPage = useCallback<FetchOldestFirst>(
    async (afterSeq, limit) => {
      const page = await call('listCapturePage', {
        ...(scope === 'all' ? {} : { endpointId: scope }),
        ...(filter === undefined ? {} : { filter }),
        ...(afterSeq === undefined ? {} : { cursor: String(afterSeq) }),
        ...(grouped ? { groupBy: 'delivery' as const } : {}),
        order: 'oldest',
        limit,
      })
      return { items: page.items, hasMore: page.nextCursor !== null }
    },
    [scope, filter, grouped],
  )

  /** Runs one load at a time; rows arriving for a list no longer on screen are dropped. */
  const runLoad = useCallback(
    async (load: () => Promise<RowsRead>, place: (current: CaptureSummary[], added: CaptureSummary[]) => CaptureSummary[]): Promise<CaptureSummary[]> => {
      if (busy.current) return []
      busy.current = true
      setIsLoading(true)
      try {
        const read = await load()
        setLoaded((previous) => ({
          listKey,
          rows: place(previous?.listKey === listKey ? previous.rows : NO_ROWS, read.rows),
          coveredBelowSeq: read.coveredBelowSeq,
        }))
        return read.rows
      } finally {
        busy.current = false
        setIsLoading(false)
      }
    },
    [listKey],
  )

  /** The ceiling of the last load (the newest end's oldest row then): where a reload stops. */
  const ceilingRef = useRef<number | null>(null)
  const loadOldest = useCallback(
    (ceilingSeq: number) => {
      ceilingRef.current = ceilingSeq
      return runLoad(
        () => oldestRows(fetchPage, ceilingSeq, OLDEST_ROWS_PER_LOAD),
        (_, added) => added,
      )
    },
    [fetchPage, runLoad],
  )

  const loadNewer = useCallback(
    async (ceilingSeq: number) => {
      const loadedEnd = rowsRef.current
      if (loadedEnd === null || loadedEnd.rows.length === 0) return 0
      ceilingRef.current = ceilingSeq
      const added = await runLoad(
        () => rowsAbove(fetchPage, loadedEnd.coveredBelowSeq - 1, ceilingSeq, OLDEST_ROWS_PER_LOAD),
        (current, more) => [...more, ...current],
      )
      return added.length
    },
    [fetchPage, runLoad],
  )

  /** Reads the grouped rows loaded so far again (up to as many), after a deletion that may regroup them. */
  const reloadGrouped = useCallback(() => {
    const loadedEnd = rowsRef.current
    const ceiling = ceilingRef.current
    if (loadedEnd === null || loadedEnd.rows.length === 0 || ceiling === null) return
    void runLoad(
      () => oldestRows(fetchPage, ceiling, Math.min(MAX_PAGE_SIZE, Math.max(OLDEST_ROWS_PER_LOAD, loadedEnd.rows.length))),
      (_, added) => added,
    )
  }, [fetchPage, runLoad])
  const groupedRef = useRef(grouped)
  const reloadRef = useRef(reloadGrouped)
  useEffect(() => {
    groupedRef.current = grouped
    reloadRef.current = reloadGrouped
  }, [grouped, reloadGrouped])

  useEffect(
    () =>
      subscribe((event) => {
        switch (event.type) {
          case 'capture-received':
            // A retry lists its delivery at the top (newest end): its row here goes.
            if (!groupedRef.current) return
            setLoaded((previous) => (previous === null ? null : { ...previous, rows: previous.rows.filter((row) => !isSameDelivery(row, event.capture)) }))
            return
          case 'capture-deleted':
            setLoaded((previous) => (previous === null ? null : { ...previous, rows: previous.rows.filter((row) => row.id !== event.id) }))
            // The delivery's earlier attempt may now be its row, and counts change.
            if (groupedRef.current) reloadRef.current()
            return
          case 'capture-updated':
            setLoaded((previous) =>
              previous === null
                ? null
                : { ...previous, rows: previous.rows.map((row) => (row.id === event.capture.id ? { ...event.capture, delivery: row.delivery } : row)) },
            )
            return
          case 'endpoint-cleared':
          case 'captures-reanalyzed':
            setLoaded(null)
            return
          default:
            return
        }
      }),
    [],
  )

  return { rows, coveredBelowSeq: current?.coveredBelowSeq ?? 0, isLoading, loadOldest, loadNewer }
}

const NO_ROWS: CaptureSummary[] = []

/** Two attempts of one delivery (a delivery is its attempts on one endpoint). */
function isSameDelivery(a: CaptureSummary, b: CaptureSummary): boolean {
  return a.endpointId === b.endpointId && a.deliveryKey === b.deliveryKey
}
