import { describe, expect, it } from 'vitest'
import { bulkOrderHint } from './bulk-order-hint'

describe('bulkOrderHint', () => {
  it('promises the order only one at a time', () => {
    expect(bulkOrderHint(1)).toBe('Sent one at a time, in the order they arrived, oldest first.')
  })

  it('says a later capture can arrive first when several are in flight', () => {
    // The dialog said "Sent to the target in the order they arrived" at its default of 4 at once.
    expect(bulkOrderHint(4)).toBe(
      'Started in the order they arrived, oldest first; with up to 4 in flight at once, a later one can reach the target first (1 at a time keeps the order).',
    )
  })

  it('speaks of several while the number typed is not valid', () => {
    expect(bulkOrderHint(null)).toMatch(/^Started in the order they arrived, oldest first; with more than one in flight at once/)
  })
})
