import { useMutation } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import type { ProcedureOutput } from '@shared/contract'
import type { HmacProviderId } from '@shared/provider-catalog'
import type { SimulatorTemplateInfo } from '@shared/replay'
import { call } from '../../api/api-client'
import { useEndpoints, useSimulatorTemplates } from '../../api/queries'
import { CopyButton } from '../../components/copy-button'
import { HMAC_PROVIDER_IDS, providerName } from '../../lib/providers'
import { describeInvalidTargetUrl } from '@shared/target-url'
import { ModalDialog } from '../../components/modal-dialog'
import { startingProvider } from '../providers/provider-context'
import { useEndpointProvider } from '../providers/use-endpoint-provider'
import { ReplayOutcomeView } from './replay-outcome'
import { SentRequest } from './sent-request'
import { targetUrlExample } from './target-url-example'
import './replay.css'

/** HMAC providers whose secret a user can type here (the API's `hmac-secret` providers). */
const HMAC_PROVIDERS = new Set<string>(HMAC_PROVIDER_IDS)

type KeySource = 'generate' | 'endpoint' | 'secret'

interface SimulatorDialogProps {
  /** The endpoint the user is looking at: the default target and key source. */
  initialEndpointId: string | null
  onClose: () => void
}

/** "Send a test callback": a realistic, correctly signed callback from a template, to any URL. */
export function SimulatorDialog({ initialEndpointId, onClose }: SimulatorDialogProps) {
  const templates = useSimulatorTemplates()
  const endpoints = useEndpoints().data ?? []
  const [templateId, setTemplateId] = useState<string | null>(null)
  const [targetKind, setTargetKind] = useState<'endpoint' | 'url'>('endpoint')
  const [targetEndpointId, setTargetEndpointId] = useState<string | null>(initialEndpointId)
  const [customUrl, setCustomUrl] = useState('')
  /** `null` until the user picks one: then it follows the endpoint (its keys when it has one for the template's provider). */
  const [chosenKeySource, setKeySource] = useState<KeySource | null>(null)
  const [keysEndpointId, setKeysEndpointId] = useState<string | null>(initialEndpointId)
  const [secret, setSecret] = useState('')

  const groups = useMemo(() => groupByProvider(templates.data ?? []), [templates.data])
  const targetEndpoint = endpoints.find((endpoint) => endpoint.id === targetEndpointId) ?? endpoints[0]
  const keysEndpoint = endpoints.find((endpoint) => endpoint.id === keysEndpointId) ?? targetEndpoint
  // Until the user picks a template, start on the target endpoint's provider (pinned, else seen most).
  const endpointProvider = useEndpointProvider(targetEndpoint?.id ?? null)
  const contextProvider = startingProvider(endpointProvider)
  const template =
    templates.data?.find((each) => each.id === templateId) ?? templates.data?.find((each) => each.provider === contextProvider) ?? templates.data?.[0] ?? null
  const keysEndpointProvider = useEndpointProvider(keysEndpoint?.id ?? null)
  const keySource: KeySource = chosenKeySource ?? (template !== null && keysEndpointProvider.keyProviders.includes(template.provider) ? 'endpoint' : 'generate')
  const targetUrl = targetKind === 'endpoint' ? (targetEndpoint?.url ?? '') : customUrl
  const targetExample = targetUrlExample(template?.provider ?? null)
  const targetProblem = describeInvalidTargetUrl(targetUrl, targetExample)
  const canTypeSecret = template !== null && template.keyKind === 'hmac-secret' && HMAC_PROVIDERS.has(template.provider)
  const effectiveKeySource: KeySource = template?.keyKind === 'none' ? 'generate' : keySource === 'secret' && !canTypeSecret ? 'generate' : keySource
  const secretProblem = effectiveKeySource === 'secret' && secret === '' ? 'Enter the secret to sign with' : null

  // What the last send asked for, so its result can say why a key was generated instead.
  const [sentWithEndpointKeys, setSentWithEndpointKeys] = useState(false)
  const simulate = useMutation({
    onMutate: () => setSentWithEndpointKeys(effectiveKeySource === 'endpoint' && keysEndpoint !== undefined && keysEndpoint !== null),
    mutationFn: () => {
      if (!template) throw new Error('Choose a template')
      return call('simulateCallback', {
        templateId: template.id,
        targetUrl,
        ...(effectiveKeySource === 'endpoint' && keysEndpoint ? { useKeysOf: keysEndpoint.id } : {}),
        ...(effectiveKeySource === 'secret' ? { keys: [{ kind: 'hmac-secret' as const, provider: template.provider as HmacProviderId, value: secret }] } : {}),
      })
    },
  })

  return (
    <ModalDialog closeLink title="Send a test callback" onClose={onClose} testId="simulator-dialog" size="wide">
      <form
        className="simulator-layout"
        onSubmit={(event) => {
          event.preventDefault()
          if (template && targetProblem === null && secretProblem === null) simulate.mutate()
        }}
      >
        <div className="form">
          <label className="field">
            <span className="field-label">Callback</span>
            <select
              className="input"
              value={template?.id ?? ''}
              onChange={(event) => setTemplateId(event.target.value)}
              disabled={!templates.data}
              // Disabled until the templates load: the dialog waits for it rather than opening on the target.
              data-autofocus
              data-testid="simulator-template"
            >
              {groups.map(([provider, items]) => (
                <optgroup key={provider} label={providerName(provider)}>
                  {items.map((item) => (
                    <option key={item.id} value={item.id}>
                      {item.title}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
            {templates.error && <span className="field-error">Could not load the templates: {templates.error.message}</span>}
            {template && (
              <span className="field-hint" data-testid="simulator-description">
                {template.description}
                {template.keyKind === 'none' && ' This provider does not sign its callbacks.'}
              </span>
            )}
          </label>

          <fieldset className="simulator-choice">
            <legend className="field-label">Send to</legend>
            <label className="checkbox">
              <input
                type="radio"
                name="sim-target"
                checked={targetKind === 'endpoint'}
                onChange={() => setTargetKind('endpoint')}
                data-testid="simulator-target-endpoint"
              />
              This app’s endpoint
              <select
                className="input input-inline"
                value={targetEndpoint?.id ?? ''}
                disabled={targetKind !== 'endpoint'}
                aria-label="Endpoint to send to"
                onChange={(event) => setTargetEndpointId(event.target.value)}
                data-testid="simulator-endpoint"
              >
                {endpoints.map((endpoint) => (
                  <option key={endpoint.id} value={endpoint.id}>
                    {endpoint.name} (/{endpoint.slug})
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="radio" name="sim-target" checked={targetKind === 'url'} onChange={() => setTargetKind('url')} data-testid="simulator-target-url" />
              Any URL
            </label>
            {targetKind === 'url' && (
              <input
                className="input wire"
                value={customUrl}
                placeholder={targetExample}
                spellCheck={false}
                aria-label="URL to send to"
                aria-invalid={customUrl !== '' && targetProblem !== null}
                onChange={(event) => setCustomUrl(event.target.value)}
                data-testid="simulator-url"
              />
            )}
            <span className="field-hint wire">{targetUrl}</span>
          </fieldset>

          {template && template.keyKind !== 'none' && (
            <fieldset className="simulator-choice">
              <legend className="field-label">Sign with</legend>
              <label className="checkbox">
                <input
                  type="radio"
                  name="sim-key"
                  checked={effectiveKeySource === 'generate'}
                  onChange={() => setKeySource('generate')}
                  data-testid="simulator-key-generate"
                />
                {template.keyKind === 'hmac-secret'
                  ? 'A secret the app generates (shown after sending)'
                  : 'A key pair the app generates (its public key is shown)'}
              </label>
              <label className="checkbox">
                <input
                  type="radio"
                  name="sim-key"
                  checked={effectiveKeySource === 'endpoint'}
                  onChange={() => setKeySource('endpoint')}
                  data-testid="simulator-key-endpoint"
                />
                The keys configured on
                <select
                  className="input input-inline"
                  value={keysEndpoint?.id ?? ''}
                  disabled={effectiveKeySource !== 'endpoint'}
                  aria-label="Endpoint whose keys sign"
                  onChange={(event) => setKeysEndpointId(event.target.value)}
                  data-testid="simulator-keys-endpoint"
                >
                  {endpoints.map((endpoint) => (
                    <option key={endpoint.id} value={endpoint.id}>
                      {endpoint.name}
                    </option>
                  ))}
                </select>
              </label>
              {canTypeSecret && (
                <label className="checkbox">
                  <input
                    type="radio"
                    name="sim-key"
                    checked={effectiveKeySource === 'secret'}
                    onChange={() => setKeySource('secret')}
                    data-testid="simulator-key-secret"
                  />
                  This secret
                </label>
              )}
              {effectiveKeySource === 'secret' && (
                <input
                  className="input wire"
                  type="password"
                  value={secret}
                  autoComplete="off"
                  aria-label="Secret to sign with"
                  onChange={(event) => setSecret(event.target.value)}
                  data-testid="simulator-secret"
                />
              )}
            </fieldset>
          )}
          {simulate.error && (
            <p className="form-error" role="alert" data-testid="simulator-error">
              {simulate.error.message}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={!template || targetProblem !== null || secretProblem !== null || simulate.isPending}
              data-testid="simulator-send"
            >
              {simulate.isPending ? 'Sending…' : 'Send'}
            </button>
          </div>
        </div>
        <div className="simulator-result" aria-live="polite">
          {simulate.data ? (
            <SimulationResult result={simulate.data} askedForEndpointKeys={sentWithEndpointKeys} />
          ) : (
            <p className="muted">The answer and the key used appear here.</p>
          )}
        </div>
      </form>
    </ModalDialog>
  )
}

/** `askedForEndpointKeys`: the callback was to be signed with an endpoint's keys (`useKeysOf`). */
function SimulationResult({ result, askedForEndpointKeys }: { result: ProcedureOutput<'simulateCallback'>; askedForEndpointKeys: boolean }) {
  const { record, key } = result
  return (
    <div data-testid="simulator-result">
      <h3 className="replay-heading">What came back</h3>
      <ReplayOutcomeView outcome={record.outcome} />
      <h3 className="replay-heading">Key</h3>
      <div className="simulator-key" data-testid="simulator-key">
        {key.kind === 'none' ? (
          <p className="muted">Not signed: this provider does not sign its callbacks.</p>
        ) : (
          <>
            <p>
              {key.generated ? 'Generated for this callback' : 'Your configured key'}
              {key.fingerprint && (
                <>
                  {' '}
                  · fingerprint <span className="wire">{key.fingerprint}</span>
                </>
              )}
            </p>
            {key.generated && askedForEndpointKeys && (
              // An endpoint that verifies with a public key (CHIP) holds nothing to sign with: say why a key was made.
              <p className="notice notice-warning" data-testid="simulator-no-signing-key">
                The endpoint holds no key this provider signs with (a public key verifies but cannot sign), so one was generated for this callback: configure it
                on the receiving side, or its signature shows as made with another key.
              </p>
            )}
            {key.generatedSecret && (
              <div className="simulator-secret-box">
                <p className="field-hint">Configure this secret on the receiving side so its verification passes:</p>
                <code className="wire simulator-pem" data-testid="simulator-generated-secret">
                  {key.generatedSecret}
                </code>
                <CopyButton text={key.generatedSecret} label="Copy secret" testId="copy-generated-secret" />
              </div>
            )}
            {key.publicKeyId && (
              <div className="simulator-secret-box">
                <p className="field-hint">Public key of the pair (Braintree: enter it beside the secret):</p>
                <code className="wire simulator-pem" data-testid="simulator-public-key-id">
                  {key.publicKeyId}
                </code>
                <CopyButton text={key.publicKeyId} label="Copy public key" testId="copy-public-key-id" />
              </div>
            )}
            {key.publicKeyWhpk && (
              <div className="simulator-secret-box">
                <p className="field-hint">Public key for the receiving side (Standard Webhooks v1a):</p>
                <code className="wire simulator-pem" data-testid="simulator-public-key-whpk">
                  {key.publicKeyWhpk}
                </code>
                <CopyButton text={key.publicKeyWhpk} label="Copy public key" testId="copy-public-key-whpk" />
              </div>
            )}
            {key.publicKeyPem && (
              <div className="simulator-secret-box">
                <p className="field-hint">Public key for the receiving side:</p>
                <pre className="wire-text simulator-pem" data-testid="simulator-public-key">
                  {key.publicKeyPem}
                </pre>
                <CopyButton text={key.publicKeyPem} label="Copy public key" testId="copy-public-key" />
              </div>
            )}
          </>
        )}
      </div>
      <details className="replay-disclosure">
        <summary>What was sent</summary>
        <SentRequest sent={record.sent} />
      </details>
    </div>
  )
}

function groupByProvider(templates: SimulatorTemplateInfo[]): Array<[string, SimulatorTemplateInfo[]]> {
  const groups = new Map<string, SimulatorTemplateInfo[]>()
  for (const template of templates) {
    const list = groups.get(template.provider) ?? []
    list.push(template)
    groups.set(template.provider, list)
  }
  return [...groups.entries()]
}
