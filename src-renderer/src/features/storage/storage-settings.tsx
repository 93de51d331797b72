/**
 * Storage settings: durability (how captures reach the disk) and retention (how many, how large
 * and how old captures may get), with what the store holds now. Opened from the top bar.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import type { DurabilityMode, RetentionPolicySetting, StorageSettingsView } from '@shared/storage-settings'
import { call } from '../../api/api-client'
import { useEndpoints } from '../../api/queries'
import { ModalDialog } from '../../components/modal-dialog'
import { formatBytes } from '../../lib/format'
import { EndpointRetentionFields, endpointCapTextsOf, perEndpointPolicyOf } from './endpoint-retention'
import { capText, MIB, parseCap } from './retention-caps'

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
  return (
    <ModalDialog title="Storage" onClose={onClose} testId="storage-settings" size="medium" closeLink>
      {settings.data && endpoints.data ? (
        <StorageSettingsForm view={settings.data} endpoints={endpoints.data} />
      ) : (
        <p className="muted">{error ? error.message : 'Loading…'}</p>
      )}
    </ModalDialog>
  )
}

function StorageSettingsForm({ view, endpoints }: { view: StorageSettingsView; endpoints: readonly Endpoint[] }) {
  const queryClient = useQueryClient()
  const [durability, setDurability] = useState<DurabilityMode>(view.durability)
  const [maxCaptures, setMaxCaptures] = useState(capText(view.retention.maxCaptures))
  const [maxMiB, setMaxMiB] = useState(capText(view.retention.maxBytes, MIB))
  const [maxAgeDays, setMaxAgeDays] = useState(capText(view.retention.maxAgeDays))
  const [endpointCaps, setEndpointCaps] = useState(() => endpointCapTextsOf(view.retention.perEndpoint, endpoints))
  const [isSaved, setIsSaved] = useState(false)
  const save = useMutation({
    mutationFn: (input: { durability: DurabilityMode; retention: RetentionPolicySetting }) => call('setStorageSettings', input),
    onSuccess: (next) => {
      queryClient.setQueryData(STORAGE_SETTINGS_KEY, next)
      setIsSaved(true)
    },
  })
  const caps = { maxCaptures: parseCap(maxCaptures), maxBytes: parseCap(maxMiB, MIB), maxAgeDays: parseCap(maxAgeDays) }
  const perEndpoint = perEndpointPolicyOf(endpointCaps, view.retention.perEndpoint)
  const invalid = Object.values(caps).some((value) => value === 'invalid') || perEndpoint === 'invalid'
  const { health } = view

  return (
    <form
      className="form storage-settings"
      onSubmit={(event) => {
        event.preventDefault()
        if (perEndpoint === 'invalid' || invalid) return
        setIsSaved(false)
        save.mutate({ durability, retention: { ...(caps as RetentionPolicySetting), perEndpoint } })
      }}
    >
      <p className="muted" data-testid="storage-health">
        {health.captures.toLocaleString()} captures in {health.segments.toLocaleString()} segment files, {formatBytes(health.logBytes)} of capture logs.
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
        <CapField label="Keep at most (captures)" value={maxCaptures} onChange={setMaxCaptures} testId="retention-max-captures" />
        <CapField label="Keep at most (MiB)" value={maxMiB} onChange={setMaxMiB} testId="retention-max-mib" />
        <CapField label="Delete after (days)" value={maxAgeDays} onChange={setMaxAgeDays} testId="retention-max-age-days" />
        <span className="field-hint">Empty: no limit. Imported captures keep their original time and are exempt from the age limit.</span>
      </fieldset>
      <EndpointRetentionFields endpoints={endpoints} texts={endpointCaps} onChange={setEndpointCaps} />
      {invalid && <p className="form-error">Limits are whole numbers of at least 1, or empty.</p>}
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
        <button type="submit" className="button" disabled={invalid || save.isPending} data-testid="save-storage-settings">
          Save
        </button>
      </div>
    </form>
  )
}

function CapField({ label, value, onChange, testId }: { label: string; value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        className="input"
        inputMode="numeric"
        value={value}
        placeholder="no limit"
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </label>
  )
}
