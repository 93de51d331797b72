/**
 * The search runner hands a scan's columns back whether the scan ends, is cancelled or fails, and
 * does not hash again the sidecars verified already (a worker started afresh), and never builds
 * over a sidecar it found damaged.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { FRAME_HEADER_BYTES } from './capture-log'
import { columnsOver, COLUMN_BYTES_PER_CANDIDATE } from './scan-columns'
import { SIDECAR_VERSION } from '../search/search-text-sidecar'
import { createSearchRunner, sidecarPathOf, sidecarStamp, type SearchMessage, type SearchReply } from './search-runner'
import type { ScanSegment } from './search-scan'

function segmentsOver(buffer: ArrayBuffer, count: number): ScanSegment[] {
  const columns = columnsOver(buffer)
  return Array.from({ length: count }, (_unused, index) => ({
    logPath: `/nonexistent/${index}.log`,
    sidecarPath: `/nonexistent/search/${index}.search`,
    idBytes: columns.idBytes.subarray(0, 16),
    otherIds: [],
    offsets: columns.offsets.subarray(0, 1),
    metadataBytes: columns.metadataBytes.subarray(0, 1),
    bodySizes: columns.bodySizes.subarray(0, 1),
    annotations: [],
  }))
}

async function until(replies: SearchReply[], kind: SearchReply['kind']): Promise<void> {
  for (let tries = 0; tries < 200 && !replies.some((reply) => reply.kind === kind); tries++) await new Promise((resolve) => setImmediate(resolve))
}

describe('search runner', () => {
  it('hands the columns back once a scan is done', async () => {
    const replies: SearchReply[] = []
    const runner = createSearchRunner((reply) => replies.push(reply))
    const columns = new ArrayBuffer(4 * COLUMN_BYTES_PER_CANDIDATE)
    runner.handle({ kind: 'scan', jobId: 1, filter: { query: 'x', nowMs: 0 }, segments: segmentsOver(columns, 2), columns })
    await until(replies, 'release')
    expect(replies.map((reply) => reply.kind)).toEqual(['segment', 'segment', 'done', 'release'])
    expect(replies.at(-1)).toEqual({ kind: 'release', columns })
  })

  it('hands the columns back when a scan is cancelled, once', async () => {
    const replies: SearchReply[] = []
    const runner = createSearchRunner((reply) => replies.push(reply))
    const columns = new ArrayBuffer(4 * COLUMN_BYTES_PER_CANDIDATE)
    runner.handle({ kind: 'scan', jobId: 7, filter: { query: 'x', nowMs: 0 }, segments: segmentsOver(columns, 50), columns })
    runner.handle({ kind: 'cancel', jobId: 7 })
    runner.handle({ kind: 'cancel', jobId: 7 })
    await until(replies, 'idle')
    expect(replies.filter((reply) => reply.kind === 'release')).toEqual([{ kind: 'release', columns }])
    expect(replies.filter((reply) => reply.kind === 'segment')).toEqual([])
  })

  it('hands the columns back when a scan fails', async () => {
    const replies: SearchReply[] = []
    const runner = createSearchRunner((reply) => replies.push(reply))
    const columns = new ArrayBuffer(4 * COLUMN_BYTES_PER_CANDIDATE)
    // A segment without its arrays makes the scan throw.
    const broken = { logPath: import.meta.filename } as unknown as ScanSegment
    runner.handle({ kind: 'scan', jobId: 3, filter: { query: 'x', nowMs: 0 }, segments: [broken], columns })
    await until(replies, 'release')
    expect(replies.map((reply) => reply.kind)).toEqual(['error', 'release'])
  })
})

/** A log of one capture whose body says `word`. */
function writeLog(path: string, word: string): void {
  const body = Buffer.from(JSON.stringify({ word }))
  const metadata = Buffer.from(
    JSON.stringify({
      id: 'c1',
      method: 'POST',
      target: '/x',
      outcome: 'captured',
      headers: [['Content-Type', 'application/json']],
      body: { sha256: createHash('sha256').update(body).digest('hex') },
      recognition: null,
      response: { status: 200 },
    }),
  )
  const header = Buffer.alloc(FRAME_HEADER_BYTES)
  header.write('CIF1', 0)
  header.writeUInt32BE(metadata.length, 4)
  header.writeUInt32BE(body.length, 8)
  writeFileSync(path, Buffer.concat([header, metadata, body]))
}

async function upkeep(message: SearchMessage): Promise<SearchReply[]> {
  const replies: SearchReply[] = []
  const runner = createSearchRunner((reply) => replies.push(reply))
  runner.handle(message)
  await until(replies, 'idle')
  return replies
}

