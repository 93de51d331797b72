/**
 * The answer-sequence counters on disk (`answer-sequences.json`), so a retry test survives a
 * restart of the app: providers retry for hours, and "500 twice, then 200" must not start over.
 *
 * Counting happens on the capture path, so the file is written at most once a second (coalesced)
 * and once more on stop; a crash forgets at most the last second of counting.
 *
 * The counters are keyed by delivery key. Files this version writes say which keys with
 * `deliveryKeys: 'chip-updated-on'` (this version's rule). A file without it was written by a
 * version whose keys held an id past 2^53 rounded, one with `'exact-digits'` by a version whose
 * CHIP keys lacked `updated_on`: their counters are restored as `formerCounters`, each taken over
 * by the first delivery whose key they stand for (responses/sequence-state.ts; a key that did not
 * change is its own delivery's).
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

/** The delivery keys this version counts under (see the top of this file). */
const CURRENT_KEYS = 'chip-updated-on'

/** What this version writes; the fields beyond the schema are read here only (an earlier version drops them). */
const countersFileSchema = sequenceCountersDocumentSchema.extend({
  /**
   * Absent in files from versions whose delivery keys held an id past 2^53 as JSON.parse rounded
   * it; `exact-digits` from versions whose CHIP keys lacked updated_on.
   */
  deliveryKeys: z.enum(['exact-digits', CURRENT_KEYS]).optional(),
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
  const initial = (): CountersFile => ({ schemaVersion: SCHEMA_VERSION, deliveryKeys: CURRENT_KEYS, fingerprints: [], counters: [], formerCounters: [] })
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
      deliveryKeys: CURRENT_KEYS,
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
  const former = saved.formerCounters ?? []
  if (saved.deliveryKeys === CURRENT_KEYS) return { fingerprints: saved.fingerprints, counters: saved.counters, formerCounters: former }
  // Least recently used first: the counters still waiting from a version before, then that version's own.
  return { fingerprints: saved.fingerprints, counters: [], formerCounters: [...former, ...saved.counters] }
}
