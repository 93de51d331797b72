import { useState } from 'react'
import type { CaptureSummary } from '../../../../src-main/shared/contract'
import { CompareDialog } from './compare-dialog'
import { ComparePickerDialog } from './compare-picker-dialog'

/**
 * The list's "Compare" for a selection: enabled when exactly two captures are selected; the one
 * that arrived first is on the left.
 */
export function CompareSelectionButton({ selected }: { selected: ReadonlyArray<Pick<CaptureSummary, 'id' | 'seq'>> }) {
  const [isOpen, setIsOpen] = useState(false)
  const [first, second] = [...selected].sort((a, b) => a.seq - b.seq)
  const ready = selected.length === 2 && first !== undefined && second !== undefined
  return (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={() => setIsOpen(true)}
        disabled={!ready}
        title={ready ? 'Compare the two selected captures' : 'Select exactly two captures to compare them'}
        data-testid="compare-selection"
      >
        Compare
      </button>
      {isOpen && ready && <CompareDialog target={{ leftId: first.id, rightId: second.id }} onClose={() => setIsOpen(false)} />}
    </>
  )
}

/** The capture detail's "Compare with…": pick another attempt, a resend or a recent capture. */
export function CompareWithButton({ capture }: { capture: CaptureSummary }) {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="compare-with">
        Compare with…
      </button>
      {isOpen && <ComparePickerDialog capture={capture} onClose={() => setIsOpen(false)} />}
    </>
  )
}
