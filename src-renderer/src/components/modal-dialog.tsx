import { useEffect, useRef, type ReactNode } from 'react'

interface ModalDialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
}

/** A native modal <dialog>: focus trapping, Escape and the backdrop come from the browser. */
export function ModalDialog({ title, onClose, children, testId }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className="modal"
      data-testid={testId}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      <h2 className="modal-title">{title}</h2>
      {children}
    </dialog>
  )
}
