import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'

/** Every row is this tall (the stylesheet's `.vrow` agrees), so any row's place is arithmetic. */
export const ROW_HEIGHT = 20
/**
 * Browsers cap an element's height (Chromium near 33 M px, Firefox near 17 M); above this the
 * scroll range is scaled, so millions of rows still scroll end to end.
 */
const MAX_SCROLL_PX = 8_000_000
const OVERSCAN_ROWS = 10

export interface ScrollRequest {
  row: number
  /** Bumped for every request, so asking again for the same row scrolls again. */
  sequence: number
}

interface VirtualRowsProps {
  count: number
  renderRow: (index: number) => ReactNode
  scrollTo?: ScrollRequest | null
  /** Called with the list's outer width whenever it changes (text views wrap to it). */
  onWidth?: (width: number) => void
  testId?: string
  label: string
}

/**
 * A fixed-row-height virtual list: only the rows in view (and a few around) are in the DOM,
 * whatever the count. Our own rather than a library's because a library keeps an object per row,
 * which for millions of rows costs more than the body itself.
 */
export function VirtualRows({ count, renderRow, scrollTo, onWidth, testId, label }: VirtualRowsProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(400)
  const frame = useRef(0)

  const totalPx = count * ROW_HEIGHT
  const spacerPx = Math.min(totalPx, MAX_SCROLL_PX)
  const isScaled = totalPx > MAX_SCROLL_PX
  const visibleRows = Math.ceil(viewport / ROW_HEIGHT)
  /** Fractional, so that at the end of a scaled range the last row sits exactly at the bottom. */
  const rowsInView = viewport / ROW_HEIGHT

  useLayoutEffect(() => {
    const element = scroller.current
    if (element === null) return
    const observer = new ResizeObserver(() => {
      setViewport(element.clientHeight || 400)
      // The outer width: it does not change when a scrollbar appears, so text is not re-wrapped for it.
      onWidth?.(element.offsetWidth)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [onWidth])

  useEffect(() => () => cancelAnimationFrame(frame.current), [])

  useLayoutEffect(() => {
    const element = scroller.current
    if (scrollTo === null || scrollTo === undefined || element === null) return
    const centred = Math.max(0, scrollTo.row - Math.floor(visibleRows / 2))
    let target: number
    if (isScaled) {
      const maxScroll = Math.max(1, spacerPx - viewport)
      target = (centred / Math.max(1, count - rowsInView)) * maxScroll
    } else {
      target = centred * ROW_HEIGHT
    }
    element.scrollTop = target
    setScrollTop(element.scrollTop)
    // Only a new request scrolls; the other values are read at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scrollTo])

  // Which row sits at the top: exact when unscaled, proportional to the scroll range when scaled.
  let firstExact: number
  if (isScaled) {
    const maxScroll = Math.max(1, spacerPx - viewport)
    firstExact = (Math.min(scrollTop, maxScroll) / maxScroll) * Math.max(0, count - rowsInView)
  } else {
    firstExact = scrollTop / ROW_HEIGHT
  }
  const first = Math.max(0, Math.floor(firstExact) - OVERSCAN_ROWS)
  const last = Math.min(count, Math.ceil(firstExact) + visibleRows + OVERSCAN_ROWS)
  const rows: ReactNode[] = []
  for (let index = first; index < last; index++) {
    const top = isScaled ? scrollTop + (index - firstExact) * ROW_HEIGHT : index * ROW_HEIGHT
    rows.push(
      <div key={index} className="vrow" style={{ transform: `translateY(${top}px)` }} data-row={index}>
        {renderRow(index)}
      </div>,
    )
  }

  return (
    <div
      ref={scroller}
      className="vrows"
      style={{ height: `${Math.min(totalPx, 100_000) + 2}px` }}
      tabIndex={0}
      role="region"
      aria-label={label}
      data-testid={testId}
      data-row-count={count}
      onScroll={(event) => {
        const top = event.currentTarget.scrollTop
        cancelAnimationFrame(frame.current)
        frame.current = requestAnimationFrame(() => setScrollTop(top))
      }}
    >
      <div className="vrows-spacer" style={{ height: `${spacerPx}px` }}>
        {rows}
      </div>
    </div>
  )
}
