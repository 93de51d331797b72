import { useState, type ReactNode } from 'react'
import { ModalDialog } from './modal-dialog'
import { errorMessage } from '@shared/errors'

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => Promise<unknown>
  onClose: () => void
  /** See ModalDialog: where focus goes after closing, when not back to the opener. */
  returnFocusTo?: () => HTMLElement | null
}

/** Asks before a destructive action; shows the server's error inline if it fails. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose, returnFocusTo }: ConfirmDialogProps) {
  const [isBusy, setIsBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function confirm(): Promise<void> {
    setIsBusy(true)
    setError(null)
    try {
      await onConfirm()
      onClose()
    } catch (caught: unknown) {
      setError(errorMessage(caught))
      setIsBusy(false)
    }
  }

  return (
    <ModalDialog title={title} onClose={onClose} testId="confirm-dialog" returnFocusTo={returnFocusTo}>
      <div className="modal-body">{children}</div>
      {error && (
        <p className="form-error" role="alert" data-testid="confirm-error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        {/* Opens on Cancel: the action cannot be undone, and Delete then Enter (a double key press) must not erase. */}
        <button type="button" className="button" onClick={onClose} disabled={isBusy} data-testid="confirm-cancel" data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={() => void confirm()} disabled={isBusy} data-testid="confirm-button">
          {isBusy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </ModalDialog>
  )
}
