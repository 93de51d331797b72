import { describe, expect, it } from 'vitest'
import { afterClick, idsBetween, keepListed } from './selection-range'

const listed = ['e', 'd', 'c', 'b', 'a'].map((id) => ({ id }))

describe('capture selection', () => {
  it('toggles one row per click', () => {
    const one = afterClick(new Set(), listed, 'c', null, false)
    expect([...one]).toEqual(['c'])
    expect([...afterClick(one, listed, 'c', 'c', false)]).toEqual([])
  })

  it('gives every row from the anchor to a shift-clicked row its new state, in either direction', () => {
    expect([...afterClick(new Set(['d']), listed, 'b', 'd', true)].sort()).toEqual(['b', 'c', 'd'])
    expect([...afterClick(new Set(['b']), listed, 'e', 'b', true)].sort()).toEqual(['b', 'c', 'd', 'e'])
    // Shift-clicking a checked row unchecks the range.
    expect([...afterClick(new Set(['a', 'b', 'c', 'd']), listed, 'c', 'a', true)]).toEqual(['d'])
  })

  it('toggles only the row when the anchor is gone or there is none', () => {
    expect([...afterClick(new Set(), listed, 'b', 'deleted', true)]).toEqual(['b'])
    expect([...afterClick(new Set(), listed, 'b', null, true)]).toEqual(['b'])
    expect(idsBetween(listed, 'x', 'a')).toEqual([])
  })

  it('drops captures that left the list, keeping the same set when none did', () => {
    const selection = new Set(['a', 'c'])
    expect(keepListed(selection, listed)).toBe(selection)
    // A live insert on top changes nothing; a deletion takes its capture out.
    expect(keepListed(selection, [{ id: 'new' }, ...listed])).toBe(selection)
    expect([
      ...keepListed(
        selection,
        listed.filter((item) => item.id !== 'c'),
      ),
    ]).toEqual(['a'])
  })
})
