import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import { clampShare, parseStoredShare, shareAfterKey, shareAtPointer, shareBounds, type PaneWidths } from './split-pane-size'
import './split-pane.css'

/**
 * `side-by-side`: the panes are columns and the divider moves left and right; `stacked`: the
 * layout (a narrow window) put the second pane under the first and the divider moves up and down.
 */
export type PaneArrangement = 'side-by-side' | 'stacked'

export interface PaneLimits {
  /** The first pane's share when nothing is remembered. */
  defaultShare: number
  /** Narrowest (side by side) or lowest (stacked) each pane may get, in CSS pixels. */
  minFirstPx: number
  minSecondPx: number
}

interface PaneDividerProps {
  /** localStorage key the position is remembered under (a suffix keeps the stacked one apart). */
  storageKey: string
  limits: Record<PaneArrangement, PaneLimits>
  /** id of the pane it resizes, for assistive technology. */
  controls: string
  label: string
}

/** The CSS variables each arrangement's grid template reads (see styles.css `.workspace`). */
const VARIABLES: Record<PaneArrangement, { first: string; second: string; minFirst: string; minSecond: string }> = {
  'side-by-side': { first: '--split-first', second: '--split-second', minFirst: '--split-min-first', minSecond: '--split-min-second' },
  stacked: { first: '--split-first-row', second: '--split-second-row', minFirst: '--split-min-first-row', minSecond: '--split-min-second-row' },
}

/**
 * The draggable, focusable divider between two grid panes: its previous and next siblings. It
 * sets fr values and minimum sizes as CSS variables on the parent grid, whose template uses them.
 * Which way it moves follows the layout: side by side it resizes columns, stacked (narrow
 * windows) rows; each arrangement remembers its own position. While dragging it writes the
 * variables directly, without a React render, so a 20,000-row list is not re-rendered on every
 * pointer move; the position is stored on release.
 */
