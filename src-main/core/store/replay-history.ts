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
 *
 * A resend or forward is noted before it goes out (`begin`): its record, reading "the app stopped before the
 * answer arrived", is appended to `sending.jsonl` and, under the store's `sync` durability, synced
 * (sends starting together share one append and one sync); under `flush` it is left in the page
 * cache, as the captures are: the user chose a kill -9, not a power loss, as what writes survive. `add` then keeps the finished record in its group's document, and once no
 * send is in flight the journal is emptied (kept as a file: a bulk replay of one at a time would
 * otherwise create it, and sync its folder, for every send). A journal that grows past a few MB
 * while sends stay in flight (a long bulk replay: each line holds up to 64 KB of body) is rewritten
 * with the lines of the sends still in flight only. After a crash or a kill -9, the next run moves every
 * record the journal holds that no document has into its document, so a resend the target may
 * have received is never missing from the history; a line it cannot read is reported, and the
 * journal kept aside as it was (see `recoverJournal`).
 *
 * A record of a capture that is no longer there is not kept: neither a journal line of a capture
 * deleted before the crash, nor the answer of a resend whose capture was deleted while it was in
 * flight (its `deleteFor` had run already). Either was kept where nothing would ever show it. Nor
 * are the records an earlier version left behind when it deleted captures without their history:
 * a document drops them when it is opened (it is read whole then anyway, and only the documents of
 * captures the user looks at, resends or deletes are ever opened), never in a scan at start-up.
 */
import { open, readdir, readFile, truncate, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Low } from 'lowdb'
import { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import type { ReplayRecord } from '../../shared/replay'
import { createCoalescingWriter } from './coalescing-writer'
import { createDocument, moveAside, openDocument, syncDirectory, writeCacheFile, writeFileAtomically } from './data-file'
import type { Durability } from './log-file-io'
import { SCHEMA_VERSION } from './persisted-schema'
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files'
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
  outcome: z.looseObject({ kind: z.enum(['response', 'failure', 'app-stopped']) }),
})
/** One line of the journal of sends in flight. */
const sendingEntrySchema = z.object({ seq: z.number().int().nonnegative(), record: replayRecordSchema })

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
  /**
   * Notes a send about to go out, before it does: `record` (its outcome `app-stopped`) is what the
   * history shows should the app stop before `add` gives the finished record (same id). Resolves
   * once it is on disk. A journal that cannot be written rejects; the send may go out all the same.
   */
  begin(seq: number, record: ReplayRecord): Promise<void>
  /** Keeps a record (unless its capture is gone); a record `begin` noted is finished by it (the same id). */
  add(seq: number, record: ReplayRecord): Promise<void>
  /** Newest first. */
  list(seq: number, captureId: string): Promise<ReplayRecord[]>
  /** Deletes every record of these captures. */
  deleteFor(captures: CapturesToForget): Promise<void>
  /**
   * Takes in the journal a previous run left (every other use does so first): called at start-up,
   * once the store can say which captures exist, so a journal found damaged is in the first status.
   */
  recover(): Promise<void>
  /**
   * Waits until every note, record and deletion begun has been written (or failed): the app is
   * stopping, and nothing may land in its folder once it lets go of it. A record is listed as soon
   * as it is added, before its document is on disk, so a stop right after could race its write.
   */
  close(): Promise<void>
}

const groupOf = (seq: number): number => Math.floor(seq / CAPTURES_PER_DOCUMENT) + 1
const GROUP_FILE = /^(\d+)\.json$/
/** The journal of sends in flight: one JSON line (`{ seq, record }`) per send begun. */
export const SENDING_JOURNAL = 'sending.jsonl'

