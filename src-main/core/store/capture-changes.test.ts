/**
 * Deleting captures over several segments (capture-changes.ts): what a clear and a selection take
 * and return, and that a deletion whose index write fails (a read-only folder) takes effect for
 * no capture it could not write, now or after a restart.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { CaptureStore } from './capture-store'
import { writeFileAtomically } from './data-file'
import { logFileIo, type LogFileIo } from './log-file-io'
import type { StoredCapture } from './persisted-schema'
import { SPACE_RESERVE_FILE } from './space-reserve'
import { waitFor } from '../../test-support/wait-for'

const now = () => new Date('2026-11-21T10:00:00Z')
/** Two and a half segments, every third capture on endpoint "b", the rest on "a". */
const COUNT = SEGMENT_MAX_CAPTURES * 2 + SEGMENT_MAX_CAPTURES / 2

/**
 * Appended together, as a flood arrives: they take sequence numbers in this order and share
 * commits (one after the other, 2,500 syncs took most of a test's time limit on a loaded machine).
 */
function fill(store: CaptureStore): Promise<StoredCapture[]> {
  return Promise.all(
    Array.from({ length: COUNT }, (_, index) => {
      const body = Buffer.from(`<body ${index}>`)
      return store.append(testCapture(body, { endpointId: index % 3 === 2 ? 'b' : 'a' }), body)
    }),
  )
}

/**
 * Index writes that fail as on a read-only folder, except those of the segments named (a deletion
 * works on a few segments at once, so which write comes first is not fixed).
 */
function indexWritesFailingExcept(...writable: string[]): LogFileIo {
  return {
    ...logFileIo,
    writeIndex: (file, text) =>
      writable.some((name) => file.endsWith(name)) ? writeFileAtomically(file, text) : Promise.reject(new Error('EROFS: read-only file system')),
  }
}

const idsOf = (captures: Iterable<{ id: string }>) => [...captures].map(({ id }) => id)

