import { useState } from 'react'
import {
  adviseAgainstIpServerUrl,
  describeInvalidServerUrl,
  describeInvalidSubdomain,
  DEFAULT_TUNNEL_SERVER_URL,
  type TunnelSettings,
  type TunnelState,
} from '@shared/tunnel'
import { useTunnelAction } from '../../api/queries'
import { CopyButton } from '../../components/copy-button'
import { formatFullTime } from '../../lib/format'
import { ModalDialog } from '../../components/modal-dialog'
import {
  askingLine,
  formatCountdown,
  hasCountdown,
  isRunning,
  problemSentence,
  standInExplanation,
  standInHeadline,
  standInKeepHint,
  provedAtShown,
  tunnelProofLine,
  tunnelShortLabel,
  useNow,
} from './tunnel-format'
import { useCurrentTunnel } from './use-current-tunnel'
import './tunnel.css'

/** The top bar's tunnel control: live state at a glance, the public URL, and a dialog for the rest. */
export function TunnelControl() {
  const { data, error, isCurrent } = useCurrentTunnel()
  const [isOpen, setIsOpen] = useState(false)
  const now = useNow(isCurrent && hasCountdown(data?.state))
  if (error && !data) {
    return (
      <span className="tunnel-pill tunnel-failed" title={error.message} data-testid="tunnel-control" data-status="unknown">
        Tunnel unavailable
      </span>
    )
  }
  if (!data) return null
  const { state } = data
  // One tree whatever the state, so an open dialog (and its settings draft) lives through a lost connection.
  const status = isCurrent ? state.status : 'unknown'
  const title = !isCurrent
    ? `Not connected to the app, so the tunnel’s state is not known (it was “${tunnelShortLabel(state, now)}” when the connection was lost). It refreshes when the app is reachable again.`
    : state.status === 'failed'
      ? state.reason
      : 'Public URL through a tunnel'
  return (
    <span className="tunnel-control" data-testid="tunnel-control" data-status={status}>
      <button
        type="button"
        className={`tunnel-pill tunnel-${status}`}
        onClick={() => setIsOpen(true)}
        title={title}
        aria-haspopup="dialog"
        data-testid="tunnel-toggle"
      >
        <span className="tunnel-dot" aria-hidden="true" />
        <span data-testid="tunnel-pill-label">{isCurrent ? tunnelShortLabel(state, now) : 'Tunnel state unknown'}</span>
      </button>
      {isCurrent && state.status === 'online' && (
        <>
          <code className="wire tunnel-url-inline" data-testid="tunnel-url-topbar">
            {state.url}
          </code>
          <CopyButton text={state.url} label="Copy" title="Copy the public base URL" testId="copy-tunnel-url-topbar" />
        </>
      )}
      {isOpen && <TunnelDialog settings={data.settings} state={state} isCurrent={isCurrent} onClose={() => setIsOpen(false)} />}
    </span>
  )
}

/** Prominent, under the top bar: the server handed out another subdomain than the one asked for. */
export function TunnelBanner() {
  const { data, isCurrent } = useCurrentTunnel()
  const state = data?.state
  const now = useNow(isCurrent && state?.status === 'online' && state.subdomainChanged && hasCountdown(state))
  if (!isCurrent || state?.status !== 'online' || !state.subdomainChanged) return null
  return (
    <div className="banner banner-danger" role="alert" data-testid="tunnel-subdomain-warning">
      <div className="banner-content">
        <strong>{standInHeadline(state.requestedSubdomain, state.requestedSubdomainSource, state.subdomain)}</strong>{' '}
        {standInExplanation(state.requestedSubdomain, state.requestedSubdomainSource, state.nextReclaimAt, now)} Until then callbacks reach it only at{' '}
        <code className="wire">{state.url}</code> <CopyButton text={state.url} label="Copy" testId="copy-changed-url" />{' '}
        {standInKeepHint(state.requestedSubdomainSource, state.subdomain)}
      </div>
    </div>
  )
}

/**
 * Why the URL changed and that it is not for good: the app keeps asking for the name it wants and
 * moves back to it (README "Public URL (tunnel)"), so a provider pointed at the stand-in for good
 * would lose its callbacks when it does.
 */
