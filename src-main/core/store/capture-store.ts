/**
 * The capture store: every capture's metadata in memory for fast listing, persisted in lowdb
 * segments (see capture-segments.ts), with the raw body bytes appended beside them.
 *
 * The capture path is a group commit: captures that arrive while a commit runs wait for the next
 * one, which appends all their bodies in one `writev` and writes the newest segment once. A
 * capture's promise resolves only after both writes finished, so the receiver answers a request
 * only once it would survive a kill -9 (the kernel holds the bytes; steno renames atomically).
 */
import { mkdir } from 'node:fs/promises'
import type { StorageIssue } from '../../shared/contract'
import { createSegment, forgetSerialized, loadSegments, logFileIo, type LogFileIo, type Segment } from './capture-segments'
import type { LoggedCapture, StoredCapture } from './persisted-schema'

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

/** A capture to store: everything but its sequence number and where it lands on disk. */
export type NewCapture = Omit<LoggedCapture, 'seq' | 'body'> & { body: { sha256: string } }

export interface CapturePageQuery {
  endpointId?: string
  /** Exclusive upper bound on `seq` (the `nextCursor` of the previous page). */
  beforeSeq?: number
  limit: number
}

export interface CaptureStore {
  /** Files found unreadable when the store opened (moved aside). */
  readonly issues: StorageIssue[]
  /** Stores a capture; resolves once it is on disk, rejects (and keeps nothing) when it is not. */
  append(capture: NewCapture, bodyBytes: Buffer): Promise<StoredCapture>
  page(query: CapturePageQuery): { items: StoredCapture[]; nextBeforeSeq: number | null; total: number }
  get(id: string): StoredCapture | undefined
  readBody(capture: StoredCapture): Promise<Buffer>
  count(endpointId?: string): number
  /** Every endpoint id that has captures. */
  endpointIds(): string[]
  /** Changes derived fields of a stored capture (e.g. its recognition) and writes them soon. */
  update(id: string, change: (capture: StoredCapture) => void): void
  /** Writes every pending index change now. */
  flush(): Promise<void>
  /** Deletes one capture and erases its body bytes; `undefined` when there was none. */
  delete(id: string): Promise<StoredCapture | undefined>
  /** Deletes every capture of an endpoint; returns how many. */
  deleteByEndpoint(endpointId: string): Promise<number>
  close(): Promise<void>
}

interface Pending {
  capture: LoggedCapture
  bytes: Buffer
  stored?: StoredCapture
  resolve: (capture: StoredCapture) => void
  reject: (error: unknown) => void
}