export interface ReplayHistoryOptions {
  /**
   * Whether the store still has this capture (a look-up in its index); `undefined` while that is
   * not known yet (the store is still opening), when the record is kept.
   */
  captureExists?: (captureId: string) => boolean | undefined
  /** The journal's size past which an append rewrites it with the sends in flight only (default `JOURNAL_REWRITE_BYTES`). */
  journalRewriteBytes?: number
  /**
   * The store's durability, read at each journal write (default `sync`): `sync` syncs each append
   * (and the folder when the journal is created) before the send goes out; `flush` leaves them in
   * the page cache, as the captures are, which a crash or kill -9 of the app survives and a power loss may not.
   */
  durability?: () => Durability
  /** How the journal is synced; tests count the syncs through it. */
  journalSync?: JournalSync
}

/** The syncs the journal makes under `sync` durability. */
export interface JournalSync {
  datasync(handle: FileHandle): Promise<void>
  syncDirectory(dir: string): Promise<void>
}

const journalSyncOfDisk: JournalSync = { datasync: (handle) => handle.datasync(), syncDirectory }

/**
 * Past this, the journal is rewritten (temporary file, sync, rename) with the lines of the sends
 * still in flight: it is otherwise only emptied once none is, and a bulk replay of 10,000 at a
 * concurrency of 8 always has one, so it grew to hundreds of MB, all of it read back after a crash.
 */
export const JOURNAL_REWRITE_BYTES = 4 * 1024 * 1024

