import type { CaptureFilter } from '@shared/capture-filter'
import { formatCount } from '../../lib/format'
import { describeCaptureFilter } from './capture-filter-labels'

interface CaptureListNoMatchProps {
  filter: CaptureFilter
  /** Captures in this view before filtering. */
  unfilteredTotal: number
  onClearFilter: () => void
}

/** The filter hides every capture: say so, unlike "nothing captured yet", and offer the way back. */
export function CaptureListNoMatch({ filter, unfilteredTotal, onClearFilter }: CaptureListNoMatchProps) {
  return (
    <div className="empty-state" tabIndex={-1} data-testid="captures-no-match">
      <h2>No capture matches the filter</h2>
      <p>
        <span className="muted">Filter:</span> {describeCaptureFilter(filter)}
      </p>
      <p className="muted">
        {unfilteredTotal === 0
          ? 'Nothing has been captured here yet; new captures that match will appear as they arrive.'
          : `None of the ${formatCount(unfilteredTotal)} ${unfilteredTotal === 1 ? 'capture' : 'captures'} here matches; new ones that do will appear as they arrive.`}
      </p>
      <button type="button" className="button" onClick={onClearFilter} data-testid="no-match-clear">
        Clear filter
      </button>
    </div>
  )
}
