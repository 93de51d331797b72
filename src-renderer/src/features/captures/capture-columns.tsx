import { useEffect, useRef, type ReactNode } from 'react'

interface CaptureColumnsProps {
  loadedCount: number
  checkedCount: number
  onCheckAll: (isChecked: boolean) => void
  /** Rows are deliveries: checking them all selects every attempt of each. */
  isGrouped: boolean
  /** Shown instead of the column labels while rows are ticked. */
  selectionBar: ReactNode
}

/** The list's header row: a checkbox for every loaded row, then the column labels or the selection's actions. */
export function CaptureColumns({ loadedCount, checkedCount, onCheckAll, isGrouped, selectionBar }: CaptureColumnsProps) {
  const everyLoaded = isGrouped ? 'Select every loaded delivery (all their attempts)' : 'Select every loaded capture'
  const checkboxRef = useRef<HTMLInputElement>(null)
  const isAllChecked = loadedCount > 0 && checkedCount >= loadedCount
  const isSomeChecked = checkedCount > 0 && !isAllChecked
  useEffect(() => {
    // `indeterminate` exists only as a DOM property, not as an attribute React could set.
    if (checkboxRef.current) checkboxRef.current.indeterminate = isSomeChecked
  }, [isSomeChecked])

  return (
    <div className={`capture-columns capture-columns-recognised ${checkedCount > 0 ? 'capture-columns-selecting' : ''}`}>
      <span className="cell-check">
        <input
          ref={checkboxRef}
          type="checkbox"
          checked={isAllChecked}
          disabled={loadedCount === 0}
          onChange={() => onCheckAll(!isAllChecked)}
          aria-label={isAllChecked ? 'Unselect every capture' : everyLoaded}
          title={isAllChecked ? 'Unselect all' : everyLoaded}
          data-testid="check-all"
        />
      </span>
      {checkedCount > 0 ? (
        selectionBar
      ) : (
        <>
          <span aria-hidden="true">Time</span>
          <span aria-hidden="true" className="cell-method">
            Method
          </span>
          <span aria-hidden="true">Target</span>
          <span aria-hidden="true" title="The merchant's reference, else the provider's id of the transaction or event">
            Reference
          </span>
          <span aria-hidden="true" className="cell-size">
            Size
          </span>
          <span aria-hidden="true" className="cell-type">
            Type
          </span>
          <span aria-hidden="true" className="cell-provider">
            Provider
          </span>
          <span aria-hidden="true">Signature</span>
          <span aria-hidden="true" className="cell-summary">
            Summary
          </span>
          <span aria-hidden="true">Status</span>
        </>
      )}
    </div>
  )
}
