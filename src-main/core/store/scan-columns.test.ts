/** A scan's columns: one buffer whose columns do not overlap, lent and taken back by a bounded pool. */
import { describe, expect, it } from 'vitest'
import { COLUMN_BYTES_PER_CANDIDATE, columnsOver, createColumnPool, MAX_POOLED_BUFFER_BYTES } from './scan-columns'
import { ID_BYTES } from './id-index'

describe('scan columns', () => {
  it('lays the columns side by side in one buffer', () => {
    const columns = columnsOver(new ArrayBuffer(10 * COLUMN_BYTES_PER_CANDIDATE))
    expect(columns.capacity).toBe(10)
    columns.offsets.fill(2 ** 40 + 1)
    columns.metadataBytes.fill(0xffffffff)
    columns.bodySizes.fill(7)
    columns.idBytes.fill(0xab)
    expect([...columns.offsets]).toEqual(Array(10).fill(2 ** 40 + 1))
    expect([...columns.metadataBytes]).toEqual(Array(10).fill(0xffffffff))
    expect([...columns.bodySizes]).toEqual(Array(10).fill(7))
    expect(columns.idBytes.length).toBe(10 * ID_BYTES)
    expect(columns.idBytes.byteOffset + columns.idBytes.byteLength).toBe(columns.buffer.byteLength)
  })

  it('lends a buffer with room enough, and the same one again once it is back', () => {
    const pool = createColumnPool()
    const first = pool.take(5000)
    expect(first.capacity).toBeGreaterThanOrEqual(5000)
    pool.give(first.buffer)
    expect(pool.take(100).buffer).toBe(first.buffer)
    // Lent out: a scan meanwhile gets a buffer of its own.
    expect(pool.take(100).buffer).not.toBe(first.buffer)
    pool.give(first.buffer)
    expect(pool.take(first.capacity + 1).buffer).not.toBe(first.buffer)
  })

  it('keeps at most two buffers, the largest, and none moved away or too large', () => {
    const pool = createColumnPool()
    const buffers = [pool.take(1), pool.take(10_000), pool.take(20_000)].map((columns) => columns.buffer)
    for (const buffer of buffers) pool.give(buffer)
    expect(pool.keptBytes()).toBe((buffers[1] as ArrayBuffer).byteLength + (buffers[2] as ArrayBuffer).byteLength)
    pool.give(buffers[2] as ArrayBuffer)
    expect(pool.keptBytes()).toBe((buffers[1] as ArrayBuffer).byteLength + (buffers[2] as ArrayBuffer).byteLength)

    const empty = createColumnPool()
    const moved = empty.take(1).buffer
    structuredClone(moved, { transfer: [moved] })
    empty.give(moved)
    empty.give(new ArrayBuffer(MAX_POOLED_BUFFER_BYTES + COLUMN_BYTES_PER_CANDIDATE))
    expect(empty.keptBytes()).toBe(0)
  })
})
