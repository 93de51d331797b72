import { describe, expect, it } from 'vitest'
import { rovingTarget } from './roving-focus'

describe('rovingTarget', () => {
  it('moves one step with the arrows of its orientation and stops at the ends', () => {
    expect(rovingTarget('ArrowDown', 0, 3, 'vertical')).toBe(1)
    expect(rovingTarget('ArrowDown', 2, 3, 'vertical')).toBe(2)
    expect(rovingTarget('ArrowUp', 0, 3, 'vertical')).toBe(0)
    expect(rovingTarget('ArrowRight', 1, 3, 'horizontal')).toBe(2)
    expect(rovingTarget('ArrowLeft', 1, 3, 'horizontal')).toBe(0)
  })

  it('goes to the first and last with Home and End', () => {
    expect(rovingTarget('Home', 2, 5, 'horizontal')).toBe(0)
    expect(rovingTarget('End', 0, 5, 'vertical')).toBe(4)
  })

  it('leaves other keys, and the other orientation’s arrows, alone', () => {
    expect(rovingTarget('ArrowRight', 0, 3, 'vertical')).toBeNull()
    expect(rovingTarget('ArrowDown', 0, 3, 'horizontal')).toBeNull()
    expect(rovingTarget('Enter', 0, 3, 'vertical')).toBeNull()
    expect(rovingTarget('ArrowDown', 0, 0, 'vertical')).toBeNull()
  })
})
