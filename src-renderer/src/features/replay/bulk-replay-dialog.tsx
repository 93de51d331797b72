import { TargetUrlField } from './replay-fields'
import { useState } from 'react'
import { normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'
import type { ProcedureInput } from '@shared/contract'
import type { BulkJobView, Endpoint } from '@shared/views'
import { call } from '../../api/api-client'
import { useEndpoints, useForwardConfig } from '../../api/queries'
import { formatCount } from '../../lib/format'
import { describeInvalidTargetUrl } from '@shared/target-url'
import { BULK_MAX_CONCURRENCY, BULK_MAX_RATE_PER_SECOND } from '@shared/replay-limits'
import { ModalDialog } from '../../components/modal-dialog'
import { describeCaptureFilter } from '../captures/capture-filter-labels'
import { providerName } from '../../lib/providers'
import { ASYMMETRIC_PROVIDERS, PrivateKeyField, privateKeyFor, privateKeyProblem, type AsymmetricProvider } from './private-key-field'
import { BulkProgress } from './bulk-replay-progress'
import { errorMessage } from '@shared/errors'
import { bulkOrderHint } from './bulk-order-hint'
import { useEndpointProvider } from '../providers/use-endpoint-provider'
import { EXAMPLE_CALLBACK_REST, forwardPathSignatureWarning } from './forward-path-signature'
import { targetUrlExample } from './target-url-example'
import { replayedProvider, signedPathEndpointOf, type SelectedCapture } from './replayed-provider'

/** What the capture list on screen offers to replay. */
export interface BulkReplayChoices {
  /** The endpoint on screen; `undefined` in the all-endpoints view, where only a selection can be replayed. */
  endpoint: Endpoint | undefined
  /** Ticked captures, in any order: the core replays them oldest first. */
  selectedIds: readonly string[]
  /** The recognised provider and the endpoint of each ticked capture (absent where nothing is replayed, as in Export). */
  selectedCaptures?: ReadonlyArray<SelectedCapture>
  /** The list's filter while one is active, and how many captures match it. */
  filter: { value: CaptureFilter; matchCount: number } | null
}

export type BulkReplayScope = 'selection' | 'filter' | 'endpoint'

interface ScopeOption {
  scope: BulkReplayScope
  count: number
  label: string
  /** What the filter keeps, for the filter scope. */
  detail?: string
}

function captures(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'capture' : 'captures'}`
}

/** The scopes on offer, narrowest first. */
function scopeOptions({ endpoint, selectedIds, filter }: BulkReplayChoices): ScopeOption[] {
  const options: ScopeOption[] = []
  if (selectedIds.length > 0) {
    options.push({
      scope: 'selection',
      count: selectedIds.length,
      label: selectedIds.length === 1 ? 'The selected capture' : `The ${captures(selectedIds.length)} selected`,
    })
  }
  if (endpoint && filter) {
    options.push({
      scope: 'filter',
      count: filter.matchCount,
      label: `The ${captures(filter.matchCount)} matching the filter`,
      detail: describeCaptureFilter(filter.value),
    })
  }
  if (endpoint)
    options.push({ scope: 'endpoint', count: endpoint.captureCount, label: `Every capture of “${endpoint.name}” (${captures(endpoint.captureCount)})` })
  return options
}

/** The `startBulkReplay` input that names a scope's captures. */
function scopeInput(scope: BulkReplayScope, choices: BulkReplayChoices): Pick<ProcedureInput<'startBulkReplay'>, 'captureIds' | 'endpointId' | 'filter'> {
  if (scope === 'selection') return { captureIds: [...choices.selectedIds] }
  const endpointId = choices.endpoint?.id
  if (scope === 'filter') return { endpointId, filter: normalizeCaptureFilter(choices.filter?.value) }
  return { endpointId }
}

interface BulkReplayDialogProps {
  choices: BulkReplayChoices
  /** The scope chosen when the dialog opens (if on offer); else the narrowest one. */
  initialScope?: BulkReplayScope
  onClose: () => void
}

/** Replays a selection, the captures matching the filter, or every capture of the endpoint, oldest first. */
export function BulkReplayDialog({ choices, initialScope, onClose }: BulkReplayDialogProps) {
  const [job, setJob] = useState<BulkJobView | null>(null)
  const title = choices.endpoint ? `Replay captures of “${choices.endpoint.name}”` : 'Replay selected captures'
  return (
    <ModalDialog closeLink title={title} onClose={onClose} testId="bulk-replay-dialog" size="wide">
      {job ? <BulkProgress initial={job} onClose={onClose} /> : <BulkForm choices={choices} initialScope={initialScope} onStarted={setJob} onClose={onClose} />}
    </ModalDialog>
  )
}

interface BulkFormProps {
  choices: BulkReplayChoices
  initialScope: BulkReplayScope | undefined
  onStarted: (job: BulkJobView) => void
  onClose: () => void
}

function BulkForm({ choices, initialScope, onStarted, onClose }: BulkFormProps) {
  const options = scopeOptions(choices)
  const [chosenScope, setChosenScope] = useState<BulkReplayScope | undefined>(initialScope)
  // A scope that went away meanwhile (the selection was cleared) falls back to the narrowest one left.
  const chosen = options.find((option) => option.scope === chosenScope) ?? options[0]
  const forward = useForwardConfig(choices.endpoint?.id ?? null)
  const lastTarget = forward.data?.lastTarget ?? null
  const [targetDraft, setTargetDraft] = useState<string | null>(null)
  const [keepPathDraft, setKeepPathDraft] = useState<boolean | null>(null)
  const targetUrl = targetDraft ?? lastTarget?.url ?? ''
  const keepCapturedPath = keepPathDraft ?? lastTarget?.keepCapturedPath ?? false
  const [resign, setResign] = useState(false)
  const [keyProvider, setKeyProvider] = useState<AsymmetricProvider | null>(null)
  const [privateKeyText, setPrivateKeyText] = useState('')
  const privateKey = resign ? privateKeyFor(keyProvider, privateKeyText) : null
  const keyProblem = resign ? privateKeyProblem(keyProvider, privateKeyText) : null
  const [pacing, setPacing] = useState<'concurrency' | 'rate'>('concurrency')
  const [concurrency, setConcurrency] = useState('4')
  const [rate, setRate] = useState('10')
  const [error, setError] = useState<string | null>(null)
  const [isStarting, setIsStarting] = useState(false)

  // IXOPAY's signature covers the path, so another path needs Re-sign. The endpoint on screen, or
  // (All captures, where only the selection is offered) the one the selected IXOPAY captures came to.
  const selected = choices.selectedCaptures ?? []
  const endpointId = choices.endpoint?.id ?? signedPathEndpointOf(selected)
  const endpointProvider = useEndpointProvider(endpointId)
  const endpoints = useEndpoints()
  const signedEndpoint = choices.endpoint ?? endpoints.data?.find((endpoint) => endpoint.id === endpointId)
  const replayed = replayedProvider(
    chosen?.scope,
    selected.map((capture) => capture.providerId),
    endpointProvider.pinned ?? endpointProvider.mostSeen,
  )
  const targetExample = targetUrlExample(choices.endpoint || chosen?.scope === 'selection' ? replayed.example : null)
  const targetProblem = describeInvalidTargetUrl(targetUrl, targetExample)
  const pathSignatureWarning = signedEndpoint
    ? forwardPathSignatureWarning({
        providerId: replayed.signedPath,
        endpointSlug: signedEndpoint.slug,
        signedPath: endpointProvider.signedPath,
        targetUrl,
        keepCapturedPath,
        exampleRest: EXAMPLE_CALLBACK_REST,
        resign,
      })
    : null
  const concurrencyValue = Number(concurrency)
  const rateValue = Number(rate)
  const pacingProblem =
    pacing === 'concurrency'
      ? Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= BULK_MAX_CONCURRENCY
        ? null
        : `a whole number from 1 to ${BULK_MAX_CONCURRENCY}`
      : rateValue > 0 && rateValue <= BULK_MAX_RATE_PER_SECOND
        ? null
        : `more than 0, at most ${BULK_MAX_RATE_PER_SECOND} per second`

  async function start(): Promise<void> {
    if (targetProblem || pacingProblem || keyProblem || !chosen) return
    setIsStarting(true)
    setError(null)
    try {
      const job = await call('startBulkReplay', {
        ...scopeInput(chosen.scope, choices),
        targetUrl,
        keepCapturedPath,
        resign,
        ...(privateKey ? { privateKeys: [privateKey] } : {}),
        ...(pacing === 'concurrency' ? { concurrency: concurrencyValue } : { ratePerSecond: rateValue, concurrency: BULK_MAX_CONCURRENCY }),
      })
      onStarted(job)
    } catch (caught: unknown) {
      setError(errorMessage(caught))
      setIsStarting(false)
    }
  }

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault()
        void start()
      }}
    >
      <fieldset className="bulk-scope" data-testid="bulk-scope">
        <legend className="field-label">What to replay</legend>
        {options.length === 1 && options[0] ? (
          <p className="bulk-scope-only">
            <ScopeLabel option={options[0]} />
          </p>
        ) : (
          options.map((option) => (
            <label key={option.scope} className="checkbox bulk-scope-option">
              <input
                type="radio"
                name="bulk-scope"
                checked={option.scope === chosen?.scope}
                disabled={option.count === 0}
                onChange={() => setChosenScope(option.scope)}
                data-testid={`bulk-scope-${option.scope}`}
              />
              <ScopeLabel option={option} />
            </label>
          ))
        )}
        <p className="field-hint" data-testid="bulk-order-hint">
          {bulkOrderHint(pacing === 'rate' ? BULK_MAX_CONCURRENCY : pacingProblem === null ? concurrencyValue : null)}
        </p>
      </fieldset>
      <TargetUrlField value={targetUrl} problem={targetProblem} example={targetExample} testId="bulk-target" onChange={setTargetDraft} />
      {targetProblem === null && pathSignatureWarning !== null && (
        <p className="notice notice-warning replay-small" role="note" data-testid="bulk-signature-warning">
          {pathSignatureWarning}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={keepCapturedPath} onChange={(event) => setKeepPathDraft(event.target.checked)} data-testid="bulk-keep-path" />
        Keep each capture’s path and query
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={resign} onChange={(event) => setResign(event.target.checked)} data-testid="bulk-resign" />
        Re-sign with the keys of each capture’s endpoint (fresh timestamps)
      </label>
      {resign && (
        <div className="bulk-private-key">
          <label className="field field-inline">
            <span className="field-label">Private key for</span>
            <select
              className="input input-auto"
              value={keyProvider ?? ''}
              onChange={(event) => setKeyProvider(event.target.value === '' ? null : (event.target.value as AsymmetricProvider))}
              data-testid="bulk-private-key-provider"
            >
              <option value="">none (secrets on the endpoints only)</option>
              {ASYMMETRIC_PROVIDERS.map((id) => (
                <option key={id} value={id}>
                  {providerName(id)}
                </option>
              ))}
            </select>
          </label>
          <PrivateKeyField provider={keyProvider} value={privateKeyText} onChange={setPrivateKeyText} />
        </div>
      )}
      <fieldset className="bulk-pacing">
        <legend className="field-label">Pace</legend>
        <label className="checkbox">
          <input
            type="radio"
            name="bulk-pacing"
            checked={pacing === 'concurrency'}
            onChange={() => setPacing('concurrency')}
            data-testid="bulk-pacing-concurrency"
          />
          At most
          <input
            className="input input-narrow"
            type="number"
            min={1}
            max={BULK_MAX_CONCURRENCY}
            value={concurrency}
            disabled={pacing !== 'concurrency'}
            aria-label="Requests in flight at once"
            onChange={(event) => setConcurrency(event.target.value)}
            data-testid="bulk-concurrency"
          />
          in flight at once (1-{BULK_MAX_CONCURRENCY})
        </label>
        <label className="checkbox">
          <input type="radio" name="bulk-pacing" checked={pacing === 'rate'} onChange={() => setPacing('rate')} data-testid="bulk-pacing-rate" />
          At most
          <input
            className="input input-narrow"
            type="number"
            min={0.1}
            step="any"
            max={BULK_MAX_RATE_PER_SECOND}
            value={rate}
            disabled={pacing !== 'rate'}
            aria-label="Requests per second"
            onChange={(event) => setRate(event.target.value)}
            data-testid="bulk-rate"
          />
          per second
        </label>
        {pacingProblem && <span className="field-error">{pacingProblem}</span>}
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="bulk-error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={isStarting || targetProblem !== null || pacingProblem !== null || keyProblem !== null || !chosen || chosen.count === 0}
          data-testid="bulk-start"
        >
          {isStarting ? 'Starting…' : `Replay ${captures(chosen?.count ?? 0)}`}
        </button>
      </div>
    </form>
  )
}

function ScopeLabel({ option }: { option: ScopeOption }) {
  return (
    <span>
      {option.label}
      {option.detail && <span className="bulk-scope-detail muted"> · {option.detail}</span>}
    </span>
  )
}
