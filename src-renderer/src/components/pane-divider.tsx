import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import { clampShare, parseStoredShare, shareAfterKey, shareAtPointer, shareBounds, type PaneWidths } from './split-pane-size'
import './split-pane.css'

interface PaneDividerProps {
  /** localStorage key the position is remembered under. */
  storageKey: string
  /** The first pane's share when nothing is remembered. */
  defaultShare: number
  minFirstPx: number
  minSecondPx: number
  /** id of the pane it resizes, for assistive technology. */
  controls: string
  label: string
}

/**
 * The draggable, focusable divider between two grid panes: its previous and next siblings. It
 * sets `--split-first` and `--split-second` (fr values) on the parent grid, which the layout's
 * grid-template-columns use. While dragging it writes them directly, without a React render, so a
 * 20,000-row list is not re-rendered on every pointer move; the position is stored on release.
 */
export function PaneDivider({ storageKey, defaultShare, minFirstPx, minSecondPx, controls, label }: PaneDividerProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [share, setShare] = useState(() => parseStoredShare(readStorage(storageKey)) ?? defaultShare)
  /** Percent, for aria-valuemin/max. */
  const [bounds, setBounds] = useState({ min: 0, max: 100 })
  const dragRef = useRef<{ pointerId: number; share: number } | null>(null)

  const measure = useCallback((): PaneWidths | null => {
    const divider = ref.current
    const first = divider?.previousElementSibling
    const second = divider?.nextElementSibling
    if (!first || !second) return null
    return { totalPx: first.getBoundingClientRect().width + second.getBoundingClientRect().width, minFirstPx, minSecondPx }
  }, [minFirstPx, minSecondPx])

  useLayoutEffect(() => applyShare(ref.current, share), [share])
  useLayoutEffect(() => {
    const container = ref.current?.parentElement
    container?.style.setProperty('--split-min-first', `${minFirstPx}px`)
    container?.style.setProperty('--split-min-second', `${minSecondPx}px`)
  }, [minFirstPx, minSecondPx])

  // The bounds (for aria-valuemin/max) follow the window's width.
  useLayoutEffect(() => {
    const container = ref.current?.parentElement
    if (!container) return undefined
    const update = () => {
      const widths = measure()
      if (widths) setBounds(roundBounds(shareBounds(widths)))
    }
    update()
    const observer = new ResizeObserver(update)
    observer.observe(container)
    return () => observer.disconnect()
  }, [measure])

  const commit = (next: number) => {
    setShare(next)
    writeStorage(storageKey, next)
  }

  const shareAtEvent = (event: React.PointerEvent): number | null => {
    const first = ref.current?.previousElementSibling
    const widths = measure()
    if (!first || !widths) return null
    const dividerHalf = (ref.current?.getBoundingClientRect().width ?? 0) / 2
    return shareAtPointer(event.clientX - first.getBoundingClientRect().left - dividerHalf, widths)
  }

  // What the layout shows: the remembered share within what the window allows.
  const shownPercent = Math.min(bounds.max, Math.max(bounds.min, Math.round(share * 100)))

  return (
    <div
      ref={ref}
      className="pane-divider"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={shownPercent}
      aria-valuemin={bounds.min}
      aria-valuemax={bounds.max}
      tabIndex={0}
      title="Drag to resize; double-click for the default width"
      data-testid="pane-divider"
      onPointerDown={(event) => {
        if (event.button !== 0) return
        event.preventDefault()
        event.currentTarget.setPointerCapture(event.pointerId)
        event.currentTarget.focus({ preventScroll: true })
        const widths = measure()
        dragRef.current = { pointerId: event.pointerId, share: widths ? clampShare(share, widths) : share }
        ref.current?.parentElement?.classList.add('is-resizing')
      }}
      onPointerMove={(event) => {
        const drag = dragRef.current
        if (drag?.pointerId !== event.pointerId) return
        const next = shareAtEvent(event)
        if (next === null) return
        drag.share = next
        applyShare(ref.current, next)
      }}
      onPointerUp={(event) => {
        const drag = dragRef.current
        if (drag?.pointerId !== event.pointerId) return
        dragRef.current = null
        ref.current?.parentElement?.classList.remove('is-resizing')
        commit(drag.share)
      }}
      onPointerCancel={() => {
        dragRef.current = null
        ref.current?.parentElement?.classList.remove('is-resizing')
        applyShare(ref.current, share)
      }}
      onDoubleClick={() => commit(defaultShare)}
      onKeyDown={(event) => {
        const current = measure()
        if (!current) return
        const next = shareAfterKey(clampShare(share, current), event.key, event.shiftKey, current)
        if (next === null) return
        event.preventDefault()
        commit(next)
      }}
    />
  )
}

/** fr values out of 1,000 keep three decimals of the share. */
function applyShare(divider: HTMLElement | null, share: number): void {
  const container = divider?.parentElement
  if (!container) return
  container.style.setProperty('--split-first', `${Math.round(share * 1000)}fr`)
  container.style.setProperty('--split-second', `${1000 - Math.round(share * 1000)}fr`)
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
