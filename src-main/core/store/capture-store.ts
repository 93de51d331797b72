/**
 * The capture store: one small entry per capture in memory (where it lives, and its metadata as a
 * JSON string), persisted in lowdb segments beside append-only capture logs (see
 * capture-segments.ts). Bodies are read from the log when a capture is opened.
 *
 * Keeping every record as objects (headers, recognition, answer) alive made the garbage collector
 * the receiver's biggest cost (measured: 15k vs 27k captures/s); a string is one object it never
 * looks inside, and only the segment being filled keeps its records as objects.
 *
 * The capture path is a group commit: captures parsed in the same event-loop turn share one
 * positional write of their frames; each capture's promise resolves only after that write, so
 * the receiver answers a request only once it would survive a kill -9.
 */
import { compileCaptureFilter, filterFieldsOf, type CaptureFilter, type CaptureFilterFields, type CaptureOutcome } from '../../shared/capture-filter'
import type { CaptureRecognition, CaptureSummary, StorageIssue } from '../../shared/contract'
import type { ProviderId, VerdictStatus } from '../../shared/provider-catalog'
import { toCaptureSummary } from '../capture-views'
import { createSegment, loadSegments, logFileIo, type FrameLocation, type LogFileIo, type PlacedFrame, type Segment } from './capture-segments'
import type { LoggedCapture, StoredCapture } from './persisted-schema'
import { makePrivateDir } from './private-files'

export interface CaptureStoreConfig {
  /** Folder for the segment files. */
  dir: string
  /** Folder where unreadable files are moved. */
  quarantineDir: string
}

export interface CaptureStoreDeps {
  now: () => Date
  /** Opens and writes segment logs; defaults to the real file system (tests inject failures). */
  logIo?: LogFileIo
}

/**
 * A capture to store: everything but its sequence number and where it lands on disk. Imports set
 * `origin: 'imported'`, `importedFrom` and the original `receivedAt`, and may carry a note and a pin.
 */
export type NewCapture = Omit<LoggedCapture, 'seq' | 'body' | 'senderLeftAt'> & { body: { sha256: string } }

/** What changes on a stored capture after arrival (kept in its index document, not its log frame). */
export interface CaptureAnnotations {
  note?: string | null
  pinned?: boolean
  senderLeftAt?: string | null
}

export interface CapturePageQuery {
  endpointId?: string
  /** Exclusive upper bound on `seq` (the `nextCursor` of the previous page). */
  beforeSeq?: number
  limit: number
  /** Only captures matching it are paged and counted. */
  filter?: CaptureFilter
}

/** What is left to know of a deleted capture: enough to drop its history and tell the views. */
export interface DeletedCapture {
  id: string
  seq: number
  endpointId: string
}

export interface CaptureStore {
  /** Files found unreadable when the store opened (moved aside). */
  readonly issues: StorageIssue[]
  /**
   * Stores a capture (taking ownership of the object); resolves once it is on disk, rejects (and
   * keeps nothing) when it is not.
   */
  append(capture: NewCapture, bodyBytes: Buffer): Promise<StoredCapture>
  /** Newest first; `total` counts the captures matching the filter (all of the scope without one). */
  page(query: CapturePageQuery): Promise<{ items: CaptureSummary[]; nextBeforeSeq: number | null; total: number }>
  get(id: string): Promise<CaptureSummary | undefined>
  has(id: string): boolean
  /** Every stored attempt of one delivery (`CaptureSummary.deliveryKey`), oldest first. */
  deliveryAttempts(deliveryKey: string): Promise<CaptureSummary[]>
  /** Ids of an endpoint's captures (or all) matching the filter, oldest first, without building their list views. */
  ids(endpointId?: string, filter?: CaptureFilter): string[]
  /** The full record, annotations included. */
  load(id: string): Promise<StoredCapture>
  readBody(id: string): Promise<Buffer>
  count(endpointId?: string): number
  /** Every endpoint id that has captures. */
  endpointIds(): string[]
  /** Replaces the recognition of captures (after their endpoint's keys changed). */
  updateRecognitions(updates: Array<{ id: string; recognition: CaptureRecognition }>): Promise<void>
  /** Deletes the captures with these ids that are stored (one, or a selection) and erases their bytes; returns those deleted. */
  deleteMany(ids: readonly string[]): Promise<DeletedCapture[]>
  /** Changes a capture's note, pin or sender-left time; resolves with its new list view once on disk. */
  annotate(id: string, change: CaptureAnnotations): Promise<CaptureSummary>
  /** Deletes every capture of an endpoint (pinned ones only with `includePinned`); returns those deleted. */
  deleteByEndpoint(endpointId: string, options?: { includePinned?: boolean }): Promise<DeletedCapture[]>
  close(): Promise<void>
}

