import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '@shared/views'
import { capturesBetween, findOldestSeq, MAX_ROWS_PER_REQUEST, oldestRows, rowsAbove, type FetchPageBelow } from './oldest-captures'

/**
 * The API's paging contract over a list of seqs (rows with `seq < cursor`, newest first, at most
 * `limit`), counting requests and rows sent, so the tests can tell a jump from a full read.
 */
function listOf(seqs: number[]) {
  const sorted = [...seqs].sort((a, b) => b - a)
  const stats = { requests: 0, rowsSent: 0 }
  const fetchPage: FetchPageBelow = async (cursor, limit) => {
    expect(limit).toBeGreaterThanOrEqual(1)
    expect(limit).toBeLessThanOrEqual(MAX_ROWS_PER_REQUEST)
    stats.requests++
    const below = sorted.filter((seq) => seq < cursor)
    const items = below.slice(0, limit).map((seq) => ({ id: `c${seq}`, seq }) as CaptureSummary)
    stats.rowsSent += items.length
    return { items, hasMore: below.length > limit }
  }
  return { fetchPage, stats, newest: sorted[0] ?? 0 }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index)
const seqsOf = (rows: CaptureSummary[]) => rows.map((row) => row.seq)

describe('reaching the oldest captures', () => {
  it('finds the oldest of 100,000 captures in a few one-row requests', async () => {
    // Retention took the first 5,000; deletions left holes.
    const list = listOf(range(5_001, 105_001).filter((seq) => seq % 7 !== 0))
    expect(await findOldestSeq(list.fetchPage, list.newest)).toBe(5_001)
    expect(list.stats.requests).toBeLessThan(40)
    expect(list.stats.rowsSent).toBeLessThan(40)
  })

  it('answers null for an empty list and finds a single capture', async () => {
    expect(await findOldestSeq(listOf([]).fetchPage, 0)).toBeNull()
    expect(await findOldestSeq(listOf([42]).fetchPage, 42)).toBe(42)
    expect(await findOldestSeq(listOf([1]).fetchPage, 1)).toBe(1)
  })

  it('reads every capture of a seq range, across pages when the range is wider than one', async () => {
    const seqs = range(1, 5_000)
    const list = listOf(seqs)
    expect(seqsOf(await capturesBetween(list.fetchPage, 100, 400))).toEqual(range(100, 400).reverse())
    expect(list.stats.requests).toBe(1)
    expect(seqsOf(await capturesBetween(list.fetchPage, 10, 4_000))).toEqual(range(10, 4_000).reverse())
    expect(seqsOf(await capturesBetween(list.fetchPage, 4_990, 9_000))).toEqual(range(4_990, 5_000).reverse())
  })

  it('loads the oldest rows of a large list, newest first, without reading the rest', async () => {
    const list = listOf(range(1, 100_001))
    const { rows, coveredBelowSeq } = await oldestRows(list.fetchPage, list.newest, 99_700, 300)
    expect(seqsOf(rows)).toEqual(range(1, 301).reverse())
    expect(coveredBelowSeq).toBe(301)
    expect(list.stats.rowsSent).toBeLessThan(400)
  })

  it('keeps reading wider spans when a filter leaves few matches, up to the rows already loaded', async () => {
    // A filter matching one capture in 500.
    const matches = range(1, 100_001).filter((seq) => seq % 500 === 3)
    const list = listOf(matches)
    const { rows } = await oldestRows(list.fetchPage, list.newest, 100_001, 20)
    expect(seqsOf(rows)).toEqual(matches.slice(0, rows.length).reverse())
    expect(rows.length).toBeGreaterThanOrEqual(20)
    // Never past the ceiling: the rows above it are already in the list.
    const capped = await oldestRows(list.fetchPage, list.newest, 2_000, 20)
    expect(seqsOf(capped.rows)).toEqual([1_503, 1_003, 503, 3])
    expect(capped.coveredBelowSeq).toBe(2_000)
  })

  it('extends upwards from the oldest rows without a hole', async () => {
    const seqs = range(1, 20_000).filter((seq) => seq % 3 !== 0)
    const list = listOf(seqs)
    const { rows } = await rowsAbove(list.fetchPage, 700, 10_000, 300)
    expect(seqsOf(rows)).toEqual(
      seqs
        .filter((seq) => seq > 700 && seq < 10_000)
        .slice(0, rows.length)
        .reverse(),
    )
    expect(rows.length).toBeGreaterThanOrEqual(300)
  })
})
