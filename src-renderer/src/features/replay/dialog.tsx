import { useEffect, useRef, type ReactNode } from 'react'

interface WideDialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId: string
  /** `wide` for editors with a preview beside them. */
  size?: 'medium' | 'wide'
}

/**
 * A native modal <dialog> like components/modal-dialog, sized for forms with previews: focus
 * trapping, Escape and the backdrop come from the browser.
 */
export function WideDialog({ title, onClose, children, testId, size = 'medium' }: WideDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className={`modal replay-dialog replay-dialog-${size}`}
      data-testid={testId}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      <div className="replay-dialog-head">
        <h2 className="modal-title">{title}</h2>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close" data-testid="dialog-close">
          Close
        </button>
      </div>
      {children}
    </dialog>
  )
}
