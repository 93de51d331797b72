/**
 * The capture store: the one interface the core stores captures through (append, page, get,
 * delete, search, retention, health). On disk: segments, each an append-only capture log and a
 * lowdb index (capture-segments.ts, segment-index.ts). In memory: a few numbers per capture
 * (capture-index.ts, capture-table.ts), so memory does not grow with what is stored; records are
 * read from the log when a page or a capture is shown.
 *
 * `openCaptureStore` composes the parts: start-up (segment-recovery.ts), the group-committed
 * capture path (capture-writer.ts), reading records and bodies (capture-reader.ts), deletions and
 * index changes (capture-changes.ts), searches (recognising-search.ts) and retention.
 *
 * Integrity: every body read is checked against the sha256 recorded when it arrived, and a frame
 * must carry the id its index entry names; a capture failing either is reported as damaged and
 * its bytes are never served. Changes to the index (deletions, notes, new verdicts) are written
 * first and applied to memory only once written, so a failed write (a read-only folder) changes
 * nothing, now or after a restart.
 */
import { join } from 'node:path'
import { stat } from 'node:fs/promises'
import type { CaptureFilter } from '../../shared/capture-filter'
import type { CaptureRecognition, CaptureSummary } from '../../shared/views'
import { createCaptureChanges, selectEndpoint, selectIds, selectSlots, type SlotChange } from './capture-changes'
import { annotationPatch, CaptureIndex, fieldsOf, type CaptureAnnotations, type CaptureBrief, type IndexTweak } from './capture-index'
import { createCaptureReader, DamagedCaptureError } from './capture-reader'
import { createCarriedDeliveryKeys } from './carried-delivery-keys'
import { startHeapRelease } from './heap-release'
import { logPathOf, Segment } from './capture-segments'
import { SEGMENT_MAX_CAPTURES } from './capture-table'
import { createCaptureWriter, type NewCapture } from './capture-writer'
import type { DeletedCaptures } from './deleted-captures'
import type { DeliveryChanges } from './delivery-change-log'
import { createDeliveryLookups, type DeliveryAttemptFact } from './delivery-lookups'
import { logFileIo, type Durability, type LogFileIo } from './log-file-io'
import { MAX_OPEN_LOGS, OpenLogs } from './open-logs'
import { recognitionSchema, type LoggedCapture, type StoredCapture } from './persisted-schema'
import { makePrivateDir } from './private-files'
import { moveAside } from './data-file'
import { createRecognisingSearch } from './recognising-search'
import type { SearchReadCounts } from './store-search'
import { createRecognitionOverrides } from './recognition-overrides'
import { createRetention, type DerivedBytes, type RetentionPolicy, type Retention } from './retention'
import { sidecarCoveredLogBytes } from '../search/search-text-sidecar'
import { sidecarPathOf, VERIFIED_SIDECARS_FILE } from './search-runner'
import { listSegments, openSegments } from './segment-recovery'
import { createSpaceReserve, type SpaceReserveOptions } from './space-reserve'
import { compactSegment, type CompactionDeps } from './log-compaction'
import { allocatedBytesOf, LogSpaceReclaimer, RECLAIM_FILE, removeLeftoverTemporaries } from './sparse-log'
import { renderIndexAndSnapshot, type RenderedIndex } from './table-snapshot'
import { MIXED_RECOGNITIONS_VERSION, SEGMENT_SCHEMA_VERSION } from './segment-index'
import { yieldToEventLoop } from '../event-loop'
import { StorageIssues } from './storage-issues'

export type { Durability } from './log-file-io'
export type { CaptureAnnotations, CaptureBrief } from './capture-index'
export type { DeletedCapture, DeletedCaptures } from './deleted-captures'
export type { NewCapture } from './capture-writer'
export type { DeliveryAttemptFact } from './delivery-lookups'
export type { DeliveryChanges } from './delivery-change-log'
export { DamagedCaptureError }

export interface CaptureStoreConfig {
  /** Folder for the segment files. */
  dir: string
  /** Folder where unreadable files are moved. */
  quarantineDir: string
  /** Default `sync`. */
  durability?: Durability
  /** Retention caps (none by default). */
  retention?: RetentionPolicy
  /** Capture logs kept open at once (default `MAX_OPEN_LOGS`); the others are opened when read. */
  maxOpenLogs?: number
}

