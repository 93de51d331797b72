/** Limits of calls that name captures one by one (a selection): plain data, so the renderer checks the same bound. */

/**
 * The most captures one call may name (`deleteCaptures`, `startBulkReplay` with `captureIds`): a
 * selection of every row a person has scrolled through stays far below it, and a larger set is
 * better described by a filter.
 */
export const MAX_SELECTED_CAPTURES = 10_000
