/**
 * A capture's note and pin, on its detail view, and where an imported capture came from. The
 * note is plain text, shown as text (never as markup), at most 10,000 characters.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { MAX_CAPTURE_NOTE_CHARS, noteCharacterCount } from '@shared/contract'
import type { CaptureDetail, CaptureSummary } from '@shared/views'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'
import { formatCount } from '../../lib/format'
import { revealHidden } from '../../components/revealed-text'
import { PinIcon } from './pin-mark'
import './exchange.css'
import { errorMessage } from '@shared/errors'

/** Keeps the open detail in step at once (the `capture-updated` event updates the lists). */
function usePatchDetail() {
  const queryClient = useQueryClient()
  return (summary: CaptureSummary) =>
    queryClient.setQueryData<CaptureDetail>(queryKeys.captureDetail(summary.id), (detail) =>
      detail ? { ...detail, note: summary.note, pinned: summary.pinned } : detail,
    )
}

export function PinToggle({ capture }: { capture: CaptureDetail }) {
  const patch = usePatchDetail()
  const [isBusy, setIsBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function toggle(): Promise<void> {
    if (isBusy) return
    setIsBusy(true)
    setError(null)
    try {
      patch(await call('setCapturePinned', { id: capture.id, pinned: !capture.pinned }))
    } catch (caught: unknown) {
      // Shown beside the button: a refused pin must not look like a click that did nothing.
      setError(errorMessage(caught))
    } finally {
      setIsBusy(false)
    }
  }

  return (
    <>
      <button
        type="button"
        className={`button button-small ${capture.pinned ? 'exchange-pinned' : ''}`}
        aria-pressed={capture.pinned}
        // Not `disabled`: disabling the focused button while the pin is saved dropped focus to <body>.
        aria-disabled={isBusy}
        title={capture.pinned ? 'Pinned: kept by retention and when the endpoint is cleared' : 'Pin: keep it through retention and clearing'}
        onClick={() => void toggle()}
        data-testid="pin-toggle"
      >
        {capture.pinned ? (
          <>
            <PinIcon /> Pinned
          </>
        ) : (
          'Pin'
        )}
      </button>
      {error && (
        <span className="form-error" role="alert" data-testid="pin-error">
          {error}
        </span>
      )}
    </>
  )
}

export function CaptureNote({ capture }: { capture: CaptureDetail }) {
  const patch = usePatchDetail()
  const [draft, setDraft] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [isSaving, setIsSaving] = useState(false)
  const isEditing = draft !== null
  const editorRef = useRef<HTMLTextAreaElement>(null)
  const openerRef = useRef<HTMLButtonElement>(null)
  // Save and Cancel go away with the editor: focus goes to the button that opens it again, not to the page.
  const shouldReturnFocus = useRef(false)
  useEffect(() => {
    if (isEditing || !shouldReturnFocus.current) return
    shouldReturnFocus.current = false
    openerRef.current?.focus()
  }, [isEditing])

  function close(): void {
    shouldReturnFocus.current = true
    setDraft(null)
  }

  // Typing goes into the note at once, caret after the text: left unfocused, the keys would reach
  // the page shortcuts ('b' copies the body, 'r' opens Resend).
  useEffect(() => {
    const editor = editorRef.current
    if (!isEditing || editor === null) return
    editor.focus()
    editor.setSelectionRange(editor.value.length, editor.value.length)
  }, [isEditing])

  // Counted as the API counts a note (characters, not UTF-16 units): a textarea's maxLength counts
  // units, so a note of 5,001 emoji the API took read "10,002 / 10,000" and could not be typed here.
  const noteLength = draft === null ? 0 : noteCharacterCount(draft)
  const isTooLong = noteLength > MAX_CAPTURE_NOTE_CHARS

  async function save(): Promise<void> {
    if (draft === null || isTooLong) return
    setIsSaving(true)
    setError(null)
    try {
      patch(await call('setCaptureNote', { id: capture.id, note: draft.trim() === '' ? null : draft }))
      close()
    } catch (caught: unknown) {
      setError(errorMessage(caught))
    } finally {
      setIsSaving(false)
    }
  }

  return (
    <section className="capture-note" data-testid="capture-note">
      {capture.origin === 'imported' && (
        <p className="exchange-imported" data-testid="imported-from">
          Imported{capture.importedFrom ? <> from {revealHidden(capture.importedFrom)}</> : ''}: not received by this app.
        </p>
      )}
      {isEditing ? (
        <>
          <textarea
            ref={editorRef}
            className="input capture-note-editor"
            value={draft}
            aria-invalid={isTooLong}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault()
                void save()
              }
            }}
            aria-label="Note"
            aria-describedby="note-editor-keys"
            data-testid="note-editor"
          />
          <div className="capture-note-actions">
            <span className={isTooLong ? 'field-error' : 'muted'} id="note-editor-keys" data-testid="note-editor-count">
              {formatCount(noteLength)} / {formatCount(MAX_CAPTURE_NOTE_CHARS)} characters{isTooLong ? ': too long to save' : ''} · Ctrl+Enter saves
            </span>
            <button type="button" className="button button-small" onClick={close} data-testid="note-cancel">
              Cancel
            </button>
            <button
              type="button"
              className="button button-small button-primary"
              onClick={() => void save()}
              disabled={isSaving || isTooLong}
              data-testid="note-save"
            >
              Save note
            </button>
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </>
      ) : capture.note ? (
        <div className="capture-note-view">
          <p className="capture-note-text" data-testid="note-text">
            {revealHidden(capture.note)}
          </p>
          <button type="button" ref={openerRef} className="link-button" onClick={() => setDraft(capture.note ?? '')} data-testid="note-edit">
            Edit note
          </button>
        </div>
      ) : (
        <button type="button" ref={openerRef} className="link-button" onClick={() => setDraft('')} data-testid="note-add">
          Add a note
        </button>
      )}
    </section>
  )
}
