/**
 * Roving focus (WAI-ARIA Authoring Practices, "Keyboard navigation inside components"): a group of
 * controls is one Tab stop, and the arrow keys move between them. The endpoint sidebar had every
 * card's eight buttons in the Tab order, so reaching the capture list from the top bar took about
 * fifty Tabs with six endpoints.
 */
import { useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent, type RefObject } from 'react'

export type RovingOrientation = 'vertical' | 'horizontal'

/**
 * The index focus moves to when `key` is pressed on item `current` of `count`, or `null` when the
 * key does not move focus. It stops at the ends (no wrapping), as a list does.
 */
export function rovingTarget(key: string, current: number, count: number, orientation: RovingOrientation): number | null {
  if (count === 0) return null
  const [back, forward] = orientation === 'vertical' ? ['ArrowUp', 'ArrowDown'] : ['ArrowLeft', 'ArrowRight']
  switch (key) {
    case back:
      return Math.max(0, current - 1)
    case forward:
      return Math.min(count - 1, current + 1)
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}

/** Whether a key press carries a modifier that belongs to the browser or the system. */
function hasModifier(event: KeyboardEvent): boolean {
  return event.altKey || event.ctrlKey || event.metaKey || event.shiftKey
}

/**
 * A toolbar's buttons as one Tab stop (`isInTabOrder`), Left/Right/Home/End between them. The
 * buttons are found in the DOM under `root` on every render, so child components need not know;
 * buttons inside a dialog opened from the toolbar are not part of it. Focus returns to the button
 * used last.
 */
export function useRovingToolbar<T extends HTMLElement>(
  isInTabOrder: boolean,
): { root: RefObject<T | null>; onKeyDown: (event: KeyboardEvent) => void; onFocus: (event: FocusEvent) => void } {
  const root = useRef<T>(null)
  const current = useRef<HTMLElement | null>(null)

  const itemsOf = (element: HTMLElement): HTMLElement[] =>
    Array.from(element.querySelectorAll<HTMLElement>('button, a[href]')).filter((item) => item.closest('dialog') === null && !item.matches(':disabled'))

  const apply = (): void => {
    if (root.current === null) return
    const items = itemsOf(root.current)
    const chosen = current.current !== null && items.includes(current.current) ? current.current : items[0]
    for (const item of items) item.tabIndex = isInTabOrder && item === chosen ? 0 : -1
  }

  // Every render: a button may have come (a public URL once the tunnel is online) or gone.
  useLayoutEffect(apply)

  return {
    root,
    onFocus: (event) => {
      if (root.current === null || !(event.target instanceof HTMLElement)) return
      if (!itemsOf(root.current).includes(event.target)) return
      current.current = event.target
      apply()
    },
    onKeyDown: (event) => {
      if (root.current === null || !(event.target instanceof HTMLElement) || hasModifier(event)) return
      const items = itemsOf(root.current)
      const index = items.indexOf(event.target)
      if (index === -1) return
      const next = rovingTarget(event.key, index, items.length, 'horizontal')
      const target = next === null ? undefined : items[next]
      if (target === undefined) return
      event.preventDefault()
      current.current = target
      apply()
      target.focus()
    },
  }
}

/** For a vertical list whose items the caller renders (with `tabIndex` from its own state). */
export function rovingListKey(event: KeyboardEvent, keys: readonly string[], currentKey: string): string | null {
  if (hasModifier(event)) return null
  const index = keys.indexOf(currentKey)
  if (index === -1) return null
  const next = rovingTarget(event.key, index, keys.length, 'vertical')
  return next === null ? null : (keys[next] ?? null)
}
