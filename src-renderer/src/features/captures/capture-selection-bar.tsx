import { useState } from 'react'
import { MAX_SELECTED_CAPTURES } from '@shared/capture-selection'
import { useDeleteCaptures } from '../../api/queries'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { formatCount } from '../../lib/format'
import { BulkReplayDialog, type BulkReplayChoices } from '../replay/bulk-replay-dialog'
import { ExportSelectionButton } from '../exchange/exchange-buttons'
import { CompareSelectionButton } from '../compare/compare-buttons'

interface CaptureSelectionBarProps {
  /** The ticked rows; `replayChoices.selectedIds` is the same list. */
  selectedIds: readonly string[]
  replayChoices: BulkReplayChoices
  onClear: () => void
}

/**
 * What can be done with the ticked rows. It takes the place of the column labels while rows are
 * ticked, so the rows never move under the pointer between a click and a shift-click.
 */
export function CaptureSelectionBar({ selectedIds, replayChoices, onClear }: CaptureSelectionBarProps) {
  const [dialog, setDialog] = useState<'replay' | 'delete' | null>(null)
  const deleteCaptures = useDeleteCaptures()
  const count = selectedIds.length
  const isTooMany = count > MAX_SELECTED_CAPTURES
  const captures = `${formatCount(count)} ${count === 1 ? 'capture' : 'captures'}`
  const limitNote = isTooMany ? `At most ${formatCount(MAX_SELECTED_CAPTURES)} captures at once: select fewer, or use a filter` : undefined

  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected captures" data-testid="selection-bar">
      <span className="selection-count" aria-live="polite" data-testid="selection-count">
        {formatCount(count)} selected
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={() => setDialog('replay')}
        disabled={isTooMany}
        title={limitNote}
        data-testid="selection-replay"
      >
        Replay selected…
      </button>
      <button
        type="button"
        className="button button-small button-danger-quiet"
        onClick={() => setDialog('delete')}
        disabled={isTooMany}
        title={limitNote}
        data-testid="selection-delete"
      >
        Delete selected…
      </button>
      <CompareSelectionButton selectedIds={selectedIds} />
      <ExportSelectionButton choices={replayChoices} />
      <button type="button" className="link-button" onClick={onClear} data-testid="selection-clear">
        Clear selection
      </button>
      {dialog === 'replay' && <BulkReplayDialog choices={replayChoices} initialScope="selection" onClose={() => setDialog(null)} />}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete ${captures}?`}
          confirmLabel={`Delete ${captures}`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await deleteCaptures.mutateAsync([...selectedIds])
            onClear()
          }}
        >
          <p>
            The selected {count === 1 ? 'capture is' : 'captures are'} deleted and {count === 1 ? 'its' : 'their'} bytes erased on disk, with{' '}
            {count === 1 ? 'its' : 'their'} replay history. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  )
}
