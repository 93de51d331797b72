import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { annotationPatch, CaptureIndex, entryFromLogged } from './capture-index'
import { hashDeliveryKey, type SegmentBlock, type SlotRef } from './capture-table'
import type { LoggedCapture } from './persisted-schema'
import type { IndexEntry } from './segment-index'
import { indexEntry } from '../../test-support/index-entry'

// The store's memory alone: no file is opened by any test here.

/** An index with `entries` added to segment 1, in order; their slots are their positions. */
function indexOf(...entries: IndexEntry[]): { index: CaptureIndex; block: SegmentBlock } {
  const index = new CaptureIndex()
  const block = index.table.block(1)
  for (const added of entries) index.add(block, added)
  return { index, block }
}

describe('capture index', () => {
  it('gives back every field of an added entry, annotations and a recomputed recognition included', () => {
    const full = indexEntry(7, {
      provider: null,
      verdict: null,
      answerStatus: null,
      outcome: 'refused',
      imported: true,
      pinned: true,
      note: 'look at this',
      senderLeftAt: '2026-11-21T10:00:01.000Z',
      forward: { mode: 'background', targetUrl: 'http://127.0.0.1:9/x', state: 'sent', reason: null, status: 502 },
      recognition: null,
    })
    const { index, block } = indexOf(full)
    expect(index.entryOf(block, 0, { recomputed: new Map([[0, null]]), carried: new Map() })).toEqual(full)
    // Without the segment's recomputed recognitions, memory has only the mark.
    const { recognition: _recognition, ...withoutRecognition } = full
    expect(index.entryOf(block, 0, null)).toEqual(withoutRecognition)
    expect(index.hasRecomputed(block)).toBe(true)
  })

  it('renders a change not yet applied: deleted slots left out, patched fields set and cleared', () => {
    const [a, b, c] = [indexEntry(1, { note: 'old' }), indexEntry(2), indexEntry(3)]
    const { index, block } = indexOf(a, b, c)
    const rendered = index.entries(block, null, { exclude: new Set([1]), patch: new Map([[0, { pinned: true, clear: ['note'] }]]) })
    expect(rendered.map((item) => item.seq)).toEqual([1, 3])
    expect(rendered[0]?.pinned).toBe(true)
    expect(rendered[0]).not.toHaveProperty('note')
    // Memory itself is unchanged until the change is applied.
    expect(index.entryOf(block, 0, null).note).toBe('old')
    expect(index.entries(block, null)).toHaveLength(3)
  })

  it('forgets a deleted capture: count, lookup, scopes, entries and its annotations', () => {
    const doomed = indexEntry(1, { note: 'bye' })
    const { index, block } = indexOf(doomed, indexEntry(2))
    index.delete(block, 0)
    expect(index.table.count()).toBe(1)
    expect(index.brief(doomed.id)).toBeUndefined()
    expect(index.slotsOf(undefined).map(({ slot }) => slot)).toEqual([1])
    expect(index.entries(block, null).map((item) => item.seq)).toEqual([2])
    expect(index.overlay(block, 0)).toBeUndefined()
    // Deleted seqs are never given again.
    expect(index.nextSeq()).toBe(3)
  })

  it('lists the slots of a scope oldest first, across segments, filtered in memory', () => {
    const index = new CaptureIndex()
    const second = index.table.block(2)
    const first = index.table.block(1)
    index.add(first, indexEntry(1, { endpointId: 'a' }))
    index.add(first, indexEntry(2, { endpointId: 'b', pinned: true }))
    index.add(second, indexEntry(3, { endpointId: 'a', pinned: true }))
    const seqs = (found: SlotRef[]) => found.map(({ block, slot }) => block.seq[slot])
    expect(seqs(index.slotsOf(undefined))).toEqual([1, 2, 3])
    expect(seqs(index.slotsOf('a'))).toEqual([1, 3])
    expect(seqs(index.slotsOf(undefined, (block, slot) => index.entryOf(block, slot, null).pinned === true))).toEqual([2, 3])
    expect(index.slotsOf('never-had-a-capture')).toEqual([])
  })

  it('briefs a capture from memory', () => {
    const refused = indexEntry(4, { endpointId: 'e2', outcome: 'refused', pinned: true })
    const { index } = indexOf(refused)
    expect(index.brief(refused.id)).toEqual({ id: refused.id, seq: 4, endpointId: 'e2', outcome: 'refused', pinned: true })
    expect(index.brief(randomUUID())).toBeUndefined()
  })

  it('applies annotations as their index patch describes them, and lays them over a record', () => {
    const { index, block } = indexOf(indexEntry(1, { note: 'first' }))
    const change = { note: '', pinned: true, senderLeftAt: '2026-11-21T10:00:02.000Z' }
    expect(annotationPatch(change)).toEqual({ clear: ['note'], pinned: true, senderLeftAt: change.senderLeftAt })
    index.annotate(block, 0, change)
    const annotated = index.entryOf(block, 0, null)
    expect(annotated).not.toHaveProperty('note')
    expect(annotated.pinned).toBe(true)
    expect(annotated.senderLeftAt).toBe(change.senderLeftAt)
    const logged = index.withAnnotations({ note: 'from the log', pinned: false } as LoggedCapture, block, 0)
    expect(logged).toMatchObject({ note: null, pinned: true, senderLeftAt: change.senderLeftAt })

    index.annotate(block, 0, { pinned: false, senderLeftAt: null, note: 'second' })
    expect(annotationPatch({ pinned: false, senderLeftAt: null })).toEqual({ clear: ['pinned', 'senderLeftAt'] })
    expect(index.brief(index.table.idOf(block, 0))?.pinned).toBe(false)
    expect(index.overlay(block, 0)).toEqual({ note: 'second' })
  })

  it('counts a damaged capture once, and describes it from memory', () => {
    const damaged = indexEntry(9, { method: 'PUT', answerStatus: null, note: 'kept', imported: true })
    const { index, block } = indexOf(damaged)
    index.markDamaged(block, 0)
    index.markDamaged(block, 0)
    expect(index.damaged).toBe(1)
    expect(index.damagedSummary(block, 0, 'gone')).toMatchObject({
      id: damaged.id,
      seq: 9,
      endpointId: 'e1',
      receivedAt: new Date(damaged.receivedAtMs).toISOString(),
      method: 'PUT',
      bodySize: 8,
      outcome: 'captured',
      origin: 'imported',
      note: 'kept',
      response: { kind: 'none', status: null },
      deliveryKey: `damaged:${damaged.id}`,
      damage: 'gone',
    })
  })

  it('drops a removed segment whole', () => {
    const index = new CaptureIndex()
    const kept = index.table.block(1)
    const removed = index.table.block(2)
    index.add(kept, indexEntry(1))
    const gone = indexEntry(2, { note: 'in a removed segment' })
    index.add(removed, gone)
    index.dropBlock(2)
    expect(index.table.blocks.map((block) => block.number)).toEqual([1])
    expect(index.brief(gone.id)).toBeUndefined()
    expect(index.table.count()).toBe(1)
  })

  it('derives a record’s entry as start-up reads it back and a commit adds it', () => {
    const logged = {
      id: randomUUID(),
      seq: 5,
      endpointId: 'e1',
      receivedAt: '2026-11-21T10:00:00.000Z',
      method: 'POST',
      body: { size: 3, sha256: 'x' },
      outcome: 'captured',
      recognition: null,
      target: '/e1',
      response: { kind: 'respond', status: 201 },
      origin: 'imported',
      pinned: true,
      note: 'n',
      senderLeftAt: '2026-11-21T10:00:01.000Z',
    } as unknown as LoggedCapture
    const derived = entryFromLogged(logged, { offset: 0, metadataBytes: 10 }, 'given-key')
    expect(derived).toMatchObject({
      id: logged.id,
      seq: 5,
      receivedAtMs: Date.parse(logged.receivedAt),
      bodySize: 3,
      method: 'POST',
      provider: null,
      answerStatus: 201,
      outcome: 'captured',
      imported: true,
      pinned: true,
      note: 'n',
      senderLeftAt: logged.senderLeftAt,
      deliveryHash: hashDeliveryKey('given-key'),
    })
  })
})