export function createReplayHistory(
  dir: string,
  quarantineDir: string,
  now: () => Date,
  onIssue: (issue: StorageIssue) => void,
  options: ReplayHistoryOptions = {},
): ReplayHistory {
  /** A record whose capture is gone is not kept (a simulated callback has none: never in a document). */
  const isOfDeletedCapture = (record: ReplayRecord): boolean => record.captureId !== null && options.captureExists?.(record.captureId) === false
  const documents = new Map<number, Promise<{ db: Low<HistoryDocument>; save: () => Promise<void> }>>()
  /** A document was removed since the folder was last synced. */
  let removedSinceSync = false
  const journalFile = join(dir, SENDING_JOURNAL)
  /** Sends begun and not yet finished by `add`: their journal lines, by record id. */
  const inFlight = new Map<string, string>()
  const rewriteBytes = options.journalRewriteBytes ?? JOURNAL_REWRITE_BYTES
  const journalSync = options.journalSync ?? journalSyncOfDisk
  /** Bytes the journal file holds, as this run wrote it. */
  let journalBytes = 0
  /** Journal lines not yet written. */
  let unwritten: string[] = []
  /** What the journal file holds (set once the previous run's journal is read). */
  let journal: 'absent' | 'empty' | 'lines' = 'lines'
  // Every journal write goes through here, one at a time: the lines waiting, in one append and one
  // sync; or, when nothing waits and no send is in flight, emptying the journal.
  const saveJournal = createCoalescingWriter(async () => {
    if (unwritten.length > 0) {
      const text = unwritten.join('')
      unwritten = []
      await makePrivateDir(dir)
      const isSynced = (options.durability?.() ?? 'sync') === 'sync'
      if (journal === 'lines' && journalBytes + Buffer.byteLength(text) > rewriteBytes) {
        // The lines waiting are among those in flight (a line goes only once its send is finished).
        const kept = [...inFlight.values()].join('')
        await (isSynced ? writeFileAtomically(journalFile, kept) : writeCacheFile(journalFile, Buffer.from(kept)))
        journalBytes = Buffer.byteLength(kept)
        return
      }
      journalBytes += Buffer.byteLength(text)
      const created = journal === 'absent'
      const handle = await open(journalFile, 'a', PRIVATE_FILE_MODE)
      try {
        await handle.writeFile(text, 'utf8')
        if (isSynced) await journalSync.datasync(handle)
      } finally {
        await handle.close()
      }
      journal = 'lines'
      if (created && isSynced) await journalSync.syncDirectory(dir)
    } else if (inFlight.size === 0 && journal === 'lines') {
      // Every record it held is in its document (on disk): emptying it, unsynced, risks no more than records found again.
      await truncate(journalFile, 0).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      })
      journal = 'empty'
      journalBytes = 0
    }
  })
  /** The journal a previous run left, merged into the documents before any other use of the history. */
  let recovering: Promise<void> | null = null
  const recovered = (): Promise<void> =>
    (recovering ??= recoverJournal().catch((error: unknown) => {
      recovering = null
      throw error
    }))

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
        const save = createCoalescingWriter(write)
        // Records of captures deleted before deleting a capture deleted its history (earlier versions)
        // were kept where nothing shows them; read here anyway, they go, one index look-up each.
        const kept = db.data.records.filter((record) => !isOfDeletedCapture(record))
        if (kept.length !== db.data.records.length) {
          db.data.records = kept
          // Not written (a full disk): the next write of the document drops them.
          await save().catch(() => undefined)
        }
        return { db, save }
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

  /**
   * Records of sends a previous run began and never finished (it stopped first) go into their
   * documents, each once (a record its document already has was finished; of two lines of one send,
   * the later is its finished record, which `add` could not keep), unless their capture was deleted
   * meanwhile; then the journal is emptied.
   * An append that failed part way in a run that went on (a full disk) leaves a fragment the next
   * line was appended to: each line is read from its last `{"seq":` (inside a record, quotes are
   * escaped). A line that still cannot be read, or a last line cut short (a crash or power loss
   * while it was written), is a record lost: every readable one is kept first, then the journal
   * is moved aside to `unreadable/` as it was, never emptied over it, and the lines lost are
   * reported as a storage issue, as a capture log's unfinished write is.
   */
  async function recoverJournal(): Promise<void> {
    let text: string
    try {
      text = await readFile(journalFile, 'utf8')
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      journal = 'absent'
      return
    }
    if (text === '') {
      journal = 'empty'
      return
    }
    journalBytes = Buffer.byteLength(text)
    const saves = new Set<() => Promise<void>>()
    /** Records this recovery added, by id: a later line of the same send (its finished record, see `add`) replaces it. */
    const added = new Map<string, ReplayRecord>()
    const lines = text.split('\n')
    const unreadable: JournalDamage = { lines: [], firstProblem: null, tornBytes: 0 }
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue
      const read = readJournalLine(line)
      if (typeof read === 'string') {
        // No line end after it: the write the app (or the power) stopped in.
        if (index === lines.length - 1) unreadable.tornBytes = Buffer.byteLength(line)
        else {
          unreadable.lines.push(index + 1)
          unreadable.firstProblem ??= read
        }
        continue
      }
      const { db, save } = await documentFor(read.seq)
      if (isOfDeletedCapture(read.record)) continue
      const earlier = added.get(read.record.id)
      if (earlier !== undefined) {
        db.data.records[db.data.records.indexOf(earlier)] = read.record
      } else if (db.data.records.some((record) => record.id === read.record.id)) {
        continue
      } else {
        db.data.records.push(read.record)
      }
      added.set(read.record.id, read.record)
      saves.add(save)
    }
    for (const save of saves) await save()
    if (unreadable.lines.length > 0 || unreadable.tornBytes > 0) {
      // Its readable records are in their documents (on disk): the file goes aside whole, and the next send starts a new one.
      onIssue(await moveAside(journalFile, describeJournalDamage(unreadable), quarantineDir, now))
      journal = 'absent'
      journalBytes = 0
      return
    }
    await saveJournal()
  }

  /** Notes, records and deletions begun and not yet written: `close` waits for them. */
  const running = new Set<Promise<unknown>>()
  function tracked<T>(operation: Promise<T>): Promise<T> {
    running.add(operation)
    const done = (): void => void running.delete(operation)
    operation.then(done, done)
    return operation
  }

  /** `add` finished a send `begin` noted: once none is in flight, the journal is emptied (if that fails, it is tried again next time). */
  async function finished(id: string): Promise<void> {
    if (inFlight.delete(id) && inFlight.size === 0) await saveJournal().catch(() => undefined)
  }

  const history = {
    async begin(seq: number, record: ReplayRecord): Promise<void> {
      await recovered()
      const line = `${JSON.stringify({ seq, record })}\n`
      inFlight.set(record.id, line)
      unwritten.push(line)
      try {
        await saveJournal()
      } catch (error: unknown) {
        await finished(record.id)
        throw error
      }
    },
    async add(seq: number, record: ReplayRecord): Promise<void> {
      await recovered()
      const { db, save } = await documentFor(seq)
      // Its capture was deleted while it was sent: its history went with it, and so does this record.
      // (Checked as it is pushed: a deletion removes the capture from the store before its history.)
      if (isOfDeletedCapture(record)) return finished(record.id)
      db.data.records.push(record)
      try {
        await save()
      } catch (error: unknown) {
        // Not kept (a full disk): a later write of the document still has it. Should none come before
        // the app stops, the next run would read only the journal's line, "the app stopped before the
        // answer arrived", where an answer did arrive: the finished record is appended to the journal
        // after that line (a small append may succeed where rewriting the document did not), and the
        // next run takes a send's last line.
        if (inFlight.has(record.id)) {
          const line = `${JSON.stringify({ seq, record })}\n`
          inFlight.set(record.id, line)
          unwritten.push(line)
          await saveJournal().catch(() => undefined)
        }
        throw error
      }
      await finished(record.id)
    },
    async list(seq: number, captureId: string): Promise<ReplayRecord[]> {
      await recovered()
      const { db } = await documentFor(seq)
      return db.data.records.filter((record) => record.captureId === captureId).reverse()
    },
    recover: recovered,
    async deleteFor(captures: CapturesToForget): Promise<void> {
      await recovered()
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
  return {
    begin: (seq, record) => tracked(history.begin(seq, record)),
    add: (seq, record) => tracked(history.add(seq, record)),
    list: (seq, captureId) => history.list(seq, captureId),
    deleteFor: (captures) => tracked(history.deleteFor(captures)),
    recover: history.recover,
    async close() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
  }
}

/** What a journal read at start-up held that could not be read. */
interface JournalDamage {
  /** Line numbers (from 1) of whole lines that hold no readable record. */
  lines: number[]
  /** Why the first of them could not be read. */
  firstProblem: string | null
  /** Bytes of a last line without its line end that holds no readable record (0: none). */
  tornBytes: number
}

/** A journal line's record, or why there is none. */
function readJournalLine(line: string): { seq: number; record: ReplayRecord } | string {
  let data: unknown
  try {
    data = JSON.parse(line.slice(Math.max(0, line.lastIndexOf('{"seq":'))))
  } catch (error: unknown) {
    return `not valid JSON: ${error instanceof Error ? error.message : String(error)}`
  }
  const parsed = sendingEntrySchema.safeParse(data)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    return `not a replay record: ${first ? `${first.path.join('.') || 'the line'}: ${first.message}` : 'invalid'}`
  }
  return parsed.data as unknown as { seq: number; record: ReplayRecord }
}

