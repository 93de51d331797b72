import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { isCaptureFilterActive, normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'
import type { Endpoint } from '@shared/views'
import { useCaptureList, useStatus } from '../../api/queries'
import type { CaptureScope } from '../../api/query-keys'
import { formatCount } from '../../lib/format'
import type { BulkReplayChoices } from '../replay/bulk-replay-dialog'
import { BulkReplayButton } from '../replay/entry-points'
import { ExchangeButtons } from '../exchange/exchange-buttons'
import { GroupByDeliveryToggle, useGroupByDelivery } from '../deliveries/delivery-list-parts'
import { CaptureColumns } from './capture-columns'
import { captureCountLabel } from './capture-count-label'
import { CaptureFilterBar } from './capture-filter-bar'
import { CaptureListEmpty } from './capture-list-empty'
import { CaptureListNoMatch } from './capture-list-no-match'
import { CAPTURE_ROW_HEIGHT_PX, CaptureRow } from './capture-row'
import { CaptureSelectionBar } from './capture-selection-bar'
import { useCaptureSelection } from './use-capture-selection'
import { AT_TOP_PX, useKeepScrollAnchor } from './use-keep-scroll-anchor'
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
 * above. Rows can be ticked for a bulk replay or delete.
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
  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data])
  const total = data?.pages[0]?.total ?? 0
  // A search's first page comes before its total (see CaptureListPage): until counted, no figure is a count.
  const countState = data?.pages[0]?.countState
  const isFiltered = isCaptureFilterActive(filter)
  const scrollRef = useRef<HTMLDivElement>(null)
  const [unseenCount, setUnseenCount] = useState(0)
  const [isDraftPending, setDraftPending] = useState(false)
  const selection = useCaptureSelection(items)
  const selectedIds = useMemo(() => [...selection.ids], [selection.ids])

  // Ticks are made on what the filter shows: a new filter starts a new selection, at the top of
  // its list (the old scroll offset means nothing in a different list).
  const filterKey = JSON.stringify(normalizeCaptureFilter(filter) ?? null)
  const { clear: clearSelection } = selection
  useEffect(() => {
    clearSelection()
    scrollRef.current?.scrollTo({ top: 0 })
    setUnseenCount(0)
  }, [filterKey, clearSelection])

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CAPTURE_ROW_HEIGHT_PX,
    getItemKey: (index) => items[index]?.id ?? index,
    overscan: 20,
  })
  const virtualItems = virtualizer.getVirtualItems()

  useKeepScrollAnchor(items, scrollRef, selectedId, onSelect, setUnseenCount)

  const lastVisibleIndex = virtualItems.at(-1)?.index ?? 0
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisibleIndex >= items.length - PREFETCH_ROWS) void fetchNextPage()
  }, [lastVisibleIndex, items.length, hasNextPage, isFetchingNextPage, fetchNextPage])

  const select = useCallback(
    (id: string) => {
      onSelect(id)
      scrollRef.current?.focus({ preventScroll: true })
    },
    [onSelect],
  )

  const replayChoices: BulkReplayChoices = useMemo(
    () => ({ endpoint, selectedIds, filter: isFiltered && countState === undefined ? { value: filter, matchCount: total } : null }),
    [endpoint, selectedIds, isFiltered, filter, total, countState],
  )

  /** Opens the row `delta` away from the open one (the first row when none is open). */
  const moveSelection = useCallback(
    (delta: number) => {
      if (items.length === 0) return
      const current = selectedId === null ? -1 : items.findIndex((item) => item.id === selectedId)
      const next = Math.max(0, Math.min(items.length - 1, current === -1 ? 0 : current + delta))
      const item = items[next]
      if (!item) return
      onSelect(item.id)
      virtualizer.scrollToIndex(next, { align: 'auto' })
    },
    [items, selectedId, onSelect, virtualizer],
  )
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
        next = 0
        break
      case 'End':
        next = items.length - 1
        break
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
    next = Math.max(0, Math.min(items.length - 1, next))
    const item = items[next]
    if (!item) return
    onSelect(item.id)
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  function showNewest(): void {
    scrollRef.current?.scrollTo({ top: 0 })
    setUnseenCount(0)
  }

  const count = captureCountLabel({
    isLoading: isPending,
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
  })

  return (
    <section id={CAPTURES_REGION_ID} className="capture-list" data-testid="capture-list" aria-label="Captures" tabIndex={-1}>
      <div className="list-toolbar">
        <span className="list-count" data-testid="capture-count" aria-live="polite">
          {count}
        </span>
        <span className="list-scope">{endpoint ? endpoint.name : 'All endpoints'}</span>
        <BulkReplayButton choices={replayChoices} />
        <ExchangeButtons choices={replayChoices} />
        <GroupByDeliveryToggle grouped={groupedByDelivery} onChange={setGroupedByDelivery} />
        {toolbar}
      </div>
      <CaptureFilterBar filter={filter} onChange={onFilterChange} onDraftPendingChange={setDraftPending} />
      <CaptureColumns
        loadedCount={items.length}
        checkedCount={selection.ids.size}
        onCheckAll={selection.setAllLoaded}
        selectionBar={<CaptureSelectionBar selectedIds={selectedIds} replayChoices={replayChoices} onClear={selection.clear} />}
      />
      <div className={`capture-body ${isPlaceholderData ? 'capture-body-stale' : ''}`} aria-busy={isPlaceholderData}>
        {unseenCount > 0 && (
          <button type="button" className="new-captures-pill" onClick={showNewest} data-testid="new-captures">
            ↑ {formatCount(unseenCount)} new {unseenCount === 1 ? 'capture' : 'captures'}
          </button>
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
            ref={scrollRef}
            className="capture-scroll"
            tabIndex={0}
            role="listbox"
            aria-label="Captures, newest first"
            aria-activedescendant={selectedId ? `capture-row-${selectedId}` : undefined}
            onKeyDown={handleKeyDown}
            data-focus-fallback=""
            onScroll={(event) => {
              if (event.currentTarget.scrollTop <= AT_TOP_PX) setUnseenCount(0)
            }}
            data-testid="capture-scroll"
          >
            <div className="capture-rows" style={{ height: virtualizer.getTotalSize() }}>
              {virtualItems.map((virtualItem) => {
                const capture = items[virtualItem.index]
                if (!capture) return null
                return (
                  <CaptureRow
                    key={virtualItem.key}
                    capture={capture}
                    index={virtualItem.index}
                    top={virtualItem.start}
                    isSelected={capture.id === selectedId}
                    onSelect={select}
                    isChecked={selection.ids.has(capture.id)}
                    onCheck={selection.toggle}
                    endpointSlug={endpoint?.slug ?? null}
                    appStartedAtMs={appStartedAtMs}
                  />
                )
              })}
            </div>
            {isFetchingNextPage && <div className="list-loading-more">Loading older captures…</div>}
          </div>
        )}
      </div>
    </section>
  )
}
