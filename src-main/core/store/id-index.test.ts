import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { formatUuid, ID_BYTES, IdIndex, parseUuid } from './id-index'

/** Ids kept as the table keeps them: 16 bytes per location in one array. */
function idTable(count: number) {
  const ids = Array.from({ length: count }, () => randomUUID())
  const bytes = new Uint8Array(count * ID_BYTES)
  ids.forEach((id, location) => expect(parseUuid(id, bytes, location * ID_BYTES)).toBe(true))
  const index = new IdIndex({ bytesOf: () => bytes, offsetOf: (location) => location * ID_BYTES })
  const find = (id: string): number | undefined => {
    const key = new Uint8Array(ID_BYTES)
    return parseUuid(id, key, 0) ? index.find(key) : undefined
  }
  return { ids, bytes, index, find }
}

describe('id index', () => {
  it('reads back every UUID exactly, and refuses any other id', () => {
    const bytes = new Uint8Array(ID_BYTES)
    for (let round = 0; round < 100; round++) {
      const id = randomUUID()
      expect(parseUuid(id, bytes, 0)).toBe(true)
      expect(formatUuid(bytes, 0)).toBe(id)
    }
    const before = Uint8Array.from(bytes)
    for (const other of [
      'c1',
      'C0FFEE00-0000-4000-8000-000000000000',
      '0000000000000000000000000000000000000',
      'g0000000-0000-4000-8000-000000000000',
      '0000000000000-4000-8000-000000000000',
      '00000000-0000-4000-8000-00000000000g',
      '',
    ])
      expect(parseUuid(other, bytes, 0)).toBe(false)
    // A refused id writes nothing.
    expect(bytes).toEqual(before)
  })

  it('finds every location through growth, and forgets deleted ones', () => {
    const { ids, index, find } = idTable(20_000)
    ids.forEach((_, location) => index.set(location))
    expect(index.size).toBe(20_000)
    expect(ids.every((id, location) => find(id) === location)).toBe(true)
    for (let location = 0; location < ids.length; location += 2) index.delete(location)
    expect(index.size).toBe(10_000)
    expect(ids.every((id, location) => find(id) === (location % 2 === 0 ? undefined : location))).toBe(true)
    expect(find(randomUUID())).toBeUndefined()
    // Deleted and added again many times: tombstones never fill the table (a lookup of a missing id ends).
    for (let round = 0; round < 5; round++) {
      for (let location = 0; location < ids.length; location += 2) index.set(location)
      for (let location = 0; location < ids.length; location += 2) index.delete(location)
    }
    expect(find(randomUUID())).toBeUndefined()
    expect(find(ids[1]!)).toBe(1)
  })

  it('keeps one entry per id: setting an id again moves it', () => {
    const bytes = new Uint8Array(2 * ID_BYTES)
    const id = randomUUID()
    parseUuid(id, bytes, 0)
    parseUuid(id, bytes, ID_BYTES)
    const index = new IdIndex({ bytesOf: () => bytes, offsetOf: (location) => location * ID_BYTES })
    index.set(0)
    index.set(1)
    expect(index.size).toBe(1)
    expect(index.find(bytes)).toBe(1)
  })
})
