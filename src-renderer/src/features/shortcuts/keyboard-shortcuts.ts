/**
 * The app's keyboard shortcuts: one table, read by the key handlers and by the "?" dialog, so
 * what the dialog lists is what the keys do.
 */

export type ShortcutAction = 'next' | 'previous' | 'open' | 'search' | 'resend' | 'copy-curl' | 'copy-body' | 'delete' | 'help'

/** Where the key was pressed: in the capture list, or anywhere else on the page. */
export type ShortcutScope = 'list' | 'page'

interface Shortcut {
  action: ShortcutAction
  /** `KeyboardEvent.key` values. */
  keys: readonly string[]
  /** As the "?" dialog shows them. */
  display: readonly string[]
  description: string
  /** Keys that mean something else outside the list (arrows scroll, Enter presses a button). */
  listOnlyKeys?: readonly string[]
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], listOnlyKeys: ['ArrowDown'], display: ['j', '↓'], description: 'Next (older) capture' },
  { action: 'previous', keys: ['k', 'ArrowUp'], listOnlyKeys: ['ArrowUp'], display: ['k', '↑'], description: 'Previous (newer) capture' },
  { action: 'open', keys: ['Enter'], listOnlyKeys: ['Enter'], display: ['Enter'], description: 'Open the capture: move to its details' },
  { action: 'search', keys: ['/'], display: ['/'], description: 'Search captures' },
  { action: 'resend', keys: ['r'], display: ['r'], description: 'Resend the open capture…' },
  { action: 'copy-curl', keys: ['c'], display: ['c'], description: 'Copy the open capture as curl' },
  { action: 'copy-body', keys: ['b'], display: ['b'], description: 'Copy the open capture’s body' },
  // A Mac keyboard's "delete" key is Backspace; outside a field it does nothing else.
  { action: 'delete', keys: ['Delete', 'Backspace'], display: ['Delete', '⌫'], description: 'Delete the open capture (asks first)' },
  { action: 'help', keys: ['?'], display: ['?'], description: 'Show these shortcuts' },
]

/** Keys the list already had, listed in the "?" dialog beside the shortcuts. */
export const LIST_KEYS: ReadonlyArray<{ display: readonly string[]; description: string }> = [
  { display: ['PgUp', 'PgDn', 'Home', 'End'], description: 'Move by a page, to the newest, to the oldest' },
  { display: ['Space'], description: 'Tick the open capture (Shift+Space: a range)' },
  { display: ['Esc'], description: 'Close the capture (in the list); back to the list (in the details)' },
  { display: ['↓'], description: 'In the search box: to the results, opening the first match' },
]

/** The search box's id, which the `/` shortcut focuses. */
export const SEARCH_INPUT_ID = 'capture-search'

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  /** An input method is composing text: the key belongs to it. */
  isComposing: boolean
}

/** What the key was pressed on, as far as shortcuts care. */
export interface KeyTarget {
  /** Typing into a field: input, textarea, select or editable content. */
  isEditable: boolean
  /** Inside an open dialog: its keys are its own. */
  isInDialog: boolean
}

/** The action a key press means, or `null` when it is not a shortcut here (or must be left alone). */
export function shortcutFor(press: KeyPress, target: KeyTarget, scope: ShortcutScope): ShortcutAction | null {
  // Ctrl/Cmd/Alt combinations are the browser's and the system's (Ctrl+C copies a selection).
  if (press.ctrlKey || press.metaKey || press.altKey || press.isComposing) return null
  if (target.isEditable || target.isInDialog) return null
  for (const shortcut of SHORTCUTS) {
    if (!shortcut.keys.includes(press.key)) continue
    if (scope === 'page' && shortcut.listOnlyKeys?.includes(press.key)) return null
    return shortcut.action
  }
  return null
}

const EDITABLE_INPUT_TYPES = new Set(['text', 'search', 'url', 'email', 'password', 'number', 'tel', 'date', 'datetime-local', 'month', 'time', 'week'])

/** Reads a key's target from the page (the DOM half of `shortcutFor`). */
export function describeKeyTarget(target: EventTarget | null): KeyTarget {
  if (!(target instanceof Element)) return { isEditable: false, isInDialog: document.querySelector('dialog[open]') !== null }
  const isEditable =
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && EDITABLE_INPUT_TYPES.has(target.type)) ||
    (target instanceof HTMLElement && target.isContentEditable)
  // A modal dialog makes the rest of the page inert, so any open one owns the keyboard.
  const isInDialog = target.closest('dialog') !== null || document.querySelector('dialog[open]') !== null
  return { isEditable, isInDialog }
}
