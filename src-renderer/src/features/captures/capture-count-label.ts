/**
 * The capture list header's figure ("12 of 340 captures"). It only ever states a figure that
 * belongs to the filter in force: while a new filter is being typed (the search box's pause) or
 * its first page is on its way (the previous list stays on screen meanwhile, dimmed), it says so
 * instead of showing the previous list's count as if it answered the new question.
 */
import { formatCount } from '../../lib/format'

export interface CaptureCountState {
  /** Nothing loaded yet for any filter. */
  isLoading: boolean
  /**
   * The list could not be loaded (the app stopped, a search failed): the list says why, and no
   * figure is known. Before, the header read "0 of 47 captures" beside "Could not load captures".
   */
  isFailed: boolean
  /**
   * The figures on hand belong to another filter: the search box holds a query not yet applied,
   * or the rows shown are the previous filter's while the new one's first page loads.
   */
  isPending: boolean
  /** The pending (or current) filter narrows the list (a search, a select). */
  isFiltered: boolean
  /** The pending (or current) filter includes a search (words, the query language). */
  isSearch: boolean
  /** Matches of the current filter (`total` of its first page). */
  total: number
  /** Rows loaded so far; the figure while a search is still being counted. */
  loadedCount: number
  hasMorePages: boolean
  /** Set while a search's total is being counted, or when counting it failed. */
  countState: 'counting' | 'unknown' | undefined
  /** Captures in this view before filtering (the M of "N of M"). */
  unfilteredTotal: number
  /**
   * Only in a list grouped by delivery, whose rows are deliveries while `total` counts captures:
   * the rows loaded (both ends), and whether more are still to load (then "100+ deliveries").
   */
  deliveries?: { loaded: number; hasMore: boolean } | undefined
}

function captures(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'capture' : 'captures'}`
}

/**
 * The header's figure. Grouped by delivery, it says what each figure counts: "12 deliveries (31
 * captures)", "3 deliveries (4 of 31 captures)". It read "31 captures" over 12 rows, as if rows were
 * missing. Nothing counts the deliveries of the whole list: until every row is loaded, "100+".
 */
export function captureCountLabel(state: CaptureCountState): string {
  const figure = captureFigure(state)
  const { deliveries } = state
  if (deliveries === undefined || state.isFailed || state.isLoading || state.isPending) return figure
  const rows = `${formatCount(deliveries.loaded)}${deliveries.hasMore ? '+' : ''}`
  return `${rows} ${deliveries.loaded === 1 && !deliveries.hasMore ? 'delivery' : 'deliveries'} (${figure})`
}

function captureFigure(state: CaptureCountState): string {
  const { total, loadedCount, unfilteredTotal } = state
  if (state.isFailed) {
    if (!state.isFiltered) return 'Could not load captures'
    return `Could not ${state.isSearch ? 'search' : 'filter'} ${captures(unfilteredTotal)}`
  }
  if (state.isLoading) return 'Loading…'
  if (state.isPending) {
    if (!state.isFiltered) return 'Loading…'
    return `${state.isSearch ? 'Searching' : 'Filtering'} ${captures(unfilteredTotal)}…`
  }
  if (state.countState !== undefined) {
    const shown = `${formatCount(loadedCount)}${state.hasMorePages ? '+' : ''}`
    return `${shown} of ${captures(unfilteredTotal)}${state.countState === 'counting' ? ', counting…' : ' (count failed)'}`
  }
  if (state.isFiltered) return `${formatCount(total)} of ${formatCount(Math.max(total, unfilteredTotal))} ${unfilteredTotal === 1 ? 'capture' : 'captures'}`
  return captures(total)
}
