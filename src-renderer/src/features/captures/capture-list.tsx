import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { isCaptureFilterActive, normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'
import type { Endpoint } from '@shared/views'
import { useCaptureList, useStatus } from '../../api/queries'
import type { CaptureScope } from '../../api/query-keys'
import { formatCount } from '../../lib/format'
import type { BulkReplayChoices } from '../replay/bulk-replay-dialog'
import { BulkReplayButton } from '../replay/entry-points'
import { ExchangeButtons } from '../exchange/exchange-buttons'
import type { ExportChoices } from '../exchange/export-dialog'
import { GroupByDeliveryToggle, useGroupByDelivery } from '../deliveries/delivery-list-parts'
import { CaptureColumns } from './capture-columns'
import { captureCountLabel } from './capture-count-label'
import { CaptureFilterBar } from './capture-filter-bar'
import { CaptureListEmpty } from './capture-list-empty'
import { CaptureListNoMatch } from './capture-list-no-match'
import { CAPTURE_ROW_HEIGHT_PX, CaptureRow } from './capture-row'
import { CaptureSelectionBar } from './capture-selection-bar'
import { selectionCountText } from './selection-count-text'
import { captureRowKey, deliveryRowKey, useCaptureSelection } from './use-capture-selection'
import { useSelectedCaptures } from './use-selected-captures'
import { AT_TOP_PX, itemAtRow, rowOfItem, useKeepScrollAnchor } from './use-keep-scroll-anchor'
import { joinListEnds, moveWithinLoaded } from './list-ends'
import { useOldestCaptures } from './use-oldest-captures'
import { CaptureListGap } from './capture-list-gap'
import { CAPTURES_REGION_ID, useListMoveKeys } from '../shortcuts/use-list-move-keys'
import { describeKeyTarget, shortcutFor } from '../shortcuts/keyboard-shortcuts'
import './capture-list.css'

/** Start fetching the next page this many rows before the end. */
const PREFETCH_ROWS = 100

interface CaptureListProps {
  scope: CaptureScope
  /** The endpoint on screen; `undefined` for all endpoints. */
  endpoint: Endpoint | undefined
  /** The endpoint the empty state points at. */
  emptyEndpoint: Endpoint | undefined
  /** Captures in this view before filtering (the M of "N of M"). */
  unfilteredTotal: number
  filter: CaptureFilter
  onFilterChange: (filter: CaptureFilter) => void
  selectedId: string | null
  onSelect: (id: string | null) => void
  /** Enter on the list: go into the open capture's details. */
  onOpen: () => void
  toolbar?: React.ReactNode
}

/**
 * Newest first, virtualised, paged by cursor while scrolling, narrowed by the filter bar. New
 * captures are patched in by the live events (a filtered list only takes those that match); when
 * the user has scrolled down, the rows under their eyes stay put and a pill counts what arrived
 * above. Rows can be ticked for a bulk replay, export, compare or delete; grouped by delivery, a
 * ticked row stands for every attempt of its delivery (use-selected-captures.ts).
 */
export function CaptureList({
  scope,
  endpoint,
  emptyEndpoint,
  unfilteredTotal,
  filter,
  onFilterChange,
  selectedId,
  onSelect,
  onOpen,
  toolbar,
}: CaptureListProps) {
  const [groupedByDelivery, setGroupedByDelivery] = useGroupByDelivery()
  const { data, error, isPending, isPlaceholderData, hasNextPage, isFetchingNextPage, fetchNextPage } = useCaptureList(scope, filter, groupedByDelivery)
  const startedAt = useStatus().data?.startedAt
  // Until the status is known no hang counts as held (nothing shows as pending that may not be).
  const appStartedAtMs = startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(startedAt)
  const newestItems = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data])
  const filterKey = JSON.stringify(normalizeCaptureFilter(filter) ?? null)
  // Parsed back from its key so that it changes only when the filter does (the loads depend on it).
  const activeFilter = useMemo(() => (JSON.parse(filterKey) as CaptureFilter | null) ?? undefined, [filterKey])
  const oldestEnd = useOldestCaptures(scope, activeFilter, groupedByDelivery, `${scope}|${filterKey}|${groupedByDelivery ? 'grouped' : 'flat'}`)
  // Grouped or not, rows are in `seq` order (a delivery's row is its latest attempt): the two ends join the same way.
  const { items, gapIndex, newestEndHasMore } = useMemo(
    () => joinListEnds(newestItems, hasNextPage, oldestEnd.rows, oldestEnd.coveredBelowSeq),
    [newestItems, hasNextPage, oldestEnd.rows, oldestEnd.coveredBelowSeq],
  )
  /** Which end grew last: rows added to the oldest end keep the row under the gap in place. */
  const [growingEnd, setGrowingEnd] = useState<'newest' | 'oldest'>('newest')
  const [isJumpingToOldest, setJumpingToOldest] = useState(false)
  const total = data?.pages[0]?.total ?? 0
  // A search's first page comes before its total (see CaptureListPage): until counted, no figure is a count.
  const countState = data?.pages[0]?.countState
  const isFiltered = isCaptureFilterActive(filter)
  const scrollRef = useRef<HTMLDivElement>(null)
  const { attachRows, listRef } = useFocusKeptWhenRowsGo(scrollRef)
  const [unseenCount, setUnseenCount] = useState(0)
  const [isDraftPending, setDraftPending] = useState(false)
  // Grouped, a tick is on the delivery, so it stays when a retry becomes the delivery's row.
  const rowKey = groupedByDelivery ? deliveryRowKey : captureRowKey
  const selection = useCaptureSelection(items, rowKey)
  // Ticked rows, in list order; grouped by delivery, each stands for every attempt of its delivery.
  const checkedRows = useMemo(() => items.filter((item) => selection.ids.has(rowKey(item))), [items, selection.ids, rowKey])
  const selected = useSelectedCaptures(checkedRows, groupedByDelivery)
  const selectedIds = selected.ids

  // Ticks are made on what the filter shows: a new filter starts a new selection, at the top of
  // its list (the old scroll offset means nothing in a different list).
  const { clear: clearSelection } = selection
  useEffect(() => {
    clearSelection()
    scrollRef.current?.scrollTo({ top: 0 })
    setUnseenCount(0)
  }, [filterKey, clearSelection])
  // Grouping on or off starts a new selection too: a ticked capture that is its delivery's latest
  // attempt became a row standing for the whole delivery, and the selection grew without a word.
  useEffect(() => {
    clearSelection()
  }, [groupedByDelivery, clearSelection])

  // The gap between the two loaded ends is a row of its own (rows below it sit one lower).
  const rowCount = items.length + (gapIndex === null ? 0 : 1)
  /** A capture's place in the whole list (1 = newest): below the gap, counted from the oldest. */
  const positionOf = (index: number) => (gapIndex !== null && index >= gapIndex && countState === undefined ? total - (items.length - index) + 1 : index + 1)
  /** The total counts captures, not a grouped list's rows: below the gap a row's place is not known. */
  const knownPositionOf = (index: number) => (groupedByDelivery && gapIndex !== null && index >= gapIndex ? undefined : positionOf(index))
  const captureAtRow = (row: number) => (row === gapIndex ? undefined : items[itemAtRow(row, gapIndex)])
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CAPTURE_ROW_HEIGHT_PX,
    getItemKey: (row) => captureAtRow(row)?.id ?? `row-${row}`,
    overscan: 20,
  })
  const virtualItems = virtualizer.getVirtualItems()

  const gap = useMemo(() => ({ index: gapIndex, anchorBelow: growingEnd === 'oldest' }), [gapIndex, growingEnd])
  useKeepScrollAnchor(items, scrollRef, selectedId, onSelect, setUnseenCount, gap)

  const loadNewest = useCallback(() => {
    setGrowingEnd('newest')
    void fetchNextPage()
  }, [fetchNextPage])
  const { loadNewer: loadOldestEndNewer } = oldestEnd
  const loadAboveOldest = useCallback(() => {
    const ceiling = newestItems.at(-1)
    if (ceiling === undefined) return
    setGrowingEnd('oldest')
    void loadOldestEndNewer(ceiling.seq)
  }, [newestItems, loadOldestEndNewer])

  // Rows load as they come into view: the newest end's next page near its last row; with a gap in
  // view, the end the user is coming from (scrolling down: the newest end's; up: the oldest end's).
  const lastVisibleRow = virtualItems.at(-1)?.index ?? 0
  const firstVisibleRow = virtualItems[0]?.index ?? 0
  const newestEndRow = gapIndex ?? items.length
  const scrolledUp = useRef(false)
  const lastScrollTop = useRef(0)
  useEffect(() => {
    if (!newestEndHasMore || isFetchingNextPage || oldestEnd.isLoading || isJumpingToOldest) return
    const gapInView = gapIndex !== null && gapIndex >= firstVisibleRow && gapIndex <= lastVisibleRow
    if (gapInView && scrolledUp.current) loadAboveOldest()
    else if (lastVisibleRow >= newestEndRow - PREFETCH_ROWS && firstVisibleRow <= newestEndRow) loadNewest()
  }, [
    firstVisibleRow,
    lastVisibleRow,
    newestEndRow,
    gapIndex,
    newestEndHasMore,
    isFetchingNextPage,
    oldestEnd.isLoading,
    isJumpingToOldest,
    loadNewest,
    loadAboveOldest,
  ])

  const select = useCallback(
    (id: string) => {
      onSelect(id)
      scrollRef.current?.focus({ preventScroll: true })
    },
    [onSelect],
  )

  const selectedCaptures = selected.captures
  const replayChoices: BulkReplayChoices = useMemo(
    () => ({ endpoint, selectedIds, selectedCaptures, filter: isFiltered && countState === undefined ? { value: filter, matchCount: total } : null }),
    [endpoint, selectedIds, selectedCaptures, isFiltered, filter, total, countState],
  )
  const exportChoices: ExportChoices = useMemo(
    () => ({
      ...replayChoices,
      // "The 3 captures in 1 delivery selected" rather than "The 3 selected captures" over one ticked row.
      ...(selected.deliveryCount === null || selectedIds.length === 0 ? {} : { selectionLabel: `The ${selectionCountText(selected)}` }),
    }),
    [replayChoices, selected, selectedIds],
  )

  /**
   * Opens the capture at index `target` (clamped to the list), coming from `current`: never across
   * the gap, which would skip the captures not loaded yet; the end beyond it loads instead.
   */
  const openAt = useCallback(
    (current: number, target: number) => {
      const move = moveWithinLoaded(current, Math.max(0, Math.min(items.length - 1, target)), gapIndex)
      if (move.crossed === 'down') loadNewest()
      if (move.crossed === 'up') loadAboveOldest()
      const item = items[move.index]
      if (!item) return
      onSelect(item.id)
      virtualizer.scrollToIndex(rowOfItem(move.index, gapIndex), { align: 'auto' })
    },
    [items, gapIndex, onSelect, virtualizer, loadNewest, loadAboveOldest],
  )

  /** Opens the row `delta` away from the open one (the first row when none is open). */
  const moveSelection = useCallback(
    (delta: number) => {
      if (items.length === 0) return
      const current = selectedId === null ? -1 : items.findIndex((item) => item.id === selectedId)
      openAt(current, current === -1 ? 0 : current + delta)
    },
    [items, selectedId, openAt],
  )

  /** End: the oldest capture of the whole list, loaded from that end when it is not loaded yet. */
  const [pendingScrollToId, setPendingScrollToId] = useState<string | null>(null)
  const { loadOldest } = oldestEnd
  const openOldest = useCallback(async () => {
    const newest = newestItems[0]
    const ceiling = newestItems.at(-1)
    if (!newestEndHasMore || newest === undefined || ceiling === undefined) {
      const last = items.at(-1)
      if (last === undefined) return
      onSelect(last.id)
      virtualizer.scrollToIndex(rowCount - 1, { align: 'end' })
      return
    }
    if (oldestEnd.rows.length > 0) {
      const oldest = oldestEnd.rows.at(-1)
      if (oldest === undefined) return
      onSelect(oldest.id)
      setPendingScrollToId(oldest.id)
      return
    }
    setJumpingToOldest(true)
    try {
      const rows = await loadOldest(ceiling.seq)
      const oldest = rows.at(-1)
      if (oldest === undefined) return
      onSelect(oldest.id)
      setPendingScrollToId(oldest.id)
    } finally {
      setJumpingToOldest(false)
    }
  }, [newestEndHasMore, newestItems, items, oldestEnd.rows, loadOldest, onSelect, virtualizer, rowCount])

  // Scrolls to a capture once it is among the rows (it arrives with the oldest end's rows).
  useLayoutEffect(() => {
    if (pendingScrollToId === null) return
    const index = items.findIndex((item) => item.id === pendingScrollToId)
    if (index === -1) return
    setPendingScrollToId(null)
    virtualizer.scrollToIndex(rowOfItem(index, gapIndex), { align: 'end' })
  }, [pendingScrollToId, items, gapIndex, virtualizer])
  // j/k also work while focus is elsewhere on the page (not in a field or a dialog).
  useListMoveKeys(scrollRef, moveSelection)

  function handleKeyDown(event: React.KeyboardEvent): void {
    if (items.length === 0) return
    const action = shortcutFor(
      { key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, isComposing: event.nativeEvent.isComposing },
      describeKeyTarget(event.target),
      'list',
    )
    if (action === 'next' || action === 'previous') {
      event.preventDefault()
      moveSelection(action === 'next' ? 1 : -1)
      return
    }
    if (action === 'open') {
      event.preventDefault()
      if (selectedId === null) moveSelection(0)
      else onOpen()
      return
    }
    const current = selectedId === null ? -1 : items.findIndex((item) => item.id === selectedId)
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / CAPTURE_ROW_HEIGHT_PX) - 1)
    let next: number
    switch (event.key) {
      case 'PageDown':
        next = current + pageRows
        break
      case 'PageUp':
        next = current - pageRows
        break
      case 'Home':
        // The newest capture, whichever end the user is at (from the top: no gap on the way).
        event.preventDefault()
        openAt(-1, 0)
        return
      case 'End':
        event.preventDefault()
        void openOldest()
        return
      case ' ':
        // Space ticks the open row (Shift+Space: every row from the last one ticked).
        if (selectedId !== null) selection.toggle(selectedId, event.shiftKey)
        event.preventDefault()
        return
      case 'Escape':
        onSelect(null)
        event.preventDefault()
        return
      default:
        return
    }
    event.preventDefault()
    openAt(current, next)
  }

  /** From the search box: focus on the list, on its first match when the rows shown are this query's. */
  function moveToResults(isApplied: boolean): void {
    scrollRef.current?.focus({ preventScroll: true })
    if (isApplied && items.length > 0) openAt(-1, 0)
  }

  /** "Clear selection": its bar goes away with it, so focus goes to the list rather than to <body>. */
  function clearSelectionFromBar(): void {
    selection.clear()
    scrollRef.current?.focus({ preventScroll: true })
  }

  function showNewest(): void {
    scrollRef.current?.scrollTo({ top: 0 })
    setUnseenCount(0)
    // The pill goes away with the count: focus moves on to the rows it showed, rather than falling
    // to <body> (the next Tab started again at the top of the page, and j/k moved nothing).
    scrollRef.current?.focus({ preventScroll: true })
  }

  const count = captureCountLabel({
    isLoading: isPending,
    isFailed: Boolean(error),
    // The rows on screen are the previous filter's until the new one's first page arrives, and
    // the box may hold a query not applied yet: neither's figure answers what the user asked.
    isPending: isPlaceholderData || isDraftPending,
    isFiltered: isFiltered || isDraftPending,
    isSearch: isDraftPending || filter.query !== undefined || filter.text !== undefined,
    total,
    loadedCount: items.length,
    hasMorePages: hasNextPage,
    countState,
    unfilteredTotal,
    deliveries: groupedByDelivery ? { loaded: items.length, hasMore: newestEndHasMore } : undefined,
  })

  return (
    <section ref={listRef} id={CAPTURES_REGION_ID} className="capture-list" data-testid="capture-list" aria-label="Captures" tabIndex={-1}>
      <div className="list-toolbar">
        <span className="list-count" data-testid="capture-count" aria-live="polite">
          {count}
        </span>
        <span className="list-scope" data-testid="list-scope">
          {endpoint ? endpoint.name : 'All endpoints'}
        </span>
        {/* One group: when the name and the actions do not fit on one line, the actions go under it (capture-list.css). */}
        <div className="list-actions">
          <BulkReplayButton choices={replayChoices} />
          <ExchangeButtons choices={exportChoices} onFilterChange={onFilterChange} />
          <GroupByDeliveryToggle grouped={groupedByDelivery} onChange={setGroupedByDelivery} />
          {toolbar}
        </div>
      </div>
      <CaptureFilterBar filter={filter} onChange={onFilterChange} onDraftPendingChange={setDraftPending} onMoveToResults={moveToResults} />
      <CaptureColumns
        loadedCount={items.length}
        checkedCount={selection.ids.size}
        onCheckAll={selection.setAllLoaded}
        isGrouped={groupedByDelivery}
        selectionBar={<CaptureSelectionBar selected={selected} replayChoices={replayChoices} exportChoices={exportChoices} onClear={clearSelectionFromBar} />}
      />
      <div className={`capture-body ${isPlaceholderData ? 'capture-body-stale' : ''}`} aria-busy={isPlaceholderData}>
        {unseenCount > 0 && (
          <button type="button" className="new-captures-pill" onClick={showNewest} data-testid="new-captures">
            ↑ {formatCount(unseenCount)} new {unseenCount === 1 ? 'capture' : 'captures'}
          </button>
        )}
        {isJumpingToOldest && (
          <div className="list-jump-status" role="status" data-testid="list-jump-status">
            Going to the oldest capture…
          </div>
        )}
        {error ? (
          <div className="empty-state" role="alert">
            <h2>Could not load captures</h2>
            <p>{error.message}</p>
          </div>
        ) : !isPending && items.length === 0 ? (
          isFiltered ? (
            <CaptureListNoMatch filter={filter} unfilteredTotal={unfilteredTotal} onClearFilter={() => onFilterChange({})} />
          ) : (
            <CaptureListEmpty endpoint={emptyEndpoint} />
          )
        ) : (
          <div
            ref={attachRows}
            className="capture-scroll"
            tabIndex={0}
            role="listbox"
            aria-label="Captures, newest first"
            aria-activedescendant={selectedId ? `capture-row-${selectedId}` : undefined}
            onKeyDown={handleKeyDown}
            data-focus-fallback=""
            onScroll={(event) => {
              const top = event.currentTarget.scrollTop
              scrolledUp.current = top < lastScrollTop.current
              lastScrollTop.current = top
              if (top <= AT_TOP_PX) setUnseenCount(0)
            }}
            data-testid="capture-scroll"
          >
            <div className="capture-rows" style={{ height: virtualizer.getTotalSize() }}>
              {virtualItems.map((virtualItem) => {
                if (virtualItem.index === gapIndex) {
                  return (
                    <CaptureListGap
                      key={virtualItem.key}
                      top={virtualItem.start}
                      hiddenCount={countState === undefined && !isPlaceholderData && !groupedByDelivery ? total - items.length : null}
                    />
                  )
                }
                const capture = captureAtRow(virtualItem.index)
                if (!capture) return null
                return (
                  <CaptureRow
                    key={virtualItem.key}
                    capture={capture}
                    position={knownPositionOf(itemAtRow(virtualItem.index, gapIndex))}
                    top={virtualItem.start}
                    isSelected={capture.id === selectedId}
                    onSelect={select}
                    isChecked={selection.ids.has(rowKey(capture))}
                    onCheck={selection.toggle}
                    endpointSlug={endpoint?.slug ?? null}
                    appStartedAtMs={appStartedAtMs}
                  />
                )
              })}
            </div>
            {(isFetchingNextPage || oldestEnd.isLoading) && <div className="list-loading-more">Loading more captures…</div>}
          </div>
        )}
      </div>
    </section>
  )
}

