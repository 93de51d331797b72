/**
 * Reaching the oldest end of a long capture list without reading everything in between.
 *
 * The API pages newest first by cursor only (`cursor` = "captures with `seq` below this"), and
 * reading 100,000 captures page by page takes over 12 s and a hundred megabytes of rows. But
 * `seq` is a unique integer per capture, which gives two cheap ways in from the other end:
 *
 * - the oldest capture is the lowest cursor whose page is not empty: a binary search over the
 *   cursor with pages of one row (about 17 short requests for 100,000 captures);
 * - every capture with `low <= seq < high` arrives with pages walked down from `high` until a row
 *   falls below `low`, and when `high - low` is at most a page there are at most that many, so
 *   one request brings them all.
 *
 * Works the same for a filtered list: the pages only hold matches.
 */
import type { CaptureSummary } from '@shared/views'

/** Most rows one request may ask for (the API's limit). */
export const MAX_ROWS_PER_REQUEST = 1000

/** One page of the list: rows with `seq < cursor`, newest first, at most `limit`. */
export type FetchPageBelow = (cursor: number, limit: number) => Promise<{ items: CaptureSummary[]; hasMore: boolean }>

/** The lowest `seq` in the list, or `null` when it is empty; `newestSeq` bounds the search. */
export async function findOldestSeq(fetchPage: FetchPageBelow, newestSeq: number): Promise<number | null> {
  // Invariant: nothing below `low`; something below `high`.
  let low = 0
  let high = newestSeq + 1
  const top = (await fetchPage(high, 1)).items[0]
  if (top === undefined) return null
  high = top.seq + 1
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    const below = (await fetchPage(middle, 1)).items[0]
    // The row found is itself the next bound: nothing lies between it and `middle`.
    if (below === undefined) low = middle
    else high = below.seq + 1
  }
  return high - 1
}

/** Every row with `low <= seq < high`, newest first. */
export async function capturesBetween(fetchPage: FetchPageBelow, low: number, high: number): Promise<CaptureSummary[]> {
  const rows: CaptureSummary[] = []
  let cursor = high
  while (cursor > low) {
    const page = await fetchPage(cursor, Math.min(MAX_ROWS_PER_REQUEST, cursor - low))
    for (const row of page.items) {
      if (row.seq < low) return rows
      rows.push(row)
    }
    const last = page.items.at(-1)
    if (!page.hasMore || last === undefined) return rows
    cursor = last.seq
  }
  return rows
}

export interface RowsRead {
  /** Newest first. */
  rows: CaptureSummary[]
  /** Every row below this `seq` (down to where the reading started) is in `rows`. */
  coveredBelowSeq: number
}

/**
 * Rows newer than `fromSeq` (exclusive) and older than `ceilingSeq` (exclusive, the oldest row
 * already loaded from the newest end), oldest end first: at least `minRows` of them when there
 * are that many, reading spans of `seq` that double while they come back thin (deletions, a
 * narrow filter). Newest first, ready to go above the rows already loaded from the oldest end.
 */
export async function rowsAbove(fetchPage: FetchPageBelow, fromSeq: number, ceilingSeq: number, minRows: number): Promise<RowsRead> {
  let rows: CaptureSummary[] = []
  let low = fromSeq + 1
  let span = minRows
  while (low < ceilingSeq && rows.length < minRows) {
    const high = Math.min(ceilingSeq, low + span)
    rows = [...(await capturesBetween(fetchPage, low, high)), ...rows]
    low = high
    span *= 2
  }
  return { rows, coveredBelowSeq: Math.max(low, fromSeq + 1) }
}

/** The oldest rows of the list, at least `minRows` when there are that many; none when it is empty. */
export async function oldestRows(fetchPage: FetchPageBelow, newestSeq: number, ceilingSeq: number, minRows: number): Promise<RowsRead> {
  const oldest = await findOldestSeq(fetchPage, newestSeq)
  if (oldest === null) return { rows: [], coveredBelowSeq: 0 }
  return rowsAbove(fetchPage, oldest - 1, ceilingSeq, minRows)
}
