/**
 * The search runner hands a scan's columns back whether the scan ends, is cancelled or fails, and
 * does not hash again the sidecars this process verified already (a worker started afresh).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { FRAME_HEADER_BYTES } from './capture-log'
import { columnsOver, COLUMN_BYTES_PER_CANDIDATE } from './scan-columns'
import { createSearchRunner, sidecarPathOf, type SearchMessage, type SearchReply } from './search-runner'
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
      expect(built).toContainEqual({ kind: 'verified', path: files.sidecarPath, size: sidecar.length })

      // Its text changed (same size): a worker told it was verified at this size leaves it alone ...
      const changed = Buffer.from(sidecar)
      changed.write('zanzibur', changed.indexOf('zanzibar'))
      writeFileSync(files.sidecarPath, changed)
      await upkeep({ kind: 'maintain', segments: [files], verified: [[files.sidecarPath, sidecar.length]] })
      expect(readFileSync(files.sidecarPath).equals(changed)).toBe(true)
      // ... one not told verifies it, finds it changed and builds it again.
      await upkeep({ kind: 'maintain', segments: [files], verified: [] })
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
