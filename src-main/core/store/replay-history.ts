/**
 * Every resend of a capture, kept with it: lowdb documents grouped by capture sequence number
 * (`replays/000001.json` holds the history of captures 1-1000), so one write never rewrites the
 * history of every capture, and a bulk replay of thousands stays cheap. Opened on demand.
 */
import { join } from 'node:path'
import type { Low } from 'lowdb'
import { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import type { ReplayRecord } from '../../shared/replay'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, openDocument } from './data-file'
import { SCHEMA_VERSION } from './persisted-schema'
import { makePrivateDir } from './private-files'

const CAPTURES_PER_DOCUMENT = 1000

// The record's inner shapes are produced by the replay core; on read we check what identifies
// a record and trust its outcome's structure (it is only ever displayed).
const replayRecordSchema = z.looseObject({
  id: z.string(),
  captureId: z.string().nullable(),
  kind: z.enum(['resend', 'bulk', 'forward', 'simulate']),
  at: z.string(),
  sent: z.looseObject({ method: z.string(), url: z.string() }),
  outcome: z.looseObject({ kind: z.enum(['response', 'failure']) }),
})
const historyDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  records: z.array(replayRecordSchema),
}) as unknown as z.ZodType<HistoryDocument>
type HistoryDocument = { schemaVersion: typeof SCHEMA_VERSION; records: ReplayRecord[] }

export interface ReplayHistory {
  add(seq: number, record: ReplayRecord): Promise<void>
  /** Newest first. */
  list(seq: number, captureId: string): Promise<ReplayRecord[]>
  deleteFor(captures: Array<{ id: string; seq: number }>): Promise<void>
}

export function createReplayHistory(dir: string, quarantineDir: string, now: () => Date, onIssue: (issue: StorageIssue) => void): ReplayHistory {
  const documents = new Map<number, Promise<{ db: Low<HistoryDocument>; save: () => Promise<void> }>>()

  function documentFor(seq: number) {
    const group = Math.floor(seq / CAPTURES_PER_DOCUMENT) + 1
    let opening = documents.get(group)
    if (!opening) {
      opening = (async () => {
        await makePrivateDir(dir)
        const file = join(dir, `${String(group).padStart(6, '0')}.json`)
        const initial = (): HistoryDocument => ({ schemaVersion: SCHEMA_VERSION, records: [] })
        const opened = await openDocument(file, historyDocumentSchema, initial, quarantineDir, now)
        if (opened.issue) onIssue(opened.issue)
        const db = opened.db ?? createDocument(file, initial())
        return { db, save: createCoalescingWriter(() => db.write()) }
      })()
      documents.set(group, opening)
    }
    return opening
  }

  return {
    async add(seq, record) {
      const { db, save } = await documentFor(seq)
      db.data.records.push(record)
      await save()
    },
    async list(seq, captureId) {
      const { db } = await documentFor(seq)
      return db.data.records.filter((record) => record.captureId === captureId).reverse()
    },
    async deleteFor(captures) {
      const byGroup = new Map<number, Set<string>>()
      for (const { id, seq } of captures) {
        const group = Math.floor(seq / CAPTURES_PER_DOCUMENT) + 1
        const ids = byGroup.get(group) ?? new Set<string>()
        ids.add(id)
        byGroup.set(group, ids)
      }
      for (const [group, ids] of byGroup) {
        const { db, save } = await documentFor((group - 1) * CAPTURES_PER_DOCUMENT)
        const before = db.data.records.length
        db.data.records = db.data.records.filter((record) => record.captureId === null || !ids.has(record.captureId))
        if (db.data.records.length !== before) await save()
      }
    },
  }
}
