/**
 * The storage settings (durability, retention) as the API and UI see them: kept in the settings
 * document, applied to the running store at once.
 */
import type { DurabilityMode, RetentionPolicySetting, StorageSettingsView } from '../../shared/storage-settings'
import type { CaptureStore } from './capture-store'
import type { SettingsStore } from './settings-store'

export interface StorageSettings {
  view(): Promise<StorageSettingsView>
  update(change: { durability?: DurabilityMode; retention?: RetentionPolicySetting }): Promise<StorageSettingsView>
}

export function createStorageSettings(settings: SettingsStore, store: CaptureStore, durabilityFromFlag: DurabilityMode | null): StorageSettings {
  const view = async (): Promise<StorageSettingsView> => {
    const diskFreeBytes = await store.diskFreeBytes()
    const { durability, captures, segments, logBytes, damaged, lastRetentionError } = store.health()
    return {
      durability,
      durabilityFromFlag,
      retention: store.retention.policy(),
      health: { captures, segments, logBytes, diskFreeBytes, damaged, lastRetentionError },
    }
  }
  return {
    view,
    async update(change) {
      const next = { durability: change.durability ?? store.durability, retention: change.retention ?? store.retention.policy() }
      // Saved first: a setting that could not be saved is not applied either.
      settings.data.storage = next
      // A retention cap is how a user gets out of a full disk: it gets the space set aside for that.
      await store.withRoom(() => settings.save())
      store.setDurability(next.durability)
      store.retention.setPolicy(next.retention)
      return view()
    },
  }
}
