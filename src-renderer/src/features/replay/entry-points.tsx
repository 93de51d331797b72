/** The buttons that open the replay dialogs, each owning its dialog, so the host views stay small. */
import { useEffect, useState } from 'react'
import type { CaptureDetail, Endpoint } from '@shared/views'
import { PreflightDialog } from '../tunnel/preflight-dialog'
import { BulkReplayDialog, type BulkReplayChoices } from './bulk-replay-dialog'
import { ForwardDialog } from './forward-dialog'
import { ResendDialog } from './resend-dialog'
import { SimulatorDialog } from './simulator-dialog'
import './replay.css'

/** Capture detail: "Resend". */
export function ResendButton({ capture }: { capture: CaptureDetail }) {
  const [isOpen, setIsOpen] = useState(false)
  if (capture.outcome === 'refused') return null
  return (
    <>
      <button type="button" className="button button-small button-primary" onClick={() => setIsOpen(true)} data-testid="resend-capture">
        Resend…
      </button>
      {isOpen && <ResendDialog capture={capture} onClose={() => setIsOpen(false)} />}
    </>
  )
}

/** Capture list header: "Replay…" the endpoint's captures, those matching the filter, or the selection. */
export function BulkReplayButton({ choices }: { choices: BulkReplayChoices }) {
  const [isOpen, setIsOpen] = useState(false)
  const { endpoint } = choices
  if (!endpoint || endpoint.captureCount === 0) return null
  return (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={() => setIsOpen(true)}
        title={`Replay the ${endpoint.captureCount} captures of ${endpoint.name} to a target`}
        data-testid="bulk-replay"
      >
        Replay…
      </button>
      {isOpen && <BulkReplayDialog choices={choices} onClose={() => setIsOpen(false)} />}
    </>
  )
}

/** Top bar: "Send a test callback". */
export function SimulateButton({ endpointId }: { endpointId: string | null }) {
  // The endpoint it was opened for: the one on screen, or the one another view asked for.
  const [openFor, setOpenFor] = useState<{ endpointId: string | null } | null>(null)
  useEffect(() => {
    function onRequest(event: Event): void {
      if (event instanceof CustomEvent && typeof event.detail === 'string') setOpenFor({ endpointId: event.detail })
    }
    window.addEventListener(OPEN_SIMULATOR_EVENT, onRequest)
    return () => window.removeEventListener(OPEN_SIMULATOR_EVENT, onRequest)
  }, [])
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setOpenFor({ endpointId })} data-testid="open-simulator">
        Send a test callback
      </button>
      {openFor && <SimulatorDialog initialEndpointId={openFor.endpointId} onClose={() => setOpenFor(null)} />}
    </>
  )
}

const OPEN_SIMULATOR_EVENT = 'callback-inspector:open-simulator'

/**
 * Opens the top bar's simulator aimed at `endpointId`. A view that asks (the empty capture list)
 * does not own the dialog: it goes away as soon as the simulated callback arrives.
 */
export function openSimulatorFor(endpointId: string): void {
  window.dispatchEvent(new CustomEvent(OPEN_SIMULATOR_EVENT, { detail: endpointId }))
}

/** Endpoint item: "Forward…" and "Check URL…". */
export function EndpointReplayActions({ endpoint }: { endpoint: Endpoint }) {
  const [dialog, setDialog] = useState<'forward' | 'preflight' | null>(null)
  return (
    <>
      <button type="button" className="link-button endpoint-replay-action" onClick={() => setDialog('forward')} data-testid="forward-endpoint">
        Forward
      </button>
      <button
        type="button"
        className="link-button endpoint-replay-action"
        onClick={() => setDialog('preflight')}
        title="Check this endpoint's public URL against a provider's rules"
        data-testid="check-public-url"
      >
        Check URL
      </button>
      {dialog === 'forward' && <ForwardDialog endpoint={endpoint} onClose={() => setDialog(null)} />}
      {dialog === 'preflight' && <PreflightDialog endpoint={endpoint} onClose={() => setDialog(null)} />}
    </>
  )
}

export { ForwardBadge } from './forward-dialog'
export { ReplayHistory } from './replay-history'
