/**
 * The data files found unreadable or damaged since the app started (settings, keys, captures,
 * replay history, answer sequences). Each part adds what it found as it opens its files; the
 * status procedure hands out a copy, so nothing outside changes the list and a caller never sees
 * it change under it. A file opened on demand (a replay history document, read when a capture's
 * history is first asked for) can be found damaged long after start-up: `onAdded` tells the views.
 */
import type { StorageIssue } from '../../shared/views'

export class StorageIssues {
  private readonly found: StorageIssue[] = []

  constructor(private readonly onAdded?: (issue: StorageIssue) => void) {}

  /** Adds an issue (nothing when an opener found none). */
  add(issue: StorageIssue | null | undefined): void {
    if (!issue) return
    this.found.push(issue)
    this.onAdded?.({ ...issue })
  }

  /** Every issue so far, in the order found: a copy. */
  snapshot(): StorageIssue[] {
    return this.found.map((issue) => ({ ...issue }))
  }
}
