/** The small lowdb document holding endpoints (and, later, other per-installation settings). */
import { access } from 'node:fs/promises'
import type { Low } from 'lowdb'
import type { StorageIssue } from '../../shared/views'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, openDocument } from './data-file'
import { SCHEMA_VERSION, settingsDocumentSchema, type SettingsDocument } from './persisted-schema'

export interface SettingsStore {
  readonly data: SettingsDocument
  readonly issue: StorageIssue | null
  /** `true` when no settings file existed (first start) or it had to be moved aside. */
  readonly isFresh: boolean
  save(): Promise<void>
}

export async function openSettingsStore(file: string, quarantineDir: string, now: () => Date): Promise<SettingsStore> {
  const initial = (): SettingsDocument => ({ schemaVersion: SCHEMA_VERSION, endpoints: [] })
  const exists = await access(file).then(
    () => true,
    () => false,
  )
  let db: Low<SettingsDocument>
  let issue: StorageIssue | null = null
  if (exists) {
    const opened = await openDocument(file, settingsDocumentSchema, initial, quarantineDir, now)
    issue = opened.issue
    db = opened.db ?? createDocument(file, initial())
  } else {
    db = createDocument(file, initial())
  }
  const save = createCoalescingWriter(() => db.write())
  return {
    get data() {
      return db.data
    },
    issue,
    isFresh: !exists || issue !== null,
    save,
  }
}
