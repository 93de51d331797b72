import { describe, expect, it } from 'vitest'
import { captureCountLabel, type CaptureCountState } from './capture-count-label'

const settled: CaptureCountState = {
  isLoading: false,
  isFailed: false,
  isPending: false,
  isFiltered: false,
  isSearch: false,
  total: 1234,
  loadedCount: 300,
  hasMorePages: true,
  countState: undefined,
  unfilteredTotal: 1234,
}

describe('capture list count label', () => {
  it('counts an unfiltered list and a settled filter against the unfiltered total', () => {
    expect(captureCountLabel(settled)).toBe('1,234 captures')
    expect(captureCountLabel({ ...settled, total: 1, unfilteredTotal: 1 })).toBe('1 capture')
    expect(captureCountLabel({ ...settled, isFiltered: true, isSearch: true, total: 7 })).toBe('7 of 1,234 captures')
  })

  it('never presents the previous list total as the count of a filter still on its way', () => {
    // The previous (unfiltered) page is still on screen while the search's first page loads:
    // its total, 1,234, must not read as "1,234 of 1,234".
    const label = captureCountLabel({ ...settled, isPending: true, isFiltered: true, isSearch: true })
    expect(label).toBe('Searching 1,234 captures…')
    expect(label).not.toMatch(/of/)
    expect(captureCountLabel({ ...settled, isPending: true, isFiltered: true, isSearch: false })).toBe('Filtering 1,234 captures…')
    // Back to no filter: the figure will be the plain total, not yet known for sure.
    expect(captureCountLabel({ ...settled, isPending: true })).toBe('Loading…')
  })

  it('shows what a search found so far while it is counted, and says when counting failed', () => {
    const searching = { ...settled, isFiltered: true, isSearch: true, loadedCount: 300, total: 300 }
    expect(captureCountLabel({ ...searching, countState: 'counting' })).toBe('300+ of 1,234 captures, counting…')
    expect(captureCountLabel({ ...searching, countState: 'unknown', hasMorePages: false })).toBe('300 of 1,234 captures (count failed)')
  })

  it('states no figure when the list could not be loaded: a failed search found nothing, it did not find 0', () => {
    // What the failed query leaves behind: no pages, so a total of 0.
    const failed = { ...settled, isFailed: true, total: 0, loadedCount: 0, hasMorePages: false, unfilteredTotal: 47 }
    expect(captureCountLabel({ ...failed, isFiltered: true, isSearch: true })).toBe('Could not search 47 captures')
    expect(captureCountLabel({ ...failed, isFiltered: true, isSearch: false })).toBe('Could not filter 47 captures')
    expect(captureCountLabel(failed)).toBe('Could not load captures')
    // A search typed while the app is down is still on its way, then fails the same way.
    expect(captureCountLabel({ ...failed, isPending: true, isFiltered: true, isSearch: true })).toBe('Could not search 47 captures')
  })

  it('grouped by delivery, counts the rows as deliveries and the captures apart', () => {
    const grouped = { ...settled, total: 31, unfilteredTotal: 31, loadedCount: 12, hasMorePages: false }
    expect(captureCountLabel({ ...grouped, deliveries: { loaded: 12, hasMore: false } })).toBe('12 deliveries (31 captures)')
    expect(captureCountLabel({ ...grouped, total: 1, unfilteredTotal: 1, deliveries: { loaded: 1, hasMore: false } })).toBe('1 delivery (1 capture)')
    // More rows to load: no count of the whole list's deliveries is known.
    expect(captureCountLabel({ ...grouped, deliveries: { loaded: 100, hasMore: true } })).toBe('100+ deliveries (31 captures)')
    expect(captureCountLabel({ ...grouped, isFiltered: true, total: 4, deliveries: { loaded: 3, hasMore: false } })).toBe('3 deliveries (4 of 31 captures)')
    // No figure yet: no rows to count either.
    expect(captureCountLabel({ ...grouped, isLoading: true, deliveries: { loaded: 0, hasMore: false } })).toBe('Loading…')
    expect(captureCountLabel({ ...grouped, isFailed: true, deliveries: { loaded: 0, hasMore: false } })).toBe('Could not load captures')
  })

  it('says Loading before anything arrived', () => {
    expect(captureCountLabel({ ...settled, isLoading: true, isPending: true })).toBe('Loading…')
  })
})
