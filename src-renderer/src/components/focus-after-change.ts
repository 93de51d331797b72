/**
 * Where focus goes once a form's change is on screen. A button that removes part of a form, or
 * replaces itself with what it adds ("+ Add a sequence"), goes away with focus on it: focus fell to
 * <body>, and a keyboard or screen reader user had to find their place again from the top of the
 * page. One that adds a row stayed focused while the new row's fields were somewhere above it.
 */
import { useLayoutEffect, useRef, type RefObject } from 'react'

/** `WAIT`: the change is not on screen yet (it comes back from the app later): ask again after the next render. */
export const WAIT = Symbol('wait for the change')

type FindTarget = (root: HTMLElement) => HTMLElement | null | undefined | typeof WAIT

/**
 * `root` goes on the element the form part renders in; `focusAfterChange(find)` is called with the
 * change, and `find` runs within `root` right after React has put the change on screen. The hook's
 * component must re-render with the change (it does when the change comes back through its props).
 */
export function useFocusAfterChange<T extends HTMLElement>(): { root: RefObject<T | null>; focusAfterChange: (find: FindTarget) => void } {
  const root = useRef<T>(null)
  const pending = useRef<FindTarget | null>(null)
  useLayoutEffect(() => {
    const find = pending.current
    if (find === null || root.current === null) return
    const target = find(root.current)
    if (target === WAIT) return
    pending.current = null
    target?.focus()
  })
  return { root, focusAfterChange: (find) => (pending.current = find) }
}

/** The element at `index` of those matching `selector` in `root`, else the last one before it, else `fallback`'s match. */
export function atOrBefore(root: HTMLElement, selector: string, index: number, fallback?: string): HTMLElement | null {
  const all = root.querySelectorAll<HTMLElement>(selector)
  const element = all[Math.min(index, all.length - 1)]
  if (element) return element
  return fallback ? root.querySelector<HTMLElement>(fallback) : null
}
