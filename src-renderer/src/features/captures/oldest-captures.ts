/**
 * Reaching the oldest end of a long capture list without reading everything in between.
 *
 * Reading 100,000 captures page by page from the newest takes over 12 s and a hundred megabytes
 * of rows. `listCapturePage` with `order: "oldest"` reads from the other end instead: the oldest
 * rows first, `cursor` meaning "newer than this seq". One request gives the oldest end, whatever
 * the filter; the next gives the rows just above it, and so on up to the rows already loaded from
 * the newest end (the ceiling).
 */
import type { CaptureSummary } from '@shared/views'

/** One page from the oldest end: rows with `seq > afterSeq` (all rows when `undefined`), oldest first, at most `limit`. */
export type FetchOldestFirst = (afterSeq: number | undefined, limit: number) => Promise<{ items: CaptureSummary[]; hasMore: boolean }>

export interface RowsRead {
  /** Newest first, like the list. */
  rows: CaptureSummary[]
  /** Every row below this `seq` (down to where the reading started) is in `rows`. */
  coveredBelowSeq: number
}

/**
 * The rows just above `afterSeq` (exclusive; from the oldest when `undefined`) and below
 * `ceilingSeq` (exclusive: the oldest row already loaded from the newest end), at most `limit`.
 */
export async function rowsAbove(fetchPage: FetchOldestFirst, afterSeq: number | undefined, ceilingSeq: number, limit: number): Promise<RowsRead> {
  const page = await fetchPage(afterSeq, limit)
  const rows = page.items.filter((row) => row.seq < ceilingSeq)
  const last = page.items.at(-1)
  // Read up to the ceiling (or the list's end): the two ends meet.
  const isUpToCeiling = rows.length < page.items.length || !page.hasMore || last === undefined
  return { rows: rows.reverse(), coveredBelowSeq: isUpToCeiling ? ceilingSeq : last.seq + 1 }
}

/** The oldest rows of the list, at most `limit`; none when it is empty. */
export function oldestRows(fetchPage: FetchOldestFirst, ceilingSeq: number, limit: number): Promise<RowsRead> {
  return rowsAbove(fetchPage, undefined, ceilingSeq, limit)
}
