/**
 * The storage settings (durability, retention) as the API and UI see them: kept in the settings
 * document, applied to the running store at once.
 */
import { errorMessage, InspectorError } from '../../shared/errors'
import { MAX_RETENTION_ENDPOINT_CAPS, type DurabilityMode, type RetentionPolicySetting, type StorageSettingsView } from '../../shared/storage-settings'
import type { CaptureStore } from './capture-store'
import type { SettingsStore } from './settings-store'

export interface StorageSettings {
  view(): Promise<StorageSettingsView>
  /**
   * Saves and applies the change. `BAD_REQUEST` when `retention.perEndpoint` names an endpoint
   * that does not exist, or holds more than {@link MAX_RETENTION_ENDPOINT_CAPS} caps.
   */
  update(change: { durability?: DurabilityMode; retention?: RetentionPolicySetting }): Promise<StorageSettingsView>
  /** Drops the per-endpoint caps of an endpoint being deleted (saved, then applied). */
  forgetEndpoint(endpointId: string): Promise<void>
}

/** How many unknown endpoint ids a refusal names; the rest are counted. */
const MAX_NAMED_UNKNOWN_ENDPOINTS = 10

export function createStorageSettings(settings: SettingsStore, store: CaptureStore, durabilityFromFlag: DurabilityMode | null): StorageSettings {
  const endpointIds = (): Set<string> => new Set(settings.data.endpoints.map((endpoint) => endpoint.id))

  /**
   * The policy without the caps of endpoints that no longer exist (a file saved before deleting an
   * endpoint took its caps with it), so the Storage dialog does not carry them into its next save.
   */
  function withKnownEndpoints(policy: RetentionPolicySetting): RetentionPolicySetting {
    if (policy.perEndpoint === undefined) return policy
    const known = endpointIds()
    const entries = Object.entries(policy.perEndpoint)
    if (entries.every(([endpointId]) => known.has(endpointId))) return policy
    return { ...policy, perEndpoint: Object.fromEntries(entries.filter(([endpointId]) => known.has(endpointId))) }
  }

  function checkPerEndpoint(policy: RetentionPolicySetting): void {
    const ids = Object.keys(policy.perEndpoint ?? {})
    if (ids.length > MAX_RETENTION_ENDPOINT_CAPS) {
      throw new InspectorError(
        'BAD_REQUEST',
        `retention.perEndpoint holds caps for ${ids.length.toLocaleString('en-US')} endpoints; at most ${MAX_RETENTION_ENDPOINT_CAPS.toLocaleString('en-US')}`,
      )
    }
    const known = endpointIds()
    const unknown = ids.filter((endpointId) => !known.has(endpointId))
    if (unknown.length === 0) return
    const named = unknown
      .slice(0, MAX_NAMED_UNKNOWN_ENDPOINTS)
      .map((endpointId) => JSON.stringify(endpointId))
      .join(', ')
    const more = unknown.length > MAX_NAMED_UNKNOWN_ENDPOINTS ? `, and ${unknown.length - MAX_NAMED_UNKNOWN_ENDPOINTS} more` : ''
    throw new InspectorError(
      'BAD_REQUEST',
      `retention.perEndpoint: no endpoint with id ${named}${more} (caps are set per existing endpoint; see listEndpoints)`,
    )
  }

  /**
   * Saves first: a setting that could not be saved is not applied either, nor kept in memory to be
   * saved later. `durability: false` leaves the running store's durability as it is (`--durability`).
   */
  async function apply(next: { durability: DurabilityMode; retention: RetentionPolicySetting }, options = { durability: true }): Promise<void> {
    const before = settings.data.storage
    settings.data.storage = next
    try {
      // A retention cap is how a user gets out of a full disk: it gets the space set aside for that.
      await store.withRoom(() => settings.save())
    } catch (error: unknown) {
      if (settings.data.storage === next) settings.data.storage = before
      throw error
    }
    if (options.durability) store.setDurability(next.durability)
    store.retention.setPolicy(next.retention)
  }

  const view = async (): Promise<StorageSettingsView> => {
    const [diskFreeBytes, logDiskBytes] = await Promise.all([store.diskFreeBytes(), store.logDiskBytes()])
    const { durability, captures, segments, logBytes, damaged, lastRetentionError } = store.health()
    return {
      durability,
      durabilityFromFlag,
      retention: withKnownEndpoints(store.retention.policy()),
      health: { captures, segments, logBytes, logDiskBytes, diskFreeBytes, damaged, lastRetentionError },
    }
  }
  return {
    view,
    async update(change) {
      if (change.retention !== undefined) checkPerEndpoint(change.retention)
      await apply({ durability: change.durability ?? store.durability, retention: change.retention ?? withKnownEndpoints(store.retention.policy()) })
      return view()
    },
    async forgetEndpoint(endpointId) {
      const saved = settings.data.storage
      if (saved?.retention.perEndpoint === undefined || !Object.hasOwn(saved.retention.perEndpoint, endpointId)) return
      const perEndpoint = Object.fromEntries(Object.entries(saved.retention.perEndpoint).filter(([id]) => id !== endpointId))
      try {
        await apply({ ...saved, retention: { ...saved.retention, perEndpoint } }, { durability: false })
      } catch (error: unknown) {
        throw new InspectorError('STORAGE_FAILED', `could not save the storage settings without the endpoint's retention caps: ${errorMessage(error)}`)
      }
    },
  }
}
