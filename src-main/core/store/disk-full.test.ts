/**
 * A disk that fills up while callbacks arrive, as a small file system does it: a write that
 * would grow the logs past the space left writes what fits (a short write) and the next one fails
 * with ENOSPC; overwriting bytes a file already has always works. Through the real receiver:
 * every callback is answered 200 only once it is on storage, 503 otherwise; the log is never left
 * with a torn frame; capturing resumes once there is room; and a restart, while the disk is still
 * full and after, reads back exactly the callbacks answered 200, byte for byte, with no issue.
 *
 * No small file system can be mounted here without root, so the space is counted over the
 * capture logs through the file operations the store is given (LogFileIo).
 */
import { fstatSync, readdirSync, statSync, writev as writevCallback } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import type { Inspector } from '../inspector'
import { logFileIo, type LogFileIo } from './log-file-io'

/** The space the capture logs may take, in bytes (`Infinity`: as much as they like). */
const disk = { capturesDir: '', limitBytes: Number.POSITIVE_INFINITY, shortWrites: 0 }

function logBytesUsed(): number {
  let used = 0
  for (const name of readdirSync(disk.capturesDir)) if (name.endsWith('.log')) used += statSync(join(disk.capturesDir, name)).size
  return used
}

function outOfSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
}

/** `writev` on a disk of `disk.limitBytes`: what fits is written, the rest fails as a full disk fails it. */
const smallDisk: LogFileIo = {
  ...logFileIo,
  writev(fd, buffers, position) {
    const total = buffers.reduce((sum, buffer) => sum + buffer.length, 0)
    const size = fstatSync(fd).size
    const growth = Math.max(0, position + total - size)
    const free = Math.max(0, disk.limitBytes - logBytesUsed())
    if (growth <= free) return logFileIo.writev(fd, buffers, position)
    // The file may grow to size + free: the bytes up to there are written, as the kernel does.
    const fits = Math.max(0, size + free - position)
    if (fits === 0) return Promise.reject(outOfSpace())
    disk.shortWrites++
    const part: Buffer[] = []
    let left = fits
    for (const buffer of buffers) {
      if (left === 0) break
      part.push(buffer.subarray(0, Math.min(left, buffer.length)))
      left -= Math.min(left, buffer.length)
    }
    return new Promise((resolve, reject) => writevCallback(fd, part, position, (error, written) => (error ? reject(error) : resolve(written))))
  },
}

const test = useInspector({ deps: { logIo: smallDisk } })

interface Sent {
  body: Buffer
  status: number
}

/** Sends `count` callbacks, `parallel` at a time (they share commits), each with a body of its own. */
async function sendMany(inspector: Inspector, tag: string, count: number, parallel: number): Promise<Sent[]> {
  const sent: Sent[] = []
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_unused, index) => {
      const body = Buffer.from(`${tag}-${start + index}:`.padEnd(1_500 + ((start + index) % 7) * 333, String.fromCharCode(97 + ((start + index) % 26))))
      return send(`${inspector.receiverUrl}/default/cb`, { body, headers: [['Content-Type', 'text/plain']] }).then((answer) => ({
        body,
        status: answer.status,
      }))
    })
    sent.push(...(await Promise.all(batch)))
  }
  return sent
}

/** Every capture stored, by its body text: exactly the callbacks answered 200, byte for byte. */
async function expectExactly(inspector: Inspector, answered: readonly Sent[]): Promise<void> {
  const { procedures } = inspector
  expect((await procedures.getStatus({})).storage.issues).toEqual([])
  const stored: string[] = []
  for (let cursor: string | undefined; ;) {
    const page = await procedures.listCaptures({ limit: 200, ...(cursor === undefined ? {} : { cursor }) })
    for (const item of page.items) {
      const capture = await procedures.getCapture({ id: item.id })
      expect(capture.damage ?? null).toBeNull()
      stored.push(Buffer.from(capture.request.bodyBase64, 'base64').toString('latin1'))
    }
    if (page.nextCursor === null) break
    cursor = page.nextCursor
  }
  expect(stored.sort()).toEqual(
    answered
      .filter(({ status }) => status === 200)
      .map(({ body }) => body.toString('latin1'))
      .sort(),
  )
}

describe('a disk that fills up while callbacks arrive', () => {
  for (const durability of ['sync', 'flush'] as const) {
    test(
      `answers 503 for what is not on storage, tears nothing, and resumes once there is room (${durability})`,
      { timeout: 60_000 },
      async ({ app, dataDir }) => {
        disk.capturesDir = join(dataDir, 'captures')
        disk.limitBytes = Number.POSITIVE_INFINITY
        disk.shortWrites = 0
        let inspector = await app.start({ durability })
        const sent = await sendMany(inspector, 'before', 10, 5)
        expect(sent.map(({ status }) => status)).toEqual(Array(10).fill(200))

        // About 25 more callbacks' worth of room: then the disk is full.
        disk.limitBytes = logBytesUsed() + 60_000
        const filling = await sendMany(inspector, 'filling', 80, 8)
        sent.push(...filling)
        const statuses = new Set(filling.map(({ status }) => status))
        expect([...statuses].sort()).toEqual([200, 503])
        // The disk was filled by a write cut short, as a real one is, not only refused at once.
        expect(disk.shortWrites).toBeGreaterThan(0)
        expect((await inspector.procedures.getStatus({})).storage.lastError?.message).toMatch(/the disk holding the data folder is full/)
        await expectExactly(inspector, sent)

        // A restart while the disk is still full: nothing torn, nothing lost, nothing extra.
        await app.stop()
        inspector = await app.start({ durability })
        await expectExactly(inspector, sent)
        expect((await sendMany(inspector, 'still-full', 4, 4)).map(({ status }) => status)).toEqual(Array(4).fill(503))

        // Room again: capturing resumes by itself, on the same log.
        disk.limitBytes = Number.POSITIVE_INFINITY
        const after = await sendMany(inspector, 'after', 20, 5)
        expect(after.map(({ status }) => status)).toEqual(Array(20).fill(200))
        sent.push(...after)
        expect((await inspector.procedures.getStatus({})).storage.lastError).toBeNull()
        await app.stop()
        inspector = await app.start({ durability })
        await expectExactly(inspector, sent)
      },
    )
  }
})
