/**
 * Storage settings: durability (how captures reach the disk) and retention (how many, how large
 * and how old captures may get), with what the store holds now. Opened from the top bar.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import type { Endpoint } from '@shared/views'
import type { DurabilityMode, RetentionPolicySetting, StorageSettingsView } from '@shared/storage-settings'
import { call } from '../../api/api-client'
import { useEndpoints } from '../../api/queries'
import { useDiscardGuard } from '../../components/discard-guard'
import { ModalDialog } from '../../components/modal-dialog'
import { EndpointRetentionFields, endpointCapTextsOf, invalidEndpointCapNames, perEndpointPolicyOf, type EndpointCapTexts } from './endpoint-retention'
import { capProblem, capText, invalidCapName, limitsOf, MIB, parseCap, unitOf, type CapField } from './retention-caps'
import { isTightened, pinnedKeptSentence, retentionImpact, type CountCapChange, type RetentionImpact } from './retention-impact'
import { storageHealthText } from './storage-health-text'

const STORAGE_SETTINGS_KEY = ['storage-settings'] as const

/** Top bar: "Storage". */
export function StorageSettingsButton() {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="open-storage-settings">
        Storage
      </button>
      {isOpen && <StorageSettingsDialog onClose={() => setIsOpen(false)} />}
    </>
  )
}

function StorageSettingsDialog({ onClose }: { onClose: () => void }) {
  const settings = useQuery({ queryKey: STORAGE_SETTINGS_KEY, queryFn: () => call('getStorageSettings', {}) })
  const endpoints = useEndpoints()
  const error = settings.error ?? endpoints.error
  // Typed caps are work too (and a cap typed but not saved deletes nothing): closing asks first.
  const discardGuard = useDiscardGuard(onClose, 'The storage settings have changes that are not saved. Close without saving them?')
  return (
    <>
      <ModalDialog title="Storage" onClose={discardGuard.requestClose} testId="storage-settings" size="medium" closeLink>
        {settings.data && endpoints.data ? (
          <StorageSettingsForm view={settings.data} endpoints={endpoints.data} onDirtyChange={discardGuard.setHasUnsavedChanges} />
        ) : (
          <p className="muted">{error ? error.message : 'Loading…'}</p>
        )}
      </ModalDialog>
      {discardGuard.question}
    </>
  )
}

interface StorageSettingsFormProps {
  view: StorageSettingsView
  endpoints: readonly Endpoint[]
  /** Told whenever the form gains or loses unsaved edits. */
  onDirtyChange: (isDirty: boolean) => void
}