function TunnelDialog({
  settings,
  state,
  isCurrent,
  onClose,
}: {
  settings: TunnelSettings
  state: TunnelState
  /** False while this tab is not connected to the app: `state` is the last one it heard of. */
  isCurrent: boolean
  onClose: () => void
}) {
  const action = useTunnelAction()
  const now = useNow(true)
  const running = isRunning(state)
  return (
    <ModalDialog closeLink size="medium" title="Public URL (tunnel)" onClose={onClose} testId="tunnel-dialog">
      <p className="muted tunnel-intro">
        A provider’s sandbox can only call a public URL. The tunnel exposes this app’s receiver (only the receiver: never the UI or the API) at a public
        address.
      </p>
      {isCurrent ? (
        <TunnelStateView state={state} now={now} />
      ) : (
        <p className="notice notice-warning" role="status" data-testid="tunnel-state-unknown">
          <strong>Not connected to the app: the tunnel’s state is not known.</strong> When the connection was lost it was “{tunnelShortLabel(state, now)}”
          {state.status === 'online' && (
            <>
              {' '}
              at <span className="wire">{state.url}</span>
            </>
          )}
          . This refreshes when the app is reachable again.
        </p>
      )}
      <div className="tunnel-actions">
        {running ? (
          <button
            type="button"
            className="button"
            onClick={() => action.mutate({ kind: 'stop' })}
            disabled={action.isPending || !isCurrent}
            data-testid="tunnel-stop"
          >
            {action.isPending && action.variables?.kind === 'stop' ? 'Stopping…' : 'Stop tunnel'}
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => action.mutate({ kind: 'start' })}
            disabled={action.isPending || !isCurrent}
            autoFocus
            data-testid="tunnel-start"
          >
            {action.isPending && action.variables?.kind === 'start' ? 'Starting…' : 'Start tunnel'}
          </button>
        )}
        {action.error && action.variables?.kind !== 'settings' && (
          <span className="form-error" role="alert">
            {action.error.message}
          </span>
        )}
      </div>
      <p className="field-hint tunnel-privacy-note" data-testid="tunnel-privacy-note">
        The tunnel server sees every callback, and its link to this app is unencrypted: what it relays (headers, signatures, bodies) and the answers cross the
        internet in clear. A “close” or “reset” answer reaches the caller as no answer at all, until the caller gives up.
      </p>
      <TunnelSettingsForm settings={settings} isRunning={running} />
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  )
}

function TunnelStateView({ state, now }: { state: TunnelState; now: number }) {
  const provedAt = provedAtShown(state)
  return (
    <div className={`tunnel-state tunnel-state-${state.status}`} data-testid="tunnel-state" data-status={state.status} aria-live="polite">
      <p className="tunnel-state-line">
        <span className={`tunnel-pill tunnel-${state.status} tunnel-pill-static`}>
          <span className="tunnel-dot" aria-hidden="true" />
          {tunnelShortLabel(state, now)}
        </span>
        <span className="muted"> via {state.serverUrl}</span>
      </p>
      {state.status === 'online' && (
        <>
          <p className="tunnel-url-row">
            <code className="wire tunnel-url" data-testid="tunnel-public-url">
              {state.url}
            </code>
            <CopyButton text={state.url} label="Copy URL" testId="copy-tunnel-url" />
          </p>
          {state.subdomainChanged && (
            <p className="notice notice-danger" data-testid="tunnel-dialog-subdomain-warning">
              {standInHeadline(state.requestedSubdomain, state.requestedSubdomainSource, state.subdomain)}{' '}
              {standInExplanation(state.requestedSubdomain, state.requestedSubdomainSource, state.nextReclaimAt, now)}{' '}
              {standInKeepHint(state.requestedSubdomainSource, state.subdomain)}
            </p>
          )}
          <p className="muted replay-small">Online since {formatFullTime(state.onlineSince)}</p>
        </>
      )}
      {state.status === 'connecting' && (
        <p className="muted" data-testid="tunnel-asking">
          {askingLine(state.requestedSubdomain, state.requestedSubdomainSource)}
        </p>
      )}
      {(state.status === 'reconnecting' || state.status === 'failed') && (
        <div className={`notice ${state.status === 'failed' ? 'notice-danger' : 'notice-warning'}`} data-testid="tunnel-problem">
          <strong>{problemSentence(state.status === 'failed' ? state.reason : state.lastError.message)}</strong>
          <br />
          {state.nextAttemptAt ? (
            <span data-testid="tunnel-next-attempt">
              Next attempt (#{state.attempt}
              {state.requestedSubdomain ? `, asking for “${state.requestedSubdomain}”` : ''}) {formatCountdown(state.nextAttemptAt, now)}.
            </span>
          ) : (
            <span>Retrying cannot help: change the settings below.</span>
          )}
        </div>
      )}
      <p
        className="muted replay-small"
        title={provedAt !== null ? formatFullTime(provedAt) : undefined}
        data-testid="tunnel-last-proved"
        data-proved={state.lastProvedAt !== null}
      >
        {tunnelProofLine(state, now)}
      </p>
    </div>
  )
}

