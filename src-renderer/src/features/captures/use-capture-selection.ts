import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { CaptureSummary } from '@shared/views'
import { afterClick, keepListed, withIds } from './selection-range'

/** Its functions are stable callbacks (no `this`): pass them to rows and buttons as they are. */
export interface CaptureSelection {
  ids: ReadonlySet<string>
  /** Flips one row; with `extend` (Shift), every row from the last one flipped takes the same state. */
  toggle: (id: string, extend: boolean) => void
  /** Checks or unchecks every loaded row. */
  setAllLoaded: (isChecked: boolean) => void
  clear: () => void
}

const NONE: ReadonlySet<string> = new Set()

/**
 * The rows ticked in a capture list, by id: live inserts leave it alone, and captures that leave
 * the list (deleted) leave the selection. Callbacks are stable, so memoised rows do not re-render
 * when another row is ticked.
 */
export function useCaptureSelection(items: readonly CaptureSummary[]): CaptureSelection {
  const [ids, setIds] = useState<ReadonlySet<string>>(NONE)
  const itemsRef = useRef(items)
  const anchorRef = useRef<string | null>(null)

  useLayoutEffect(() => {
    itemsRef.current = items
  }, [items])
  // Rows that left the list leave the selection, in the render that sees the new list (an effect
  // would render once more with the stale selection first).
  const [prunedFor, setPrunedFor] = useState(items)
  if (prunedFor !== items) {
    setPrunedFor(items)
    setIds((current) => keepListed(current, items))
  }

  const toggle = useCallback((id: string, extend: boolean) => {
    // Read before the update runs: React may run it later, after the anchor moved on.
    const anchor = anchorRef.current
    const listed = itemsRef.current
    anchorRef.current = id
    setIds((current) => afterClick(current, listed, id, anchor, extend))
  }, [])

  const setAllLoaded = useCallback((isChecked: boolean) => {
    const listed = itemsRef.current.map((item) => item.id)
    anchorRef.current = null
    setIds((current) => (isChecked ? withIds(current, listed, true) : NONE))
  }, [])

  const clear = useCallback(() => {
    anchorRef.current = null
    setIds(NONE)
  }, [])

  return useMemo(() => ({ ids, toggle, setAllLoaded, clear }), [ids, toggle, setAllLoaded, clear])
}
