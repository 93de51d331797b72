import { useEffectEvent, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { focusFirstFieldWhenItArrives, initialFocusTarget, restoreFocus } from './dialog-focus'

interface ModalDialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  /** `medium` for forms, `wide` for editors with a preview beside them; default: the form's width. */
  size?: 'medium' | 'wide'
  /** A Close link beside the title, for dialogs whose own buttons do not close them. */
  closeLink?: boolean
  /**
   * Where focus goes when the dialog closes, if not back to its opener: asked at that moment, so
   * it can depend on what the dialog did (a deleted capture's Delete button is about to go).
   */
  returnFocusTo?: () => HTMLElement | null
}

/**
 * A native modal <dialog>: focus trapping, Escape and the backdrop come from the browser. It opens
 * on its first field (see dialog-focus.ts), or moves there when a loading dialog's field arrives,
 * and gives focus back to what opened it.
 */
export function ModalDialog({ title, onClose, children, testId, size, closeLink = false, returnFocusTo }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  // Read while rendering, before the dialog exists: this is the element that opened it.
  const [opener] = useState(() => document.activeElement)
  const focusTargetOnClose = useEffectEvent(() => returnFocusTo?.() ?? opener)
  // A layout effect, so the dialog is closed while it is still in the page (a passive effect's
  // cleanup runs after React removed it, and the browser then drops focus to <body>).
  useLayoutEffect(() => {
    const dialog = ref.current
    let stopWaitingForField: (() => void) | undefined
    if (dialog && !dialog.open) {
      dialog.showModal()
      initialFocusTarget(dialog)?.focus()
      // Keys & provider, Answers, Storage: their form arrives after "Loading…".
      stopWaitingForField = focusFirstFieldWhenItArrives(dialog)
    }
    return () => {
      stopWaitingForField?.()
      dialog?.close()
      // After this commit: the opener may be removed by it (a Delete button whose capture is gone).
      queueMicrotask(() => {
        if (document.activeElement?.closest('dialog[open]')) return
        restoreFocus(focusTargetOnClose())
      })
    }
  }, [opener])
  return (
    <dialog
      ref={ref}
      className={size ? `modal modal-${size}` : 'modal'}
      data-testid={testId}
      aria-label={title}
      onCancel={(event) => {
        // React passes a dialog's cancel on to the dialogs it was rendered in (an Export opened from
        // the Delivery view): Escape closed them all. Each closes only on its own.
        if (event.target !== event.currentTarget) return
        event.preventDefault()
        onClose()
      }}
    >
      {closeLink ? (
        <div className="modal-head">
          <h2 className="modal-title">{title}</h2>
          <button type="button" className="link-button" onClick={onClose} aria-label="Close" data-dialog-close data-testid="dialog-close">
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
