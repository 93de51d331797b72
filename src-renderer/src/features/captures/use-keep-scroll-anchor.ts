import { useLayoutEffect, useRef } from 'react'
import type { CaptureSummary } from '@shared/views'
import { CAPTURE_ROW_HEIGHT_PX } from './capture-row'

/** Scrolled less than this from the top counts as "at the top": new captures flow in. */
export const AT_TOP_PX = 2

/**
 * When the list changes under a user who has scrolled down (captures arrive on top, or are
 * deleted above), keep the first visible row where it was instead of letting the content jump,
 * count what arrived above, and move the open capture to its neighbour when it disappeared.
 */
export function useKeepScrollAnchor(
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
  }, [items, scrollRef, selectedId, onSelect, setUnseenCount])
}
