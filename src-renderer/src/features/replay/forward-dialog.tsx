import { TargetUrlField, TimeoutSecondsField } from './replay-fields'
import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import { FORWARDED_MARK_HEADER, type ForwardConfig } from '@shared/replay'
import { requestedUrl } from '@shared/captured-path'
import { useForwardConfig, useSetForwardConfig } from '../../api/queries'
import { describeInvalidTargetUrl } from '@shared/target-url'
import { describeInvalidTimeout, FORWARD_TIMEOUT_MAX_MS, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MS } from '@shared/replay-limits'
import { ModalDialog } from '../../components/modal-dialog'
import './replay.css'
import { errorMessage } from '@shared/errors'
import { useEndpointProvider } from '../providers/use-endpoint-provider'
import { forwardPathSignatureWarning } from './forward-path-signature'
import { targetUrlExample } from './target-url-example'

interface ForwardDialogProps {
  endpoint: Endpoint
  onClose: () => void
}

/** Forward every incoming capture of an endpoint live to a target. */
export function ForwardDialog({ endpoint, onClose }: ForwardDialogProps) {
  const query = useForwardConfig(endpoint.id)
  return (
    <ModalDialog closeLink size="medium" title={`Forward “${endpoint.name}”`} onClose={onClose} testId="forward-dialog">
      {query.isPending ? (
        <p className="muted">Loading…</p>
      ) : query.error ? (
        <p className="form-error">Could not load the forward settings: {query.error.message}</p>
      ) : (
        <ForwardForm endpoint={endpoint} config={query.data.config} lastTargetUrl={query.data.lastTarget?.url ?? null} onClose={onClose} />
      )}
    </ModalDialog>
  )
}

function ForwardForm({
  endpoint,
  config,
  lastTargetUrl,
  onClose,
}: {
  endpoint: Endpoint
  config: ForwardConfig | null
  lastTargetUrl: string | null
  onClose: () => void
}) {
  const save = useSetForwardConfig()
  const [enabled, setEnabled] = useState(config?.enabled ?? true)
  const [targetUrl, setTargetUrl] = useState(config?.targetUrl ?? lastTargetUrl ?? '')
  const [mode, setMode] = useState<ForwardConfig['mode']>(config?.mode ?? 'pass-through')
  const [timeoutSeconds, setTimeoutSeconds] = useState(String((config?.timeoutMs ?? FORWARD_TIMEOUT_MS) / 1000))
  // Off by default, as in Resend: the target URL is where callbacks go, exactly.
  const [keepCapturedPath, setKeepCapturedPath] = useState(config?.keepCapturedPath ?? false)
  const endpointProvider = useEndpointProvider(endpoint.id)
  const endpointProviderId = endpointProvider.pinned ?? endpointProvider.mostSeen
  const targetExample = targetUrlExample(endpointProviderId)
  const targetProblem = describeInvalidTargetUrl(targetUrl, targetExample)
  const timeoutMs = Math.round(Number(timeoutSeconds) * 1000)
  const timeoutProblem = describeInvalidTimeout(timeoutMs, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MAX_MS)
  const isValid = targetProblem === null && timeoutProblem === null
  const pathSignatureWarning = forwardPathSignatureWarning({
    providerId: endpointProviderId,
    endpointSlug: endpoint.slug,
    signedPath: endpointProvider.signedPath,
    targetUrl,
    keepCapturedPath,
    exampleRest: EXAMPLE_REST,
  })

  function submit(): void {
    if (!isValid) return
    save.mutate({ endpointId: endpoint.id, config: { enabled, targetUrl, mode, timeoutMs, keepCapturedPath } }, { onSuccess: onClose })
  }

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} data-testid="forward-enabled" />
        Forward every callback this endpoint receives
      </label>
      <TargetUrlField value={targetUrl} problem={targetProblem} example={targetExample} testId="forward-target" onChange={setTargetUrl} />
      <label className="checkbox">
        <input type="checkbox" checked={keepCapturedPath} onChange={(event) => setKeepCapturedPath(event.target.checked)} data-testid="forward-keep-path" />
        Keep the captured path and query (after <span className="wire">/{endpoint.slug}</span>)
      </label>
      {targetProblem === null && <ForwardUrlPreview endpoint={endpoint} targetUrl={targetUrl} keepCapturedPath={keepCapturedPath} enabled={enabled} />}
      {targetProblem === null && pathSignatureWarning !== null && (
        <p className="notice notice-warning replay-small" role="note" data-testid="forward-signature-warning">
          {pathSignatureWarning}
        </p>
      )}
      <p className="field-hint" data-testid="forward-loop-note">
        This app’s own receiver cannot be a target. Forwarded requests carry <span className="wire">{FORWARDED_MARK_HEADER}</span>, and a callback that arrives
        with it is captured but not forwarded again, so endpoints forwarding to each other stop after one hop.
      </p>
      <fieldset className="forward-modes">
        <legend className="field-label">The provider gets</legend>
        <label className={`forward-mode ${mode === 'pass-through' ? 'forward-mode-active' : ''}`}>
          <input
            type="radio"
            name="forward-mode"
            checked={mode === 'pass-through'}
            onChange={() => setMode('pass-through')}
            data-testid="forward-mode-pass-through"
          />
          <span>
            <strong>Your server’s real answer</strong> (pass-through)
            <span className="field-hint">
              The provider gets your server’s real answer; after the timeout it gets this endpoint’s configured answer, and the capture says so.
            </span>
          </span>
        </label>
        <label className={`forward-mode ${mode === 'background' ? 'forward-mode-active' : ''}`}>
          <input
            type="radio"
            name="forward-mode"
            checked={mode === 'background'}
            onChange={() => setMode('background')}
            data-testid="forward-mode-background"
          />
          <span>
            <strong>The configured answer</strong> (background)
            <span className="field-hint">The provider gets the configured answer at once; your server gets a copy.</span>
          </span>
        </label>
      </fieldset>
      <TimeoutSecondsField
        value={timeoutSeconds}
        problem={timeoutProblem}
        maxSeconds={FORWARD_TIMEOUT_MAX_MS / 1000}
        testId="forward-timeout"
        onChange={setTimeoutSeconds}
      />
      {save.error && (
        <p className="form-error" role="alert" data-testid="forward-error">
          {save.error.message}
        </p>
      )}
      <div className="modal-actions">
        {config !== null && (
          <button
            type="button"
            className="button button-danger-quiet forward-remove"
            onClick={() => save.mutate({ endpointId: endpoint.id, config: null }, { onSuccess: onClose })}
            disabled={save.isPending}
            data-testid="forward-remove"
          >
            Remove
          </button>
        )}
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!isValid || save.isPending} data-testid="forward-save">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

