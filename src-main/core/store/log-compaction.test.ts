/**
 * Compaction (log-compaction.ts): the space of deleted captures interleaved with kept ones comes
 * back, every kept capture reads back byte for byte (its body checked against its sha256), a
 * crash at any step leaves a store with every kept capture, no deleted one and no leftover file,
 * a power loss keeps every answered capture, and appends, reads, searches and deletions running
 * during a compaction all see the right bytes.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, open as openFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { powerLossIo } from '../../test-support/power-loss-io'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore } from './capture-store'
import { createSegment, SEGMENT_MAX_CAPTURES } from './capture-segments'
import { writeFileAtomically } from './data-file'
import type { CompactionStep } from './log-compaction'
import { logFileIo, type LogFileIo } from './log-file-io'
import { RECLAIM_FILE } from './sparse-log'
import { makeTempDir } from '../../test-support/temp-dir'

interface Stored {
  id: string
  body: Buffer
}

/** A body marked with its endpoint and number (looked for in the files and by a search afterwards), then random text. */
function bodyOf(endpoint: string, index: number): Buffer {
  return Buffer.from(`<${endpoint} ${index}> ${endpoint}body ${randomBytes(300 + (index % 5) * 50).toString('hex')}`)
}

/**
 * `count` captures alternating between 'keep' and 'drop' (the pattern a clear of one endpoint
 * leaves with no whole block zero), 100 at a time.
 */
async function storeInterleaved(store: CaptureStore, count: number): Promise<{ keep: Stored[]; drop: Stored[] }> {
  const keep: Stored[] = []
  const drop: Stored[] = []
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_unused, offset) => {
      const index = start + offset
      const endpoint = index % 2 === 0 ? 'keep' : 'drop'
      const body = bodyOf(endpoint, index)
      return store.append(testCapture(body, { endpointId: endpoint }), body).then(({ id }) => (endpoint === 'keep' ? keep : drop).push({ id, body }))
    })
    await Promise.all(batch)
  }
  return { keep, drop }
}

/** The capture logs in the folder, and their total size. */
async function logsIn(capturesDir: string): Promise<{ names: string[]; bytes: number }> {
  const names = (await readdir(capturesDir)).filter((name) => /^\d{6}(?:\.g\d+)?\.log$/.test(name)).sort()
  let bytes = 0
  for (const name of names) bytes += (await stat(join(capturesDir, name))).size
  return { names, bytes }
}

/**
 * Every kept capture reads back as stored (its body verified against its sha256 on the way),
 * no deleted one is listed or left in any file of the folder, and no file is left over: one log
 * per segment, and no temporary file.
 */
async function expectIntact(store: CaptureStore, capturesDir: string, keep: readonly Stored[], drop: readonly Stored[]): Promise<void> {
  expect(store.count()).toBe(keep.length)
  for (const { id, body } of keep) expect((await store.readBody(id)).equals(body)).toBe(true)
  for (const { id } of drop) expect(store.has(id)).toBe(false)
  const names = await readdir(capturesDir)
  expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([])
  const logs = (await logsIn(capturesDir)).names
  expect(new Set(logs.map((name) => name.slice(0, 6))).size).toBe(logs.length)
  for (const name of names) {
    if (!(await stat(join(capturesDir, name))).isFile()) continue
    expect((await readFile(join(capturesDir, name))).includes('<drop ')).toBe(false)
  }
}

/**
 * Counts committed compactions (the step hook): closing the store stops the reclaimer after the
 * compaction running then, so a test that wants every segment compacted waits for them.
 */