function StorageSettingsForm({ view, endpoints, onDirtyChange }: StorageSettingsFormProps) {
  const queryClient = useQueryClient()
  const [durability, setDurability] = useState<DurabilityMode>(view.durability)
  const [maxCaptures, setMaxCaptures] = useState(capText(view.retention.maxCaptures))
  const [maxMiB, setMaxMiB] = useState(capText(view.retention.maxBytes, MIB))
  const [maxAgeDays, setMaxAgeDays] = useState(capText(view.retention.maxAgeDays))
  const [endpointCaps, setEndpointCaps] = useState(() => endpointCapTextsOf(view.retention.perEndpoint, endpoints))
  // "Saved." stands for the form as it was saved: an edit after it takes it away.
  const formKey = JSON.stringify([durability, maxCaptures, maxMiB, maxAgeDays, endpointCaps])
  const [savedFormKey, setSavedFormKey] = useState<string | null>(null)
  const isSaved = savedFormKey === formKey
  // Unsaved: the form differs from what was last saved here, or from what it opened with.
  const [openedFormKey] = useState(formKey)
  const isDirty = formKey !== (savedFormKey ?? openedFormKey)
  useEffect(() => onDirtyChange(isDirty), [isDirty, onDirtyChange])
  const save = useMutation({
    mutationFn: (input: { durability: DurabilityMode; retention: RetentionPolicySetting; formKey: string }) =>
      call('setStorageSettings', { durability: input.durability, retention: input.retention }),
    onSuccess: (next, input) => {
      queryClient.setQueryData(STORAGE_SETTINGS_KEY, next)
      setSavedFormKey(input.formKey)
    },
  })
  const caps = { maxCaptures: parseCap(maxCaptures, 'maxCaptures'), maxBytes: parseCap(maxMiB, 'maxMiB'), maxAgeDays: parseCap(maxAgeDays, 'maxAgeDays') }
  const perEndpoint = perEndpointPolicyOf(endpointCaps, view.retention.perEndpoint, endpoints)
  const invalid = Object.values(caps).some((value) => value === 'invalid') || perEndpoint === 'invalid'
  // Save is disabled while a cap is not a limit: say which ones, beside Save, below a table that
  // can push the fields above it out of view.
  const invalidNames = [
    ...(caps.maxCaptures === 'invalid' ? [invalidCapName('Keep at most (captures)', maxCaptures, 'maxCaptures')] : []),
    ...(caps.maxBytes === 'invalid' ? [invalidCapName('Keep at most (MiB)', maxMiB, 'maxMiB')] : []),
    ...(caps.maxAgeDays === 'invalid' ? [invalidCapName('Delete after (days)', maxAgeDays, 'maxAgeDays')] : []),
    ...invalidEndpointCapNames(endpoints, endpointCaps),
  ]
  const { health } = view
  const impact = invalid ? null : savingDeletes(view, endpoints, caps as RetentionPolicySetting, endpointCaps)
  const deletesCaptures = impact !== null && (impact.deletions.length > 0 || impact.sizeOrAgeTightened)

  return (
    <form
      className="form storage-settings"
      onSubmit={(event) => {
        event.preventDefault()
        if (perEndpoint === 'invalid' || invalid) return
        save.mutate({ durability, retention: { ...(caps as RetentionPolicySetting), perEndpoint }, formKey })
      }}
    >
      <p className="muted" data-testid="storage-health">
        {storageHealthText(health)}
        {health.damaged > 0 && <> {health.damaged.toLocaleString()} found damaged on disk (shown as damaged, never served).</>}
      </p>
      {health.lastRetentionError && (
        <p className="notice notice-danger" role="alert">
          Retention could not delete old captures: {health.lastRetentionError}
        </p>
      )}
      <fieldset className="field">
        <legend className="field-label">Durability</legend>
        <label className="checkbox">
          <input type="radio" name="durability" checked={durability === 'sync'} onChange={() => setDurability('sync')} data-testid="durability-sync" />
          Sync (default): a callback is answered once it is on stable storage, so a power loss or system crash loses nothing that was answered. Costs one disk
          sync per batch of captures.
        </label>
        <label className="checkbox">
          <input type="radio" name="durability" checked={durability === 'flush'} onChange={() => setDurability('flush')} data-testid="durability-flush" />
          Flush: answered once it is in the operating system's cache. Faster; survives a crash of the app, not a power loss.
        </label>
        {view.durabilityFromFlag !== null && <span className="field-hint">This run was started with --durability {view.durabilityFromFlag}.</span>}
      </fieldset>
      <fieldset className="field">
        <legend className="field-label">Retention (oldest captures are deleted first; pinned ones are kept)</legend>
        <CapField
          label="Keep at most (captures)"
          value={maxCaptures}
          isInvalid={caps.maxCaptures === 'invalid'}
          onChange={setMaxCaptures}
          testId="retention-max-captures"
          field="maxCaptures"
        />
        <CapField
          label="Keep at most (MiB)"
          value={maxMiB}
          isInvalid={caps.maxBytes === 'invalid'}
          onChange={setMaxMiB}
          testId="retention-max-mib"
          field="maxMiB"
        />
        <CapField
          label="Delete after (days)"
          value={maxAgeDays}
          isInvalid={caps.maxAgeDays === 'invalid'}
          onChange={setMaxAgeDays}
          testId="retention-max-age-days"
          field="maxAgeDays"
        />
        <span className="field-hint" data-testid="retention-hint">
          Empty: no limit. The MiB limit counts the captures kept: their records, bodies and search text. It is neither the logs' size nor their disk use above,
          which count no search text and can still count deleted captures' bytes. Imported captures keep their original time and are exempt from the age limit.
        </span>
      </fieldset>
      <EndpointRetentionFields endpoints={endpoints} texts={endpointCaps} onChange={setEndpointCaps} />
      {invalid && (
        <p className="form-error" data-testid="storage-settings-invalid">
          Not saved until fixed: {invalidNames.join(', ')}. Limits are whole numbers of at least 1 (MiB: any number above 0), or empty.
        </p>
      )}
      {deletesCaptures && !isSaved && <RetentionImpactNotice impact={impact} pinnedCount={impact.pinnedInScope} />}
      {save.error && (
        <p className="form-error" role="alert" data-testid="storage-settings-error">
          {save.error.message}
        </p>
      )}
      <div className="tunnel-settings-actions">
        {isSaved && (
          <span className="muted replay-small" role="status">
            Saved.
          </span>
        )}
        <button
          type="submit"
          className={deletesCaptures && !isSaved ? 'button button-danger' : 'button'}
          disabled={invalid || save.isPending}
          data-testid="save-storage-settings"
        >
          {deletesCaptures && !isSaved ? 'Save and delete' : 'Save'}
        </button>
      </div>
    </form>
  )
}

