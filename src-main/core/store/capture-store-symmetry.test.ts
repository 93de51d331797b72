/**
 * What the store writes, it reads back: a record or an index entry its own checks refuse on
 * reading is a capture answered (or a note saved) and then lost after a restart. Here the
 * values the writers can produce at the edges of those checks; the receiver's side is
 * capture-round-trip.test.ts.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'

const now = () => new Date('2026-12-07T10:00:00Z')

/** Removes the binary snapshots, as a crash before the app closed leaves the segment being filled: start-up then reads the index documents. */
async function dropSnapshots(capturesDir: string): Promise<void> {
  for (const name of await readdir(capturesDir)) if (name.endsWith('.table')) await rm(join(capturesDir, name))
}

describe('capture store write/read symmetry', () => {
  const test = useCaptureStore({ now })

  test('keeps an answer status below 100 (imported, or relayed from a target that sent one) and the notes of its segment after a restart', async ({
    capturesDir,
    openStore,
    storeIssues,
  }) => {
    const store = await openStore()
    const response = (status: number) => ({
      kind: 'respond' as const,
      status,
      headers: [],
      bodyBase64: '',
      delayMs: 0,
      chosenBy: { kind: 'imported' as const },
    })
    // A bundle or HAR entry may carry any status from 1 to 999; Node's client reads "HTTP/1.1 099" as 99.
    const imported = await store.append(testCapture(Buffer.from('a'), { origin: 'imported', response: response(42) }), Buffer.from('a'))
    const neighbour = await store.append(testCapture(Buffer.from('b')), Buffer.from('b'))
    await store.annotate(neighbour.id, { note: 'kept by hand', pinned: true })
    // A pass-through forward records the target's answer once it came.
    await store.annotate(neighbour.id, { response: response(99) })
    await store.close()
    await dropSnapshots(capturesDir)

    const reopened = await openStore()
    expect(storeIssues()).toEqual([])
    expect((await reopened.get(imported.id))?.response.status).toBe(42)
    const summary = await reopened.get(neighbour.id)
    expect(summary).toMatchObject({ note: 'kept by hand', pinned: true, response: { status: 99 } })
  })
})