/**
 * The rows' container goes away when the list empties (cleared or deleted from another window or
 * through the API: endpoint-cleared, capture-deleted), and focus on it fell to <body>, where the
 * next Tab starts again at the top of the page. Focus now goes to what takes its place in the
 * list (the empty state, else the list itself). `attachRows` is the rows' container's ref.
 */
function useFocusKeptWhenRowsGo(scrollRef: React.RefObject<HTMLDivElement | null>): {
  attachRows: (node: HTMLDivElement | null) => () => void
  listRef: React.RefObject<HTMLElement | null>
} {
  const listRef = useRef<HTMLElement>(null)
  const rowsHadFocus = useRef(false)
  const attachRows = useCallback(
    (node: HTMLDivElement | null) => {
      scrollRef.current = node
      return () => {
        // Called while the node is still in the page, so where focus is can still be asked.
        if (node?.contains(document.activeElement)) rowsHadFocus.current = true
        scrollRef.current = null
      }
    },
    [scrollRef],
  )
  useLayoutEffect(() => {
    if (!rowsHadFocus.current) return
    rowsHadFocus.current = false
    // Only where focus was dropped: not when something else took it meanwhile.
    if (document.activeElement !== null && document.activeElement !== document.body) return
    const list = listRef.current
    const target = scrollRef.current ?? list?.querySelector<HTMLElement>('.capture-body > .empty-state[tabindex]') ?? list
    target?.focus({ preventScroll: true })
  })
  return { attachRows, listRef }
}