interface CapFieldProps {
  label: string
  value: string
  isInvalid: boolean
  onChange: (value: string) => void
  testId: string
  /** Which cap it is: what the typed number counts in and the most it takes (`parseCap`). */
  field: CapField
}

/** One global cap; a typed value that is not a limit is marked and explained at the field. */
function CapField({ label, value, isInvalid, onChange, testId, field }: CapFieldProps) {
  const errorId = useId()
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        className="input"
        inputMode={unitOf(field) === 1 ? 'numeric' : 'decimal'}
        value={value}
        placeholder="no limit"
        aria-invalid={isInvalid}
        aria-describedby={isInvalid ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
      {isInvalid && (
        <span id={errorId} className="field-error" data-testid={`${testId}-error`}>
          {capProblem(value, field)}
        </span>
      )}
    </label>
  )
}

/**
 * What Save would delete at once under the typed caps (see retention-impact.ts), and how many
 * pinned captures those caps reach (every endpoint's for a cap on all captures, else the capped
 * endpoints'), which the notice says are kept.
 */
function savingDeletes(
  view: StorageSettingsView,
  endpoints: readonly Endpoint[],
  caps: RetentionPolicySetting,
  endpointCaps: EndpointCapTexts,
): RetentionImpact & { pinnedInScope: number } {
  const saved = view.retention
  const countCaps: CountCapChange[] = [
    { scope: { kind: 'all' }, capturesNow: view.health.captures, savedMaxCaptures: saved.maxCaptures ?? null, typedMaxCaptures: caps.maxCaptures ?? null },
  ]
  let sizeOrAgeTightened = isTightened(saved.maxBytes, caps.maxBytes ?? null) || isTightened(saved.maxAgeDays, caps.maxAgeDays ?? null)
  const isGlobalTightened = sizeOrAgeTightened || isTightened(saved.maxCaptures, caps.maxCaptures ?? null)
  let pinnedInScope = isGlobalTightened ? endpoints.reduce((sum, endpoint) => sum + endpoint.pinnedCount, 0) : 0
  for (const endpoint of endpoints) {
    const typed = endpointCaps[endpoint.id]
    const limits = typed ? limitsOf(typed) : null
    if (limits === null || limits === 'invalid') continue
    const savedLimits = saved.perEndpoint?.[endpoint.id]
    countCaps.push({
      scope: { kind: 'endpoint', name: endpoint.name },
      capturesNow: endpoint.captureCount,
      savedMaxCaptures: savedLimits?.maxCaptures ?? null,
      typedMaxCaptures: limits.maxCaptures,
    })
    const isEndpointTightened =
      endpoint.captureCount > 0 &&
      (isTightened(savedLimits?.maxBytes, limits.maxBytes) ||
        isTightened(savedLimits?.maxAgeDays, limits.maxAgeDays) ||
        isTightened(savedLimits?.maxCaptures, limits.maxCaptures))
    if (endpoint.captureCount > 0)
      sizeOrAgeTightened ||= isTightened(savedLimits?.maxBytes, limits.maxBytes) || isTightened(savedLimits?.maxAgeDays, limits.maxAgeDays)
    if (isEndpointTightened && !isGlobalTightened) pinnedInScope += endpoint.pinnedCount
  }
  return { ...retentionImpact(countCaps, sizeOrAgeTightened), pinnedInScope }
}

/** Said before Save: retention deletes at once, oldest first, and nothing brings the captures back. */
function RetentionImpactNotice({ impact, pinnedCount }: { impact: RetentionImpact; pinnedCount: number }) {
  const pinned = pinnedKeptSentence(pinnedCount)
  const kept = pinned === null ? '' : ` ${pinned}`
  return (
    <div className="notice notice-warning" role="status" data-testid="retention-impact">
      {impact.deletions.length > 0 ? (
        <p>
          Saving deletes {impact.deletions.join('; ')} right away{impact.sizeOrAgeTightened ? ', and any capture beyond the new size or age limit' : ''}.{kept}{' '}
          This cannot be undone.
        </p>
      ) : (
        <p>Saving deletes right away any capture beyond the new size or age limit, oldest first.{kept} This cannot be undone.</p>
      )}
    </div>
  )
}
