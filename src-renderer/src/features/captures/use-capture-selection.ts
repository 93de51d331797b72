import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { CaptureSummary } from '@shared/views'
import { afterClick, keepListed, withIds } from './selection-range'

/** Its functions are stable callbacks (no `this`): pass them to rows and buttons as they are. */
export interface CaptureSelection {
  /** The ticked rows' keys (`keyOf`): capture ids, or in a grouped list, deliveries. */
  ids: ReadonlySet<string>
  /** Flips the row of capture `id`; with `extend` (Shift), every row from the last one flipped takes the same state. */
  toggle: (id: string, extend: boolean) => void
  /** Checks or unchecks every loaded row. */
  setAllLoaded: (isChecked: boolean) => void
  clear: () => void
}

const NONE: ReadonlySet<string> = new Set()

/** A row's key in a list of captures: its capture. */
export function captureRowKey(item: CaptureSummary): string {
  return item.id
}

/**
 * A row's key in a list grouped by delivery: its delivery (on its endpoint, as the core groups).
 * A retry makes another capture the delivery's row; keyed by capture, the tick went with the old
 * row and the delivery left the selection without a word.
 */
export function deliveryRowKey(item: CaptureSummary): string {
  return `${item.endpointId}\u0000${item.deliveryKey}`
}

/**
 * The rows ticked in a capture list, by key (`keyOf`, stable: `captureRowKey` or
 * `deliveryRowKey`): live inserts leave it alone, and rows that leave the list (deleted) leave the
 * selection. Callbacks are stable, so memoised rows do not re-render when another row is ticked.
 */
export function useCaptureSelection(items: readonly CaptureSummary[], keyOf: (item: CaptureSummary) => string = captureRowKey): CaptureSelection {
  const [ids, setIds] = useState<ReadonlySet<string>>(NONE)
  const rows = useMemo(() => items.map((item) => ({ id: keyOf(item), captureId: item.id })), [items, keyOf])
  const rowsRef = useRef(rows)
  const anchorRef = useRef<string | null>(null)

  useLayoutEffect(() => {
    rowsRef.current = rows
  }, [rows])
  // Rows that left the list leave the selection, in the render that sees the new list (an effect
  // would render once more with the stale selection first).
  const [prunedFor, setPrunedFor] = useState(rows)
  if (prunedFor !== rows) {
    setPrunedFor(rows)
    setIds((current) => keepListed(current, rows))
  }

  const toggle = useCallback((id: string, extend: boolean) => {
    // Read before the update runs: React may run it later, after the anchor moved on.
    const anchor = anchorRef.current
    const listed = rowsRef.current
    const key = listed.find((row) => row.captureId === id)?.id ?? id
    anchorRef.current = key
    setIds((current) => afterClick(current, listed, key, anchor, extend))
  }, [])

  const setAllLoaded = useCallback((isChecked: boolean) => {
    const listed = rowsRef.current.map((row) => row.id)
    anchorRef.current = null
    setIds((current) => (isChecked ? withIds(current, listed, true) : NONE))
  }, [])

  const clear = useCallback(() => {
    anchorRef.current = null
    setIds(NONE)
  }, [])

  return useMemo(() => ({ ids, toggle, setAllLoaded, clear }), [ids, toggle, setAllLoaded, clear])
}