describe('deleting captures', () => {
  const test = useCaptureStore({ now })

  test('clears an endpoint across segments: every one of its captures, oldest first, and none of another endpoint', async ({ openStore: open }) => {
    const store = await open()
    const stored = await fill(store)
    const ofA = stored.filter((capture) => capture.endpointId === 'a')

    const deleted = await store.deleteByEndpoint('a')

    expect(deleted).toHaveLength(ofA.length)
    expect([...deleted]).toEqual(ofA.map(({ id, seq }) => ({ id, seq, endpointId: 'a' })))
    expect(store.count('a')).toBe(0)
    expect(store.count('b')).toBe(COUNT - ofA.length)
    await store.close()
    const reopened = await open()
    expect(reopened.count('a')).toBe(0)
    expect(await reopened.ids('b')).toEqual(idsOf(stored.filter((capture) => capture.endpointId === 'b')))
  })

  test('erases the bytes of every capture a clear deleted, a large body too, and leaves the others intact', async ({ capturesDir, openStore: open }) => {
    const store = await open()
    const stored = await fill(store)
    // Larger than one zero write (1 MiB), between captures that are kept.
    const large = Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 'L'), Buffer.from('<large body>')])
    await store.append(testCapture(large, { endpointId: 'a' }), large)
    const after = await store.append(testCapture(Buffer.from('<after>'), { endpointId: 'b' }), Buffer.from('<after>'))

    await store.deleteByEndpoint('a')

    const logs = Buffer.concat(
      await Promise.all((await readdir(capturesDir)).filter((name) => name.endsWith('.log')).map((name) => readFile(join(capturesDir, name)))),
    )
    // Every body still in the logs, found in one pass (a search of the logs per capture took most of 30 s on a loaded machine).
    const inLogs = new Set(logs.toString('latin1').match(/<body \d+>/g))
    for (const [index, capture] of stored.entries()) {
      const body = `<body ${index}>`
      if (capture.endpointId === 'a') expect(inLogs.has(body)).toBe(false)
      else expect((await store.readBody(capture.id)).toString()).toBe(body)
    }
    expect(logs.includes('<large body>')).toBe(false)
    expect(logs.includes('L'.repeat(1024))).toBe(false)
    expect((await store.readBody(after.id)).toString()).toBe('<after>')
    await store.close()
    const reopened = await open()
    expect(await reopened.ids('b')).toEqual([...idsOf(stored.filter((capture) => capture.endpointId === 'b')), after.id])
    expect((await reopened.readBody(after.id)).toString()).toBe('<after>')
  })

  test('two clears of one endpoint at once both succeed, and the captures are deleted once', async ({ openStore: open }) => {
    const store = await open()
    const stored = await fill(store)
    const ofA = idsOf(stored.filter((capture) => capture.endpointId === 'a'))
    const [first, second] = await Promise.all([store.deleteByEndpoint('a'), store.deleteByEndpoint('a')])
    expect([...idsOf(first), ...idsOf(second)].sort()).toEqual([...ofA].sort())
    expect(store.count('a')).toBe(0)
    await store.close()
    const reopened = await open()
    expect(reopened.count('a')).toBe(0)
    expect(reopened.count('b')).toBe(COUNT - ofA.length)
  })

  test('takes only the captures stored when the clear started, not one arriving while it runs', async ({ openStore: open }) => {
    const store = await open()
    await fill(store)
    const clearing = store.deleteByEndpoint('a')
    const body = Buffer.from('late')
    const late = await store.append(testCapture(body, { endpointId: 'a' }), body)
    expect(idsOf(await clearing)).not.toContain(late.id)
    expect(await store.ids('a')).toEqual([late.id])
  })

  test('keeps every capture of a clear whose index could not be written (a read-only folder), now and after a restart', async ({ openStore: open }) => {
    const filling = await open()
    const stored = await fill(filling)
    await filling.close()

    const failing = await open({ io: indexWritesFailingExcept() })
    await expect(failing.deleteByEndpoint('a')).rejects.toThrow(/read-only/)
    expect(failing.count()).toBe(COUNT)
    expect((await failing.readBody(stored[0]!.id)).toString()).toBe('<body 0>')
    await failing.close()

    const reopened = await open()
    expect(reopened.count()).toBe(COUNT)
    expect(await reopened.ids()).toEqual(idsOf(stored))
    expect((await reopened.readBody(stored[0]!.id)).toString()).toBe('<body 0>')
  })

  test('a clear failing after its first segment deleted exactly that segment’s captures, in memory as on disk', async ({ openStore: open }) => {
    const filling = await open()
    const stored = await fill(filling)
    await filling.close()
    const kept = stored.filter((capture, index) => capture.endpointId === 'b' || index >= SEGMENT_MAX_CAPTURES)

    const failing = await open({ io: indexWritesFailingExcept('000001.json') })
    await expect(failing.deleteByEndpoint('a')).rejects.toThrow(/read-only/)
    expect(await failing.ids()).toEqual(idsOf(kept))
    await failing.close()

    const reopened = await open()
    expect(await reopened.ids()).toEqual(idsOf(kept))
    const lastOfA = kept.filter((capture) => capture.endpointId === 'a').at(-1)!
    expect((await reopened.readBody(lastOfA.id)).toString()).toBe(`<body ${stored.indexOf(lastOfA)}>`)
  })

  test('deletes a selection given in any order, with repeats and unknown ids, oldest first', async ({ openStore: open }) => {
    const store = await open()
    const stored = await fill(store)
    const chosen = [stored[COUNT - 1]!, stored[5]!, stored[SEGMENT_MAX_CAPTURES + 1]!]

    const deleted = await store.deleteMany([chosen[0]!.id, 'not-a-capture', chosen[1]!.id, chosen[0]!.id, chosen[2]!.id])

    expect([...deleted]).toEqual([chosen[1]!, chosen[2]!, chosen[0]!].map(({ id, seq, endpointId }) => ({ id, seq, endpointId })))
    expect(store.count()).toBe(COUNT - 3)
    for (const { id } of chosen) expect(store.has(id)).toBe(false)
    expect(await store.deleteMany([chosen[0]!.id])).toHaveLength(0)
  })

  test('gives back the log of the segment taking captures once a clear empties it; the next capture opens another', async ({
    capturesDir,
    openStore: open,
  }) => {
    const store = await open()
    for (let index = 0; index < 3; index++) await store.append(testCapture(Buffer.from(`<a ${index}>`), { endpointId: 'a' }), Buffer.from(`<a ${index}>`))
    expect(await readdir(capturesDir)).toContain('000001.log')

    await store.deleteByEndpoint('a')

    // Before, the emptied log stayed, its bytes zeroed: a clear gave none of its space back.
    expect((await readdir(capturesDir)).filter((name) => name.startsWith('000001.'))).toEqual([])
    const next = await store.append(testCapture(Buffer.from('<after>'), { endpointId: 'a' }), Buffer.from('<after>'))
    expect(await readdir(capturesDir)).toContain('000002.log')
    await store.close()

    const reopened = await open()
    expect(await reopened.ids()).toEqual([next.id])
    expect((await reopened.readBody(next.id)).toString()).toBe('<after>')
  })

  test('keeps every capture that arrives while a clear empties the segment taking captures', async ({ openStore: open }) => {
    const store = await open()
    for (let index = 0; index < 20; index++) await store.append(testCapture(Buffer.from(`<a ${index}>`), { endpointId: 'a' }), Buffer.from(`<a ${index}>`))

    const arriving = Array.from({ length: 200 }, (_, index) =>
      store.append(testCapture(Buffer.from(`<b ${index}>`), { endpointId: 'b' }), Buffer.from(`<b ${index}>`)),
    )
    const [, stored] = await Promise.all([store.deleteByEndpoint('a'), Promise.all(arriving)])
    await store.close()

    const reopened = await open()
    expect(reopened.count('a')).toBe(0)
    expect(await reopened.ids('b')).toEqual(idsOf(stored))
    for (const [index, capture] of stored.entries()) expect((await reopened.readBody(capture.id)).toString()).toBe(`<b ${index}>`)
  })

  test('clears captures on a full disk with the space set aside for it, and sets it aside again once there is room', async ({
    capturesDir,
    openStore: open,
  }) => {
    const reserve = join(capturesDir, SPACE_RESERVE_FILE)
    let diskFull = false
    // The disk has no free byte while it is "full" and the reserve still takes its space.
    const io: LogFileIo = {
      ...logFileIo,
      writeIndex: (file, text) =>
        diskFull && existsSync(reserve)
          ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
          : writeFileAtomically(file, text),
    }
    const store = await open({ io, spaceReserve: { bytes: 64 * 1024, freeBytes: async () => 0 } })
    const stored = await fill(store)
    await waitFor(() => (existsSync(reserve) ? true : undefined))

    diskFull = true
    const deleted = await store.deleteByEndpoint('a')

    // Before, the clear failed with ENOSPC and freed nothing.
    expect(deleted).toHaveLength(stored.filter((capture) => capture.endpointId === 'a').length)
    expect(store.count('a')).toBe(0)
    expect(existsSync(reserve)).toBe(false)

    diskFull = false
    await store.deleteByEndpoint('b')
    await waitFor(() => (existsSync(reserve) ? true : undefined))
    await store.close()
    expect((await open()).count()).toBe(0)
  })

  test("changes made while a segment's index is written share its next write, in the order they were made", async ({ openStore: open }) => {
    let indexWrites = 0
    const counting: LogFileIo = {
      ...logFileIo,
      writeIndex: (file, text) => {
        indexWrites++
        return writeFileAtomically(file, text)
      },
    }
    const store = await open({ io: counting })
    const stored: StoredCapture[] = []
    for (let index = 0; index < 40; index++)
      stored.push(await store.append(testCapture(Buffer.from(`<${index}>`), { endpointId: 'a' }), Buffer.from(`<${index}>`)))
    const first = stored[0]!
    indexWrites = 0

    await Promise.all([
      ...stored.map((capture, index) => store.annotate(capture.id, { note: `note ${index}` })),
      // Two changes of one capture in one write: the later one wins, a clear included.
      store.annotate(first.id, { pinned: true }),
      store.annotate(first.id, { note: null }),
      store.annotate(first.id, { note: 'last word' }),
    ])

    // Before, one write (a document rewritten and synced) per change: 43.
    expect(indexWrites).toBeLessThanOrEqual(3)
    expect(await store.get(first.id)).toMatchObject({ note: 'last word', pinned: true })
    await store.close()
    const reopened = await open()
    expect(await reopened.get(first.id)).toMatchObject({ note: 'last word', pinned: true })
    for (const [index, capture] of stored.entries()) if (index > 0) expect((await reopened.get(capture.id))?.note).toBe(`note ${index}`)
  })
})
