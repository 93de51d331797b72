/** When the sidecar upkeep counts the receiver as flooded. */
import { describe, expect, it } from 'vitest'
import { isFlooded } from './store-search'

describe('sidecar upkeep', () => {
  it('waits while more than 500 captures a second arrive, and not for a steady stream', () => {
    expect(isFlooded(2_600, 5_000)).toBe(true)
    expect(isFlooded(2_400, 5_000)).toBe(false)
    expect(isFlooded(1_000, 5_000)).toBe(false)
    // A second after a flood's last look: what arrived in that second decides.
    expect(isFlooded(600, 1_000)).toBe(true)
    expect(isFlooded(0, 1_000)).toBe(false)
  })

  it('counts a look sooner than a second after the last one as a second', () => {
    // A search just after a look: 3 new captures in 2 ms are no flood.
    expect(isFlooded(3, 2)).toBe(false)
    expect(isFlooded(501, 2)).toBe(true)
  })
})