export interface CaptureStoreDeps {
  now: () => Date
  /** Opens, writes and syncs segment logs; defaults to the real file system (tests inject failures). */
  logIo?: LogFileIo
  /** Where files found unreadable or damaged on opening are reported (tests that do not look at them leave it out). */
  issues?: StorageIssues
  /**
   * Told of the captures retention deleted, once their deletion is on disk (what else is kept of
   * them goes, the views are told), as callers of `deleteMany` do; retention's next step waits for it.
   */
  retentionDeleted?: (deleted: DeletedCaptures) => Promise<void>
  /** The space set aside for deletions on a nearly full disk (space-reserve.ts; tests pretend a full disk). */
  spaceReserve?: SpaceReserveOptions
  /** Called after each step of a compaction (log-compaction.ts); tests stop it there as a crash would. */
  compactionStep?: CompactionDeps['atStep']
  /** Counts what searches read beyond the sidecars (tests). */
  searchReads?: SearchReadCounts
}

export interface CapturePageQuery {
  endpointId?: string
  /** Exclusive upper bound on `seq` (the `nextCursor` of the previous page). */
  beforeSeq?: number
  limit: number
  /** Only captures matching it are paged and counted. */
  filter?: CaptureFilter
}

export interface StoreHealth {
  durability: Durability
  captures: number
  segments: number
  /** Bytes of the capture logs. */
  logBytes: number
  /** Captures found damaged (missing bytes, hash mismatch) since start. */
  damaged: number
  /** Why the last background retention run failed, if it did. */
  lastRetentionError: string | null
}

export interface CaptureStore {
  readonly durability: Durability
  setDurability(mode: Durability): void
  /**
   * Stores a capture (taking ownership of the object); resolves once it is on disk (on stable
   * storage with `sync` durability), rejects (and keeps nothing) when it is not. `deliveryKey`:
   * the capture's delivery key when the caller already computed it (else it is derived here).
   */
  append(capture: NewCapture, bodyBytes: Buffer, deliveryKey?: string): Promise<StoredCapture>
  /** Newest first; `total` counts the captures matching the filter (all of the scope without one). */
  page(query: CapturePageQuery): Promise<{ items: CaptureSummary[]; nextBeforeSeq: number | null; total: number }>
  /** A page without its total: a search answers as soon as the newest matches fill it. */
  pageOnly(query: CapturePageQuery): Promise<{ items: CaptureSummary[]; nextBeforeSeq: number | null }>
  /** A page read from the oldest end, oldest first, above `afterSeq` (the `nextAfterSeq` of the page before); no total. */
  pageOldestFirst(query: Omit<CapturePageQuery, 'beforeSeq'> & { afterSeq?: number }): Promise<{ items: CaptureSummary[]; nextAfterSeq: number | null }>
  /** How many captures of an endpoint (or all) match the filter (`text` and `query` included). */
  countMatching(endpointId?: string, filter?: CaptureFilter): Promise<number>
  get(id: string): Promise<CaptureSummary | undefined>
  has(id: string): boolean
  /**
   * Changes whenever what memory knows of any capture changes (a capture added, deleted, annotated,
   * recognised again or found damaged): what is derived from memory may be kept while it is the same.
   */
  revision(): number
  /** The deliveries (by the 32-bit hash of their key) changed after `revision`, or `'all'` when that is not known (delivery-change-log.ts). */
  deliveryHashesChangedSince(revision: number): DeliveryChanges
  /** From memory, without reading the record. */
  brief(id: string): CaptureBrief | undefined
  /** Every stored attempt of one delivery (`CaptureSummary.deliveryKey`), oldest first. */
  deliveryAttempts(deliveryKey: string): Promise<CaptureSummary[]>
  /**
   * The attempts of each delivery (on its endpoint), oldest first, with what memory knows of them,
   * so a delivery's page costs only the records it shows; one pass over memory for all the
   * deliveries asked (a grouped page asks for its rows together). Exact: memory keeps a 32-bit
   * hash of each key, and a capture under an asked hash whose key is not known yet has its record
   * read once (its key is remembered), so another delivery sharing the hash is never counted.
   */
  deliveryAttemptFacts(deliveries: ReadonlyArray<{ deliveryKey: string; endpointId: string }>): Promise<DeliveryAttemptFact[][]>
  /** Ids of an endpoint's captures (or all) matching the filter (`text` and `query` included), oldest first. */
  ids(endpointId?: string, filter?: CaptureFilter): Promise<string[]>
  /** Which of the captures with these `seq` match the filter (`text` and `query` included), as their `seq`, oldest first. */
  matchingSeqs(endpointId: string | undefined, filter: CaptureFilter | undefined, among: ReadonlySet<number>): Promise<number[]>
  /** The full record, annotations included (throws `DamagedCaptureError` when it cannot be read). */
  load(id: string): Promise<StoredCapture>
  /** The body, checked against its sha256 (throws `DamagedCaptureError` on a mismatch). */
  readBody(id: string): Promise<Buffer>
  count(endpointId?: string): number
  /** How many of those are pinned (kept by a clear unless asked, exempt from retention). */
  pinnedCount(endpointId?: string): number
  /** Every endpoint id that has captures. */
  endpointIds(): string[]
  /** Replaces the recognition of captures (after their endpoint's keys changed). */
  updateRecognitions(updates: Array<{ id: string; recognition: CaptureRecognition }>): Promise<void>
  /** Changes a capture's note, pin or sender-left time; resolves with its new list view once on disk. */
  annotate(id: string, change: CaptureAnnotations): Promise<CaptureSummary>
  /** Deletes the captures with these ids that are stored (one, or a selection) and erases their bytes; returns those deleted, oldest first. */
  deleteMany(ids: readonly string[]): Promise<DeletedCaptures>
  /** Deletes every capture of an endpoint (pinned ones only with `includePinned`); returns those deleted, oldest first. */
  deleteByEndpoint(endpointId: string, options?: { includePinned?: boolean }): Promise<DeletedCaptures>
  /** Caps on count, bytes and age, enforced in the background. */
  readonly retention: Retention
  /**
   * Runs a write the user makes to get out of a full disk (saving a retention cap): when it fails
   * for want of space, the space set aside for that is given back and it runs once more.
   */
  withRoom<T>(task: () => Promise<T>): Promise<T>
  /** The bytes this user may still write on the store's disk, or `null` where the system does not say. */
  diskFreeBytes(): Promise<number | null>
  /** The disk space the capture logs take (holes not counted, see sparse-log.ts), or `null` where the system does not say. */
  logDiskBytes(): Promise<number | null>
  health(): StoreHealth
  close(): Promise<void>
}