/**
 * What memory keeps per capture: where it lives, and the JSON of its record exactly as written
 * into its log frame (no extra work on the capture path). A string is one object the garbage
 * collector never looks inside, where the record as objects (recognition, answer, header pairs)
 * made it trace a dozen objects per capture, over and over. Lists parse what they show.
 *
 * The entry is also the capture's filter fields (shared/capture-filter.ts), computed once when it
 * is indexed, so a filtered query tests each entry without parsing its JSON. They are plain
 * properties rather than an object of their own: a number, the catalogue's shared strings, and
 * one search string of its own per capture.
 */
class Entry implements CaptureFilterFields {
  /** Set when the recognition changed after arrival (new keys); the logged JSON keeps the first. */
  recognition: CaptureRecognition | null | undefined = undefined
  /** Annotations changed after the logged JSON was made. */
  annotations: CaptureAnnotations | undefined = undefined
  method: string
  provider: ProviderId | null
  verdict: VerdictStatus | null
  answerStatus: number | null
  outcome: CaptureOutcome
  searchText: string

  constructor(
    readonly seq: number,
    readonly id: string,
    readonly endpointId: string,
    readonly bodySize: number,
    readonly segment: Segment,
    readonly frame: FrameLocation,
    readonly loggedJson: string,
    fields: CaptureFilterFields,
  ) {
    this.method = fields.method
    this.provider = fields.provider
    this.verdict = fields.verdict
    this.answerStatus = fields.answerStatus
    this.outcome = fields.outcome
    this.searchText = fields.searchText
  }

  /** A new recognition (new keys or settings) changes the provider, verdict and summary searched. */
  recognize(recognition: CaptureRecognition): void {
    this.recognition = recognition
    const fields = filterFieldsOf(this.logged)
    this.provider = fields.provider
    this.verdict = fields.verdict
    this.searchText = fields.searchText
  }

  get logged(): LoggedCapture {
    const logged = JSON.parse(this.loggedJson) as LoggedCapture
    if (this.recognition !== undefined) logged.recognition = this.recognition
    if (this.annotations !== undefined) Object.assign(logged, this.annotations)
    return logged
  }

  get summary(): CaptureSummary {
    return toCaptureSummary(this.logged)
  }

  get pinned(): boolean {
    return this.annotations?.pinned ?? (JSON.parse(this.loggedJson) as LoggedCapture).pinned ?? false
  }
}

interface Pending {
  capture: LoggedCapture
  bytes: Buffer
  stored?: StoredCapture
  resolve: (stored: StoredCapture) => void
  reject: (error: unknown) => void
}

