import { describe, expect, it } from 'vitest'
import { selectionCountText } from './selection-count-text'
import type { SelectedCaptures } from './use-selected-captures'

const ready: SelectedCaptures = { ids: ['a', 'b', 'c'], captures: [], count: 3, deliveryCount: 1, state: 'ready', error: null }

describe('selection count text', () => {
  it('in a list of captures, counts the ticked captures as before', () => {
    expect(selectionCountText({ ...ready, deliveryCount: null, count: 2 })).toBe('2 selected')
  })

  it('grouped, counts the captures the ticked deliveries stand for, and the deliveries', () => {
    expect(selectionCountText(ready)).toBe('3 captures in 1 delivery selected')
    expect(selectionCountText({ ...ready, count: 1 })).toBe('1 capture in 1 delivery selected')
    expect(selectionCountText({ ...ready, count: 12_345, deliveryCount: 2, state: 'too-many' })).toBe('12,345 captures in 2 deliveries selected')
  })

  it('never states a count of captures while the attempts are not all known', () => {
    expect(selectionCountText({ ...ready, ids: [], deliveryCount: 2, state: 'finding' })).toBe('Finding the attempts of 2 deliveries…')
    expect(selectionCountText({ ...ready, ids: [], state: 'failed', error: 'the app is not running' })).toBe(
      'Could not list the attempts of 1 delivery: the app is not running',
    )
  })
})