export async function openCaptureStore(config: CaptureStoreConfig, deps: CaptureStoreDeps): Promise<CaptureStore> {
  await makePrivateDir(config.dir)
  const io = deps.logIo ?? logFileIo
  let durability: Durability = config.durability ?? 'sync'
  const index = new CaptureIndex()
  const table = index.table
  const openLogs = new OpenLogs(config.maxOpenLogs ?? MAX_OPEN_LOGS)
  const segments = new Map<number, Segment>()
  /** Where each segment's frames are indexed up to: the index may claim nothing past this. */
  const indexedUpTo = new Map<Segment, number>()
  const issues = deps.issues ?? new StorageIssues()
  let lastRetentionError: string | null = null
  const reserve = createSpaceReserve(config.dir, deps.spaceReserve)
  // A failed copy or compaction leaves its log as it was (sparse-log.ts, log-compaction.ts): nothing
  // is lost, only space not given back yet.
  const reclaimer = new LogSpaceReclaimer<Segment>(join(config.dir, RECLAIM_FILE), undefined, (segment) =>
    compactSegment(segment, { table, io, renderIndex, indexedUpTo, atStep: deps.compactionStep }),
  )

  /**
   * Segments whose version 3 index may keep carried keys as recomputed recognitions: sorted out in
   * the background after start-up (carried-delivery-keys.ts `sortOut`).
   */
  const mixedRecognitions = new Set<Segment>()
  const recognitions = createRecognitionOverrides({
    slotOf(segmentNumber, id) {
      const found = table.locate(id)
      return found?.block.number === segmentNumber ? found.slot : undefined
    },
  })

  /**
   * A segment's index document, from memory and, when some of its captures were recognised again,
   * the recomputed recognitions its document on disk holds (read in the index's turn: this runs
   * inside `Segment.persist`). `tweak` renders a change not yet applied. With the document, the
   * binary snapshot that lets start-up skip parsing it (table-snapshot.ts), unless `withSnapshot`
   * is false.
   */
  async function renderIndex(segment: Segment, tweak?: IndexTweak, withSnapshot = true): Promise<RenderedIndex> {
    const block = table.block(segment.number)
    const overrides = index.hasOverrides(block) ? await recognitions.ofSegmentInTurn(segment) : null
    const log = tweak?.compacted
      ? { generation: tweak.compacted.generation, indexedBytes: tweak.compacted.logBytes }
      : { generation: segment.logGeneration, indexedBytes: indexedUpTo.get(segment) ?? segment.logBytes }
    // Until its carried keys are sorted out, a version 3 index says so (a quit before then leaves them for the next start).
    const version = mixedRecognitions.has(segment) ? MIXED_RECOGNITIONS_VERSION : SEGMENT_SCHEMA_VERSION
    return renderIndexAndSnapshot(segment.number, log, index.entries(block, overrides, tweak), withSnapshot, version)
  }
  const renderSegment = (segment: Segment, withSnapshot: boolean): Promise<RenderedIndex> => renderIndex(segment, undefined, withSnapshot)

  const changes = createCaptureChanges({
    dir: config.dir,
    index,
    segments,
    indexedUpTo,
    recognitions,
    renderIndex,
    durability: () => durability,
    releaseIfEmpty: (segment) => writer.releaseIfEmpty(segment),
    reserve,
    reclaimer,
  })

  // ---- start-up -----------------------------------------------------------------------------
  let current: Segment | undefined
  /** Logs with a torn tail or lost bytes: kept as they are, even when no capture is left in them. */
  const sealed = new Set<Segment>()
  /** Logs with zeros after their last frame: cut off unless the segment is the one taking captures. */
  const zeroTails = new Set<Segment>()
  /** Read from their JSON documents (written by an earlier version, or not closed cleanly): given a snapshot in the background. */
  const withoutSnapshot: Segment[] = []
  await removeLeftoverTemporaries(config.dir)
  const listing = await listSegments(config.dir)
  // Room for every id at once: growing the id table step by step rehashed it some twenty times on the way to 1,000,000 captures.
  table.reserve(listing.numbers.length * SEGMENT_MAX_CAPTURES)
  for await (const segmentFiles of openSegments(config.dir, listing, config.quarantineDir, deps.now, io, issues)) {
    const segment = new Segment(config.dir, segmentFiles.number, null, segmentFiles.appendAt, io, renderSegment, openLogs, segmentFiles.logGeneration)
    segment.sealed = segmentFiles.sealed
    segments.set(segment.number, segment)
    const block = table.block(segment.number)
    index.addAll(block, segmentFiles.entries)
    if (segmentFiles.schemaVersion === MIXED_RECOGNITIONS_VERSION && index.hasRecomputed(block)) mixedRecognitions.add(segment)
    if (segmentFiles.missingFrames.size > 0)
      for (let slot = 0; slot < block.length; slot++) if (segmentFiles.missingFrames.has(block.offset[slot] as number)) index.markDamaged(block, slot)
    indexedUpTo.set(segment, segment.logBytes)
    if (segmentFiles.stale) await segment.persist()
    else if (segmentFiles.withoutSnapshot) withoutSnapshot.push(segment)
    current = segmentFiles.sealed ? undefined : segment
    if (segmentFiles.sealed) sealed.add(segment)
    if (segmentFiles.zeroTail) zeroTails.add(segment)
  }
  // Emptied segments (all their captures deleted before a crash) are removed; the last one is kept to write into.
  for (const segment of [...segments.values()]) {
    if (segment !== current && !sealed.has(segment) && table.block(segment.number).live === 0) await changes.removeSegment(segment)
  }
  for (const segment of zeroTails) if (segment !== current && segments.has(segment.number)) segment.trimTail()
  const nextSegmentNumber = Math.max(0, ...segments.keys()) + 1
  if (current) await current.holdOpen()

  const writer = createCaptureWriter({
    dir: config.dir,
    io,
    openLogs,
    index,
    segments,
    indexedUpTo,
    renderIndex: renderSegment,
    durability: () => durability,
    current,
    nextSeq: index.nextSeq(),
    nextSegmentNumber,
  })
  const carriedKeys = createCarriedDeliveryKeys({
    index,
    segments,
    recognitions,
    patchSlots: (slotChanges) => changes.patchSlots(slotChanges),
    forgetKey: (block, slot) => deliveries.forget(block, slot),
    readArrived: (block, slot, segment) => reader.readArrived(block, slot, segment),
    persist: (segment) => segment.persist(),
  })
  const reader = createCaptureReader({ index, segments, recognitions, carryKey: carriedKeys.carry })
  const deliveries = createDeliveryLookups({ index, segments, reader })
  void reserve.ensure()
  // Copies a quit or crash cut short are made once the first page was answered, as snapshots are.
  const resumeReclaiming = setTimeout(() => void reclaimer.resume(segments), SNAPSHOT_BACKFILL_DELAY_MS)
  // Likewise the carried keys of version 3 indexes, one segment after another (start-up reads no record for them).
  let sortingOut: Promise<void> = Promise.resolve()
  let stopSortingOut = false
  const sortOutCarriedKeys = setTimeout(() => {
    sortingOut = (async () => {
      for (const segment of [...mixedRecognitions]) {
        // Closing: the rest keep version 3 and are sorted out after the next start.
        if (stopSortingOut) return
        if (!segments.has(segment.number)) continue
        await carriedKeys.sortOut(segment, () => mixedRecognitions.delete(segment)).catch(() => undefined)
      }
    })()
  }, SNAPSHOT_BACKFILL_DELAY_MS)
  const snapshots = backfillSnapshots(withoutSnapshot, (segment) => segment !== writer.current && segments.has(segment.number))
  // What a flood of captures, a search or a clear left in V8's heap goes back once the app is quiet.
  const heapRelease = startHeapRelease()
  const search = createRecognisingSearch({
    index,
    segments,
    recognitions,
    now: deps.now,
    reads: deps.searchReads,
    verifiedSidecarsFile: join(config.dir, 'search', VERIFIED_SIDECARS_FILE),
    // Derived, but never replaced without a word: what damaged it may be damaging other files too.
    setAside: async (path, problem) => issues.add(await moveAside(path, `${problem}; it is built again from its capture log`, config.quarantineDir, deps.now)),
  })
  const retention = createRetention({
    table,
    policy: config.retention,
    now: deps.now,
    async deleteSlots(slots) {
      const deleted = await changes.deleteSlots(selectSlots(slots))
      await deps.retentionDeleted?.(deleted)
      return deleted
    },
    derivedBytes: () => searchTextBytes(segments),
    onError(error) {
      lastRetentionError = error instanceof Error ? error.message : String(error)
    },
  })

  return {
    get durability() {
      return durability
    },
    setDurability(mode) {
      durability = mode
    },
    append(capture, bodyBytes, deliveryKey) {
      retention.captured()
      // Captures fill the disk: once it runs low, space is set aside for deleting them.
      reserve.checkSoon()
      return writer.append(capture, bodyBytes, deliveryKey)
    },
    async page({ endpointId, beforeSeq, limit, filter }) {
      const result = await search.page({ endpointId, beforeSeq, limit, filter })
      return { items: await reader.summariesOf(result.slots), nextBeforeSeq: result.nextBeforeSeq, total: result.total ?? 0 }
    },
    async pageOldestFirst(query) {
      const result = await search.pageOldestFirst(query)
      return { items: await reader.summariesOf(result.slots), nextAfterSeq: result.nextAfterSeq }
    },
    async pageOnly({ endpointId, beforeSeq, limit, filter }) {
      const result = await search.page({ endpointId, beforeSeq, limit, filter, withTotal: false })
      return { items: await reader.summariesOf(result.slots), nextBeforeSeq: result.nextBeforeSeq }
    },
    countMatching: (endpointId, filter) => search.count(endpointId, filter),
    async get(id) {
      const found = reader.locate(id)
      return found ? reader.summaryOf(found.block, found.slot, found.segment) : undefined
    },
    has: (id) => table.locate(id) !== undefined,
    revision: () => index.revision,
    deliveryHashesChangedSince: (revision) => index.deliveryHashesChangedSince(revision),
    brief: (id) => index.brief(id),
    deliveryAttempts: (deliveryKey) => deliveries.attempts(deliveryKey),
    deliveryAttemptFacts: (asked) => deliveries.attemptFacts(asked),
    async ids(endpointId, filter) {
      return (await search.matching(endpointId, filter)).map(({ block, slot }) => table.idOf(block, slot))
    },
    async matchingSeqs(endpointId, filter, among) {
      return (await search.matching(endpointId, filter, among)).map(({ block, slot }) => block.seq[slot] as number)
    },
    async load(id) {
      const { block, slot, segment } = reader.require(id)
      const logged = await reader.readLogged(block, slot, segment)
      return { ...logged, frame: { offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number } }
    },
    readBody(id) {
      const { block, slot } = reader.require(id)
      return reader.readVerifiedBody(block, slot)
    },
    count: (endpointId) => table.count(endpointId),
    pinnedCount: (endpointId) => table.pinnedCount(endpointId),
    endpointIds: () => table.endpointIds(),
    async updateRecognitions(updates) {
      const recognised: SlotChange[] = []
      for (const { id, recognition } of updates) {
        const found = reader.locate(id)
        // One start-up would refuse would make the segment's whole index unreadable (every note and
        // pin in it lost): the capture keeps the recognition it has.
        if (!found || !recognitionSchema.safeParse(recognition).success) continue
        const { block, slot, segment } = found
        let logged: LoggedCapture
        try {
          logged = await reader.readLogged(block, slot, segment)
        } catch {
          continue
        }
        const fields = fieldsOf({ ...logged, recognition })
        recognised.push({
          block,
          slot,
          // A key carried before is superseded (capture-index.ts `recognise`).
          patch: { recognition, provider: fields.provider, verdict: fields.verdict, deliveryHash: fields.deliveryHash, clear: ['carriedRecognition'] },
          apply: () => {
            recognitions.remember(block.number, slot, recognition)
            index.recognise(block, slot, fields)
            // Its delivery key may have changed with the recognition: read again when asked.
            deliveries.forget(block, slot)
          },
        })
      }
      await changes.patchSlots(recognised)
    },
    async annotate(id, change) {
      const { block, slot, segment } = reader.require(id)
      await changes.patchSlots([{ block, slot, patch: annotationPatch(change), apply: () => index.annotate(block, slot, change) }])
      return reader.summaryOf(block, slot, segment)
    },
    deleteMany: async (ids) => changes.deleteSlots(selectIds(table, ids)),
    deleteByEndpoint: async (endpointId, options) => changes.deleteSlots(selectEndpoint(table, endpointId, options?.includePinned === true)),
    retention,
    withRoom: (task) => reserve.withRoom(task),
    diskFreeBytes: () => reserve.freeBytes(),
    logDiskBytes: () => allocatedBytesOf([...segments.values()].map((segment) => segment.paths.log)),
    health() {
      let logBytes = 0
      for (const segment of segments.values()) logBytes += segment.logBytes
      return { durability, captures: table.count(), segments: segments.size, logBytes, damaged: index.damaged, lastRetentionError }
    },
    async close() {
      snapshots.stop()
      heapRelease.stop()
      retention.stop()
      clearTimeout(resumeReclaiming)
      clearTimeout(sortOutCarriedKeys)
      stopSortingOut = true
      await sortingOut
      await reclaimer.stop()
      await search.close()
      await carriedKeys.settled()
      await writer.close()
      for (const segment of segments.values()) await segment.close()
    },
  }
}

