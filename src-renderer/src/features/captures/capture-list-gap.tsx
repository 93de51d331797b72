import { formatCount } from '../../lib/format'

interface CaptureListGapProps {
  top: number
  /** Captures between the two loaded ends, when the list's total is known. */
  hiddenCount: number | null
}

/**
 * The row between the captures loaded from the newest end and those loaded from the oldest (End):
 * says how many are not loaded yet; they load as it comes into view.
 */
export function CaptureListGap({ top, hiddenCount }: CaptureListGapProps) {
  const what = hiddenCount === null ? 'More captures' : `${formatCount(hiddenCount)} more ${hiddenCount === 1 ? 'capture' : 'captures'}`
  return (
    <div className="capture-list-gap" role="presentation" style={{ transform: `translateY(${top}px)` }} data-testid="capture-list-gap">
      {what} between here and the oldest, loading as you scroll
    </div>
  )
}
