import type { FileHandle } from 'node:fs/promises'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { waitFor } from '../../test-support/wait-for'
import type { CaptureStore } from './capture-store'
import { MAX_SYNCS_IN_FLIGHT } from './capture-writer'
import { logFileIo, type LogFileIo } from './log-file-io'
import type { StoredCapture } from './persisted-schema'

/**
 * A disk whose syncs complete only when the test says so, in any order: a commit's synchronous
 * (O_DSYNC) write, or an fdatasync.
 */
function heldSyncs(): { io: LogFileIo; syncs: Array<{ done: () => void; fail: (error: Error) => void }>; passThrough: () => void } {
  const syncs: Array<{ done: () => void; fail: (error: Error) => void }> = []
  const syncedDescriptors = new Set<number>()
  let holding = true
  const io: LogFileIo = {
    ...logFileIo,
    async openSynced(path) {
      const handle = await logFileIo.openSynced(path)
      if (handle) syncedDescriptors.add(handle.fd)
      return handle
    },
    writev(fd, buffers, position) {
      if (!holding || !syncedDescriptors.has(fd)) return logFileIo.writev(fd, buffers, position)
      return new Promise<number>((resolve, reject) => {
        // A failed synchronous write may still have put its bytes in the file (the flush failed).
        syncs.push({
          done: () => void logFileIo.writev(fd, buffers, position).then(resolve, reject),
          fail: (error) => void logFileIo.writev(fd, buffers, position).then(() => reject(error), reject),
        })
      })
    },
    datasync(handle: FileHandle) {
      if (!holding) return logFileIo.datasync(handle)
      return new Promise<void>((resolve, reject) => {
        syncs.push({ done: () => void logFileIo.datasync(handle).then(resolve, reject), fail: reject })
      })
    },
  }
  return { io, syncs, passThrough: () => (holding = false) }
}

const settled = (promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> =>
  Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
  ])

/** Appends a capture whose body is `text`, and waits until its batch has asked for its own sync. */
async function appendUntilSyncing(store: CaptureStore, disk: ReturnType<typeof heldSyncs>, text: string): Promise<{ stored: Promise<StoredCapture> }> {
  const syncsBefore = disk.syncs.length
  const stored = store.append(testCapture(Buffer.from(text)), Buffer.from(text))
  await waitFor(() => disk.syncs.length === syncsBefore + 1 || undefined)
  return { stored }
}

describe('capture writer: pipelined group commit', () => {
  const test = useCaptureStore({ now: () => new Date('2026-11-21T10:00:00Z') })

  test('writes and syncs a batch while the one before is still syncing, and finishes them in order', async ({ openStore: open }) => {
    const disk = heldSyncs()
    const store = await open({ durability: 'sync', io: disk.io })
    const { stored: first } = await appendUntilSyncing(store, disk, 'first')
    // The second batch does not wait for the first one's sync to start its own.
    const { stored: second } = await appendUntilSyncing(store, disk, 'second')

    disk.syncs[1]!.done()
    // Durable, but behind a capture that is not yet: not answered, not listed.
    await waitFor(async () => (await settled(second)) === 'pending' || undefined)
    expect(store.count()).toBe(0)

    disk.syncs[0]!.done()
    const [firstStored, secondStored] = await Promise.all([first, second])
    expect(firstStored.seq).toBeLessThan(secondStored.seq)
    expect(store.count()).toBe(2)
    expect((await store.readBody(secondStored.id)).toString()).toBe('second')
  })

  test(`keeps at most ${MAX_SYNCS_IN_FLIGHT} syncs running, and batches what arrives meanwhile`, async ({ openStore: open }) => {
    const disk = heldSyncs()
    const store = await open({ durability: 'sync', io: disk.io })
    const appended: Array<Promise<unknown>> = []
    for (let index = 0; index < MAX_SYNCS_IN_FLIGHT; index++) appended.push((await appendUntilSyncing(store, disk, `early ${index}`)).stored)
    const waiting = Array.from({ length: 5 }, (_, index) => store.append(testCapture(Buffer.from(`late ${index}`)), Buffer.from(`late ${index}`)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(disk.syncs).toHaveLength(MAX_SYNCS_IN_FLIGHT)
    disk.syncs[0]!.done()
    // One sync for the five that waited.
    await waitFor(() => disk.syncs.length === MAX_SYNCS_IN_FLIGHT + 1 || undefined)
    disk.passThrough()
    for (const sync of disk.syncs.slice(1)) sync.done()
    await Promise.all([...appended, ...waiting])
    expect(store.count()).toBe(MAX_SYNCS_IN_FLIGHT + 5)
  })

  test('a failed sync fails every batch written after it, and none of them comes back after a restart', async ({ openStore: open }) => {
    const disk = heldSyncs()
    const store = await open({ durability: 'sync', io: disk.io })
    const { stored: first } = await appendUntilSyncing(store, disk, 'first body')
    const { stored: second } = await appendUntilSyncing(store, disk, 'second body')

    // The later sync succeeds, the earlier one fails: the later frames lie after the failed ones.
    disk.syncs[1]!.done()
    disk.syncs[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await expect(first).rejects.toThrow(/EIO/)
    await expect(second).rejects.toThrow(/EIO/)
    expect(store.count()).toBe(0)

    disk.passThrough()
    // A capture as long as the first one takes its place; the second one's frame stays after it.
    const third = await store.append(testCapture(Buffer.from('third body')), Buffer.from('third body'))
    expect((await store.readBody(third.id)).toString()).toBe('third body')
    await store.close()
    const reopened = await open()
    expect(reopened.count()).toBe(1)
    expect((await reopened.readBody(third.id)).toString()).toBe('third body')
  })
})