describe('sidecar upkeep', () => {
  it('says which sidecars it verified, and trusts what a worker before it verified', async () => {
    const { dir, remove } = await makeTempDir()
    try {
      const logPath = join(dir, '000001.log')
      writeLog(logPath, 'zanzibar')
      const files = { logPath, sidecarPath: sidecarPathOf(logPath) }
      mkdirSync(join(dir, 'search'))
      const built = await upkeep({ kind: 'maintain', segments: [files], verified: [] })
      const sidecar = readFileSync(files.sidecarPath)
      const stamp = sidecarStamp(statSync(files.sidecarPath))
      expect(built).toContainEqual({ kind: 'verified', path: files.sidecarPath, stamp, hashed: false })
      // Told it was verified as it is, a worker does not hash it again; not told, it does.
      expect((await upkeep({ kind: 'maintain', segments: [files], verified: [[files.sidecarPath, stamp]] })).map((reply) => reply.kind)).toEqual(['idle'])
      expect(await upkeep({ kind: 'maintain', segments: [files], verified: [] })).toContainEqual({
        kind: 'verified',
        path: files.sidecarPath,
        stamp,
        hashed: true,
      })

      // Its text changed (same size): a worker told it was verified leaves it alone only while it is as it was then ...
      const changed = Buffer.from(sidecar)
      changed.write('zanzibur', changed.indexOf('zanzibar'))
      writeFileSync(files.sidecarPath, changed)
      // As a change made later than the build would (a write in the same clock tick can keep its time).
      utimesSync(files.sidecarPath, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
      const changedStamp = sidecarStamp(statSync(files.sidecarPath))
      expect(changedStamp).not.toBe(stamp)
      await upkeep({ kind: 'maintain', segments: [files], verified: [[files.sidecarPath, changedStamp]] })
      expect(readFileSync(files.sidecarPath).equals(changed)).toBe(true)
      // ... one told of it as it was hashes it, finds it damaged, says so and leaves it for the store to move aside.
      const replies = await upkeep({ kind: 'maintain', segments: [files], verified: [[files.sidecarPath, stamp]] })
      expect(replies).toContainEqual({ kind: 'sidecar-damaged', path: files.sidecarPath, problem: 'does not match the sha256 recorded in it' })
      expect(readFileSync(files.sidecarPath).equals(changed)).toBe(true)
      // Once it is gone, it is built afresh.
      unlinkSync(files.sidecarPath)
      await upkeep({ kind: 'maintain', segments: [files], verified: [] })
      expect(readFileSync(files.sidecarPath).equals(sidecar)).toBe(true)
    } finally {
      await remove()
    }
  })

  it('says a sidecar cut short or without its end is damaged, and rebuilds one of another version', async () => {
    const { dir, remove } = await makeTempDir()
    try {
      const logPath = join(dir, '000001.log')
      writeLog(logPath, 'zanzibar')
      const files = { logPath, sidecarPath: sidecarPathOf(logPath) }
      mkdirSync(join(dir, 'search'))
      await upkeep({ kind: 'maintain', segments: [files], verified: [] })
      const sidecar = readFileSync(files.sidecarPath)
      writeFileSync(files.sidecarPath, sidecar.subarray(0, sidecar.length - 3))
      expect(await upkeep({ kind: 'maintain', segments: [files], verified: [] })).toContainEqual({
        kind: 'sidecar-damaged',
        path: files.sidecarPath,
        problem: 'does not end as a search-text file does',
      })
      const older = Buffer.from(sidecar.toString('latin1').replace(`"version":${SIDECAR_VERSION},`, `"version":${SIDECAR_VERSION - 1},`), 'latin1')
      writeFileSync(files.sidecarPath, older)
      const replies = await upkeep({ kind: 'maintain', segments: [files], verified: [] })
      expect(replies.filter((reply) => reply.kind === 'sidecar-damaged')).toEqual([])
      expect(readFileSync(files.sidecarPath).equals(sidecar)).toBe(true)
    } finally {
      await remove()
    }
  })

  it("keeps a compacted log's earlier sidecar until its own is built, then removes it", async () => {
    const { dir, remove } = await makeTempDir()
    try {
      const search = join(dir, 'search')
      mkdirSync(search)
      // Segment 1 was compacted (generation 1) after its sidecar was built; segment 2 has none yet; segment 3 is gone.
      const compacted = { logPath: join(dir, '000001.g1.log'), sidecarPath: sidecarPathOf(join(dir, '000001.g1.log')) }
      const fresh = { logPath: join(dir, '000002.log'), sidecarPath: sidecarPathOf(join(dir, '000002.log')) }
      writeLog(compacted.logPath, 'zanzibar')
      writeLog(fresh.logPath, 'zanzibar')
      writeFileSync(join(search, '000001.search'), 'built from generation 0')
      writeFileSync(join(search, '000003.search'), 'of a removed segment')
      const seen: string[][] = []
      const runner = createSearchRunner((reply) => {
        // Retention counts the earlier sidecar while the compacted log has none of its own.
        if (reply.kind === 'verified') seen.push(readdirSync(search).sort())
      })
      runner.handle({ kind: 'maintain', segments: [fresh, compacted], verified: [] })
      await new Promise<void>((resolve) => {
        const check = () => (seen.length === 2 ? resolve() : setImmediate(check))
        check()
      })
      expect(seen).toEqual([
        ['000001.search', '000002.search'],
        ['000001.g1.search', '000002.search'],
      ])
    } finally {
      await remove()
    }
  })
})