export async function openCaptureStore(config: CaptureStoreConfig, deps: CaptureStoreDeps): Promise<CaptureStore> {
  await mkdir(config.dir, { recursive: true })
  const io = deps.logIo ?? logFileIo
  const { segments, issues } = await loadSegments(config.dir, config.quarantineDir, deps.now, io)

  /** All captures, ascending by seq; per-endpoint views share the same objects. */
  const all: StoredCapture[] = []
  const byEndpoint = new Map<string, StoredCapture[]>()
  const segmentOf = new Map<string, Segment>()
  const byId = new Map<string, StoredCapture>()

  const loaded: Array<{ capture: StoredCapture; segment: Segment }> = []
  for (const segment of segments) for (const capture of segment.db.data.captures) loaded.push({ capture, segment })
  loaded.sort((a, b) => a.capture.seq - b.capture.seq)
  for (const { capture, segment } of loaded) index(capture, segment)

  let nextSeq = (all.at(-1)?.seq ?? 0) + 1
  let current: Segment | undefined = segments.at(-1)
  let nextSegmentNumber = (current?.number ?? 0) + 1

  function index(capture: StoredCapture, segment: Segment): void {
    insertBySeq(all, capture)
    let list = byEndpoint.get(capture.endpointId)
    if (!list) byEndpoint.set(capture.endpointId, (list = []))
    insertBySeq(list, capture)
    segmentOf.set(capture.id, segment)
    byId.set(capture.id, capture)
  }

  function unindex(capture: StoredCapture): void {
    removeBySeq(all, capture.seq)
    const list = byEndpoint.get(capture.endpointId)
    if (list) removeBySeq(list, capture.seq)
    segmentOf.delete(capture.id)
    byId.delete(capture.id)
  }

  // ---- group commit -------------------------------------------------------------------------
  // Captures parsed in the same event-loop turn are committed together; commits may overlap
  // (bodies go to reserved offsets, and `persist` coalesces index writes), so a slow disk write
  // never holds back the next batch.
  let pending: Pending[] = []
  let flushScheduled = false
  const inFlight = new Set<Promise<void>>()
  let rolling: Promise<Segment> | null = null
  let spare: Promise<Segment> | null = null

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
          current?.retire()
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
    const groups = new Map<Segment, Array<{ item: Pending; stored: StoredCapture; buffers: Buffer[] }>>()
    for (const item of batch) {
      // Only a full segment makes this wait (for the next one, usually prepared already).
      const segment = current && !current.isFull() ? current : await writableSegment()
      const { stored, buffers } = segment.place(item.capture, item.bytes)
      const group = groups.get(segment)
      if (group) group.push({ item, stored, buffers })
      else groups.set(segment, [{ item, stored, buffers }])
    }
    if (spare === null && current?.isNearlyFull()) void writableSegment()
    let failure: unknown = null
    for (const [segment, placed] of groups) {
      try {
        // The log write is what makes a capture durable; the index follows in the background.
        segment.writeFrames(placed)
      } catch (error: unknown) {
        failure ??= error
        // Its senders are told to retry: nothing of it may be kept.
        segment.forget(new Set(placed.map(({ stored }) => stored.id)))
      }
    }
    if (failure !== null) {
      // Frames of other segments that did land are dropped too: the whole batch is retried.
      for (const [segment, placed] of groups) {
        segment.forget(new Set(placed.map(({ stored }) => stored.id)))
        segment.persistSoon()
      }
      throw failure
    }
    for (const [segment, placed] of groups) {
      for (const { item, stored } of placed) {
        index(stored, segment)
        item.stored = stored
      }
      segment.persistSoon()
    }
  }

  async function dropIfEmpty(segment: Segment): Promise<void> {
    if (segment === current || segment.db.data.captures.length > 0) return
    segments.splice(segments.indexOf(segment), 1)
    await segment.close()
    await segment.remove()
  }

  async function deleteFromSegment(segment: Segment, doomed: StoredCapture[]): Promise<void> {
    const before = segment.db.data.captures
    segment.forget(new Set(doomed.map((capture) => capture.id)))
    try {
      // Index first: a crash after it leaves an unreferenced frame below the indexed mark,
      // which is never read back; then the bytes are erased.
      await segment.persist()
    } catch (error: unknown) {
      segment.db.data.captures = before
      throw error
    }
    for (const capture of doomed) {
      unindex(capture)
      await segment.erase(capture)
    }
    await dropIfEmpty(segment)
  }

  return {
    issues,
    append(capture, bodyBytes) {
      const logged: LoggedCapture = { ...capture, seq: nextSeq++, body: { size: bodyBytes.length, sha256: capture.body.sha256 } }
      return new Promise((resolve, reject) => {
        pending.push({ capture: logged, bytes: bodyBytes, resolve, reject })
        scheduleFlush()
      })
    },
    page({ endpointId, beforeSeq, limit }) {
      const list = endpointId === undefined ? all : (byEndpoint.get(endpointId) ?? [])
      const end = beforeSeq === undefined ? list.length : lowerBound(list, beforeSeq)
      const start = Math.max(0, end - limit)
      const items = list.slice(start, end).reverse()
      return { items, nextBeforeSeq: start > 0 ? (items.at(-1)?.seq ?? null) : null, total: list.length }
    },
    get: (id) => byId.get(id),
    async readBody(capture) {
      const segment = segmentOf.get(capture.id)
      if (!segment) throw new Error(`capture ${capture.id} is no longer stored`)
      return segment.readBody(capture)
    },
    count: (endpointId) => (endpointId === undefined ? all.length : (byEndpoint.get(endpointId)?.length ?? 0)),
    update(id, change) {
      const capture = byId.get(id)
      const segment = segmentOf.get(id)
      if (!capture || !segment) return
      change(capture)
      forgetSerialized(capture)
      segment.persistSoon()
    },
    async flush() {
      await Promise.all(segments.map((segment) => segment.persist()))
    },
    endpointIds: () => [...byEndpoint.keys()].filter((id) => (byEndpoint.get(id)?.length ?? 0) > 0),
    async delete(id) {
      const capture = byId.get(id)
      const segment = segmentOf.get(id)
      if (!capture || !segment) return undefined
      await deleteFromSegment(segment, [capture])
      return capture
    },
    async deleteByEndpoint(endpointId) {
      const doomed = [...(byEndpoint.get(endpointId) ?? [])]
      const grouped = new Map<Segment, StoredCapture[]>()
      for (const capture of doomed) {
        const segment = segmentOf.get(capture.id)
        if (!segment) continue
        const group = grouped.get(segment)
        if (group) group.push(capture)
        else grouped.set(segment, [capture])
      }
      for (const [segment, captures] of grouped) await deleteFromSegment(segment, captures)
      byEndpoint.delete(endpointId)
      return doomed.length
    },
    async close() {
      while (pending.length > 0 || flushScheduled || inFlight.size > 0) {
        await Promise.all([...inFlight, new Promise((resolve) => setImmediate(resolve))])
      }
      if (spare) segments.push(await spare)
      for (const segment of segments) await segment.close()
    },
  }
}

/** Index of the first element whose seq is >= `seq` (the list is ascending). */
function lowerBound(list: StoredCapture[], seq: number): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((list[middle] as StoredCapture).seq < seq) low = middle + 1
    else high = middle
  }
  return low
}

/** Commits can finish out of order; keep lists ascending (almost always a plain push). */
function insertBySeq(list: StoredCapture[], capture: StoredCapture): void {
  if (list.length === 0 || (list.at(-1) as StoredCapture).seq < capture.seq) list.push(capture)
  else list.splice(lowerBound(list, capture.seq), 0, capture)
}

function removeBySeq(list: StoredCapture[], seq: number): void {
  const position = lowerBound(list, seq)
  if (list[position]?.seq === seq) list.splice(position, 1)
}
