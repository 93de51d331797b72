/** "Keys & provider" for one endpoint: pin a provider, which path was signed, tolerance, and the keys. */
import { useId, useState } from 'react'
import type { Endpoint, ProviderSettingsView } from '@shared/views'
import type { PinnableProviderId } from '@shared/providers'
import { useProviderSettings, useRemoveKey, useSetProviderSettings } from '../../api/queries'
import { atOrBefore, useFocusAfterChange, WAIT } from '../../components/focus-after-change'
import { ModalDialog } from '../../components/modal-dialog'
import { formatFullTime } from '../../lib/format'
import { PINNABLE_PROVIDER_IDS, providerName } from '../../lib/providers'
import { KeyForm } from './key-form'
import { keyFormStartFor, signedPathIrrelevance, startingProvider, type CaptureKeyHint } from './provider-context'
import { useEndpointProvider } from './use-endpoint-provider'
import './providers.css'

interface ProviderSettingsDialogProps {
  endpoint: Endpoint
  /** Opened from a capture ("Add a key…"): the key form starts on its provider and key kind, in view. */
  fromCapture?: CaptureKeyHint
  onClose: () => void
  /** Where focus goes on closing when the opener may have gone meanwhile (see ModalDialog). */
  returnFocusTo?: () => HTMLElement | null
}

export function ProviderSettingsDialog({ endpoint, fromCapture, onClose, returnFocusTo }: ProviderSettingsDialogProps) {
  const { data, error, isPending } = useProviderSettings(endpoint.id)
  const endpointProvider = useEndpointProvider(endpoint.id)
  return (
    <ModalDialog title={`Keys & provider: ${endpoint.name}`} onClose={onClose} returnFocusTo={returnFocusTo} testId="provider-settings-dialog">
      <div className="settings-dialog">
        {isPending || !endpointProvider.isSettled ? (
          <p className="muted">Loading…</p>
        ) : error ? (
          <p className="form-error" role="alert">
            Could not load the settings: {error.message}
          </p>
        ) : (
          <>
            <p className="notice key-protection" data-testid="key-protection">
              {data.keyProtection === 'safe-storage'
                ? 'Keys are encrypted at rest with the OS keychain (Electron safeStorage).'
                : 'Keys are kept in a file only you can read (secrets/keys.json, mode 0600, in the data folder).'}{' '}
              Secrets are never shown again, logged or exported: only a masked form and a fingerprint.
            </p>
            <RecognitionSettings endpoint={endpoint} view={data} />
            <KeyList endpoint={endpoint} view={data} />
            <section className="settings-section">
              <h3 className="settings-heading">Add a key</h3>
              <KeyForm
                endpoint={endpoint}
                start={keyFormStartFor(
                  startingProvider({ capture: fromCapture?.provider, pinned: data.pinnedProvider, mostSeen: endpointProvider.mostSeen }),
                  fromCapture?.receivedSignatures,
                )}
                focusOnMount={fromCapture !== undefined}
              />
            </section>
          </>
        )}
      </div>
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose} data-testid="provider-settings-close">
          Close
        </button>
      </div>
    </ModalDialog>
  )
}

type PathMode = ProviderSettingsView['signedPath']['mode']

