/**
 * What the store writes, it reads back: a record or an index entry its own checks refuse on
 * reading is a capture answered (or a note saved) and then lost after a restart. Here the
 * values the writers can produce at the edges of those checks; the receiver's side is
 * capture-round-trip.test.ts.
 */
import { readdirSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import { logFileIo, type LogFileIo } from './log-file-io'

const now = () => new Date('2026-12-07T10:00:00Z')

/** Removes the binary snapshots, as a crash before the app closed leaves the segment being filled: start-up then reads the index documents. */
async function dropSnapshots(capturesDir: string): Promise<void> {
  for (const name of await readdir(capturesDir)) if (name.endsWith('.table')) await rm(join(capturesDir, name))
}

describe('capture store write/read symmetry', () => {
  const test = useCaptureStore({ now })

  test('keeps an answer status below 100 (imported, or relayed from a target that sent one), a note as long as the API takes, and the notes of their segment after a restart', async ({
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
    // The API takes a note of 10,000 characters as zod counts them: code points, so 20,000 UTF-16 units here.
    const longNote = '😀'.repeat(10_000)
    await store.annotate(imported.id, { note: longNote })
    // A pass-through forward records the target's answer once it came.
    await store.annotate(neighbour.id, { response: response(99) })
    await store.close()
    await dropSnapshots(capturesDir)

    const reopened = await openStore()
    expect(storeIssues()).toEqual([])
    expect(await reopened.get(imported.id)).toMatchObject({ response: { status: 42 }, note: longNote })
    const summary = await reopened.get(neighbour.id)
    expect(summary).toMatchObject({ note: 'kept by hand', pinned: true, response: { status: 99 } })
  })

  test('refuses, before it is answered, a capture whose record would not read back, and stores the ones around it', async ({
    capturesDir,
    openStore,
    storeIssues,
  }) => {
    const store = await openStore()
    const body = Buffer.from('x')
    const ok = (n: number) => testCapture(body, { target: `/e1/ok-${n}` })
    // Values the record's schema refuses on reading: written, they were an answered capture missing after a restart.
    const unreadable = [
      // The note's limit counts code points (zod's rule): 10,001 emoji are one too many.
      testCapture(body, { origin: 'imported', note: '😀'.repeat(10_001) }),
      testCapture(body, { origin: 'imported', importedFrom: 'HAR '.padEnd(501, 'x') }),
      testCapture(body, { durationMs: -0.5 }),
      testCapture(body, { remotePort: 1.5 }),
      testCapture(body, { id: '' }),
    ]
    const stored = [await store.append(ok(1), body)]
    for (const capture of unreadable) {
      await expect(store.append(capture, body)).rejects.toThrow(/was not stored: its record would not read back \(/)
      stored.push(await store.append(ok(stored.length + 1), body))
    }
    expect(store.count()).toBe(stored.length)
    await store.close()
    await dropSnapshots(capturesDir)
    for (const name of await readdir(capturesDir)) if (name.endsWith('.json')) await rm(join(capturesDir, name))

    // Every record read back from the log alone.
    const reopened = await openStore()
    expect(storeIssues()).toEqual([])
    expect(reopened.count()).toBe(stored.length)
    for (const capture of stored) expect((await reopened.load(capture.id)).target).toBe(capture.target)
  })

  test('refuses a change its index would not read back, and keeps the changes written with it', async ({ capturesDir, openStore, storeIssues }) => {
    const store = await openStore()
    const body = Buffer.from('x')
    const [first, second] = [await store.append(testCapture(body), body), await store.append(testCapture(body), body)]
    // Changes made together share one index write: one the index refuses made the whole document unreadable at the next start.
    const outcomes = await Promise.allSettled([
      store.annotate(first.id, { note: 'written with the others', pinned: true }),
      store.annotate(second.id, { forward: { mode: 'sideways', targetUrl: 'http://127.0.0.1:9/', state: 'sent', reason: null } as never }),
      store.annotate(second.id, { note: '😀'.repeat(10_001) }),
      store.annotate(second.id, { senderLeftAt: 1_765_000_000 as never }),
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected'])
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/forward was not changed: its index would not read back/)
    await store.close()
    await dropSnapshots(capturesDir)

    const reopened = await openStore()
    expect(storeIssues()).toEqual([])
    expect(await reopened.get(first.id)).toMatchObject({ note: 'written with the others', pinned: true })
    expect(await reopened.get(second.id)).toMatchObject({ note: null, senderLeftAt: null, forward: null })
  })

  for (const durability of ['flush', 'sync'] as const) {
    test(`start-up reads no capture record or body from the logs (${durability})`, async ({ capturesDir, openStore }) => {
      const store = await openStore({ durability })
      // Three segments: two full (with their snapshots), one being filled (read from its document).
      const bodies = Array.from({ length: SEGMENT_MAX_CAPTURES * 2 + 300 }, (_unused, index) => Buffer.from(`body ${index} `.repeat(1 + (index % 5))))
      const stored = await Promise.all(bodies.map((body) => store.append(testCapture(body), body)))
      await store.close()

      const reads: Array<{ file: string; start: number; end: number }> = []
      const counting: LogFileIo = {
        ...logFileIo,
        async open(path) {
          const handle = await logFileIo.open(path)
          const read = handle.read.bind(handle) as (buffer: Buffer, offset: number, length: number, position: number) => Promise<unknown>
          Object.assign(handle, {
            read(buffer: Buffer, offset: number, length: number, position: number) {
              reads.push({ file: basename(path), start: position, end: position + length })
              return read(buffer, offset, length, position)
            },
          })
          return handle
        },
      }
      const reopened = await openStore({ durability, io: counting })
      const atStartUp = [...reads]
      expect(reopened.count()).toBe(stored.length)
      // Appended together, in order: a segment's worth after another. With `sync` the segment being
      // filled was zero-filled ahead, so its listed frames' headers are checked (a power loss in
      // `flush` leaves zeros there), in windows of up to 1 MiB that may hold records; full segments
      // are never read, whatever the durability.
      const checkedForZeros = durability === 'sync' ? '000003.log' : null
      for (const [index, capture] of stored.entries()) {
        const file = `${String(Math.floor(index / SEGMENT_MAX_CAPTURES) + 1).padStart(6, '0')}.log`
        if (file === checkedForZeros) continue
        const record = { start: capture.frame.offset + 12, end: capture.frame.offset + 12 + capture.frame.metadataBytes + capture.body.size }
        const overlapping = atStartUp.filter((read) => read.file === file && read.start < record.end && record.start < read.end)
        expect(overlapping, `capture ${index}`).toEqual([])
      }
      // And what is read is read right: a record and its body, once asked for.
      expect((await reopened.readBody(stored[1_234]!.id)).equals(bodies[1_234]!)).toBe(true)
      expect(readdirSync(capturesDir).filter((name) => name.endsWith('.log')).length).toBeGreaterThanOrEqual(3)
    })
  }
})