/** Example captured path for the preview: what a provider typically appends. */
const EXAMPLE_REST = '/notify?id=1'

/**
 * Where a callback will go, computed by the same code the core sends with. With forwarding off it
 * says where callbacks would go: "is sent" read as if they were, while none is.
 */
function ForwardUrlPreview({
  endpoint,
  targetUrl,
  keepCapturedPath,
  enabled,
}: {
  endpoint: Endpoint
  targetUrl: string
  keepCapturedPath: boolean
  enabled: boolean
}) {
  const example = forwardPreview(endpoint, targetUrl, keepCapturedPath)
  const sent = enabled ? 'is sent' : 'would be sent'
  return (
    <p className="notice replay-small" data-testid="forward-url-preview" data-enabled={enabled}>
      {!enabled && <>Forwarding is off. When on: </>}
      {keepCapturedPath ? (
        <>
          {enabled ? 'A' : 'a'} callback to <span className="wire">{example.from}</span> {sent} to <span className="wire">{example.to}</span>
          {example.problem !== null && <> ({example.problem})</>}
        </>
      ) : (
        <>
          {enabled ? 'Every' : 'every'} callback {sent} to exactly <span className="wire">{example.to}</span>, whatever path it arrived on.
        </>
      )}
    </p>
  )
}

function forwardPreview(endpoint: Endpoint, targetUrl: string, keepCapturedPath: boolean): { from: string; to: string; problem: string | null } {
  const capturedTarget = `/${endpoint.slug}${EXAMPLE_REST}`
  const from = `${endpoint.url}${EXAMPLE_REST}`
  try {
    return { from, to: requestedUrl(new URL(targetUrl), capturedTarget, keepCapturedPath).href, problem: null }
  } catch (error: unknown) {
    return { from, to: targetUrl, problem: errorMessage(error) }
  }
}

/** On the endpoint item: "Forwarding → url" while forwarding is on (from `listEndpoints`: no request per endpoint). */
export function ForwardBadge({ endpoint }: { endpoint: Endpoint }) {
  const config = endpoint.forward
  if (!config?.enabled) return null
  return (
    <span
      className="forward-badge"
      title={`Every callback is forwarded to ${config.targetUrl} (${config.mode === 'pass-through' ? 'the provider gets its answer' : 'in the background'})`}
      data-testid="endpoint-forwarding"
    >
      <span aria-hidden="true">↪</span> Forwarding {config.mode === 'pass-through' ? '(pass-through)' : '(background)'} to{' '}
      <span className="wire">{config.targetUrl}</span>
    </span>
  )
}
