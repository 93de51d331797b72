import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '@shared/views'
import { oldestRows, rowsAbove, type FetchOldestFirst } from './oldest-captures'

/**
 * The API's oldest-first paging over a list of seqs (`listCapturePage { order: "oldest" }`: rows
 * with `seq > cursor`, oldest first, at most `limit`), counting requests and rows sent, so the
 * tests can tell a jump from a full read.
 */
function listOf(seqs: number[]) {
  const sorted = [...seqs].sort((a, b) => a - b)
  const stats = { requests: 0, rowsSent: 0 }
  const fetchPage: FetchOldestFirst = async (afterSeq, limit) => {
    stats.requests++
    const above = sorted.filter((seq) => afterSeq === undefined || seq > afterSeq)
    const items = above.slice(0, limit).map((seq) => ({ id: `c${seq}`, seq }) as CaptureSummary)
    stats.rowsSent += items.length
    return { items, hasMore: above.length > limit }
  }
  return { fetchPage, stats }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index)
const seqsOf = (rows: CaptureSummary[]) => rows.map((row) => row.seq)

describe('reaching the oldest captures', () => {
  it('loads the oldest rows of 100,000 in one request, newest first, without reading the rest', async () => {
    // Retention took the first 5,000; deletions left holes.
    const seqs = range(5_001, 105_001).filter((seq) => seq % 7 !== 0)
    const list = listOf(seqs)
    const { rows, coveredBelowSeq } = await oldestRows(list.fetchPage, 104_700, 300)
    expect(seqsOf(rows)).toEqual(seqs.slice(0, 300).reverse())
    expect(coveredBelowSeq).toBe(seqs[299]! + 1)
    expect(list.stats.requests).toBe(1)
    expect(list.stats.rowsSent).toBe(300)
  })

  it('answers nothing for an empty list, and the whole of a short one', async () => {
    expect(await oldestRows(listOf([]).fetchPage, 10, 300)).toEqual({ rows: [], coveredBelowSeq: 10 })
    const short = await oldestRows(listOf([3, 5, 8]).fetchPage, 9, 300)
    expect(seqsOf(short.rows)).toEqual([8, 5, 3])
    expect(short.coveredBelowSeq).toBe(9)
  })

  it('extends upwards from the rows loaded without a hole, across deletions', async () => {
    const seqs = range(1, 20_000).filter((seq) => seq % 3 !== 0)
    const list = listOf(seqs)
    const first = await oldestRows(list.fetchPage, 15_000, 300)
    const next = await rowsAbove(list.fetchPage, first.coveredBelowSeq - 1, 15_000, 300)
    expect(seqsOf([...next.rows, ...first.rows])).toEqual(seqs.slice(0, 600).reverse())
  })

  it('stops at the rows already loaded from the newest end, and says the two ends meet', async () => {
    const list = listOf(range(1, 1_001))
    const { rows, coveredBelowSeq } = await rowsAbove(list.fetchPage, 700, 751, 300)
    expect(seqsOf(rows)).toEqual(range(701, 751).reverse())
    expect(coveredBelowSeq).toBe(751)
    // A narrow filter: nothing between the oldest rows and the ceiling.
    const sparse = await rowsAbove(listOf([2, 4, 900]).fetchPage, 4, 900, 300)
    expect(sparse).toEqual({ rows: [], coveredBelowSeq: 900 })
  })
})