/** Lines listed by number in an issue; past this many, only how many more. */
const DAMAGED_LINES_LISTED = 5

/** The issue's problem: which records were lost, and what became of the rest. */
function describeJournalDamage({ lines, firstProblem, tornBytes }: JournalDamage): string {
  const parts: string[] = []
  if (lines.length > 0) {
    const listed = lines.slice(0, DAMAGED_LINES_LISTED).join(', ')
    const more = lines.length > DAMAGED_LINES_LISTED ? ` and ${lines.length - DAMAGED_LINES_LISTED} more` : ''
    const where = lines.length === 1 ? `at line ${listed}` : `at lines ${listed}${more}`
    parts.push(`${lines.length} replay record${lines.length === 1 ? '' : 's'} ${where} could not be read (${firstProblem ?? 'unreadable'})`)
  }
  if (tornBytes > 0) {
    parts.push(
      // Not "it had not gone out": a journal append that failed (a full disk) does not stop the send.
      `its last line (${tornBytes} byte${tornBytes === 1 ? '' : 's'}) was cut short (a crash, a power loss or a full disk while a send was being noted): its record could not be read, so a send begun then may be missing from its capture's history`,
    )
  }
  return `${parts.join('; ')}; every other record was kept in its capture's history, and the sends noted from now on go to a new journal`
}