export function PaneDivider({ storageKey, limits, controls, label }: PaneDividerProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [arrangement, setArrangement] = useState<PaneArrangement>('side-by-side')
  const [shares, setShares] = useState<Record<PaneArrangement, number>>(() => ({
    'side-by-side': parseStoredShare(readStorage(storageKey)) ?? limits['side-by-side'].defaultShare,
    stacked: parseStoredShare(readStorage(`${storageKey}.stacked`)) ?? limits.stacked.defaultShare,
  }))
  const share = shares[arrangement]
  /** Percent, for aria-valuemin/max. */
  const [bounds, setBounds] = useState({ min: 0, max: 100 })
  const dragRef = useRef<{ pointerId: number; share: number } | null>(null)

  const measure = useCallback((): { arrangement: PaneArrangement; widths: PaneWidths } | null => {
    const divider = ref.current
    const first = divider?.previousElementSibling?.getBoundingClientRect()
    const second = divider?.nextElementSibling?.getBoundingClientRect()
    if (!first || !second) return null
    const current: PaneArrangement = second.top >= first.bottom - 1 ? 'stacked' : 'side-by-side'
    const { minFirstPx, minSecondPx } = limits[current]
    const totalPx = current === 'stacked' ? first.height + second.height : first.width + second.width
    return { arrangement: current, widths: { totalPx, minFirstPx, minSecondPx } }
  }, [limits])

  useLayoutEffect(() => {
    for (const each of ['side-by-side', 'stacked'] as const) applyShare(ref.current, each, shares[each])
  }, [shares])
  useLayoutEffect(() => {
    const style = ref.current?.parentElement?.style
    for (const each of ['side-by-side', 'stacked'] as const) {
      style?.setProperty(VARIABLES[each].minFirst, `${limits[each].minFirstPx}px`)
      style?.setProperty(VARIABLES[each].minSecond, `${limits[each].minSecondPx}px`)
    }
  }, [limits])

  // The arrangement and the bounds (for aria-valuemin/max) follow the window.
  useLayoutEffect(() => {
    const container = ref.current?.parentElement
    if (!container) return undefined
    const update = () => {
      const measured = measure()
      if (!measured) return
      setArrangement(measured.arrangement)
      setBounds(roundBounds(shareBounds(measured.widths)))
    }
    update()
    const observer = new ResizeObserver(update)
    observer.observe(container)
    return () => observer.disconnect()
  }, [measure])

  const commit = (which: PaneArrangement, next: number) => {
    setShares((current) => ({ ...current, [which]: next }))
    writeStorage(which === 'stacked' ? `${storageKey}.stacked` : storageKey, next)
  }

  const shareAtEvent = (event: React.PointerEvent): number | null => {
    const divider = ref.current
    const first = divider?.previousElementSibling?.getBoundingClientRect()
    const measured = measure()
    if (!divider || !first || !measured) return null
    const own = divider.getBoundingClientRect()
    const offsetPx = measured.arrangement === 'stacked' ? event.clientY - first.top - own.height / 2 : event.clientX - first.left - own.width / 2
    return shareAtPointer(offsetPx, measured.widths)
  }

  const endDrag = () => {
    dragRef.current = null
    ref.current?.parentElement?.classList.remove('is-resizing')
  }

  // What the layout shows: the remembered share within what the window allows.
  const shownPercent = Math.min(bounds.max, Math.max(bounds.min, Math.round(share * 100)))

  return (
    <div
      ref={ref}
      className={`pane-divider pane-divider-${arrangement}`}
      role="separator"
      // A separator's orientation is its own line's: between columns it is vertical.
      aria-orientation={arrangement === 'stacked' ? 'horizontal' : 'vertical'}
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={shownPercent}
      aria-valuemin={bounds.min}
      aria-valuemax={bounds.max}
      tabIndex={0}
      title="Drag to resize; double-click for the default size"
      data-testid="pane-divider"
      data-arrangement={arrangement}
      onPointerDown={(event) => {
        if (event.button !== 0) return
        event.preventDefault()
        event.currentTarget.setPointerCapture(event.pointerId)
        event.currentTarget.focus({ preventScroll: true })
        const measured = measure()
        dragRef.current = { pointerId: event.pointerId, share: measured ? clampShare(share, measured.widths) : share }
        ref.current?.parentElement?.classList.add('is-resizing')
      }}
      onPointerMove={(event) => {
        const drag = dragRef.current
        if (drag?.pointerId !== event.pointerId) return
        const next = shareAtEvent(event)
        if (next === null) return
        drag.share = next
        applyShare(ref.current, arrangement, next)
      }}
      onPointerUp={(event) => {
        const drag = dragRef.current
        if (drag?.pointerId !== event.pointerId) return
        endDrag()
        commit(arrangement, drag.share)
      }}
      onPointerCancel={() => {
        endDrag()
        applyShare(ref.current, arrangement, share)
      }}
      onDoubleClick={() => commit(arrangement, limits[arrangement].defaultShare)}
      onKeyDown={(event) => {
        const measured = measure()
        if (!measured) return
        const next = shareAfterKey(clampShare(share, measured.widths), event.key, event.shiftKey, measured.widths)
        if (next === null) return
        event.preventDefault()
        commit(measured.arrangement, next)
      }}
    />
  )
}

/** fr values out of 1,000 keep three decimals of the share. */
function applyShare(divider: HTMLElement | null, arrangement: PaneArrangement, share: number): void {
  const style = divider?.parentElement?.style
  if (!style) return
  const first = Math.round(share * 1000)
  style.setProperty(VARIABLES[arrangement].first, `${first}fr`)
  style.setProperty(VARIABLES[arrangement].second, `${1000 - first}fr`)
}

function roundBounds(bounds: { min: number; max: number }): { min: number; max: number } {
  return { min: Math.ceil(bounds.min * 100), max: Math.floor(bounds.max * 100) }
}

// Storage can be unavailable (privacy modes, a full quota): the divider then simply forgets.
function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function writeStorage(key: string, share: number): void {
  try {
    localStorage.setItem(key, share.toFixed(4))
  } catch {
    // Not remembered; the divider still moves.
  }
}
