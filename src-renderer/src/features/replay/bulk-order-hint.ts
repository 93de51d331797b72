/**
 * What the bulk replay dialog says about order. Captures are started oldest first, but with more
 * than one request in flight a later one can reach the target before an earlier one (the dialog's
 * default is 4 at once, and a rate runs up to the maximum at once), so "in the order they arrived"
 * holds strictly only one at a time: retry and sequence tests depend on it. `null`: a number not
 * (yet) valid.
 */
export function bulkOrderHint(inFlightAtOnce: number | null): string {
  if (inFlightAtOnce === 1) return 'Sent one at a time, in the order they arrived, oldest first.'
  const several = inFlightAtOnce === null ? 'more than one' : `up to ${inFlightAtOnce}`
  return `Started in the order they arrived, oldest first; with ${several} in flight at once, a later one can reach the target first (1 at a time keeps the order).`
}
