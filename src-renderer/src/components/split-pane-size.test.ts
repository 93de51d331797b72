import { describe, expect, it } from 'vitest'
import { clampShare, parseStoredShare, shareAfterKey, shareAtPointer, shareBounds } from './split-pane-size'

const widths = { totalPx: 1000, minFirstPx: 400, minSecondPx: 300 }

describe('divider position', () => {
  it('keeps both panes at least their minimum width', () => {
    expect(shareBounds(widths)).toEqual({ min: 0.4, max: 0.7 })
    expect(clampShare(0.1, widths)).toBe(0.4)
    expect(clampShare(0.95, widths)).toBe(0.7)
    expect(clampShare(0.55, widths)).toBe(0.55)
    expect(clampShare(Number.NaN, widths)).toBe(0.4)
  })

  it('splits by the minimums when the window is too narrow for both', () => {
    expect(shareBounds({ totalPx: 500, minFirstPx: 400, minSecondPx: 400 })).toEqual({ min: 0.5, max: 0.5 })
    expect(clampShare(0.9, { totalPx: 600, minFirstPx: 600, minSecondPx: 200 })).toBe(0.75)
    expect(shareBounds({ totalPx: 0, minFirstPx: 400, minSecondPx: 300 })).toEqual({ min: 0.5, max: 0.5 })
  })

  it('follows the pointer, within the bounds', () => {
    expect(shareAtPointer(620, widths)).toBe(0.62)
    expect(shareAtPointer(-50, widths)).toBe(0.4)
    expect(shareAtPointer(5000, widths)).toBe(0.7)
  })

  it('moves by a small or large step with the arrow keys, to the ends with Home and End', () => {
    expect(shareAfterKey(0.5, 'ArrowLeft', false, widths)).toBeCloseTo(0.48)
    expect(shareAfterKey(0.5, 'ArrowRight', false, widths)).toBeCloseTo(0.52)
    expect(shareAfterKey(0.5, 'ArrowRight', true, widths)).toBeCloseTo(0.6)
    expect(shareAfterKey(0.69, 'ArrowRight', true, widths)).toBe(0.7)
    expect(shareAfterKey(0.5, 'Home', false, widths)).toBe(0.4)
    expect(shareAfterKey(0.5, 'End', false, widths)).toBe(0.7)
    expect(shareAfterKey(0.5, 'a', false, widths)).toBeNull()
  })

  it('reads back only a share it could have written', () => {
    expect(parseStoredShare('0.625')).toBe(0.625)
    for (const raw of [null, '', 'abc', '0', '1', '-0.2', '1.5', 'Infinity']) expect(parseStoredShare(raw)).toBeNull()
  })
})
