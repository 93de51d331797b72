import { useState } from 'react'
import { MAX_SELECTED_CAPTURES } from '@shared/capture-selection'
import { useDeleteCaptures } from '../../api/queries'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { formatCount } from '../../lib/format'
import { BulkReplayDialog, type BulkReplayChoices } from '../replay/bulk-replay-dialog'
import { ExportSelectionButton } from '../exchange/exchange-buttons'
import type { ExportChoices } from '../exchange/export-dialog'
import type { SelectedCaptures } from './use-selected-captures'
import { captures, deliveries, selectionCountText } from './selection-count-text'
import { CompareSelectionButton } from '../compare/compare-buttons'

interface CaptureSelectionBarProps {
  /** The captures the ticked rows stand for (a grouped row: every attempt of its delivery); `replayChoices.selectedIds` is `selected.ids`. */
  selected: SelectedCaptures
  replayChoices: BulkReplayChoices
  /** `replayChoices` with what the selection is, in the export dialog's words. */
  exportChoices: ExportChoices
  onClear: () => void
}

/**
 * What can be done with the ticked rows. It takes the place of the column labels while rows are
 * ticked, so the rows never move under the pointer between a click and a shift-click. Its actions
 * wait until every capture the rows stand for is known (a delivery's attempts are listed first):
 * acting on part of them would leave the rest out without a word.
 */
export function CaptureSelectionBar({ selected, replayChoices, exportChoices, onClear }: CaptureSelectionBarProps) {
  const [dialog, setDialog] = useState<'replay' | 'delete' | null>(null)
  const deleteCaptures = useDeleteCaptures()
  const { ids: selectedIds, count, deliveryCount } = selected
  const isTooMany = count > MAX_SELECTED_CAPTURES
  const isUnready = selected.state !== 'ready'
  const countText = captures(count)
  const limitNote = isTooMany ? `At most ${formatCount(MAX_SELECTED_CAPTURES)} captures at once: select fewer, or use a filter` : undefined
  const whose = deliveryCount === null ? '' : ` (every attempt of ${deliveryCount === 1 ? 'the delivery' : `the ${deliveries(deliveryCount)}`} ticked)`

  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected captures" data-testid="selection-bar">
      <span
        className="selection-count"
        aria-live="polite"
        data-testid="selection-count"
        data-state={selected.state}
        data-selected-captures={selected.state === 'ready' ? count : undefined}
      >
        {selectionCountText(selected)}
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={() => setDialog('replay')}
        disabled={isTooMany || isUnready}
        title={limitNote}
        data-testid="selection-replay"
      >
        Replay selected…
      </button>
      <button
        type="button"
        className="button button-small button-danger-quiet"
        onClick={() => setDialog('delete')}
        disabled={isTooMany || isUnready}
        title={limitNote}
        data-testid="selection-delete"
      >
        Delete selected…
      </button>
      <CompareSelectionButton selectedIds={selectedIds} />
      <ExportSelectionButton choices={exportChoices} disabled={isUnready} />
      <button type="button" className="link-button" onClick={onClear} data-testid="selection-clear">
        Clear selection
      </button>
      {dialog === 'replay' && <BulkReplayDialog choices={replayChoices} initialScope="selection" onClose={() => setDialog(null)} />}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete ${countText}?`}
          confirmLabel={`Delete ${countText}`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            // A retry arrived while the dialog was open: its delivery's attempts are being listed again.
            if (selected.state !== 'ready') throw new Error('The selection is still being listed (a delivery got a new attempt): try again in a moment.')
            await deleteCaptures.mutateAsync([...selectedIds])
            onClear()
          }}
        >
          <p>
            The selected {count === 1 ? 'capture' : 'captures'}
            {whose} {count === 1 ? 'is' : 'are'} deleted and {count === 1 ? 'its' : 'their'} bytes erased on disk, with {count === 1 ? 'its' : 'their'} replay
            history. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  )
}
