/**
 * The capture list as two loaded ends: rows paged from the newest capture down, and rows loaded
 * from the oldest up (End), with a gap between them until they meet. Rows are in list order
 * (newest first); the gap is one row of the list, at `gapIndex` among the rows shown.
 */
import type { CaptureSummary } from '@shared/views'

export interface JoinedList {
  /** Captures in list order, the gap left out. */
  items: CaptureSummary[]
  /** Where the gap sits among the rows shown (the index of the first oldest-end row), or `null`. */
  gapIndex: number | null
  /** Whether rows from the newest end still need loading (false once the two ends meet). */
  newestEndHasMore: boolean
}

/**
 * `newest`: rows paged from the newest end; `newestHasMore`: whether older pages remain there;
 * `oldest`: rows loaded from the oldest end (may be empty), which hold every row below
 * `oldestCoveredBelowSeq`.
 */
export function joinListEnds(newest: CaptureSummary[], newestHasMore: boolean, oldest: CaptureSummary[], oldestCoveredBelowSeq: number): JoinedList {
  const lastNewest = newest.at(-1)
  if (!newestHasMore || oldest.length === 0 || lastNewest === undefined) return { items: newest, gapIndex: null, newestEndHasMore: newestHasMore }
  const below = oldest.filter((row) => row.seq < lastNewest.seq)
  // The ends meet when the oldest end holds every row up to the newest end's oldest one.
  if (oldestCoveredBelowSeq >= lastNewest.seq) return { items: [...newest, ...below], gapIndex: null, newestEndHasMore: false }
  return { items: [...newest, ...below], gapIndex: newest.length, newestEndHasMore: true }
}

/**
 * Where a move from row `from` to row `to` may land: never across the gap (that would skip the
 * captures not loaded yet), but on the last row before it; `crossed` says which end should load
 * more so the next move goes on.
 */
export function moveWithinLoaded(from: number, to: number, gapIndex: number | null): { index: number; crossed: 'down' | 'up' | null } {
  if (gapIndex === null || from < 0) return { index: to, crossed: null }
  if (from < gapIndex && to >= gapIndex) return { index: gapIndex - 1, crossed: 'down' }
  if (from >= gapIndex && to < gapIndex) return { index: gapIndex, crossed: 'up' }
  return { index: to, crossed: null }
}