function commitCounter(): { compactionStep: (step: CompactionStep) => Promise<void>; until: (count: number) => Promise<void> } {
  let committed = 0
  const waiting: Array<{ count: number; resolve: () => void }> = []
  return {
    async compactionStep(step) {
      if (step !== 'committed') return
      committed++
      for (const waiter of waiting.filter(({ count }) => committed >= count)) waiter.resolve()
    },
    until: (count) => (committed >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
  }
}

/** A promise never settled: a step that never ends, as the work a crash cut short. */
const never = new Promise<void>(() => undefined)

describe('log compaction', () => {
  const test = useCaptureStore({ now: () => new Date('2026-12-07T10:00:00Z') })

  test('moves the kept captures of half-deleted segments into smaller logs, byte for byte', async ({ capturesDir, openStore }) => {
    const commits = commitCounter()
    const store = await openStore({ compactionStep: commits.compactionStep })
    // Two full segments and one capture in a third: the first two no longer take captures.
    const { keep, drop } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
    const before = await logsIn(capturesDir)
    expect(before.names).toEqual(['000001.log', '000002.log', '000003.log'])
    const deleted = await store.deleteByEndpoint('drop')
    expect(deleted).toHaveLength(drop.length)
    await commits.until(2)
    await store.close()

    const after = await logsIn(capturesDir)
    expect(after.names).toEqual(['000001.g1.log', '000002.g1.log', '000003.log'])
    // The kept half and nothing else: what the deleted captures took is given back.
    const keptFrameBytes = after.bytes - (await stat(join(capturesDir, '000003.log'))).size
    expect(keptFrameBytes).toBeLessThan((before.bytes * 55) / 100)
    expect(keptFrameBytes).toBeGreaterThan(keep.reduce((sum, { body }) => sum + body.length, 0))

    const reopened = await openStore()
    await expectIntact(reopened, capturesDir, keep, drop)
    // The index names the new generation (versions 3 and on); the log it names is the one there.
    const document = JSON.parse(await readFile(join(capturesDir, '000001.json'), 'utf8')) as { schemaVersion: number; logGeneration: number }
    expect(document).toMatchObject({ schemaVersion: 4, logGeneration: 1 })
    await reopened.close()
    const again = commitCounter()
    const compactedAgain = await openStore({ compactionStep: again.compactionStep })
    // Compacted again after more deletions: generation 2, and 1 is gone.
    await compactedAgain.deleteMany(keep.filter((_stored, index) => index % 2 === 1 && index < SEGMENT_MAX_CAPTURES / 2).map(({ id }) => id))
    await again.until(1)
    await compactedAgain.close()
    expect((await logsIn(capturesDir)).names).toEqual(['000001.g2.log', '000002.g1.log', '000003.log'])
    const left = keep.filter((_stored, index) => !(index % 2 === 1 && index < SEGMENT_MAX_CAPTURES / 2))
    const removed = keep.filter((_stored, index) => index % 2 === 1 && index < SEGMENT_MAX_CAPTURES / 2)
    const third = await openStore()
    expect(third.count()).toBe(left.length)
    for (const { id, body } of left) expect((await third.readBody(id)).equals(body)).toBe(true)
    for (const { id } of removed) expect(third.has(id)).toBe(false)
  })

  test("a byte cap on one endpoint bounds the logs on disk while another endpoint's captures sit between its own", async ({ capturesDir, openStore }) => {
    const commits = commitCounter()
    const store = await openStore({ compactionStep: commits.compactionStep })
    // 'drop' may keep 64 KiB; 'keep' has no cap. Their captures alternate, so retention's
    // deletions leave no whole zero block: only compaction gives their space back.
    // Set once they are stored, so one step of retention deletes them and each segment is compacted once.
    const { keep, drop } = await storeInterleaved(store, 4 * SEGMENT_MAX_CAPTURES + 1)
    const full = await logsIn(capturesDir)
    store.retention.setPolicy({ perEndpoint: { drop: { maxBytes: 64 * 1024 } } })
    await store.retention.enforce()
    await commits.until(4)
    const kept = drop.filter(({ id }) => store.has(id))
    expect(kept.length).toBeLessThan(drop.length / 10)
    const after = await logsIn(capturesDir)
    expect(after.names).toEqual(['000001.g1.log', '000002.g1.log', '000003.g1.log', '000004.g1.log', '000005.log'])
    // About half: what 'keep' takes, and the few 'drop' captures the cap keeps.
    expect(after.bytes).toBeLessThan(full.bytes * 0.55)
    await store.close()
    const reopened = await openStore()
    expect(reopened.count()).toBe(keep.length + kept.length)
    for (const { id, body } of [...keep, ...kept]) expect((await reopened.readBody(id)).equals(body)).toBe(true)
  })

  test('a segment that was still taking captures when deleted from is compacted once it is full', async ({ capturesDir, openStore }) => {
    let compacted: () => void = () => undefined
    const done = new Promise<void>((resolve) => (compacted = resolve))
    // A folder where reclaim.json goes: the counts are never saved, so only the segment's
    // retirement, not the reclaimer's resume a few seconds after start-up, can start the compaction.
    await mkdir(join(capturesDir, RECLAIM_FILE), { recursive: true })
    const store = await openStore({
      async compactionStep(step) {
        if (step === 'committed') compacted()
      },
    })
    const { keep, drop } = await storeInterleaved(store, 700)
    await store.deleteByEndpoint('drop')
    // It takes captures: not compacted yet. Filled up, with no deletion after, it is.
    const more = await storeInterleaved(store, 0)
    for (let index = 0; index < SEGMENT_MAX_CAPTURES - 700 + 1; index++) {
      const body = bodyOf('keep', 1000 + index)
      more.keep.push({ id: (await store.append(testCapture(body, { endpointId: 'keep' }), body)).id, body })
    }
    await done
    expect((await logsIn(capturesDir)).names).toEqual(['000001.g1.log', '000002.log'])
    await store.close()
    await rm(join(capturesDir, RECLAIM_FILE), { recursive: true })
    await expectIntact(await openStore(), capturesDir, [...keep, ...more.keep], drop)
  })

  test('a log with a torn tail is kept as it is, not compacted; the others are', async ({ capturesDir, openStore, storeIssues }) => {
    const store = await openStore()
    const { keep, drop } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
    await store.close()
    // An unfinished write after the first segment's last frame: kept for whoever wants to look.
    const torn = Buffer.from('CIF1 an unfinished frame')
    const first = await openFile(join(capturesDir, '000001.log'), 'a')
    await first.write(torn)
    await first.close()
    const reopened = await openStore()
    expect(storeIssues().some((issue) => /unfinished write/.test(issue.problem))).toBe(true)
    expect(reopened.count()).toBe(keep.length + drop.length)
    // The first segment's deletion first: its compaction is tried (and refused) before the store closes.
    await reopened.deleteMany(drop.slice(0, SEGMENT_MAX_CAPTURES / 2).map(({ id }) => id))
    await reopened.close()
    const commits = commitCounter()
    const fourth = await openStore({ compactionStep: commits.compactionStep })
    await fourth.deleteMany(drop.slice(SEGMENT_MAX_CAPTURES / 2).map(({ id }) => id))
    await commits.until(1)
    await fourth.close()
    expect((await logsIn(capturesDir)).names).toEqual(['000001.log', '000002.g1.log', '000003.log'])
    expect((await readFile(join(capturesDir, '000001.log'))).subarray(-torn.length).equals(torn)).toBe(true)
    const third = await openStore()
    expect(third.count()).toBe(keep.length)
    for (const { id, body } of keep) expect((await third.readBody(id)).equals(body)).toBe(true)
    for (const { id } of drop) expect(third.has(id)).toBe(false)
  })

  test('reads a version 2 index as generation 0, and a log left by a crash beside it is removed', async ({ capturesDir, openStore }) => {
    const store = await openStore()
    const { keep } = await storeInterleaved(store, 10)
    await store.close()
    // As an earlier version wrote it (no generation), with a generation it never named beside it.
    const indexFile = join(capturesDir, '000001.json')
    const document = JSON.parse(await readFile(indexFile, 'utf8')) as Record<string, unknown>
    delete document.logGeneration
    delete document.tableSnapshot
    await writeFile(indexFile, JSON.stringify({ ...document, schemaVersion: 2 }))
    await writeFile(join(capturesDir, '000001.g1.log'), 'left by a crash')
    const reopened = await openStore()
    expect(reopened.count()).toBe(10)
    for (const { id, body } of keep) expect((await reopened.readBody(id)).equals(body)).toBe(true)
    expect((await logsIn(capturesDir)).names).toEqual(['000001.log'])
  })

  /**
   * Where a crash cuts a compaction: after a step of log-compaction.ts (`CompactionStep`), or inside
   * the index write that commits it, before or after its rename.
   */
  const crashPoints: Array<CompactionStep | 'index written, not renamed' | 'index renamed'> = [
    'copied',
    'synced',
    'placed',
    'index written, not renamed',
    'index renamed',
    'committed',
  ]
  for (const crashAt of crashPoints) {
    test(`a crash at "${crashAt}" leaves every kept capture, no deleted one and no leftover file`, async ({ capturesDir, openStore }) => {
      let crashed = false
      let reachedCrash: () => void = () => undefined
      const reached = new Promise<void>((resolve) => (reachedCrash = resolve))
      const crash = (): Promise<void> => {
        crashed = true
        reachedCrash()
        return never
      }
      /** The index of the segment being compacted, once its new log is in place. */
      let committing: string | null = null
      const off = new Error('the app crashed')
      const io: LogFileIo = {
        ...logFileIo,
        writev: (fd, buffers, position) => (crashed ? Promise.reject(off) : logFileIo.writev(fd, buffers, position)),
        datasync: (handle) => (crashed ? Promise.reject(off) : logFileIo.datasync(handle)),
        async writeIndex(file, text) {
          if (crashed) throw off
          if (file !== committing) return writeFileAtomically(file, text)
          if (crashAt === 'index renamed') {
            await writeFileAtomically(file, text)
            return crash()
          }
          // Written and synced beside the document, never renamed over it.
          await writeFile(join(dirname(file), `.${basename(file)}.0badcafe.tmp`), text)
          return crash()
        },
      }
      const store = await openStore({
        io,
        async compactionStep(step, segment) {
          if (step === crashAt) return crash()
          if (step === 'placed' && crashAt.startsWith('index')) committing = segment.paths.index
        },
      })
      const { keep, drop } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
      await store.deleteByEndpoint('drop')
      await reached
      // The store that crashed stays in memory, touching the disk no more; another opens the folder.
      const reopened = await openStore()
      await expectIntact(reopened, capturesDir, keep, drop)
    })
  }

  test('a power loss after compactions keeps every answered capture (durability sync)', async ({ capturesDir, openStore }) => {
    // The power-loss test's hook (test-support/power-loss-io.ts) follows a compacted log, written
    // under a temporary name and renamed, by its inode.
    const power = powerLossIo()
    let compacted = 0
    const store = await openStore({
      durability: 'sync',
      io: power.io,
      async compactionStep(step) {
        if (step === 'committed') compacted++
      },
    })
    const { keep } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
    await store.deleteByEndpoint('drop')
    while (compacted < 2) await new Promise((resolve) => setImmediate(resolve))
    // More captures answered after the compactions, some of them in a burst.
    const bodies = Array.from({ length: 300 }, (_unused, index) => bodyOf('late', index))
    const answered = await Promise.all(bodies.map((body) => store.append(testCapture(body, { endpointId: 'late' }), body)))
    power.powerOff()
    await power.cutBack(capturesDir)
    const reopened = await openStore()
    for (const { id, body } of keep) expect((await reopened.readBody(id)).equals(body)).toBe(true)
    for (const [index, capture] of answered.entries()) expect((await reopened.readBody(capture.id)).equals(bodies[index]!)).toBe(true)
    expect(reopened.count()).toBe(keep.length + answered.length)
  })

  test('a read that opens the old log while the compaction commits reads its capture from the new one', async ({ capturesDir, openStore }) => {
    let resume: () => void = () => undefined
    const resumed = new Promise<void>((resolve) => (resume = resolve))
    let paused: () => void = () => undefined
    const reachedPause = new Promise<void>((resolve) => (paused = resolve))
    let committed: () => void = () => undefined
    const reachedCommit = new Promise<void>((resolve) => (committed = resolve))
    // Opens of the first segment's old log wait for the test once it says so.
    let gatedPath: string | null = null
    let openGate: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (openGate = resolve))
    let gatedOpen: () => void = () => undefined
    const reachedGatedOpen = new Promise<void>((resolve) => (gatedOpen = resolve))
    const io: LogFileIo = {
      ...logFileIo,
      async open(path) {
        if (path === gatedPath) {
          gatedOpen()
          await gate
        }
        return logFileIo.open(path)
      },
    }
    const store = await openStore({
      io,
      // Four logs open at most: reading other segments closes the first one's.
      maxOpenLogs: 4,
      async compactionStep(step, segment) {
        if (segment.number !== 1) return
        if (step === 'synced') {
          paused()
          await resumed
        }
        if (step === 'committed') committed()
      },
    })
    const { keep, drop } = await storeInterleaved(store, 5 * SEGMENT_MAX_CAPTURES + 1)
    const deleting = store.deleteByEndpoint('drop')
    await reachedPause
    // Segments 2 to 5 read: the first segment's old log, idle, is closed.
    for (let segment = 2; segment <= 5; segment++) await store.readBody(keep[(segment - 1) * (SEGMENT_MAX_CAPTURES / 2) + 1]!.id)
    gatedPath = join(capturesDir, '000001.log')
    const target = keep[10]!
    const reading = store.readBody(target.id)
    // The read is opening the old log (it was closed) when the compaction commits.
    expect(await Promise.race([reachedGatedOpen.then(() => 'opening'), reading.then(() => 'read from an open log')])).toBe('opening')
    resume()
    await reachedCommit
    openGate()
    expect((await reading).equals(target.body)).toBe(true)
    await deleting
    for (const { id, body } of keep.slice(0, 50)) expect((await store.readBody(id)).equals(body)).toBe(true)
    await store.close()
    const reopened = await openStore()
    await expectIntact(reopened, capturesDir, keep, drop)
  })

  test('a capture deleted before a compaction copied its segment, but erased after it, erases nothing in the new log', async ({ capturesDir, openStore }) => {
    // Erases end with a sync under durability sync: the test holds one there, keeping the
    // segment's log turn, so the compaction and the next erase queue behind it in that order.
    const pathOf = new Map<number, string>()
    let holdSyncOf: string | null = null
    let releaseSync: () => void = () => undefined
    const syncHeld = new Promise<void>((resolve) => (releaseSync = resolve))
    let syncReached: () => void = () => undefined
    const reachedSync = new Promise<void>((resolve) => (syncReached = resolve))
    let indexWatch: { file: string; written: () => void } | null = null
    const io: LogFileIo = {
      ...logFileIo,
      async open(path) {
        const handle = await logFileIo.open(path)
        pathOf.set(handle.fd, path)
        return handle
      },
      async datasync(handle) {
        if (holdSyncOf !== null && pathOf.get(handle.fd) === holdSyncOf) {
          holdSyncOf = null
          syncReached()
          await syncHeld
        }
        return logFileIo.datasync(handle)
      },
      async writeIndex(file, text) {
        await writeFileAtomically(file, text)
        if (file === indexWatch?.file) indexWatch.written()
      },
    }
    let resumeSecond: () => void = () => undefined
    const secondResumed = new Promise<void>((resolve) => (resumeSecond = resolve))
    let secondPaused: () => void = () => undefined
    const reachedSecondPause = new Promise<void>((resolve) => (secondPaused = resolve))
    let secondCommitted: () => void = () => undefined
    const reachedSecondCommit = new Promise<void>((resolve) => (secondCommitted = resolve))
    const commits = commitCounter()
    const store = await openStore({
      io,
      async compactionStep(step, segment) {
        await commits.compactionStep(step)
        if (segment.number !== 2) return
        if (step === 'copied') {
          secondPaused()
          await secondResumed
        }
        if (step === 'committed') secondCommitted()
      },
    })
    const { keep, drop } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
    const half = SEGMENT_MAX_CAPTURES / 2
    const inFirst = drop.slice(0, half)
    // The second segment's compaction starts and waits: the reclaimer works on nothing else meanwhile.
    await store.deleteMany(drop.slice(half).map(({ id }) => id))
    await reachedSecondPause
    // Enough of the first segment erased for a compaction, which waits for the reclaimer.
    await store.deleteMany(inFirst.slice(200).map(({ id }) => id))
    // An erase of the first segment held at its sync: it keeps that segment's log turn.
    store.setDurability('sync')
    holdSyncOf = join(capturesDir, '000001.log')
    const held = store.deleteMany([inFirst[199]!.id])
    await reachedSync
    // The second compaction ends; the reclaimer queues the first one behind the held erase.
    resumeSecond()
    await reachedSecondCommit
    await new Promise((resolve) => setImmediate(resolve))
    // The first captures are deleted now: gone from memory before the compaction looks, erased
    // after it, at offsets the new log's kept captures have taken.
    let indexWritten: () => void = () => undefined
    const written = new Promise<void>((resolve) => (indexWritten = resolve))
    indexWatch = { file: join(capturesDir, '000001.json'), written: indexWritten }
    const late = store.deleteMany(inFirst.slice(0, 199).map(({ id }) => id))
    await written
    await new Promise((resolve) => setImmediate(resolve))
    releaseSync()
    await held
    await late
    await commits.until(2)
    for (const { id, body } of keep) expect((await store.readBody(id)).equals(body)).toBe(true)
    await store.close()
    const reopened = await openStore()
    await expectIntact(reopened, capturesDir, keep, drop)
  })

  test('appends, reads, searches and deletions during a compaction see the right bytes, before and after it commits', async ({ capturesDir, openStore }) => {
    let pausedAt: (() => void) | null = null
    let paused: () => void = () => undefined
    const reachedPause = new Promise<void>((resolve) => (paused = resolve))
    const commits = commitCounter()
    const store = await openStore({
      async compactionStep(step) {
        await commits.compactionStep(step)
        // The first compaction waits, its copy made, while the test works on the store.
        if (step === 'copied' && pausedAt === null) {
          await new Promise<void>((resolve) => {
            pausedAt = resolve
            paused()
          })
        }
      },
    })
    const { keep, drop } = await storeInterleaved(store, 2 * SEGMENT_MAX_CAPTURES + 1)
    const deleting = store.deleteByEndpoint('drop')
    await reachedPause
    // While the copy waits: kept captures of every segment read, more captures come, some kept ones go.
    const reads = keep.map(({ id }) => store.readBody(id))
    const late = Array.from({ length: 200 }, (_unused, index) => bodyOf('late', index))
    const appends = late.map((body) => store.append(testCapture(body, { endpointId: 'late' }), body))
    const goneLater = keep.filter((_stored, index) => index % 10 === 3)
    const stillKept = keep.filter((_stored, index) => index % 10 !== 3)
    const deletingMore = store.deleteMany(goneLater.map(({ id }) => id))
    // A search whose scan is planned against the old log, before the commit.
    const searching = store.page({ endpointId: 'keep', limit: 10_000, filter: { query: 'keepbody' } })
    for (const [index, read] of (await Promise.all(reads)).entries()) expect(read.equals(keep[index]!.body)).toBe(true)
    ;(pausedAt as unknown as () => void)()
    // Reads racing the commit, and after it.
    const racing = stillKept.map(({ id }) => store.readBody(id))
    await deleting
    expect((await deletingMore).length).toBe(goneLater.length)
    const storedLate = await Promise.all(appends)
    for (const [index, read] of (await Promise.all(racing)).entries()) expect(read.equals(stillKept[index]!.body)).toBe(true)
    const found = await searching
    // Every kept capture not deleted meanwhile matches (one deleted meanwhile may or may not have).
    const foundIds = new Set(found.items.map((item) => item.id))

    for (const { id } of stillKept) expect(foundIds.has(id)).toBe(true)
    await commits.until(2)
    await store.close()

    const reopened = await openStore()
    const deleted = [...drop, ...goneLater]
    await expectIntact(reopened, capturesDir, [...stillKept, ...storedLate.map(({ id }, index) => ({ id, body: late[index]! }))], deleted)
    for (const { body } of goneLater) {
      for (const { names } of [await logsIn(capturesDir)]) {
        for (const name of names) expect((await readFile(join(capturesDir, name))).includes(body.subarray(0, 40))).toBe(false)
      }
    }
    expect((await logsIn(capturesDir)).names.filter((name) => name.includes('.g'))).toEqual(['000001.g1.log', '000002.g1.log'])
  })
})

