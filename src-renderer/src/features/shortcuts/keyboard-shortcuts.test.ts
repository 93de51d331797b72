import { describe, expect, it } from 'vitest'
import { SHORTCUTS, shortcutFor, type KeyPress, type KeyTarget } from './keyboard-shortcuts'

const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  isComposing: false,
  ...modifiers,
})
const onPage: KeyTarget = { isEditable: false, isInDialog: false }

describe('shortcutFor', () => {
  it('maps each documented key to its action', () => {
    expect(shortcutFor(press('j'), onPage, 'page')).toBe('next')
    expect(shortcutFor(press('k'), onPage, 'page')).toBe('previous')
    expect(shortcutFor(press('ArrowDown'), onPage, 'list')).toBe('next')
    expect(shortcutFor(press('ArrowUp'), onPage, 'list')).toBe('previous')
    expect(shortcutFor(press('Enter'), onPage, 'list')).toBe('open')
    expect(shortcutFor(press('/'), onPage, 'page')).toBe('search')
    expect(shortcutFor(press('r'), onPage, 'page')).toBe('resend')
    expect(shortcutFor(press('c'), onPage, 'page')).toBe('copy-curl')
    expect(shortcutFor(press('b'), onPage, 'page')).toBe('copy-body')
    expect(shortcutFor(press('Delete'), onPage, 'page')).toBe('delete')
    expect(shortcutFor(press('Backspace'), onPage, 'list')).toBe('delete')
    expect(shortcutFor(press('?'), onPage, 'page')).toBe('help')
  })

  it('leaves arrows and Enter to the page outside the list (scrolling, pressing buttons)', () => {
    expect(shortcutFor(press('ArrowDown'), onPage, 'page')).toBeNull()
    expect(shortcutFor(press('Enter'), onPage, 'page')).toBeNull()
  })

  it('never fires while typing, inside a dialog, with a modifier or while composing', () => {
    expect(shortcutFor(press('j'), { isEditable: true, isInDialog: false }, 'page')).toBeNull()
    expect(shortcutFor(press('/'), { isEditable: true, isInDialog: false }, 'page')).toBeNull()
    expect(shortcutFor(press('Backspace'), { isEditable: true, isInDialog: false }, 'page')).toBeNull()
    expect(shortcutFor(press('Delete'), { isEditable: false, isInDialog: true }, 'list')).toBeNull()
    expect(shortcutFor(press('c', { ctrlKey: true }), onPage, 'page')).toBeNull()
    expect(shortcutFor(press('r', { metaKey: true }), onPage, 'page')).toBeNull()
    expect(shortcutFor(press('b', { altKey: true }), onPage, 'page')).toBeNull()
    expect(shortcutFor(press('j', { isComposing: true }), onPage, 'page')).toBeNull()
  })

  it('is case-sensitive (Shift+J is not j) and ignores other keys', () => {
    expect(shortcutFor(press('J'), onPage, 'page')).toBeNull()
    expect(shortcutFor(press('x'), onPage, 'page')).toBeNull()
  })

  it('gives every key one action', () => {
    const keys = SHORTCUTS.flatMap((shortcut) => shortcut.keys)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
