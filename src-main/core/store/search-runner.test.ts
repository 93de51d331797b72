/** The search runner hands a scan's columns back whether the scan ends, is cancelled or fails. */
import { describe, expect, it } from 'vitest'
import { columnsOver, COLUMN_BYTES_PER_CANDIDATE } from './scan-columns'
import { createSearchRunner, type SearchReply } from './search-runner'
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