function RecognitionSettings({ endpoint, view }: { endpoint: Endpoint; view: ProviderSettingsView }) {
  const id = useId()
  const save = useSetProviderSettings()
  const [pinned, setPinned] = useState<PinnableProviderId | ''>(view.pinnedProvider ?? '')
  const [pathMode, setPathMode] = useState<PathMode>(view.signedPath.mode)
  const [fixedPath, setFixedPath] = useState(view.signedPath.mode === 'fixed' ? view.signedPath.path : '/')
  const [tolerance, setTolerance] = useState(view.toleranceSeconds === null ? '' : String(view.toleranceSeconds))
  const [error, setError] = useState<string | null>(null)
  // "Saved" shows while the form still holds the values last saved (derived, not reset by an effect).
  const formValues = JSON.stringify([pinned, pathMode, fixedPath, tolerance])
  const [savedValues, setSavedValues] = useState<string | null>(null)
  const saved = savedValues === formValues

  const toleranceNumber = tolerance.trim() === '' ? null : Number(tolerance)
  const toleranceError =
    toleranceNumber !== null && (!Number.isInteger(toleranceNumber) || toleranceNumber < 1 || toleranceNumber > 31_536_000)
      ? 'Whole seconds from 1 to 31536000, or empty for the scheme default.'
      : null
  const fixedPathError = pathMode === 'fixed' && !fixedPath.startsWith('/') ? 'A signed path starts with /.' : null
  const pathIrrelevance = signedPathIrrelevance(pinned === '' ? null : pinned, providerName)

  function submit(event: React.FormEvent): void {
    event.preventDefault()
    if (toleranceError || fixedPathError) return
    setError(null)
    save.mutate(
      {
        endpointId: endpoint.id,
        pinnedProvider: pinned === '' ? null : pinned,
        signedPath: pathMode === 'fixed' ? { mode: 'fixed', path: fixedPath } : { mode: pathMode },
        toleranceSeconds: toleranceNumber,
      },
      { onSuccess: () => setSavedValues(formValues), onError: (caught) => setError(caught.message) },
    )
  }

  return (
    <form className="settings-section form" onSubmit={submit} data-testid="recognition-form">
      <h3 className="settings-heading">Recognition</h3>
      <label className="field">
        <span className="field-label">Provider</span>
        <select className="input" value={pinned} onChange={(event) => setPinned(event.target.value as PinnableProviderId | '')} data-testid="pinned-provider">
          <option value="">Auto-detect from each request</option>
          {PINNABLE_PROVIDER_IDS.map((each) => (
            <option key={each} value={each}>
              This endpoint receives {providerName(each)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="fieldset">
        <legend>Signed path</legend>
        <p className="field-hint">
          Only IXOPAY signs the request target: the path and query the gateway requested, which on this endpoint include{' '}
          <code className="wire">/{endpoint.slug}</code> only if the callback URL you gave it does. Other providers are checked the same whatever this says.
        </p>
        {pathIrrelevance && (
          <p className="field-hint" data-testid="signed-path-irrelevant">
            {pathIrrelevance}
          </p>
        )}
        <label className="radio-line">
          <input
            type="radio"
            name={`${id}-path`}
            checked={pathMode === 'as-received'}
            onChange={() => setPathMode('as-received')}
            data-testid="signed-path-as-received"
          />
          As received <span className="muted">(e.g. an IXOPAY callback at /{endpoint.slug}/callbacks/ixopay?orderId=1001)</span>
        </label>
        <label className="radio-line">
          <input
            type="radio"
            name={`${id}-path`}
            checked={pathMode === 'without-endpoint-prefix'}
            onChange={() => setPathMode('without-endpoint-prefix')}
            data-testid="signed-path-without-prefix"
          />
          Without the endpoint prefix <span className="muted">(/callbacks/ixopay?orderId=1001: behind a proxy or tunnel that strips /{endpoint.slug})</span>
        </label>
        <label className="radio-line">
          <input type="radio" name={`${id}-path`} checked={pathMode === 'fixed'} onChange={() => setPathMode('fixed')} data-testid="signed-path-fixed" />A fixed
          path
        </label>
        {pathMode === 'fixed' && (
          <input
            className="input wire"
            value={fixedPath}
            aria-label="Fixed signed path"
            aria-invalid={fixedPathError !== null}
            onChange={(event) => setFixedPath(event.target.value)}
            data-testid="signed-path-fixed-value"
          />
        )}
        {fixedPathError && <p className="field-error">{fixedPathError}</p>}
      </fieldset>
      <label className="field">
        <span className="field-label">Timestamp tolerance (seconds)</span>
        <input
          className="input tolerance-input"
          inputMode="numeric"
          value={tolerance}
          placeholder="scheme default"
          aria-invalid={toleranceError !== null}
          onChange={(event) => setTolerance(event.target.value)}
          data-testid="tolerance"
        />
        <span className="field-hint">For time-bound schemes (Stripe, Standard Webhooks…). Empty keeps each scheme's default.</span>
        {toleranceError && <span className="field-error">{toleranceError}</span>}
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="recognition-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="recognition-save">
          {save.isPending ? 'Saving…' : 'Save recognition settings'}
        </button>
        {saved && (
          <span className="text-ok" role="status" data-testid="recognition-saved">
            Saved; verdicts are recomputed.
          </span>
        )}
      </div>
    </form>
  )
}

function KeyList({ endpoint, view }: { endpoint: Endpoint; view: ProviderSettingsView }) {
  const removeKey = useRemoveKey()
  const { root, focusAfterChange } = useFocusAfterChange<HTMLElement>()
  const [confirming, setConfirming] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  return (
    <section ref={root} className="settings-section">
      <h3 className="settings-heading">Keys ({view.keys.length})</h3>
      {view.keys.length === 0 ? (
        <p className="muted" data-testid="keys-empty">
          No keys yet: signed callbacks show “no key configured”.
        </p>
      ) : (
        <ul className="key-list" data-testid="key-list">
          {view.keys.map(({ id, createdAt, descriptor }, index) => (
            <li key={id} className="key-item" data-testid="key-item" data-key-id={id} data-fingerprint={descriptor.fingerprint}>
              <div className="key-main">
                <span className="provider-badge">{providerName(descriptor.provider)}</span>
                <span className="key-kind">{descriptor.kind}</span>
                {descriptor.label && <strong className="key-label">{descriptor.label}</strong>}
              </div>
              <div className="key-facts">
                <code className="wire">{descriptor.masked}</code>
                <span className="muted">
                  {' '}
                  · fingerprint{' '}
                  <code className="wire" data-testid="key-fingerprint">
                    {descriptor.fingerprint}
                  </code>{' '}
                  · added {formatFullTime(createdAt)}
                </span>
              </div>
              {descriptor.details.length > 0 && (
                <dl className="inline-facts key-details">
                  {descriptor.details.map((detail, index) => (
                    <div key={index}>
                      <dt>{detail.label}</dt>
                      <dd>{detail.value}</dd>
                    </div>
                  ))}
                </dl>
              )}
              <div className="key-actions">
                {confirming === id ? (
                  <>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      // Not `disabled`: disabling the focused button while the key is removed dropped focus to <body>.
                      aria-disabled={removeKey.isPending}
                      onClick={() => {
                        if (removeKey.isPending) return
                        // Once the key has left the list: the next key's Remove (or the one before), else the key form.
                        focusAfterChange((section) =>
                          section.querySelector(`[data-key-id="${id}"]`)
                            ? WAIT
                            : (atOrBefore(section, '[data-testid=key-remove]', index) ??
                              section.closest('dialog')?.querySelector<HTMLElement>('[data-key-main-field]')),
                        )
                        removeKey.mutate(
                          { endpointId: endpoint.id, keyId: id },
                          {
                            onSuccess: () => setConfirming(null),
                            onError: (caught) => {
                              focusAfterChange(() => null)
                              setError(caught.message)
                            },
                          },
                        )
                      }}
                      data-testid="key-remove-confirm"
                    >
                      Remove this key
                    </button>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => {
                        // Back to this key's Remove, which takes the place of these two buttons.
                        focusAfterChange((section) => section.querySelector<HTMLElement>(`[data-key-id="${id}"] [data-testid=key-remove]`))
                        setConfirming(null)
                      }}
                      data-testid="key-remove-keep"
                    >
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" className="link-button link-danger" onClick={() => setConfirming(id)} data-testid="key-remove">
                    Remove
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
