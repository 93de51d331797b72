/**
 * Every resend of a capture, kept with it: lowdb documents grouped by capture sequence number
 * (`replays/000001.json` holds the history of captures 1-1000), so one write never rewrites the
 * history of every capture, and a bulk replay of thousands stays cheap. Opened on demand.
 *
 * Deleting the history of deleted captures goes one group at a time, with the event loop free
 * between groups, and opens only the groups that have a document: clearing 100,000 captures
 * used to build a set of every id and open (and keep) a document for each of their 100 groups,
 * most of which had never held a resend. A document left without records is removed rather than
 * written empty (a write syncs the file and its folder: two fsyncs a group, where removals share
 * one folder sync at the end).
 */
import { readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Low } from 'lowdb'
import { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import type { ReplayRecord } from '../../shared/replay'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, openDocument, syncDirectory } from './data-file'
import { SCHEMA_VERSION } from './persisted-schema'
import { makePrivateDir } from './private-files'
import { yieldToEventLoop } from '../event-loop'

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

/** Captures whose history goes, read by position (the store's `DeletedCaptures`); in ascending seq order, each group is visited once. */
export interface CapturesToForget {
  readonly length: number
  idAt(position: number): string
  seqAt(position: number): number
}

export interface ReplayHistory {
  add(seq: number, record: ReplayRecord): Promise<void>
  /** Newest first. */
  list(seq: number, captureId: string): Promise<ReplayRecord[]>
  /** Deletes every record of these captures. */
  deleteFor(captures: CapturesToForget): Promise<void>
}

const groupOf = (seq: number): number => Math.floor(seq / CAPTURES_PER_DOCUMENT) + 1
const GROUP_FILE = /^(\d+)\.json$/

export function createReplayHistory(dir: string, quarantineDir: string, now: () => Date, onIssue: (issue: StorageIssue) => void): ReplayHistory {
  const documents = new Map<number, Promise<{ db: Low<HistoryDocument>; save: () => Promise<void> }>>()
  /** A document was removed since the folder was last synced. */
  let removedSinceSync = false

  function documentFor(seq: number) {
    const group = groupOf(seq)
    let opening = documents.get(group)
    if (!opening) {
      opening = (async () => {
        await makePrivateDir(dir)
        const file = join(dir, `${String(group).padStart(6, '0')}.json`)
        const initial = (): HistoryDocument => ({ schemaVersion: SCHEMA_VERSION, records: [] })
        const opened = await openDocument(file, historyDocumentSchema, initial, quarantineDir, now)
        if (opened.issue) onIssue(opened.issue)
        const db = opened.db ?? createDocument(file, initial())
        // Every write of the document goes through `save`, one at a time, each showing the records as they are when it starts.
        const write = () => (db.data.records.length === 0 ? removeDocument(file) : db.write())
        return { db, save: createCoalescingWriter(write) }
      })()
      documents.set(group, opening)
    }
    return opening
  }

  /** A document without records is no file: reading a missing one gives an empty history. */
  async function removeDocument(file: string): Promise<void> {
    await unlink(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    })
    removedSinceSync = true
  }

  /** Groups whose document exists on disk or is open (a resend being added may not be written yet). */
  async function groupsWithHistory(): Promise<Set<number>> {
    const groups = new Set(documents.keys())
    const names = await readdir(dir).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    })
    for (const name of names) {
      const group = GROUP_FILE.exec(name)?.[1]
      if (group !== undefined) groups.add(Number(group))
    }
    return groups
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
      const withHistory = await groupsWithHistory()
      let position = 0
      while (position < captures.length) {
        // A run of captures of one group: only its ids are made into strings, and only if the group has a document.
        const group = groupOf(captures.seqAt(position))
        const ids = withHistory.has(group) ? new Set<string>() : null
        for (; position < captures.length && groupOf(captures.seqAt(position)) === group; position++) ids?.add(captures.idAt(position))
        if (!ids) continue
        const { db, save } = await documentFor((group - 1) * CAPTURES_PER_DOCUMENT)
        const before = db.data.records.length
        db.data.records = db.data.records.filter((record) => record.captureId === null || !ids.has(record.captureId))
        if (db.data.records.length !== before) await save()
        await yieldToEventLoop()
      }
      // Removed documents are gone for good once their folder is synced: once for the whole deletion.
      if (removedSinceSync) {
        removedSinceSync = false
        await syncDirectory(dir)
      }
    },
  }
}
