/**
 * A dialog holding a form that takes work (Answers' rules and sequences, Storage's retention caps)
 * never throws that work away unasked: Close or Escape with unsaved edits asks "Discard unsaved
 * changes?" first; Cancel (or Escape in the question) keeps editing, and saved work closes at once.
 */
import { useState, type ReactNode } from 'react'
import { ConfirmDialog } from './confirm-dialog'

export interface DiscardGuard {
  /** The form says whenever it gains or loses unsaved edits. */
  setHasUnsavedChanges: (hasUnsavedChanges: boolean) => void
  /** For the dialog's Close and Escape: closes when nothing is unsaved, else asks. */
  requestClose: () => void
  /**
   * The question while it is asked: render it beside the dialog, not inside it (React passes a
   * child's Escape, its 'cancel' event, on to its parents' handlers).
   */
  question: ReactNode
}

/** `explanation`: the question's sentence, naming what has unsaved changes. */
export function useDiscardGuard(onClose: () => void, explanation: ReactNode): DiscardGuard {
  const [hasUnsavedChanges, setHasUnsavedChanges] = useState(false)
  const [isAsking, setIsAsking] = useState(false)
  return {
    setHasUnsavedChanges,
    requestClose: () => {
      if (hasUnsavedChanges) setIsAsking(true)
      else onClose()
    },
    question: isAsking && (
      <ConfirmDialog
        title="Discard unsaved changes?"
        confirmLabel="Discard changes"
        onConfirm={() => Promise.resolve(onClose())}
        onClose={() => setIsAsking(false)}
      >
        <p data-testid="discard-question">{explanation}</p>
      </ConfirmDialog>
    ),
  }
}
