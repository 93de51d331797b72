/**
 * Storage settings: durability (how captures reach the disk) and retention (how many, how large
 * and how old captures may get), with what the store holds now. Opened from the top bar.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { DurabilityMode, RetentionPolicySetting, StorageSettingsView } from '../../../../src-main/shared/storage-settings'
import { call } from '../../api/api-client'
import { ModalDialog } from '../../components/modal-dialog'
import { formatBytes } from '../../lib/format'

const STORAGE_SETTINGS_KEY = ['storage-settings'] as const
const MIB = 1024 * 1024

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
  return (
    <ModalDialog title="Storage" onClose={onClose} testId="storage-settings" size="medium" closeLink>
      {settings.data ? <StorageSettingsForm view={settings.data} /> : <p className="muted">{settings.error ? settings.error.message : 'Loading…'}</p>}
    </ModalDialog>
  )
}

/** A cap as typed: empty is no cap. */
function capText(value: number | null | undefined, unit = 1): string {
  return value === null || value === undefined ? '' : String(Math.round(value / unit))
}

function parseCap(text: string, unit = 1): number | null | 'invalid' {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1) return 'invalid'
  return Number(trimmed) * unit
}

function StorageSettingsForm({ view }: { view: StorageSettingsView }) {
  const queryClient = useQueryClient()
  const [durability, setDurability] = useState<DurabilityMode>(view.durability)
  const [maxCaptures, setMaxCaptures] = useState(capText(view.retention.maxCaptures))
  const [maxMiB, setMaxMiB] = useState(capText(view.retention.maxBytes, MIB))
  const [maxAgeDays, setMaxAgeDays] = useState(capText(view.retention.maxAgeDays))
  const [isSaved, setIsSaved] = useState(false)
  const save = useMutation({
    mutationFn: (input: { durability: DurabilityMode; retention: RetentionPolicySetting }) => call('setStorageSettings', input),
    onSuccess: (next) => {
      queryClient.setQueryData(STORAGE_SETTINGS_KEY, next)
      setIsSaved(true)
    },
  })
  const caps = { maxCaptures: parseCap(maxCaptures), maxBytes: parseCap(maxMiB, MIB), maxAgeDays: parseCap(maxAgeDays) }
  const invalid = Object.values(caps).some((value) => value === 'invalid')
  const { health } = view

  return (
    <form
      className="form storage-settings"
      onSubmit={(event) => {
        event.preventDefault()
        if (invalid) return
        setIsSaved(false)
        // Per-endpoint caps are kept as they are (set through the API).
        save.mutate({ durability, retention: { ...view.retention, ...(caps as RetentionPolicySetting) } })
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
