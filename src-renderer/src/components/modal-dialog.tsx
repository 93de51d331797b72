import { useEffect, useRef, type ReactNode } from 'react'

interface ModalDialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  /** `medium` for forms, `wide` for editors with a preview beside them; default: the form's width. */
  size?: 'medium' | 'wide'
  /** A Close link beside the title, for dialogs whose own buttons do not close them. */
  closeLink?: boolean
}

/** A native modal <dialog>: focus trapping, Escape and the backdrop come from the browser. */
export function ModalDialog({ title, onClose, children, testId, size, closeLink = false }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className={size ? `modal modal-${size}` : 'modal'}
      data-testid={testId}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      {closeLink ? (
        <div className="modal-head">
          <h2 className="modal-title">{title}</h2>
          <button type="button" className="link-button" onClick={onClose} aria-label="Close" data-testid="dialog-close">
            Close
          </button>
        </div>
      ) : (
        <h2 className="modal-title">{title}</h2>
      )}
      {children}
    </dialog>
  )
}
