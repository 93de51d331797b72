/** What DeliveryKeyMemory answers for slots of one block as keys are read, shared by a hash, and forgotten. */
import { describe, expect, test } from 'vitest'
import { SegmentBlock } from './capture-table'
import { DeliveryKeyMemory } from './delivery-key-memory'

/** A block whose slots 0..n-1 are indexed under the given hashes. */
function blockWith(hashes: number[]): SegmentBlock {
  const block = new SegmentBlock(1)
  hashes.forEach((hash, slot) => (block.deliveryHash[slot] = hash))
  block.length = hashes.length
  return block
}

describe('DeliveryKeyMemory', () => {
  test('knows only the keys read; slots under one hash share the key until a second key is met', () => {
    const block = blockWith([7, 7, 7, 7, 9])
    const memory = new DeliveryKeyMemory()
    memory.remember(block, 0, 'a')
    memory.remember(block, 1, 'a')
    expect([0, 1, 2, 3, 4].map((slot) => memory.keyOf(block, slot))).toEqual(['a', 'a', undefined, undefined, undefined])

    // Slot 2 has another key under the same hash: slots 0 and 1 keep theirs, each later one says its own.
    memory.remember(block, 2, 'b')
    memory.remember(block, 3, 'a')
    memory.remember(block, 4, 'c')
    expect([0, 1, 2, 3, 4].map((slot) => memory.keyOf(block, slot))).toEqual(['a', 'a', 'b', 'a', 'c'])
  })

  test('forgets a slot recognised again, whose key (and hash) may change', () => {
    const block = blockWith([7, 7])
    const memory = new DeliveryKeyMemory()
    memory.remember(block, 0, 'a')
    memory.remember(block, 1, 'b')
    memory.forget(block, 1)
    expect(memory.keyOf(block, 1)).toBeUndefined()
    block.deliveryHash[1] = 8
    memory.remember(block, 1, 'd')
    expect([memory.keyOf(block, 0), memory.keyOf(block, 1)]).toEqual(['a', 'd'])
    // Forgetting the first key's slot under a shared hash does not make it the second's.
    memory.forget(block, 0)
    memory.remember(block, 0, 'a')
    expect(memory.keyOf(block, 0)).toBe('a')
  })
})
