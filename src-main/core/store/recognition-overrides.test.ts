import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { CaptureRecognition } from '../../shared/views'
import { makeTempDir } from '../../test-support/temp-dir'
import type { Segment } from './capture-segments'
import { CACHED_SEGMENTS, createRecognitionOverrides } from './recognition-overrides'

function recognition(message: string): CaptureRecognition {
  return {
    provider: { id: 'stripe', name: 'Stripe', variant: null },
    verdict: { status: 'valid', reason: null, message },
    summary: { eventType: null, status: null, objectId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false },
  }
}

/** What the overrides use of a segment: its number, its index file and its turn. */
function segmentAt(dir: string, number: number): Segment {
  let turn: Promise<unknown> = Promise.resolve()
  return {
    number,
    paths: { index: join(dir, `${number}.json`), log: '' },
    inTurn<T>(task: () => Promise<T>): Promise<T> {
      const run = turn.then(task)
      turn = run.catch(() => undefined)
      return run
    },
  } as unknown as Segment
}

describe('recognition overrides', () => {
  it('reads recomputed recognitions from the index on demand and keeps only a few segments in memory', async () => {
    const { dir, remove } = await makeTempDir()
    onTestFinished(remove)
    const slots = new Map<string, { segment: number; slot: number }>()
    const segments: Segment[] = []
    for (let number = 1; number <= CACHED_SEGMENTS + 3; number++) {
      const ids = [randomUUID(), randomUUID(), randomUUID()]
      ids.forEach((id, slot) => slots.set(id, { segment: number, slot }))
      // Slot 0 recomputed, slot 1 recomputed as not recognised, slot 2 never recomputed; odd segments are version 1 documents.
      const captures = [{ id: ids[0], recognition: recognition(`segment ${number}`) }, { id: ids[1], recognition: null }, { id: ids[2] }]
      await writeFile(join(dir, `${number}.json`), JSON.stringify({ schemaVersion: number % 2 === 0 ? 2 : 1, segment: number, captures }))
      segments.push(segmentAt(dir, number))
    }
    const overrides = createRecognitionOverrides({
      slotOf: (segmentNumber, id) => (slots.get(id)?.segment === segmentNumber ? slots.get(id)!.slot : undefined),
    })
    for (const segment of segments) {
      expect(await overrides.get(segment, 0)).toEqual(recognition(`segment ${segment.number}`))
      expect(await overrides.get(segment, 1)).toBeNull()
      expect(await overrides.get(segment, 2)).toBeUndefined()
    }
    expect(overrides.cachedSegments).toBe(CACHED_SEGMENTS)

    // A change written to the index is kept in step in memory; deleted slots are forgotten.
    const last = segments.at(-1)!
    overrides.remember(last.number, 2, recognition('again'))
    expect(await overrides.get(last, 2)).toEqual(recognition('again'))
    overrides.forget(last.number, [2])
    expect(await overrides.get(last, 2)).toBeUndefined()
    // Evicted segments are read again from their documents.
    expect(await overrides.get(segments[0]!, 0)).toEqual(recognition('segment 1'))
    expect(overrides.cachedSegments).toBe(CACHED_SEGMENTS)
  })

  it('reports an index it cannot read, and shows no recomputed recognition from it', async () => {
    const { dir, remove } = await makeTempDir()
    onTestFinished(remove)
    await writeFile(join(dir, '1.json'), '{"captures": [')
    const problems: unknown[] = []
    const overrides = createRecognitionOverrides({ slotOf: () => 0, onUnreadable: (_segment, error) => problems.push(error) })
    expect(await overrides.get(segmentAt(dir, 1), 0)).toBeUndefined()
    expect(problems).toHaveLength(1)
  })
})
