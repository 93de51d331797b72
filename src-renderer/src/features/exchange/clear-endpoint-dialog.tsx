import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import { useClearEndpoint } from '../../api/queries'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { formatCount } from '../../lib/format'

interface ClearEndpointDialogProps {
  endpoint: Endpoint
  onClose: () => void
  /** After the clear: what was deleted and what was kept, for a toast. */
  onCleared: (message: string) => void
}

const captures = (count: number) => `${formatCount(count)} ${count === 1 ? 'capture' : 'captures'}`

/**
 * Asks before clearing an endpoint. Pinned captures are kept unless the user ticks to delete them
 * too, and the dialog says so: it never promises to delete captures it keeps. An endpoint with no
 * pinned capture gets neither the pinned wording nor the tick box (it said "except pinned ones"
 * and offered "Also delete pinned captures" where there were none). The clear still keeps pins
 * then, so one made a moment ago is not deleted unasked.
 */
export function ClearEndpointDialog({ endpoint, onClose, onCleared }: ClearEndpointDialogProps) {
  const clearEndpoint = useClearEndpoint()
  const [includePinned, setIncludePinned] = useState(false)
  const pinned = endpoint.pinnedCount
  const hasPinned = pinned > 0
  const deletesPinned = hasPinned && includePinned
  return (
    <ConfirmDialog
      title={`Clear “${endpoint.name}”?`}
      confirmLabel={!hasPinned || deletesPinned ? `Delete ${captures(endpoint.captureCount)}` : `Delete all but ${formatCount(pinned)} pinned`}
      onClose={onClose}
      onConfirm={async () => {
        const { deletedCount } = await clearEndpoint.mutateAsync({ id: endpoint.id, includePinned: deletesPinned })
        const kept = deletesPinned ? 0 : Math.max(0, endpoint.captureCount - deletedCount)
        onCleared(`Deleted ${captures(deletedCount)}${kept > 0 ? `; kept ${formatCount(kept)} pinned` : ''}.`)
      }}
    >
      <p data-testid="clear-endpoint-text">
        {!hasPinned
          ? 'Every capture of this endpoint is deleted.'
          : deletesPinned
            ? `Every capture of this endpoint is deleted, the ${pinnedCaptures(pinned)} too.`
            : `Every capture of this endpoint is deleted except the ${pinnedCaptures(pinned)}, which ${pinned === 1 ? 'is' : 'are'} kept.`}{' '}
        The endpoint and its URL stay. This cannot be undone.
      </p>
      {hasPinned && (
        <label className="checkbox">
          <input type="checkbox" checked={includePinned} onChange={(event) => setIncludePinned(event.target.checked)} data-testid="clear-include-pinned" />
          Also delete the {pinnedCaptures(pinned)}
        </label>
      )}
    </ConfirmDialog>
  )
}

function pinnedCaptures(count: number): string {
  return count === 1 ? 'pinned capture' : `${formatCount(count)} pinned captures`
}
