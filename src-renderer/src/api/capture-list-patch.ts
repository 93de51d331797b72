/**
 * Live captures go on top of a loaded capture list. During a flood (thousands a second for
 * minutes) the list would otherwise keep every one of them in the renderer's memory, which grows
 * until the window stalls; past {@link MAX_LOADED_ROWS} the oldest loaded rows are let go, and
 * scrolling down to them loads them again from the core, as for any list not loaded yet.
 */
import type { CaptureSummary } from '../../../src-main/shared/contract'
import type { CaptureListData } from './query-keys'

/** Rows a list keeps loaded while captures arrive; scrolling further loads older pages again. */
export const MAX_LOADED_ROWS = 20_000

/**
 * `data` with `fresh` (newest first, all newer than the list's first row) on top and its total
 * grown by as many; the oldest loaded rows beyond `maxRows` are dropped, with the cursor set to
 * load them again.
 */
export function prependCaptures(data: CaptureListData, fresh: CaptureSummary[], maxRows = MAX_LOADED_ROWS): CaptureListData {
  const [first, ...rest] = data.pages
  if (!first || fresh.length === 0) return data
  const total = first.total + fresh.length
  const loaded = fresh.length + data.pages.reduce((sum, page) => sum + page.items.length, 0)
  if (loaded <= maxRows) {
    return { ...data, pages: [{ ...first, items: [...fresh, ...first.items], total }, ...rest] }
  }
  const kept = [...fresh, ...data.pages.flatMap((page) => page.items)].slice(0, maxRows)
  const oldestKept = kept.at(-1)
  return {
    pages: [{ items: kept, total, nextCursor: oldestKept ? String(oldestKept.seq) : null }],
    pageParams: [data.pageParams[0]],
  }
}
