/**
 * The answer-sequence counters on disk (`answer-sequences.json`), so a retry test survives a
 * restart of the app: providers retry for hours, and "500 twice, then 200" must not start over.
 *
 * Counting happens on the capture path, so the file is written at most once a second (coalesced)
 * and once more on stop; a crash forgets at most the last second of counting.
 */
import { access } from 'node:fs/promises'
import type { Low } from 'lowdb'
import type { StorageIssue } from '../../shared/views'
import type { Logger } from '../logger'
import type { SequenceSnapshot } from '../responses/sequence-state'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, openDocument } from './data-file'
import { SCHEMA_VERSION, sequenceCountersDocumentSchema, type SequenceCountersDocument } from './persisted-schema'

export const SEQUENCE_SAVE_DELAY_MS = 1_000

export interface SequenceCountersFile {
  /** What the last run saved; `undefined` on a first start or when the file was moved aside. */
  readonly restored: SequenceSnapshot | undefined
  readonly issue: StorageIssue | null
  /** Saves `snapshot()` within {@link SEQUENCE_SAVE_DELAY_MS}. */
  saveSoon(snapshot: () => SequenceSnapshot): void
  /** Writes a pending save now (on stop). */
  flush(): Promise<void>
}

export async function openSequenceCountersFile(file: string, quarantineDir: string, now: () => Date, logger: Logger): Promise<SequenceCountersFile> {
  const initial = (): SequenceCountersDocument => ({ schemaVersion: SCHEMA_VERSION, fingerprints: [], counters: [] })
  const exists = await access(file).then(
    () => true,
    () => false,
  )
  const opened = exists ? await openDocument(file, sequenceCountersDocumentSchema, initial, quarantineDir, now) : null
  const db: Low<SequenceCountersDocument> = opened?.db ?? createDocument(file, initial())
  const write = createCoalescingWriter(() => db.write())
  let pending: (() => SequenceSnapshot) | null = null
  let timer: NodeJS.Timeout | undefined

  async function flush(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    const snapshot = pending
    pending = null
    if (snapshot === null) return
    db.data = { schemaVersion: SCHEMA_VERSION, ...snapshot() }
    // Counters are a convenience for retry tests, not captures: a failed save is reported, not fatal.
    await write().catch((error: unknown) => logger.warn('could not save the answer-sequence counters', { error: String(error) }))
  }

  return {
    restored: opened?.db ? { fingerprints: db.data.fingerprints, counters: db.data.counters } : undefined,
    issue: opened?.issue ?? null,
    saveSoon(snapshot) {
      pending = snapshot
      timer ??= setTimeout(() => void flush(), SEQUENCE_SAVE_DELAY_MS)
    },
    flush,
  }
}
