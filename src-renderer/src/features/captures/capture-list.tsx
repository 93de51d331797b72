import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { CaptureSummary, Endpoint } from '../../../../src-main/shared/contract'
import { useCaptureList } from '../../api/queries'
import type { CaptureScope } from '../../api/query-keys'
import { formatCount } from '../../lib/format'
import { CaptureListEmpty } from './capture-list-empty'
import { CAPTURE_ROW_HEIGHT_PX, CaptureRow } from './capture-row'

/** Start fetching the next page this many rows before the end. */
const PREFETCH_ROWS = 100
/** Scrolled less than this from the top counts as "at the top": new captures flow in. */
const AT_TOP_PX = 2

interface CaptureListProps {
  scope: CaptureScope
  /** The endpoint the empty state points at. */
  emptyEndpoint: Endpoint | undefined
  selectedId: string | null
  onSelect: (id: string | null) => void
  toolbar?: React.ReactNode
}

/**
 * Newest first, virtualised, paged by cursor while scrolling. New captures are patched in by the
 * live events; when the user has scrolled down, the rows under their eyes stay put and a pill
 * counts what arrived above.
 */
export function CaptureList({ scope, emptyEndpoint, selectedId, onSelect, toolbar }: CaptureListProps) {
  const { data, error, isPending, hasNextPage, isFetchingNextPage, fetchNextPage } = useCaptureList(scope)
  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? [], [data])
  const total = data?.pages[0]?.total ?? 0
  const scrollRef = useRef<HTMLDivElement>(null)
  const [unseenCount, setUnseenCount] = useState(0)

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

  function handleKeyDown(event: React.KeyboardEvent): void {
    if (items.length === 0) return
    const current = selectedId === null ? -1 : items.findIndex((item) => item.id === selectedId)
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 0) / CAPTURE_ROW_HEIGHT_PX) - 1)
    let next: number
    switch (event.key) {
      case 'ArrowDown':
        next = current + 1
        break
      case 'ArrowUp':
        next = current === -1 ? 0 : current - 1
        break
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

  return (
    <section className="capture-list" data-testid="capture-list" aria-label="Captures">
      <div className="list-toolbar">
        <span className="list-count" data-testid="capture-count">
          {isPending ? 'Loading…' : `${formatCount(total)} ${total === 1 ? 'capture' : 'captures'}`}
        </span>
        {toolbar}
      </div>
      <div className="capture-columns capture-columns-recognised" aria-hidden="true">
        <span>Time</span>
        <span>Method</span>
        <span>Target</span>
        <span className="cell-size">Size</span>
        <span className="cell-type">Type</span>
        <span>Provider</span>
        <span>Signature</span>
        <span>Summary</span>
        <span>Status</span>
      </div>
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
        <CaptureListEmpty endpoint={emptyEndpoint} />
      ) : (
        <div
          ref={scrollRef}
          className="capture-scroll"
          tabIndex={0}
          role="listbox"
          aria-label="Captures, newest first"
          aria-activedescendant={selectedId ? `capture-row-${selectedId}` : undefined}
          onKeyDown={handleKeyDown}
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
                />
              )
            })}
          </div>
          {isFetchingNextPage && <div className="list-loading-more">Loading older captures…</div>}
        </div>
      )}
    </section>
  )
}

/**
 * When the list changes under a user who has scrolled down (captures arrive on top, or are
 * deleted above), keep the first visible row where it was instead of letting the content jump,
 * count what arrived above, and keep a selection whose capture disappeared on its neighbour.
 */
function useKeepScrollAnchor(
  items: CaptureSummary[],
  scrollRef: React.RefObject<HTMLDivElement | null>,
  selectedId: string | null,
  onSelect: (id: string | null) => void,
  setUnseenCount: React.Dispatch<React.SetStateAction<number>>,
): void {
  const previousRef = useRef<CaptureSummary[]>(items)
  useLayoutEffect(() => {
    const previous = previousRef.current
    previousRef.current = items
    if (previous === items) return
    const element = scrollRef.current
    if (element && element.scrollTop > AT_TOP_PX && previous.length > 0) {
      const scrollTop = element.scrollTop
      const anchorIndex = Math.floor(scrollTop / CAPTURE_ROW_HEIGHT_PX)
      const anchor = previous[Math.min(anchorIndex, previous.length - 1)]
      const newIndex = anchor ? items.findIndex((item) => item.id === anchor.id) : -1
      if (newIndex !== -1 && newIndex !== anchorIndex) {
        element.scrollTop = scrollTop + (newIndex - anchorIndex) * CAPTURE_ROW_HEIGHT_PX
      }
      const previousFirst = previous[0]
      const addedOnTop = previousFirst ? items.findIndex((item) => item.id === previousFirst.id) : 0
      if (addedOnTop > 0) setUnseenCount((count) => count + addedOnTop)
    }
    if (selectedId !== null) {
      const previousIndex = previous.findIndex((item) => item.id === selectedId)
      if (previousIndex !== -1 && !items.some((item) => item.id === selectedId)) {
        const neighbour = items[Math.min(previousIndex, items.length - 1)]
        onSelect(neighbour?.id ?? null)
      }
    }
  }, [items, scrollRef, selectedId, onSelect, setUnseenCount])
}
