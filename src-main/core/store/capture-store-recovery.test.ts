/**
 * What a crash, a power loss or a damaged disk can leave behind, and what the store makes of it:
 * a torn last frame at every offset, a log cut short under its index, a truncated index, a
 * flipped body byte, a delete that could not be written, and a power loss that keeps only what
 * was synced.
 */
import { appendFile, chmod, readdir, readFile, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { powerLossIo } from '../../test-support/power-loss-io'
import { testCapture } from '../../test-support/test-capture'
import { logFileIo, type LogFileIo } from './log-file-io'
import { DamagedCaptureError, type CaptureStore } from './capture-store'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { SegmentIndexDocument } from './segment-index'

const now = () => new Date('2026-11-21T10:00:00Z')

describe('capture store recovery', () => {
  const test = useCaptureStore({ now })

  async function storeThree(open: () => Promise<CaptureStore>) {
    const current = await open()
    const stored = []
    for (const text of ['first body', 'second body', 'third body']) stored.push(await current.append(testCapture(Buffer.from(text)), Buffer.from(text)))
    await current.close()
    return stored
  }

  test("cuts off the zeros a crash left after a full segment's last frame, so later starts read none of its log", async ({ capturesDir, openStore: open }) => {
    const first = await open()
    const stored = []
    for (let index = 0; index <= SEGMENT_MAX_CAPTURES; index++) {
      const body = Buffer.from(`body ${index}`)
      stored.push(await first.append(testCapture(body), body))
    }
    await first.close()
    // As a crash leaves a segment zero-filled ahead (`sync`) before its retirement cut the zeros off.
    const logFile = join(capturesDir, '000001.log')
    const framesEnd = (await stat(logFile)).size
    await appendFile(logFile, Buffer.alloc(256 * 1024))

    const reads = logReadsCounted(logFile)
    const second = await open({ io: reads.io })
    // This start read the zeros, and the header of every frame before them.
    expect(reads.bytes()).toBeGreaterThan(256 * 1024)
    await second.close()
    expect((await stat(logFile)).size).toBe(framesEnd)

    reads.reset()
    const third = await open({ io: reads.io })
    expect(reads.bytes()).toBe(0)
    expect(third.count()).toBe(SEGMENT_MAX_CAPTURES + 1)
    for (const capture of [stored[0]!, stored[SEGMENT_MAX_CAPTURES - 1]!]) expect((await third.readBody(capture.id)).toString()).toMatch(/^body \d+$/)
  })

  test('survives a torn last frame at every offset: earlier captures intact, the torn bytes kept, new captures elsewhere', async ({
    capturesDir,
    openStore: open,
    storeIssues,
  }) => {
    const [first, second, third] = await storeThree(open)
    const indexFile = join(capturesDir, '000001.json')
    const logFile = join(capturesDir, '000001.log')
    // As after a crash: the index had recorded the first two captures only.
    const document = JSON.parse(await readFile(indexFile, 'utf8')) as SegmentIndexDocument
    document.captures = document.captures.slice(0, 2)
    document.indexedLogBytes = third!.frame.offset
    const pristineIndex = JSON.stringify(document)
    const pristineLog = await readFile(logFile)
    for (let cut = third!.frame.offset; cut < pristineLog.length; cut++) {
      await writeFile(indexFile, pristineIndex)
      await writeFile(logFile, pristineLog.subarray(0, cut))
      // A previous round's new segment goes, so each round starts from the same crash.
      for (const name of await readdir(capturesDir)) if (name.startsWith('000002')) await rm(join(capturesDir, name))
      const reopened = await open()
      expect(reopened.count()).toBe(2)
      expect((await reopened.readBody(first!.id)).toString()).toBe('first body')
      expect((await reopened.readBody(second!.id)).toString()).toBe('second body')
      expect(reopened.has(third!.id)).toBe(false)
      const torn = cut > third!.frame.offset
      expect(storeIssues().some((issue) => /unfinished write/.test(issue.problem))).toBe(torn)
      if (torn && (cut - third!.frame.offset) % 97 === 1) {
        // New frames never go over the torn bytes: they are kept for whoever wants to look.
        const fourth = await reopened.append(testCapture(Buffer.from('fourth')), Buffer.from('fourth'))
        expect(fourth.frame.offset).toBe(0)
        expect((await stat(logFile)).size).toBe(cut)
        expect((await readFile(logFile)).equals(pristineLog.subarray(0, cut))).toBe(true)
      }
      await reopened.close()
    }
    // About 500 reopens: 3 s alone, but a machine running every suite at once was seen to take
    // longer than the default 30 s (a timeout, not a failure).
  }, 120_000)

  test('shows captures whose bytes a power loss took as damaged, and never writes over them', async ({ capturesDir, openStore: open, storeIssues }) => {
    const [first, , third] = await storeThree(open)
    const logFile = join(capturesDir, '000001.log')
    // The index lists all three (it was synced), the log lost its tail (it was not).
    await truncate(logFile, third!.frame.offset + 20)
    const reopened = await open()
    expect(reopened.count()).toBe(3)
    expect(storeIssues().some((issue) => /shorter than its index says/.test(issue.problem))).toBe(true)
    await expect(reopened.readBody(third!.id)).rejects.toBeInstanceOf(DamagedCaptureError)
    expect((await reopened.get(third!.id))?.damage).toMatch(/missing/)
    expect((await reopened.readBody(first!.id)).toString()).toBe('first body')
    const fourth = await reopened.append(testCapture(Buffer.from('fourth')), Buffer.from('fourth'))
    expect(reopened.brief(fourth.id)).toBeDefined()
    expect((await stat(logFile)).size).toBe(third!.frame.offset + 20)
    // The third capture's range now holds nothing else: never another capture's bytes.
    await expect(reopened.readBody(third!.id)).rejects.toBeInstanceOf(DamagedCaptureError)
  })

  test('reports at start-up the captures a power loss left as zeros in a log zero-filled ahead', async ({ capturesDir, openStore: open, storeIssues }) => {
    const [first, second, third] = await storeThree(open)
    const logFile = join(capturesDir, '000001.log')
    // Zero-filled ahead (for `sync`), then written with `flush`: the index lists all three, but the
    // third frame never reached the disk, so its space still holds the zeros, and the log is not shorter.
    const log = await readFile(logFile)
    await writeFile(logFile, Buffer.concat([log.subarray(0, third!.frame.offset), Buffer.alloc(64 * 1024)]))
    const reopened = await open()
    expect(reopened.count()).toBe(3)
    expect(storeIssues().map((issue) => issue.problem)).toEqual([
      expect.stringMatching(new RegExp(`holds no capture where its index lists 1 \\(from byte ${third!.frame.offset}:`)),
    ])
    // Known damaged from the start, before anything reads it.
    expect(reopened.health().damaged).toBe(1)
    expect((await reopened.get(third!.id))?.damage).toBeTruthy()
    await expect(reopened.readBody(third!.id)).rejects.toBeInstanceOf(DamagedCaptureError)
    expect((await reopened.readBody(first!.id)).toString()).toBe('first body')
    expect((await reopened.readBody(second!.id)).toString()).toBe('second body')
    // Its space is never written over: the next capture goes to a new segment.
    const before = await readFile(logFile)
    const fourth = await reopened.append(testCapture(Buffer.from('fourth')), Buffer.from('fourth'))
    expect((await readFile(logFile)).equals(before)).toBe(true)
    expect((await reopened.readBody(fourth.id)).toString()).toBe('fourth')
  })

  test('reports a torn frame followed by zeros as an unfinished write', async ({ capturesDir, openStore: open, storeIssues }) => {
    const [, , third] = await storeThree(open)
    const logFile = join(capturesDir, '000001.log')
    const indexFile = join(capturesDir, '000001.json')
    const document = JSON.parse(await readFile(indexFile, 'utf8')) as SegmentIndexDocument
    document.captures = document.captures.slice(0, 2)
    document.indexedLogBytes = third!.frame.offset
    await writeFile(indexFile, JSON.stringify(document))
    // Half of the third frame reached the disk; the rest of its space (and more) reads as zeros.
    const log = await readFile(logFile)
    const half = third!.frame.offset + Math.floor((log.length - third!.frame.offset) / 2)
    await writeFile(logFile, Buffer.concat([log.subarray(0, half), Buffer.alloc(64 * 1024)]))
    const reopened = await open()
    expect(reopened.count()).toBe(2)
    expect(reopened.has(third!.id)).toBe(false)
    expect(storeIssues().map((issue) => issue.problem)).toEqual([expect.stringMatching(new RegExp(`unfinished write at byte ${third!.frame.offset} `))])
    // Kept as they are: the next capture goes to a new segment.
    const before = await readFile(logFile)
    const fourth = await reopened.append(testCapture(Buffer.from('fourth')), Buffer.from('fourth'))
    expect((await readFile(logFile)).equals(before)).toBe(true)
    expect((await reopened.readBody(fourth.id)).toString()).toBe('fourth')
  })

  test('writes over zeros after the last frame (the space of a write that failed, given back): no torn write', async ({
    capturesDir,
    openStore: open,
    storeIssues,
  }) => {
    const [, , third] = await storeThree(open)
    const logFile = join(capturesDir, '000001.log')
    const log = await readFile(logFile)
    await writeFile(logFile, Buffer.concat([log, Buffer.alloc(4096)]))
    const reopened = await open()
    expect(storeIssues()).toEqual([])
    const fourth = await reopened.append(testCapture(Buffer.from('fourth')), Buffer.from('fourth'))
    const thirdEnd = third!.frame.offset + 12 + third!.frame.metadataBytes + third!.body.size
    expect(fourth.frame.offset).toBe(thirdEnd)
    expect((await stat(logFile)).size).toBe(Math.max(thirdEnd + 4096, fourth.frame.offset + 12 + fourth.frame.metadataBytes + fourth.body.size))
    expect((await reopened.readBody(fourth.id)).toString()).toBe('fourth')
  })

  test('with sync, zero-fills the next segment ahead; start-up steps over the zeros, and a full segment gives them back', async ({
    capturesDir,
    openStore: open,
    storeIssues,
  }) => {
    const body = (index: number) => Buffer.from(`body ${index} `.repeat(20))
    const secondLog = join(capturesDir, '000002.log')
    const first = await open({ durability: 'sync' })
    const stored = []
    // Appended together, as a flood arrives: they share commits (one sync each, 2,000 of them, took
    // most of 30 s on a loaded machine), and still take their sequence numbers in this order.
    const appendAll = (store: CaptureStore, from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, offset) => store.append(testCapture(body(from + offset)), body(from + offset))))
    stored.push(...(await appendAll(first, 0, SEGMENT_MAX_CAPTURES + 10)))
    // The second segment took ten captures into a log zero-filled for about a thousand.
    const framesEnd = first.health().logBytes - (await stat(join(capturesDir, '000001.log'))).size
    const zeroFilled = (await stat(secondLog)).size
    expect(zeroFilled).toBeGreaterThan(framesEnd * 50)
    const tail = await readFile(secondLog)
    expect(tail.subarray(framesEnd).every((byte) => byte === 0)).toBe(true)
    await first.close()

    // As after a crash: start-up reads the zeros after the last frame as free space, not a torn write.
    const second = await open({ durability: 'sync' })
    expect(storeIssues()).toEqual([])
    stored.push(...(await appendAll(second, SEGMENT_MAX_CAPTURES + 10, SEGMENT_MAX_CAPTURES * 2 + 5)))
    for (const [index, capture] of stored.entries()) expect((await second.readBody(capture.id)).equals(body(index))).toBe(true)
    await second.close()
    // Full, the second segment's log was cut back to its frames.
    const log = await readFile(secondLog)
    expect(log.length).toBeLessThan(zeroFilled)
    expect(log.at(-1)).toBe(' '.charCodeAt(0))
    expect((await open()).count()).toBe(stored.length)
  })

  test('rebuilds a truncated index from the log', async ({ capturesDir, openStore: open, storeIssues }) => {
    const stored = await storeThree(open)
    const indexFile = join(capturesDir, '000001.json')
    const text = await readFile(indexFile, 'utf8')
    await writeFile(indexFile, text.slice(0, Math.floor(text.length / 2)))
    const reopened = await open()
    expect(storeIssues()[0]?.problem).toMatch(/not valid JSON.*read back from the capture log/)
    expect(reopened.count()).toBe(3)
    for (const [index, text] of ['first body', 'second body', 'third body'].entries())
      expect((await reopened.readBody(stored[index]!.id)).toString()).toBe(text)
  })

  test('detects a flipped body byte on read, and reports the capture as damaged, never its bytes', async ({ capturesDir, openStore: open }) => {
    const [first, second] = await storeThree(open)
    const logFile = join(capturesDir, '000001.log')
    const log = await readFile(logFile)
    const bodyStart = second!.frame.offset + 12 + second!.frame.metadataBytes
    log[bodyStart + 2] = log[bodyStart + 2]! ^ 0x01
    await writeFile(logFile, log)
    const reopened = await open()
    expect((await reopened.get(second!.id))?.damage).toBeNull()
    const read = reopened.readBody(second!.id)
    await expect(read).rejects.toBeInstanceOf(DamagedCaptureError)
    await expect(read).rejects.toThrow(/does not match the sha256/)
    expect((await reopened.get(second!.id))?.damage).not.toBeNull()
    expect(reopened.health().damaged).toBe(1)
    expect((await reopened.readBody(first!.id)).toString()).toBe('first body')
  })

  test('keeps a capture whose delete could not be written (a read-only folder), now and after a restart', async ({ capturesDir, openStore: open }) => {
    const [first] = await storeThree(open)
    const readOnly = new Error('EROFS: read-only file system')
    const failing: LogFileIo = { ...logFileIo, writeIndex: () => Promise.reject(readOnly) }
    const current = await open({ io: failing })
    if (process.getuid?.() !== 0) await chmod(capturesDir, 0o500)
    await expect(current.deleteMany([first!.id])).rejects.toThrow()
    if (process.getuid?.() !== 0) await chmod(capturesDir, 0o700)
    expect(current.has(first!.id)).toBe(true)
    expect((await current.readBody(first!.id)).toString()).toBe('first body')
    await current.close()
    const reopened = await open()
    expect(reopened.has(first!.id)).toBe(true)
    expect((await reopened.readBody(first!.id)).toString()).toBe('first body')
  })

  test('finds every answered capture after a power loss that keeps only what was synced (durability sync)', async ({ capturesDir, openStore: open }) => {
    // The test hook (test-support/power-loss-io.ts): what each log file held at its last fdatasync.
    const power = powerLossIo()
    const current = await open({ durability: 'sync', io: power.io })
    const bodies = Array.from({ length: 1500 }, (_, index) => Buffer.from(`body ${index} `.repeat(1 + (index % 7))))
    // A burst: many captures in flight at once, answered (resolved) one group commit at a time.
    const answered = await Promise.all(bodies.map((body) => current.append(testCapture(body), body)))
    // Power loss: no close; every write since the last sync is lost, and every log is cut back to its last synced length.
    power.powerOff()
    await power.cutBack(capturesDir)
    const reopened = await open()
    for (const [index, capture] of answered.entries()) expect((await reopened.readBody(capture.id)).equals(bodies[index]!)).toBe(true)
    expect(reopened.count()).toBe(bodies.length)
  })
})

/** The real file system, counting the bytes read from one log (start-up reads it through its own descriptor). */
function logReadsCounted(path: string): { io: LogFileIo; bytes(): number; reset(): void } {
  let bytes = 0
  const io: LogFileIo = {
    ...logFileIo,
    async open(opened) {
      const handle = await logFileIo.open(opened)
      if (opened !== path) return handle
      const read = handle.read.bind(handle) as (buffer: Buffer, offset: number, length: number, position: number) => ReturnType<FileHandle['read']>
      handle.read = (async (buffer: Buffer, offset: number, length: number, position: number) => {
        const result = await read(buffer, offset, length, position)
        bytes += result.bytesRead
        return result
      }) as FileHandle['read']
      return handle
    },
  }
  return {
    io,
    bytes: () => bytes,
    reset() {
      bytes = 0
    },
  }
}
