/** The buttons that open the replay dialogs, each owning its dialog, so the host views stay small. */
import { useState } from 'react'
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
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="open-simulator">
        Send a test callback
      </button>
      {isOpen && <SimulatorDialog initialEndpointId={endpointId} onClose={() => setIsOpen(false)} />}
    </>
  )
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
