import { useLayoutEffect, useRef } from 'react'
import type { CaptureSummary } from '@shared/views'
import { CAPTURE_ROW_HEIGHT_PX } from './capture-row'

/** Scrolled less than this from the top counts as "at the top": new captures flow in. */
export const AT_TOP_PX = 2

/**
 * When the list changes under a user who has scrolled down (captures arrive on top, or are
 * deleted above), keep the first visible row where it was instead of letting the content jump,
 * count what arrived above, and move the open capture to its neighbour when it disappeared.
 * Rows below a gap (list-ends.ts) sit one row lower than their index.
 */
export function useKeepScrollAnchor(
  items: CaptureSummary[],
  scrollRef: React.RefObject<HTMLDivElement | null>,
  selectedId: string | null,
  onSelect: (id: string | null) => void,
  setUnseenCount: React.Dispatch<React.SetStateAction<number>>,
  gap: ListGap = NO_GAP,
): void {
  const previousRef = useRef<CaptureSummary[]>(items)
  const previousGapRef = useRef<number | null>(gap.index)
  useLayoutEffect(() => {
    const previous = previousRef.current
    const previousGap = previousGapRef.current
    previousRef.current = items
    previousGapRef.current = gap.index
    if (previous === items) return
    const element = scrollRef.current
    if (element && element.scrollTop > AT_TOP_PX && previous.length > 0) {
      const scrollTop = element.scrollTop
      const topRow = Math.floor(scrollTop / CAPTURE_ROW_HEIGHT_PX)
      // Rows loaded above the oldest end go in right below the gap: a user coming up from the
      // oldest end keeps the row under the gap in place, so the new rows open above it.
      const anchorIndex =
        gap.anchorBelow && previousGap !== null && topRow <= previousGap ? previousGap : Math.min(itemAtRow(topRow, previousGap), previous.length - 1)
      const anchor = previous[anchorIndex]
      const newIndex = anchor ? items.findIndex((item) => item.id === anchor.id) : -1
      const shift = newIndex === -1 ? 0 : rowOfItem(newIndex, gap.index) - rowOfItem(anchorIndex, previousGap)
      if (shift !== 0) element.scrollTop = scrollTop + shift * CAPTURE_ROW_HEIGHT_PX
      const previousFirst = previous[0]
      const addedOnTop = previousFirst ? items.findIndex((item) => item.id === previousFirst.id) : 0
      if (addedOnTop > 0) setUnseenCount((count) => count + addedOnTop)
    }
    if (selectedId !== null) {
      const previousIndex = previous.findIndex((item) => item.id === selectedId)
      const vanished = previous[previousIndex]
      // In a list grouped by delivery a retry takes its delivery's row: the open attempt was not
      // deleted, so it stays open (and its Delivery view with it).
      const regrouped =
        vanished?.delivery !== undefined && items.some((item) => item.deliveryKey === vanished.deliveryKey && item.endpointId === vanished.endpointId)
      if (previousIndex !== -1 && !regrouped && !items.some((item) => item.id === selectedId)) {
        const neighbour = items[Math.min(previousIndex, items.length - 1)]
        onSelect(neighbour?.id ?? null)
      }
    }
  }, [items, scrollRef, selectedId, onSelect, setUnseenCount, gap])
}

/** The gap between the list's two loaded ends (list-ends.ts), a row of its own. */
export interface ListGap {
  /** The index among the captures of the first row below the gap, or `null`. */
  index: number | null
  /** Rows are being added from below the gap: keep the row under it in place, not the top row. */
  anchorBelow: boolean
}

const NO_GAP: ListGap = { index: null, anchorBelow: false }

/** The list row (gap counted) of a capture's index. */
export function rowOfItem(index: number, gapIndex: number | null): number {
  return gapIndex !== null && index >= gapIndex ? index + 1 : index
}

/** The capture's index at a list row; the gap row gives the capture below it. */
export function itemAtRow(row: number, gapIndex: number | null): number {
  return gapIndex !== null && row > gapIndex ? row - 1 : row
}