/** How long after start-up the segments read from JSON start getting their snapshots: the first page comes first. */
const SNAPSHOT_BACKFILL_DELAY_MS = 3_000

/**
 * Writes the index documents of segments read from JSON again, with their snapshots, one at a
 * time with the event loop free between them, so the next start reads none of them as JSON
 * (a store from an earlier version, or one whose app did not close cleanly).
 */
function backfillSnapshots(segments: readonly Segment[], stillWanted: (segment: Segment) => boolean): { stop(): void } {
  let stopped = false
  const timer = setTimeout(() => {
    void (async () => {
      for (const segment of segments) {
        if (stopped) return
        // A failure only means a slower next start (the document is read then, as before).
        if (stillWanted(segment)) await segment.persist().catch(() => undefined)
        await yieldToEventLoop()
      }
    })()
  }, SNAPSHOT_BACKFILL_DELAY_MS)
  timer.unref()
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}

/**
 * The size of each segment's search-text sidecar, by segment number (segments without one are left
 * out). A compacted segment's sidecar is rebuilt for its new generation in the background; until
 * then the one built from an earlier generation is still on disk (search-runner.ts keeps it until
 * the new one is written), and counts with the log bytes it was built from (retention.ts says why).
 */
async function searchTextBytes(segments: ReadonlyMap<number, Segment>): Promise<Map<number, DerivedBytes>> {
  const sizes = new Map<number, DerivedBytes>()
  for (const [number, segment] of segments) {
    for (let generation = segment.logGeneration; generation >= 0; generation--) {
      const path = sidecarPathOf(logPathOf(segment.dir, number, generation))
      const size = await stat(path).then(
        (stats) => stats.size,
        () => 0,
      )
      if (size === 0) continue
      if (generation === segment.logGeneration) sizes.set(number, { bytes: size, builtFromLogBytes: null })
      else {
        // Unreadable: not counted; it is replaced at the next upkeep anyway.
        const builtFrom = await sidecarCoveredLogBytes(path)
        if (builtFrom !== null) sizes.set(number, { bytes: size, builtFromLogBytes: builtFrom })
      }
      break
    }
  }
  return sizes
}
