import { useState } from 'react'
import type { CaptureSummary } from '@shared/views'
import { inArrivalOrder, type CapturePair } from './arrival-order'
import { CompareDialog } from './compare-dialog'
import { useCaptureDiff } from './compare-queries'
import { ComparePickerDialog } from './compare-picker-dialog'

/**
 * The selection bar's "Compare": enabled when exactly two captures are ticked; the one that
 * arrived first is on the left (see arrival-order.ts).
 */
export function CompareSelectionButton({ selectedIds }: { selectedIds: readonly string[] }) {
  const [isOpen, setIsOpen] = useState(false)
  const [first, second] = selectedIds
  const ready = selectedIds.length === 2 && first !== undefined && second !== undefined
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
      {isOpen && ready && <SelectionCompareDialog pair={{ leftId: first, rightId: second }} onClose={() => setIsOpen(false)} />}
    </>
  )
}

/**
 * Compare of two ticked captures in arrival order. The first answer says when each arrived; when
 * the later one was ticked first, the view asks for the swapped pair before showing anything.
 */
function SelectionCompareDialog({ pair, onClose }: { pair: CapturePair; onClose: () => void }) {
  const { data } = useCaptureDiff(pair)
  return <CompareDialog target={data ? inArrivalOrder(pair, data) : pair} onClose={onClose} />
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

/** A resend's "Compare with the capture": what was sent against what was captured, as Compare shows it. */
export function CompareResendButton({ captureId, replayId }: { captureId: string | null; replayId: string }) {
  const [isOpen, setIsOpen] = useState(false)
  if (captureId === null) return null
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="compare-resend">
        Compare with the capture
      </button>
      {isOpen && <CompareDialog target={{ leftId: captureId, rightReplayId: replayId }} onClose={() => setIsOpen(false)} />}
    </>
  )
}