export async function openCaptureStore(config: CaptureStoreConfig, deps: CaptureStoreDeps): Promise<CaptureStore> {
  await makePrivateDir(config.dir)
  const io = deps.logIo ?? logFileIo
  /** Entries ascending by seq, overall and per endpoint (the same objects). */
  const all: Entry[] = []
  const byEndpoint = new Map<string, Entry[]>()
  const entries = new Map<string, Entry>()
  /** Captures per segment, so a segment emptied by deletions is found without a scan. */
  const perSegment = new Map<Segment, number>()

  const { segments, issues } = await loadSegments(config.dir, config.quarantineDir, deps.now, io, (segment, captures) => {
    for (const capture of captures) {
      const { frame: _frame, ...logged } = capture
      index(capture, segment, JSON.stringify(logged))
    }
  })

  let nextSeq = (all.at(-1)?.seq ?? 0) + 1
  let current: Segment | undefined = segments.at(-1)
  let nextSegmentNumber = (current?.number ?? 0) + 1

  function index(capture: StoredCapture, segment: Segment, loggedJson: string): void {
    const entry = new Entry(capture.seq, capture.id, capture.endpointId, capture.body.size, segment, capture.frame, loggedJson, filterFieldsOf(capture))
    insertBySeq(all, entry)
    let list = byEndpoint.get(entry.endpointId)
    if (!list) byEndpoint.set(entry.endpointId, (list = []))
    insertBySeq(list, entry)
    entries.set(entry.id, entry)
    perSegment.set(segment, (perSegment.get(segment) ?? 0) + 1)
  }

  function unindex(entry: Entry): void {
    removeBySeq(all, entry.seq)
    const list = byEndpoint.get(entry.endpointId)
    if (list) removeBySeq(list, entry.seq)
    entries.delete(entry.id)
    perSegment.set(entry.segment, (perSegment.get(entry.segment) ?? 1) - 1)
  }

  function listOf(endpointId: string | undefined): Entry[] {
    return endpointId === undefined ? all : (byEndpoint.get(endpointId) ?? [])
  }

  function entryOf(id: string): Entry {
    const entry = entries.get(id)
    if (!entry) throw new Error(`capture ${id} is no longer stored`)
    return entry
  }

  // ---- group commit -------------------------------------------------------------------------
  let pending: Pending[] = []
  let flushScheduled = false
  const inFlight = new Set<Promise<void>>()
  let rolling: Promise<Segment> | null = null
  let spare: Promise<Segment> | null = null
  /** Segments that stopped taking captures and are to be retired after the current commit. */
  const retiring = new Set<Segment>()

  function scheduleFlush(): void {
    if (flushScheduled) return
    flushScheduled = true
    setImmediate(() => {
      flushScheduled = false
      const batch = pending
      pending = []
      const commitment = commit(batch).then(
        () => batch.forEach((item) => item.resolve(item.stored as StoredCapture)),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      )
      inFlight.add(commitment)
      void commitment.finally(() => inFlight.delete(commitment))
    })
  }

  async function writableSegment(): Promise<Segment> {
    while (!current || current.isFull()) {
      // One roll at a time: concurrent batches wait for the same new segment. A failed roll
      // (disk full) is forgotten, so the next capture tries again once there is room.
      rolling ??= (spare ?? createSegment(config.dir, nextSegmentNumber++, io))
        .then((segment) => {
          segments.push(segment)
          // Retired at the end of the commit that rolled, once its last frames are written.
          if (current) retiring.add(current)
          current = segment
          return segment
        })
        .finally(() => {
          rolling = null
          spare = null
        })
      await rolling
    }
    // Open the next segment ahead of time, so a full one never makes a capture wait for file
    // creation on the request path.
    if (!spare && current.isNearlyFull()) {
      const preparing = createSegment(config.dir, nextSegmentNumber++, io)
      preparing.catch(() => {
        if (spare === preparing) spare = null
      })
      spare = preparing
    }
    return current
  }

  async function commit(batch: Pending[]): Promise<void> {
    const groups = new Map<Segment, Array<PlacedFrame & { item: Pending }>>()
    for (const item of batch) {
      // Only a full segment makes this wait (for the next one, usually prepared already).
      const segment = current && !current.isFull() ? current : await writableSegment()
      const placed = { item, ...segment.place(item.capture, item.bytes) }
      const group = groups.get(segment)
      if (group) group.push(placed)
      else groups.set(segment, [placed])
    }
    if (spare === null && current?.isNearlyFull()) void writableSegment()
    let failure: unknown = null
    for (const [segment, placed] of groups) {
      try {
        // The log write is what makes a capture durable; the index follows in the background.
        segment.writeFrames(placed)
      } catch (error: unknown) {
        failure ??= error
      }
    }
    if (failure !== null) {
      retireFinished()
      // Its senders are told to retry: nothing of the batch may be kept.
      for (const [segment, placed] of groups) {
        segment.forget(new Set(placed.map(({ stored }) => stored.id)))
        segment.persistSoon()
      }
      throw failure
    }
    for (const [segment, placed] of groups) {
      for (const { item, stored, loggedJson } of placed) {
        index(stored, segment, loggedJson)
        item.stored = stored
      }
      if (segment === current) segment.persistSoon()
    }
    retireFinished()
  }

  function retireFinished(): void {
    for (const segment of retiring) if (segment !== current) segment.retire()
    retiring.clear()
  }

  async function dropIfEmpty(segment: Segment): Promise<void> {
    if (segment === current || (perSegment.get(segment) ?? 0) > 0) return
    perSegment.delete(segment)
    segments.splice(segments.indexOf(segment), 1)
    await segment.close()
    await segment.remove()
  }

  /** Deletes captures from their segments: index first, then their bytes are erased. */
  async function deleteEntries(doomed: Entry[]): Promise<void> {
    const bySegment = new Map<Segment, Entry[]>()
    for (const entry of doomed) bySegment.set(entry.segment, [...(bySegment.get(entry.segment) ?? []), entry])
    for (const [segment, group] of bySegment) {
      const ids = new Set(group.map((entry) => entry.id))
      // A crash after the index write leaves unreferenced frames below the indexed mark, which
      // are never read back; the bytes are erased next.
      await segment.edit((document) => {
        document.captures = document.captures.filter((capture) => !ids.has(capture.id))
      })
      for (const entry of group) {
        unindex(entry)
        await segment.erase(entry.frame, entry.bodySize)
      }
      await dropIfEmpty(segment)
    }
  }

  return {
    issues,
    append(capture, bodyBytes) {
      // Completed in place (no copy: this runs for every capture); the caller hands it over.
      const logged = Object.assign(capture, { seq: nextSeq++, body: { size: bodyBytes.length, sha256: capture.body.sha256 } }) as LoggedCapture
      return new Promise((resolve, reject) => {
        pending.push({ capture: logged, bytes: bodyBytes, resolve, reject })
        scheduleFlush()
      })
    },
    async page({ endpointId, beforeSeq, limit, filter }) {
      const list = listOf(endpointId)
      const end = beforeSeq === undefined ? list.length : lowerBound(list, beforeSeq)
      const matches = compileCaptureFilter(filter)
      if (matches === null) {
        const start = Math.max(0, end - limit)
        const items = list.slice(start, end).reverse()
        return { items: items.map((entry) => entry.summary), nextBeforeSeq: start > 0 ? (items.at(-1)?.seq ?? null) : null, total: list.length }
      }
      // One pass over the scope: the total counts every match, the page takes the newest `limit`
      // below the cursor, and a further match below them means there is a next page.
      const picked: Entry[] = []
      let total = 0
      let hasOlder = false
      for (let position = list.length - 1; position >= 0; position--) {
        const entry = list[position] as Entry
        if (!matches(entry)) continue
        total++
        if (position >= end) continue
        if (picked.length < limit) picked.push(entry)
        else hasOlder = true
      }
      return { items: picked.map((entry) => entry.summary), nextBeforeSeq: hasOlder ? (picked.at(-1)?.seq ?? null) : null, total }
    },
    get: async (id) => entries.get(id)?.summary,
    async deliveryAttempts(deliveryKey) {
      return all.map((entry) => entry.summary).filter((summary) => summary.deliveryKey === deliveryKey)
    },
    has: (id) => entries.has(id),
    ids(endpointId, filter) {
      const matches = compileCaptureFilter(filter)
      const list = listOf(endpointId)
      return (matches === null ? list : list.filter(matches)).map((entry) => entry.id)
    },
    async load(id) {
      const entry = entryOf(id)
      return { ...entry.logged, frame: entry.frame }
    },
    readBody(id) {
      const entry = entryOf(id)
      return entry.segment.readBody(entry.frame, entry.bodySize)
    },
    count: (endpointId) => listOf(endpointId).length,
    endpointIds: () => [...byEndpoint.keys()].filter((id) => (byEndpoint.get(id)?.length ?? 0) > 0),
    async updateRecognitions(updates) {
      const bySegment = new Map<Segment, Map<string, CaptureRecognition>>()
      for (const { id, recognition } of updates) {
        const entry = entries.get(id)
        if (!entry) continue
        entry.recognize(recognition)
        const group = bySegment.get(entry.segment) ?? new Map<string, CaptureRecognition>()
        group.set(id, recognition)
        bySegment.set(entry.segment, group)
      }
      for (const [segment, changes] of bySegment) {
        await segment.edit((document) => {
          document.captures = document.captures.map((capture) => {
            const recognition = changes.get(capture.id)
            // A new object: the cached JSON of the old one no longer applies.
            return recognition ? { ...capture, recognition } : capture
          })
        })
      }
    },
    async deleteMany(ids) {
      const doomed = [...new Set(ids)].flatMap((id) => entries.get(id) ?? [])
      await deleteEntries(doomed)
      return doomed.map(({ id, seq, endpointId }) => ({ id, seq, endpointId }))
    },
    async annotate(id, change) {
      const entry = entryOf(id)
      await entry.segment.edit((document) => {
        document.captures = document.captures.map((capture) => (capture.id === id ? { ...capture, ...change } : capture))
      })
      // Only once the index document holds it: a failed write changes nothing.
      entry.annotations = { ...entry.annotations, ...change }
      return entry.summary
    },
    async deleteByEndpoint(endpointId, options) {
      const doomed = (byEndpoint.get(endpointId) ?? []).filter((entry) => options?.includePinned === true || !entry.pinned)
      await deleteEntries(doomed)
      return doomed.map(({ id, seq, endpointId }) => ({ id, seq, endpointId }))
    },
    async close() {
      while (pending.length > 0 || flushScheduled || inFlight.size > 0) {
        await Promise.all([...inFlight, new Promise((resolve) => setImmediate(resolve))])
      }
      if (spare) segments.push(await spare.catch(() => undefined as never))
      for (const segment of segments) if (segment) await segment.close()
    },
  }
}

/** Index of the first element whose seq is >= `seq` (the list is ascending). */
function lowerBound(list: Entry[], seq: number): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((list[middle] as Entry).seq < seq) low = middle + 1
    else high = middle
  }
  return low
}

/** Commits can finish out of order; keep lists ascending (almost always a plain push). */
function insertBySeq(list: Entry[], entry: Entry): void {
  if (list.length === 0 || (list.at(-1) as Entry).seq < entry.seq) list.push(entry)
  else list.splice(lowerBound(list, entry.seq), 0, entry)
}

function removeBySeq(list: Entry[], seq: number): void {
  const position = lowerBound(list, seq)
  if (list[position]?.seq === seq) list.splice(position, 1)
}
