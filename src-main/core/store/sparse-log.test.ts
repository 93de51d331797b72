/**
 * Giving erased log space back: the sparse copy reads back byte for byte as the log did, the
 * space of its zero blocks is given back where the file system has holes, and the store copies a
 * retired segment's log once enough of it was erased (a pinned capture no longer keeps a segment
 * of large bodies on disk), with every capture left readable after a reopen.
 */
import { randomBytes } from 'node:crypto'
import { open, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { makeTempDir } from '../../test-support/temp-dir'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { StoredCapture } from './persisted-schema'
import { HOLE_BLOCK_BYTES, RECLAIM_FILE, removeLeftoverTemporaries, replaceWithSparseCopy, wholeBlockBytes } from './sparse-log'

const MiB = 1024 * 1024

/** The one log of segment 1, whatever its generation (a compaction moves it to `000001.gN.log`, log-compaction.ts). */
async function logOfFirstSegment(capturesDir: string): Promise<string> {
  const logs = (await readdir(capturesDir)).filter((name) => /^000001(?:\.g\d+)?\.log$/.test(name))
  expect(logs).toHaveLength(1)
  return join(capturesDir, logs[0] as string)
}

/** What `stat` says the files take on disk. */
async function allocatedOf(files: string[]): Promise<number> {
  let total = 0
  for (const file of files) total += (await stat(file)).blocks * 512
  return total
}

/** Whether files in `dir` can have holes: a file with 8 MiB of unwritten space takes less than 8 MiB. */
async function holesWorkIn(dir: string): Promise<boolean> {
  const probe = join(dir, 'hole-probe')
  const handle = await open(probe, 'w')
  await handle.write(Buffer.from('x'), 0, 1, 8 * MiB)
  await handle.close()
  return (await stat(probe)).blocks * 512 < 8 * MiB
}

describe('sparse log copy', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>
  beforeEach(async () => {
    temp = await makeTempDir()
  })
  afterEach(async () => {
    await temp.remove()
  })

  it('counts only whole blocks of erased ranges', () => {
    expect(wholeBlockBytes([{ offset: 0, length: HOLE_BLOCK_BYTES - 1 }])).toBe(0)
    expect(wholeBlockBytes([{ offset: 1, length: 2 * HOLE_BLOCK_BYTES }])).toBe(HOLE_BLOCK_BYTES)
    expect(wholeBlockBytes([{ offset: HOLE_BLOCK_BYTES, length: 3 * HOLE_BLOCK_BYTES }])).toBe(3 * HOLE_BLOCK_BYTES)
    expect(
      wholeBlockBytes([
        { offset: 100, length: 3000 },
        { offset: 10 * HOLE_BLOCK_BYTES - 5, length: 2 * HOLE_BLOCK_BYTES + 10 },
      ]),
    ).toBe(2 * HOLE_BLOCK_BYTES)
  })

  it('replaces a log with a copy that reads back the same bytes, keeps its time and mode, and takes less space', async () => {
    const log = join(temp.dir, '000001.log')
    // Data, a run of zero blocks, data straddling a window, zeros within a block, a zero tail.
    const bytes = Buffer.concat([
      randomBytes(5000),
      Buffer.alloc(3 * MiB),
      randomBytes(MiB + 123),
      Buffer.alloc(100),
      randomBytes(50),
      Buffer.alloc(2 * MiB + 7),
      // Data up to the end, in a last window shorter than the others.
      randomBytes(3 * HOLE_BLOCK_BYTES + 11),
    ])
    await writeFile(log, bytes, { mode: 0o600 })
    const modified = new Date('2026-01-02T03:04:05Z')
    await utimes(log, modified, modified)
    const before = await stat(log)

    const handle = await open(log, 'r+')
    const outcome = await replaceWithSparseCopy(log, handle)
    await handle.close()

    const after = await stat(log)
    expect((await readFile(log)).equals(bytes)).toBe(true)
    expect(after.size).toBe(bytes.length)
    expect(after.mtimeMs).toBe(before.mtimeMs)
    expect(after.mode & 0o777).toBe(0o600)
    expect(after.ino).not.toBe(before.ino)
    expect(outcome.before).toBe(before.blocks * 512)
    expect(outcome.after).toBe(after.blocks * 512)
    if (await holesWorkIn(temp.dir)) expect(before.blocks * 512 - after.blocks * 512).toBeGreaterThanOrEqual(5 * MiB - 2 * HOLE_BLOCK_BYTES)
    // No temporary file is left beside it.
    expect((await readdir(temp.dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('removes the temporary files a crash left, and nothing else', async () => {
    const kept = ['000001.log', '000001.json', '.000001.log.x.tmp', 'notes.tmp', '.000001.log.0123abcd.tmp.bak']
    const leftovers = ['.000001.log.0123abcd.tmp', '.000002.json.deadbeef.tmp', '.000003.table.00ff00ff.tmp', '.reclaim.json.01234567.tmp']
    for (const name of [...kept, ...leftovers]) await writeFile(join(temp.dir, name), 'x')
    await removeLeftoverTemporaries(temp.dir)
    expect((await readdir(temp.dir)).sort()).toEqual([...kept].sort())
  })
})

describe('the store gives erased log space back', () => {
  const test = useCaptureStore({ now: () => new Date('2026-12-07T10:00:00Z') })

  test('a retired segment whose large captures were deleted is compacted; every capture kept stays readable', async ({
    capturesDir,
    openStore,
    storeIssues,
  }) => {
    const store = await openStore()
    // Ten 512 KB bodies, each starting with a marker to look for in the log afterwards.
    const large = Array.from({ length: 10 }, (_unused, index) => Buffer.concat([Buffer.from(`<large ${index}>`), randomBytes(512 * 1024)]))
    const largeIds: string[] = []
    for (const body of large) largeIds.push((await store.append(testCapture(body, { endpointId: 'big' }), body)).id)
    // The rest of the first segment, then one capture in the second: the first stops taking captures.
    const small = await Promise.all(
      Array.from({ length: SEGMENT_MAX_CAPTURES - large.length + 1 }, (_unused, index) => {
        const body = Buffer.from(`<small ${index}>`)
        return store.append(testCapture(body, { endpointId: 'small' }), body)
      }),
    )
    const log = join(capturesDir, '000001.log')
    const allocatedBefore = (await stat(log)).blocks * 512
    const logBefore = await readFile(log)

    const deleted = await store.deleteByEndpoint('big')
    expect(deleted).toHaveLength(large.length)
    // Closing waits for the compaction the deletion started.
    await store.close()

    const compacted = await logOfFirstSegment(capturesDir)
    expect(compacted).not.toBe(log)
    const logAfter = await readFile(compacted)
    // Every byte of the large captures is gone from the file, not only zeroed.
    expect(logAfter.length).toBeLessThan(logBefore.length - 5 * MiB)
    for (let index = 0; index < large.length; index++) expect(logAfter.includes(`<large ${index}>`)).toBe(false)
    expect(allocatedBefore - (await stat(compacted)).blocks * 512).toBeGreaterThanOrEqual(5 * MiB)

    const reopened = await openStore()
    expect(storeIssues()).toEqual([])
    // What the Storage dialog says the logs take on disk.
    const logsOnDisk = await reopened.logDiskBytes()
    expect(logsOnDisk).toBe(
      await allocatedOf(await readdir(capturesDir).then((names) => names.filter((name) => name.endsWith('.log')).map((name) => join(capturesDir, name)))),
    )
    expect(reopened.health().logBytes).toBe(logAfter.length + (await stat(join(capturesDir, '000002.log'))).size)
    expect(reopened.count('big')).toBe(0)
    expect(reopened.count('small')).toBe(small.length)
    for (const [index, capture] of small.entries()) expect((await reopened.readBody(capture.id)).toString()).toBe(`<small ${index}>`)
    for (const id of largeIds) expect(reopened.has(id)).toBe(false)
  })

  test('a copy a quit cut short is made after the next start, once the segment stops taking captures', async ({ capturesDir, openStore }) => {
    const store = await openStore()
    const large = Array.from({ length: 10 }, () => randomBytes(512 * 1024))
    for (const body of large) await store.append(testCapture(body, { endpointId: 'big' }), body)
    const small = SEGMENT_MAX_CAPTURES - large.length - 10
    for (let index = 0; index < small; index += 100)
      await Promise.all(
        Array.from({ length: Math.min(100, small - index) }, (_unused, offset) =>
          store.append(testCapture(Buffer.from(`<small ${index + offset}>`), { endpointId: 'small' }), Buffer.from(`<small ${index + offset}>`)),
        ),
      )
    // Still taking captures: no copy yet, and the app quits.
    await store.deleteByEndpoint('big')
    await store.close()
    const log = join(capturesDir, '000001.log')
    const allocatedBefore = (await stat(log)).blocks * 512
    // Erased bytes, and bytes of whole blocks among them.
    expect(JSON.parse(await readFile(join(capturesDir, RECLAIM_FILE), 'utf8'))).toEqual({ '1': [expect.any(Number), expect.any(Number)] })

    const reopened = await openStore()
    // The segment fills and stops taking captures; the copy follows once start-up is over.
    for (let index = 0; index <= 10; index++)
      await reopened.append(testCapture(Buffer.from(`<late ${index}>`), { endpointId: 'small' }), Buffer.from(`<late ${index}>`))
    const pending = async (): Promise<object> => JSON.parse(await readFile(join(capturesDir, RECLAIM_FILE), 'utf8')) as object
    for (let tries = 0; tries < 800 && Object.keys(await pending()).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await pending()).toEqual({})
    expect(allocatedBefore - (await stat(await logOfFirstSegment(capturesDir))).blocks * 512).toBeGreaterThanOrEqual(4 * MiB)
    expect(reopened.count('small')).toBe(small + 11)
    expect((await reopened.readBody((await reopened.page({ endpointId: 'small', limit: 1 })).items[0]!.id)).toString()).toBe('<late 10>')
    // Start-up waits 3 s before taking it up; a loaded machine takes longer than the default timeout.
  }, 60_000)

  test('a capture erased while its log is being copied is erased in the copy too', async ({ capturesDir, openStore }) => {
    const store = await openStore()
    // The first segment: 40 large captures of 'big' and one of 'late', then small ones of 'keep' up to its end, and one more to retire it.
    const bodies = Array.from({ length: 40 }, (_unused, index) => Buffer.concat([Buffer.from(`<big ${index}>`), randomBytes(512 * 1024)]))
    const late = Buffer.concat([Buffer.from('<late>'), randomBytes(64 * 1024)])
    let lateCapture: StoredCapture | undefined
    for (const [index, body] of bodies.entries()) {
      await store.append(testCapture(body, { endpointId: 'big' }), body)
      // 1.5 MB into the log: the copy reaches it after the deletion below has started.
      if (index === 2) lateCapture = await store.append(testCapture(late, { endpointId: 'late' }), late)
    }
    await Promise.all(
      Array.from({ length: SEGMENT_MAX_CAPTURES - bodies.length }, (_unused, index) =>
        store.append(testCapture(Buffer.from(`<keep ${index}>`), { endpointId: 'keep' }), Buffer.from(`<keep ${index}>`)),
      ),
    )
    // Deleting 'big' starts a copy of the 20 MB log; 'late' is deleted while it runs.
    await store.deleteByEndpoint('big')
    const copying = async (): Promise<boolean> => (await readdir(capturesDir)).some((name) => name.startsWith('.000001.') && name.endsWith('.tmp'))
    for (let tries = 0; tries < 10_000 && !(await copying()); tries++) await new Promise((resolve) => setImmediate(resolve))
    await store.deleteMany([lateCapture!.id])
    await store.close()

    const log = await readFile(await logOfFirstSegment(capturesDir))
    expect(log.includes('<late>')).toBe(false)
    expect(log.includes(late.subarray(100, 200))).toBe(false)
    const reopened = await openStore()
    expect(reopened.count('keep')).toBe(SEGMENT_MAX_CAPTURES - bodies.length)
    expect(reopened.has(lateCapture!.id)).toBe(false)
  })
})
