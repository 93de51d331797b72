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
 * too, and the dialog says so: it never promises to delete captures it keeps.
 */
export function ClearEndpointDialog({ endpoint, onClose, onCleared }: ClearEndpointDialogProps) {
  const clearEndpoint = useClearEndpoint()
  const [includePinned, setIncludePinned] = useState(false)
  return (
    <ConfirmDialog
      title={`Clear “${endpoint.name}”?`}
      confirmLabel={includePinned ? `Delete ${captures(endpoint.captureCount)}` : 'Delete all but pinned'}
      onClose={onClose}
      onConfirm={async () => {
        const { deletedCount } = await clearEndpoint.mutateAsync({ id: endpoint.id, includePinned })
        const kept = includePinned ? 0 : Math.max(0, endpoint.captureCount - deletedCount)
        onCleared(`Deleted ${captures(deletedCount)}${kept > 0 ? `; kept ${formatCount(kept)} pinned` : ''}.`)
      }}
    >
      <p>
        {includePinned
          ? 'Every capture of this endpoint is deleted, pinned ones too.'
          : 'Every capture of this endpoint is deleted except pinned ones, which are kept.'}{' '}
        The endpoint and its URL stay. This cannot be undone.
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={includePinned} onChange={(event) => setIncludePinned(event.target.checked)} data-testid="clear-include-pinned" />
        Also delete pinned captures
      </label>
    </ConfirmDialog>
  )
}
