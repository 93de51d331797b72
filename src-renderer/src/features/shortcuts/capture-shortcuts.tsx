import { useEffect, useEffectEvent, useState } from 'react'
import type { CaptureDetail, Endpoint } from '@shared/views'
import { useCaptureDetail } from '../../api/queries'
import { copyText } from '../../lib/clipboard'
import { bodyTextForCopy, curlForCapture, curlLeavesOut } from '../captures/capture-copy'
import { ResendDialog } from '../replay/resend-dialog'
import { describeKeyTarget, SEARCH_INPUT_ID, shortcutFor, type ShortcutAction } from './keyboard-shortcuts'
import { ShortcutsDialog } from './shortcuts-dialog'
import { focusCaptureList } from './use-list-move-keys'

interface CaptureShortcutsProps {
  /** The capture open in the detail pane. */
  selectedId: string | null
  endpointFor: (endpointId: string) => Endpoint | undefined
  /** Asks before deleting (the same confirm as the detail's Delete button). */
  onDelete: (id: string) => void
  /** A short message for the toast: what was copied, or why a key did nothing. */
  onNotice: (message: string) => void
}

/**
 * The page-wide keys: `/` search, `r` resend, `c` copy as curl, `b` copy body, Delete, `?` help,
 * and Escape in the details goes back to the list. Moving through the list (j/k, arrows, Enter)
 * belongs to the list itself.
 */
export function CaptureShortcuts({ selectedId, endpointFor, onDelete, onNotice }: CaptureShortcutsProps) {
  // The open capture's details come from the same cached query as the detail pane.
  const detail = useCaptureDetail(selectedId).data
  const [dialog, setDialog] = useState<{ kind: 'help' } | { kind: 'resend'; capture: CaptureDetail } | null>(null)

  const run = (action: ShortcutAction): boolean => {
    switch (action) {
      case 'next':
      case 'previous':
      case 'open':
        return false
      case 'search': {
        const search = document.getElementById(SEARCH_INPUT_ID) ?? document.querySelector<HTMLElement>('[data-testid=filter-text]')
        if (!(search instanceof HTMLInputElement)) return false
        search.focus()
        search.select()
        return true
      }
      case 'help':
        setDialog({ kind: 'help' })
        return true
      case 'resend':
      case 'copy-curl':
      case 'copy-body':
      case 'delete':
        runOnCapture(action)
        return true
      default: {
        const unknown: never = action
        return Boolean(unknown)
      }
    }
  }

  function runOnCapture(action: 'resend' | 'copy-curl' | 'copy-body' | 'delete'): void {
    if (selectedId === null) {
      onNotice('Open a capture first: j/k or the arrow keys move through the list.')
      return
    }
    if (action === 'delete') {
      onDelete(selectedId)
      return
    }
    if (detail === undefined || detail.id !== selectedId) {
      onNotice('The capture is still loading; try again in a moment.')
      return
    }
    switch (action) {
      case 'resend':
        if (detail.outcome === 'refused') onNotice('A refused capture has no body to resend.')
        else setDialog({ kind: 'resend', capture: detail })
        return
      case 'copy-curl':
        // The same builder as the detail's button: a large body's command is built in a worker.
        void curlForCapture(detail, endpointFor(detail.endpointId))
          .then(copyText)
          .then(
            () => {
              const leftOut = curlLeavesOut(detail)
              onNotice(leftOut === null ? 'Copied the capture as a curl command.' : `Copied the capture as a curl command; ${leftOut}.`)
            },
            () => onNotice('The clipboard is not available.'),
          )
        return
      case 'copy-body':
        void bodyTextForCopy(detail).then((body) => {
          if (!body.ok) {
            onNotice(body.problem)
            return
          }
          return copyText(body.text).then(
            () => onNotice('Copied the body.'),
            () => onNotice('The clipboard is not available.'),
          )
        })
        return
      default: {
        const unknown: never = action
        onNotice(String(unknown))
      }
    }
  }

  const onAction = useEffectEvent(run)
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (event.defaultPrevented) return
      const target = describeKeyTarget(event.target)
      if (event.key === 'Escape' && !target.isEditable && !target.isInDialog && isInDetailPane(event.target)) {
        event.preventDefault()
        focusCaptureList()
        return
      }
      const inList = event.target instanceof Element && event.target.closest('[role=listbox]') !== null
      const action = shortcutFor(event, target, inList ? 'list' : 'page')
      if (action !== null && onAction(action)) event.preventDefault()
    }
    // On window, so it runs after the page's own key handlers (React's and document listeners,
    // e.g. Escape closing an expanded body) and leaves a key any of them took.
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])

  if (dialog?.kind === 'help') return <ShortcutsDialog onClose={() => setDialog(null)} />
  if (dialog?.kind === 'resend') return <ResendDialog capture={dialog.capture} onClose={() => setDialog(null)} />
  return null
}

function isInDetailPane(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.detail-pane') !== null
}