function TunnelSettingsForm({ settings, isRunning: running }: { settings: TunnelSettings; isRunning: boolean }) {
  const action = useTunnelAction()
  const [subdomain, setSubdomain] = useState(settings.subdomain ?? '')
  const [serverUrl, setServerUrl] = useState(settings.serverUrl)
  const [startWithApp, setStartWithApp] = useState(settings.startWithApp)
  /** After a save: whether it restarted the running tunnel (a new server or subdomain does; "start with the app" does not). */
  const [saved, setSaved] = useState<{ restarted: boolean } | null>(null)
  const subdomainProblem = subdomain === '' ? null : describeInvalidSubdomain(subdomain)
  const serverProblem = describeInvalidServerUrl(serverUrl)
  const ipAdvice = adviseAgainstIpServerUrl(serverUrl)
  const isDirty = subdomain !== (settings.subdomain ?? '') || serverUrl !== settings.serverUrl || startWithApp !== settings.startWithApp
  return (
    <form
      className="form tunnel-settings"
      data-testid="tunnel-settings"
      onSubmit={(event) => {
        event.preventDefault()
        if (subdomainProblem || serverProblem) return
        setSaved(null)
        const nextSubdomain = subdomain === '' ? null : subdomain
        const restarts = running && (serverUrl !== settings.serverUrl || nextSubdomain !== settings.subdomain)
        action.mutate(
          { kind: 'settings', input: { subdomain: nextSubdomain, serverUrl, startWithApp } },
          { onSuccess: () => setSaved({ restarted: restarts }) },
        )
      }}
    >
      <h3 className="replay-heading">Settings</h3>
      <label className="field">
        <span className="field-label">Subdomain</span>
        <input
          className="input wire"
          value={subdomain}
          placeholder="random"
          spellCheck={false}
          autoCapitalize="off"
          aria-invalid={subdomainProblem !== null}
          onChange={(event) => setSubdomain(event.target.value.trim())}
          data-testid="tunnel-subdomain"
        />
        {subdomainProblem ? (
          <span className="field-error">{subdomainProblem}</span>
        ) : (
          <span className="field-hint">Asked for again on every start and reconnect. Empty: the server picks one.</span>
        )}
      </label>
      <label className="field">
        <span className="field-label">Tunnel server</span>
        <input
          className="input wire"
          value={serverUrl}
          spellCheck={false}
          aria-invalid={serverProblem !== null}
          onChange={(event) => setServerUrl(event.target.value.trim())}
          data-testid="tunnel-server-url"
        />
        {serverProblem ? (
          <span className="field-error">{serverProblem}</span>
        ) : ipAdvice ? (
          <span className="field-error" data-testid="tunnel-server-ip-advice">
            Note: {ipAdvice}.
          </span>
        ) : (
          <span className="field-hint">
            The public server is {DEFAULT_TUNNEL_SERVER_URL}; or your self-hosted localtunnel server, by its domain name (it builds public URLs from the name it
            is called by, so an IP address does not work).{' '}
            {serverUrl !== DEFAULT_TUNNEL_SERVER_URL && (
              <button type="button" className="link-button" onClick={() => setServerUrl(DEFAULT_TUNNEL_SERVER_URL)}>
                Use the public server
              </button>
            )}
          </span>
        )}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={startWithApp} onChange={(event) => setStartWithApp(event.target.checked)} data-testid="tunnel-start-with-app" />
        Start the tunnel with the app
      </label>
      {action.error && (
        <p className="form-error" role="alert" data-testid="tunnel-settings-error">
          {action.error.message}
        </p>
      )}
      <div className="tunnel-settings-actions">
        {saved && !isDirty && (
          // Said of the save, not of the state now: "Saved; the tunnel restarts with them" appeared
          // as soon as the tunnel was started after a save made while it was off.
          <span className="muted replay-small" role="status" data-testid="tunnel-saved">
            {saved.restarted ? 'Saved; the tunnel restarted with them.' : 'Saved.'}
          </span>
        )}
        <button
          type="submit"
          className="button"
          disabled={!isDirty || subdomainProblem !== null || serverProblem !== null || action.isPending}
          data-testid="tunnel-save"
        >
          {action.isPending ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  )
}
