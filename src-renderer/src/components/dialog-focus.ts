/**
 * Where focus goes when a dialog opens, and where it goes back to when it closes.
 *
 * React's `autoFocus` cannot help inside a native <dialog>: React focuses the element while the
 * dialog is still closed (not rendered), and `showModal()` then picks the first focusable element,
 * which is usually the "Close" link. So a dialog chooses explicitly after `showModal()`.
 */

/** Put this attribute on the element a dialog should open on when its first field is not the right one. */
export const AUTOFOCUS_ATTRIBUTE = 'data-autofocus'

/** Focus that falls nowhere after a dialog closes (its opener went away) lands on this element, if any. */
export const FOCUS_FALLBACK_ATTRIBUTE = 'data-focus-fallback'

const FIELD_SELECTOR = 'input:not([type=hidden]), select, textarea, [contenteditable=""], [contenteditable=true]'
const FOCUSABLE_SELECTOR = 'button, a[href], [tabindex]:not([tabindex="-1"])'
/** The title's "Close" link is a way out, not where work starts. */
const CLOSE_SELECTOR = '[data-dialog-close]'

/** The element a dialog opens on: one marked with `data-autofocus`, else its first usable field, else its first button other than Close. */
export function initialFocusTarget(dialog: HTMLElement): HTMLElement | null {
  const field = firstField(dialog)
  if (field) return field
  for (const element of dialog.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)) {
    if (!element.matches(CLOSE_SELECTOR) && isUsable(element)) return element
  }
  return null
}

/**
 * A dialog that fetches its content opens on "Loading…", with no field to start on, or with its
 * marked field disabled until its options load (the simulator's template list). This moves focus
 * to that field once it appears or is enabled, unless focus has been moved meanwhile: by the user
 * (a key or the pointer in the dialog) or by the content itself (the key form opened from a
 * capture focuses its secret). Call it right after the dialog's initial focus. Returns a function
 * that stops waiting.
 */
export function focusFirstFieldWhenItArrives(dialog: HTMLElement): () => void {
  if (firstField(dialog)) return () => {}
  const openedOn = document.activeElement
  const observer = new MutationObserver(() => {
    const field = firstField(dialog)
    if (!field) return
    stop()
    const active = document.activeElement
    const isWhereItOpened = active === openedOn || active === dialog || active === null || active === document.body
    if (isWhereItOpened) field.focus()
  })
  function stop(): void {
    observer.disconnect()
    dialog.removeEventListener('keydown', stop, true)
    dialog.removeEventListener('pointerdown', stop, true)
  }
  observer.observe(dialog, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] })
  dialog.addEventListener('keydown', stop, true)
  dialog.addEventListener('pointerdown', stop, true)
  return stop
}

/**
 * The element marked with `data-autofocus`, else the first usable field; null while there is none,
 * and while the marked element is disabled (it is waited for: the simulator opened on its second
 * field, the target, because the template list was disabled until the templates had loaded).
 */
function firstField(dialog: HTMLElement): HTMLElement | null {
  const marked = dialog.querySelector<HTMLElement>(`[${AUTOFOCUS_ATTRIBUTE}]`)
  if (marked && isUsable(marked)) return marked
  if (marked && (marked as HTMLInputElement).disabled === true) return null
  for (const field of dialog.querySelectorAll<HTMLElement>(FIELD_SELECTOR)) {
    if (isUsable(field)) return field
  }
  return null
}

/**
 * Gives focus back after a dialog closed: to its opener when it is still on the page, else to the
 * page's fallback (the capture list), so keyboard users are never left on <body>.
 */
export function restoreFocus(opener: Element | null): void {
  if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) {
    opener.focus({ preventScroll: true })
    return
  }
  const active = document.activeElement
  if (active !== null && active !== document.body) return
  document.querySelector<HTMLElement>(`[${FOCUS_FALLBACK_ATTRIBUTE}]`)?.focus({ preventScroll: true })
}

function isUsable(element: HTMLElement): boolean {
  if ((element as HTMLInputElement).disabled === true) return false
  if (element.getAttribute('aria-hidden') === 'true') return false
  return typeof element.checkVisibility === 'function' ? element.checkVisibility() : element.offsetParent !== null
}
