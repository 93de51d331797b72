import { useEffect, useEffectEvent } from 'react'
import { describeKeyTarget, shortcutFor } from './keyboard-shortcuts'

/** The capture list's region: the skip link's target. */
export const CAPTURES_REGION_ID = 'captures'

/**
 * `j`/`k` pressed anywhere on the page (outside fields and dialogs) move through the list and put
 * focus on it; inside the list its own key handler answers them first.
 */
export function useListMoveKeys(listRef: React.RefObject<HTMLElement | null>, move: (delta: number) => void): void {
  const onMove = useEffectEvent((delta: number) => move(delta))
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (event.defaultPrevented) return
      const action = shortcutFor(event, describeKeyTarget(event.target), 'page')
      if (action !== 'next' && action !== 'previous') return
      event.preventDefault()
      onMove(action === 'next' ? 1 : -1)
      listRef.current?.focus({ preventScroll: true })
    }
    // On window: after the list's own handler and any other, so a key they took is left alone.
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [listRef])
}

/** The list itself when it has rows, else its region (an empty state, an error). */
export function captureListElement(): HTMLElement | null {
  const region = document.getElementById(CAPTURES_REGION_ID)
  return region?.querySelector<HTMLElement>('[role=listbox]') ?? region
}

export function focusCaptureList(): void {
  captureListElement()?.focus()
}