describe('a compacted segment', () => {
  /** Turns of the event loop until `done` holds (a removal runs in the thread pool), at most a few thousand. */
  async function until(done: () => boolean): Promise<void> {
    for (let turn = 0; turn < 5000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve))
  }

  it('keeps its old log while a search that was given its path may still open it, and removes it after', async () => {
    const temp = await makeTempDir()
    try {
      const segment = await createSegment(temp.dir, 1, logFileIo, async () => ({ document: '{}', snapshot: null }))
      const old = join(temp.dir, '000001.log')
      const search = segment.leaseLog()
      expect(search.path).toBe(old)
      const compacted = await openFile(join(temp.dir, '000001.g1.log'), 'w+')
      // Resolves at once: nothing it may remove now (the old log is leased).
      await segment.adoptCompactedLog(1, compacted, 0)
      expect(segment.paths.log).toBe(join(temp.dir, '000001.g1.log'))
      // A scan leased after the switch is given the new log.
      const later = segment.leaseLog()
      expect(later.path).toBe(join(temp.dir, '000001.g1.log'))
      await until(() => false)
      expect(existsSync(old)).toBe(true)
      search.release()
      await until(() => !existsSync(old))
      expect(existsSync(old)).toBe(false)
      later.release()
      await segment.close()
    } finally {
      await temp.remove()
    }
  })
})
