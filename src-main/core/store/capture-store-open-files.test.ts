/**
 * A store of any size keeps a bounded number of capture logs open: each segment's log used to
 * stay open from start-up on, so 1,000,000 captures (1,000 segments) took 1,000 file descriptors,
 * at or past the usual per-process limit (1,024 on Linux, 256 for a macOS app), and the receiver
 * could then no longer accept a connection.
 */
import { readdir, readFile, readlink, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { segmentPaths } from './capture-segments'
import { logFileIo, type LogFileIo } from './log-file-io'
import { openCaptureStore } from './capture-store'

const now = () => new Date('2026-11-21T10:00:00Z')
const SEGMENTS = 12
const MAX_OPEN_LOGS = 4

/** Capture logs of `dir` this process has open (Linux: /proc/self/fd). */
async function openLogs(dir: string): Promise<number> {
  let count = 0
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '')
    if (target.startsWith(dir) && target.endsWith('.log')) count++
  }
  return count
}

/** The real file system, counting the logs open at once (start-up included). */
function countingIo(): { io: LogFileIo; peak: () => number } {
  let open = 0
  let peak = 0
  const io: LogFileIo = {
    ...logFileIo,
    async open(path) {
      const handle = await logFileIo.open(path)
      peak = Math.max(peak, ++open)
      const close = handle.close.bind(handle)
      handle.close = async () => {
        open--
        await close()
      }
      return handle
    },
  }
  return { io, peak: () => peak }
}

describe.skipIf(process.platform !== 'linux')('capture store: open files', () => {
  const counted = countingIo()
  const test = useCaptureStore({ now, maxOpenLogs: MAX_OPEN_LOGS, io: counted.io })

  test('keeps at most a few capture logs open, however many segments it has, and still reads every capture', async ({
    dataDir: dir,
    capturesDir,
    openStore: open,
  }) => {
    // Segments of one capture each (a full segment holds 1,000): each made as segment 1 of its own store, then renumbered.
    const bodies: Array<{ id: string; body: Buffer }> = []
    for (let number = 1; number <= SEGMENTS; number++) {
      const scratch = join(dir, `scratch-${number}`)
      const single = await openCaptureStore({ dir: scratch, quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now })
      const body = Buffer.from(`body of segment ${number}`)
      bodies.push({ id: (await single.append(testCapture(body), body)).id, body })
      await single.close()
      const from = segmentPaths(scratch, 1)
      const to = segmentPaths(capturesDir, number)
      const index = JSON.parse(await readFile(from.index, 'utf8')) as { segment: number }
      await writeFile(from.index, JSON.stringify({ ...index, segment: number }))
      if (number === 1) await rename(scratch, capturesDir)
      else {
        await rename(from.log, to.log)
        await rename(from.index, to.index)
      }
    }

    const current = await open()
    expect(current.count()).toBe(SEGMENTS)
    expect(await openLogs(capturesDir)).toBeLessThanOrEqual(MAX_OPEN_LOGS)
    // Start-up read each log past its index's mark without keeping them open meanwhile.
    expect(counted.peak()).toBeLessThanOrEqual(MAX_OPEN_LOGS)
    // Every capture is read (its log opened again when needed), oldest first and at random.
    for (const { id, body } of [...bodies, ...[...bodies].reverse()]) expect((await current.readBody(id)).equals(body)).toBe(true)
    expect(await openLogs(capturesDir)).toBeLessThanOrEqual(MAX_OPEN_LOGS)
    // Reads at once across every segment, and a capture appended meanwhile.
    const appended = Buffer.from('appended')
    const [reads, stored] = await Promise.all([Promise.all(bodies.map(({ id }) => current.readBody(id))), current.append(testCapture(appended), appended)])
    expect(reads.map((read) => read.toString())).toEqual(bodies.map(({ body }) => body.toString()))
    expect((await current.readBody(stored.id)).equals(appended)).toBe(true)
    expect(await openLogs(capturesDir)).toBeLessThanOrEqual(MAX_OPEN_LOGS)
    await current.deleteMany(bodies.slice(0, 3).map(({ id }) => id))
    expect(current.count()).toBe(SEGMENTS - 3 + 1)
    expect(counted.peak()).toBeLessThanOrEqual(MAX_OPEN_LOGS + 1)
  })
})
