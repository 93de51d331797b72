import { describe, expect, it } from 'vitest'
import { CaptureIndex } from './capture-index'
import { hashDeliveryKey } from './capture-table'
import { DeliveryChangeLog } from './delivery-change-log'
import { decodeTableSnapshot, encodeTableSnapshot } from './table-snapshot'
import type { IndexEntry } from './segment-index'
import { indexEntry } from '../../test-support/index-entry'

// Which deliveries each change of the store's memory touched (CaptureIndex.deliveryHashesChangedSince).

/** A capture of the delivery `key`. */
function entry(seq: number, key: string): IndexEntry {
  return indexEntry(seq, { deliveryHash: hashDeliveryKey(key) })
}

const [A, B, C] = ['key-a', 'key-b', 'key-c'].map(hashDeliveryKey) as [number, number, number]
const asList = (changes: ReadonlySet<number> | 'all') => (changes === 'all' ? 'all' : [...changes].sort())
const sorted = (...hashes: number[]) => [...new Set(hashes)].sort()

describe('deliveries changed since a revision', () => {
  it('names the delivery of each capture added, deleted, annotated or found damaged, and both of one recognised again', () => {
    const index = new CaptureIndex()
    const block = index.table.block(1)
    const start = index.revision
    index.add(block, entry(1, 'key-a'))
    index.add(block, entry(2, 'key-b'))
    expect(asList(index.deliveryHashesChangedSince(start))).toEqual(sorted(A, B))

    let at = index.revision
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual([])
    index.delete(block, 1)
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual([B])

    at = index.revision
    index.annotate(block, 0, { note: 'look' })
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual([A])

    at = index.revision
    index.markDamaged(block, 0)
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual([A])
    // Found damaged again: nothing changes, not even the revision.
    at = index.revision
    index.markDamaged(block, 0)
    expect(index.revision).toBe(at)

    index.recognise(block, 0, { provider: 'stripe', verdict: 'valid', deliveryHash: C })
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual(sorted(A, C))
    // From the start: everything since.
    expect(asList(index.deliveryHashesChangedSince(start))).toEqual(sorted(A, B, C))
  })

  it('says every delivery for a segment dropped or taken in whole, and for a revision not remembered', () => {
    const index = new CaptureIndex()
    const first = index.table.block(1)
    index.add(first, entry(1, 'key-a'))
    let at = index.revision
    index.addAll(index.table.block(2), [entry(2, 'key-b')])
    // Entries taken in one by one are named; a snapshot's rows (taken in whole) are not, see below.
    expect(asList(index.deliveryHashesChangedSince(at))).toEqual([B])

    at = index.revision
    const snapshot = decodeTableSnapshot(
      encodeTableSnapshot({ token: 'a'.repeat(32), segment: 3, indexedLogBytes: 300, documentBytes: 1, entries: [entry(3, 'key-c')] }),
    )
    index.addAll(index.table.block(3), snapshot!.rows)
    expect(index.deliveryHashesChangedSince(at)).toBe('all')
    expect(asList(index.deliveryHashesChangedSince(index.revision))).toEqual([])

    at = index.revision
    index.dropBlock(2)
    expect(index.deliveryHashesChangedSince(at)).toBe('all')
    // A revision ahead of the index's (another store's): not known.
    expect(index.deliveryHashesChangedSince(index.revision + 1)).toBe('all')
  })

  it('keeps only the latest notes: older revisions are answered with every delivery', () => {
    const log = new DeliveryChangeLog(3)
    log.note(1, A)
    log.note(2, B)
    log.note(3, C)
    expect(asList(log.since(0, 3))).toEqual(sorted(A, B, C))
    log.note(4, A)
    // Revision 1's note is gone: asked since 0, it is not known whether it touched only A.
    expect(log.since(0, 4)).toBe('all')
    expect(asList(log.since(1, 4))).toEqual(sorted(A, B, C))
    expect(asList(log.since(3, 4))).toEqual([A])
    log.noteAll(5)
    expect(log.since(3, 5)).toBe('all')
    expect(asList(log.since(5, 5))).toEqual([])
  })
})
