/**
 * The answer-sequence counters on disk (`answer-sequences.json`), so a retry test survives a
 * restart of the app: providers retry for hours, and "500 twice, then 200" must not start over.
 *
 * Counting happens on the capture path, so the file is written at most once a second (coalesced)
 * and once more on stop; a crash forgets at most the last second of counting.
 *
 * The counters are keyed by delivery key. Files this version writes say so with
 * `deliveryKeys: 'exact-digits'`; a file without it was written by a version whose keys held an
 * id past 2^53 rounded, so its counters are restored as `formerCounters`, each taken over by the
 * first delivery whose key they stand for (responses/sequence-state.ts).
 */
import { access } from 'node:fs/promises'
import type { Low } from 'lowdb'
import { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import type { Logger } from '../logger'
import type { SequenceSnapshot } from '../responses/sequence-state'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, openDocument } from './data-file'
import { SCHEMA_VERSION, sequenceCountersDocumentSchema, type SequenceCountersDocument } from './persisted-schema'

export const SEQUENCE_SAVE_DELAY_MS = 1_000

/** What this version writes; the fields beyond the schema are read here only (an earlier version drops them). */
const countersFileSchema = sequenceCountersDocumentSchema.extend({
  /** Absent in files from versions whose delivery keys held an id past 2^53 as JSON.parse rounded it. */
  deliveryKeys: z.literal('exact-digits').optional(),
  formerCounters: sequenceCountersDocumentSchema.shape.counters.optional(),
})
type CountersFile = z.infer<typeof countersFileSchema>

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
  const initial = (): CountersFile => ({ schemaVersion: SCHEMA_VERSION, deliveryKeys: 'exact-digits', fingerprints: [], counters: [], formerCounters: [] })
  const exists = await access(file).then(
    () => true,
    () => false,
  )
  const opened = exists ? await openDocument(file, countersFileSchema, initial, quarantineDir, now) : null
  const db: Low<CountersFile> = opened?.db ?? createDocument(file, initial())
  const write = createCoalescingWriter(() => db.write())
  let pending: (() => SequenceSnapshot) | null = null
  let timer: NodeJS.Timeout | undefined

  async function flush(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    const snapshot = pending
    pending = null
    if (snapshot === null) return
    const { fingerprints, counters, formerCounters = [] } = snapshot()
    const document: SequenceCountersDocument & CountersFile = {
      schemaVersion: SCHEMA_VERSION,
      deliveryKeys: 'exact-digits',
      fingerprints,
      counters,
      formerCounters,
    }
    db.data = document
    // Counters are a convenience for retry tests, not captures: a failed save is reported, not fatal.
    await write().catch((error: unknown) => logger.warn('could not save the answer-sequence counters', { error: String(error) }))
  }

  return {
    restored: opened?.db ? restoredFrom(db.data) : undefined,
    issue: opened?.issue ?? null,
    saveSoon(snapshot) {
      pending = snapshot
      timer ??= setTimeout(() => void flush(), SEQUENCE_SAVE_DELAY_MS)
    },
    flush,
  }
}

/** The snapshot a saved file holds: an earlier version's counters are all former ones (see the top of this file). */
function restoredFrom(saved: CountersFile): SequenceSnapshot {
  if (saved.deliveryKeys === 'exact-digits') return { fingerprints: saved.fingerprints, counters: saved.counters, formerCounters: saved.formerCounters ?? [] }
  return { fingerprints: saved.fingerprints, counters: [], formerCounters: saved.counters }
}
