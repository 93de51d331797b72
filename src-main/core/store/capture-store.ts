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
import { createSegment, loadSegments, SEGMENT_MAX_BODY_BYTES, SEGMENT_MAX_CAPTURES, type Segment } from './capture-segments'
import type { StoredCapture } from './persisted-schema'

export interface CaptureStoreConfig {
  /** Folder for the segment files. */
  dir: string
  /** Folder where unreadable files are moved. */
  quarantineDir: string
}

export interface CaptureStoreDeps {
  now: () => Date
}

/** A capture to store: everything but its sequence number and where its body lands. */
export type NewCapture = Omit<StoredCapture, 'seq' | 'body'> & { body: { sha256: string } }

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
  /** Deletes one capture and erases its body bytes; `undefined` when there was none. */
  delete(id: string): Promise<StoredCapture | undefined>
  /** Deletes every capture of an endpoint; returns how many. */
  deleteByEndpoint(endpointId: string): Promise<number>
  close(): Promise<void>
}

interface Pending {
  capture: StoredCapture
  bytes: Buffer
  resolve: (capture: StoredCapture) => void
  reject: (error: unknown) => void
}

export async function openCaptureStore(config: CaptureStoreConfig, deps: CaptureStoreDeps): Promise<CaptureStore> {
  await mkdir(config.dir, { recursive: true })
  const { segments, issues } = await loadSegments(config.dir, config.quarantineDir, deps.now)

  /** All captures, ascending by seq; per-endpoint views share the same objects. */
  const all: StoredCapture[] = []
  const byEndpoint = new Map<string, StoredCapture[]>()
  const segmentOf = new Map<string, Segment>()
  const byId = new Map<string, StoredCapture>()

  const loaded: Array<{ capture: StoredCapture; segment: Segment }> = []
  for (const segment of segments) {
    for (const capture of segment.db.data.captures) loaded.push({ capture, segment })
  }
  loaded.sort((a, b) => a.capture.seq - b.capture.seq)
  for (const { capture, segment } of loaded) index(capture, segment)

  let nextSeq = (all.at(-1)?.seq ?? 0) + 1
  let current: Segment | undefined = segments.at(-1)
  let nextSegmentNumber = (current?.number ?? 0) + 1

  function index(capture: StoredCapture, segment: Segment): void {
    all.push(capture)
    let list = byEndpoint.get(capture.endpointId)
    if (!list) byEndpoint.set(capture.endpointId, (list = []))
    list.push(capture)
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
  let pending: Pending[] = []
  let draining = false

  async function drain(): Promise<void> {
    draining = true
    while (pending.length > 0) {
      const batch = pending
      pending = []
      try {
        await commit(batch)
        for (const item of batch) item.resolve(item.capture)
      } catch (error: unknown) {
        for (const item of batch) item.reject(error)
      }
    }
    draining = false
  }

  async function commit(batch: Pending[]): Promise<void> {
    // Assign each capture a place, rolling to a new segment when the current one fills up.
    const bySegment = new Map<Segment, Pending[]>()
    let segment = current && !current.isFull() ? current : await rollSegment()
    let plannedBytes = segment.bodyBytes
    let plannedCount = segment.db.data.captures.length
    for (const item of batch) {
      if (plannedCount >= SEGMENT_MAX_CAPTURES || plannedBytes >= SEGMENT_MAX_BODY_BYTES) {
        segment = await rollSegment()
        plannedBytes = segment.bodyBytes
        plannedCount = 0
      }
      item.capture.body.offset = plannedBytes
      plannedBytes += item.bytes.length
      plannedCount += 1
      const group = bySegment.get(segment)
      if (group) group.push(item)
      else bySegment.set(segment, [item])
    }
    const written: Array<[Segment, Pending[]]> = []
    try {
      for (const [target, items] of bySegment) {
        await target.appendBodies(items.map((item) => item.bytes))
        target.db.data.captures.push(...items.map((item) => item.capture))
        written.push([target, items])
      }
      await Promise.all(written.map(([target]) => target.persist()))
    } catch (error: unknown) {
      // Nothing of this batch may stay referenced: the next successful write must not
      // resurrect captures whose senders were told to retry.
      for (const [target, items] of written) {
        const ids = new Set(items.map((item) => item.capture.id))
        target.db.data.captures = target.db.data.captures.filter((capture) => !ids.has(capture.id))
      }
      throw error
    }
    for (const [target, items] of written) for (const item of items) index(item.capture, target)
  }

  async function rollSegment(): Promise<Segment> {
    current = await createSegment(config.dir, nextSegmentNumber++)
    segments.push(current)
    return current
  }

  async function dropIfEmpty(segment: Segment): Promise<void> {
    if (segment === current || segment.db.data.captures.length > 0) return
    segments.splice(segments.indexOf(segment), 1)
    await segment.close()
    await segment.remove()
  }

  async function deleteFromSegment(segment: Segment, doomed: StoredCapture[]): Promise<void> {
    const ids = new Set(doomed.map((capture) => capture.id))
    const before = segment.db.data.captures
    segment.db.data.captures = before.filter((capture) => !ids.has(capture.id))
    try {
      await segment.persist()
    } catch (error: unknown) {
      segment.db.data.captures = before
      throw error
    }
    for (const capture of doomed) {
      unindex(capture)
      await segment.eraseBody(capture.body.offset, capture.body.size)
    }
    await dropIfEmpty(segment)
  }

  return {
    issues,
    append(capture, bodyBytes) {
      const stored: StoredCapture = {
        ...capture,
        seq: nextSeq++,
        body: { offset: 0, size: bodyBytes.length, sha256: capture.body.sha256 },
      }
      return new Promise((resolve, reject) => {
        pending.push({ capture: stored, bytes: bodyBytes, resolve, reject })
        if (!draining) void drain()
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
      return segment.readBody(capture.body.offset, capture.body.size)
    },
    count: (endpointId) => (endpointId === undefined ? all.length : (byEndpoint.get(endpointId)?.length ?? 0)),
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
      while (draining) await new Promise((resolve) => setTimeout(resolve, 5))
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

function removeBySeq(list: StoredCapture[], seq: number): void {
  const position = lowerBound(list, seq)
  if (list[position]?.seq === seq) list.splice(position, 1)
}
