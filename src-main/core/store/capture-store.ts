/**
 * The capture store: the one interface the core stores captures through (append, page, get,
 * delete, search, retention, health). On disk: segments, each an append-only capture log and a
 * lowdb index (capture-segments.ts, segment-index.ts). In memory: a few numbers per capture
 * (capture-table.ts), so memory does not grow with what is stored; records are read from the
 * log when a page or a capture is shown.
 *
 * The capture path is a group commit: captures parsed while the previous commit ran share one
 * positional write of their frames and, with `sync` durability, one `fdatasync` (off the event
 * loop); each capture's promise resolves only after that, so the receiver answers a request only
 * once it would survive a kill -9 (`flush`) or a power loss (`sync`).
 *
 * Integrity: every body read is checked against the sha256 recorded when it arrived, and a frame
 * must carry the id its index entry names; a capture failing either is reported as damaged and
 * its bytes are never served. Changes to the index (deletions, notes, new verdicts) are written
 * first and applied to memory only once written, so a failed write (a read-only folder) changes
 * nothing, now or after a restart.
 */
import { hash } from 'node:crypto'
import { filterFieldsOf, normalizeCaptureFilter, type CaptureFilter } from '../../shared/capture-filter'
import type { CaptureRecognition, CaptureSummary, StorageIssue } from '../../shared/contract'
import { InspectorError } from '../../shared/errors'
import type { CaptureForward } from '../../shared/replay'
import { toCaptureSummary } from '../capture-views'
import { deliveryKeyOf } from '../deliveries/delivery-key'
import { createSegment, Segment, type EncodedFrame } from './capture-segments'
import { logFileIo, type Durability, type LogFileIo } from './log-file-io'
import { MAX_OPEN_LOGS, OpenLogs } from './open-logs'
import {
  CaptureTable,
  FLAG_DAMAGED,
  FLAG_IMPORTED,
  FLAG_PINNED,
  FLAG_RECOGNIZED_AGAIN,
  FLAG_REFUSED,
  hashDeliveryKey,
  SEGMENT_MAX_CAPTURES,
  type SegmentBlock,
} from './capture-table'
import { loggedCaptureSchema, type LoggedCapture, type StoredCapture } from './persisted-schema'
import { makePrivateDir } from './private-files'
import { syncDirectory } from './data-file'
import { createRecognitionOverrides, type SegmentRecognitions } from './recognition-overrides'
import { createRetention, type RetentionPolicy, type Retention } from './retention'
import { renderSegmentIndex, type IndexEntry } from './segment-index'
import { openSegments } from './segment-recovery'
import { createStoreSearch, type StoreSearch } from './store-search'

export type { Durability } from './log-file-io'

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
  /** How a background forward settled (see `settledBackgroundForward`). */
  forward?: CaptureForward
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

/** What memory knows of a capture without reading its record. */
export interface CaptureBrief {
  id: string
  seq: number
  endpointId: string
  outcome: 'captured' | 'refused'
  pinned: boolean
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

/** A capture whose stored bytes are missing or do not match what was received. */
export class DamagedCaptureError extends InspectorError {
  constructor(
    readonly captureId: string,
    readonly reason: string,
  ) {
    super('CONFLICT', `capture ${captureId} is damaged on disk (${reason}); its bytes are not shown or sent`)
  }
}

export interface CaptureStore {
  /** Files found unreadable or damaged when the store opened. */
  readonly issues: StorageIssue[]
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
  /** How many captures of an endpoint (or all) match the filter (`text` and `query` included). */
  countMatching(endpointId?: string, filter?: CaptureFilter): Promise<number>
  get(id: string): Promise<CaptureSummary | undefined>
  has(id: string): boolean
  /** From memory, without reading the record. */
  brief(id: string): CaptureBrief | undefined
  /** Every stored attempt of one delivery (`CaptureSummary.deliveryKey`), oldest first. */
  deliveryAttempts(deliveryKey: string): Promise<CaptureSummary[]>
  /** Ids of an endpoint's captures (or all) matching the filter (`text` and `query` included), oldest first. */
  ids(endpointId?: string, filter?: CaptureFilter): Promise<string[]>
  /** The full record, annotations included (throws `DamagedCaptureError` when it cannot be read). */
  load(id: string): Promise<StoredCapture>
  /** The body, checked against its sha256 (throws `DamagedCaptureError` on a mismatch). */
  readBody(id: string): Promise<Buffer>
  count(endpointId?: string): number
  /** Every endpoint id that has captures. */
  endpointIds(): string[]
  /** Replaces the recognition of captures (after their endpoint's keys changed). */
  updateRecognitions(updates: Array<{ id: string; recognition: CaptureRecognition }>): Promise<void>
  /** Changes a capture's note, pin or sender-left time; resolves with its new list view once on disk. */
  annotate(id: string, change: CaptureAnnotations): Promise<CaptureSummary>
  /** Deletes the captures with these ids that are stored (one, or a selection) and erases their bytes; returns those deleted. */
  deleteMany(ids: readonly string[]): Promise<DeletedCapture[]>
  /** Deletes every capture of an endpoint (pinned ones only with `includePinned`); returns those deleted. */
  deleteByEndpoint(endpointId: string, options?: { includePinned?: boolean }): Promise<DeletedCapture[]>
  /** Caps on count, bytes and age, enforced in the background. */
  readonly retention: Retention
  health(): StoreHealth
  close(): Promise<void>
}

/**
 * Annotations: few captures have them (a user writes a note, a sender hangs up), so they live in a
 * map. Recomputed recognitions, which a key change gives every capture of an endpoint, do not:
 * they are read from the index on demand (recognition-overrides.ts).
 */
interface Overlay {
  note?: string
  senderLeftAt?: string
  forward?: CaptureForward
}

/** A segment's recomputed recognitions, read for the searches running (`withSearchRecognitions`). */
interface SearchRecognitions {
  /** How many running searches use them. */
  searches: number
  reading: Promise<SegmentRecognitions>
  /** Once read. */
  read?: SegmentRecognitions
}

interface Pending {
  capture: NewCapture
  bytes: Buffer
  deliveryKey: string | undefined
  resolve: (stored: StoredCapture) => void
  reject: (error: unknown) => void
}

interface Placed {
  item: Pending
  segment: Segment
  logged: LoggedCapture
  metadataJson: string
  frame: EncodedFrame
}

/** Deletions and index changes yield to the event loop between segments, so the receiver keeps answering. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export async function openCaptureStore(config: CaptureStoreConfig, deps: CaptureStoreDeps): Promise<CaptureStore> {
  await makePrivateDir(config.dir)
  const io = deps.logIo ?? logFileIo
  let durability: Durability = config.durability ?? 'sync'
  const table = new CaptureTable()
  const openLogs = new OpenLogs(config.maxOpenLogs ?? MAX_OPEN_LOGS)
  const overlays = new Map<number, Overlay>()
  const segments = new Map<number, Segment>()
  /** Where each segment's frames are indexed up to: the index may claim nothing past this. */
  const indexedUpTo = new Map<Segment, number>()
  const issues: StorageIssue[] = []
  let damagedCount = 0
  let lastRetentionError: string | null = null

  const locationOf = (block: SegmentBlock, slot: number): number => block.number * 1024 + slot
  const recognitions = createRecognitionOverrides({
    slotOf(segmentNumber, id) {
      const found = table.locate(id)
      return found?.block.number === segmentNumber ? found.slot : undefined
    },
  })

  /** `recomputed`: the segment's recomputed recognitions (needed when a slot is flagged). */
  function entryOf(block: SegmentBlock, slot: number, recomputed: SegmentRecognitions | null): IndexEntry {
    const flags = block.flags[slot] as number
    const status = block.answerStatus[slot] as number
    const entry: IndexEntry = {
      id: table.idOf(block, slot),
      seq: block.seq[slot] as number,
      endpointId: table.endpointOf(block, slot),
      receivedAtMs: block.receivedAtMs[slot] as number,
      frame: { offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number },
      bodySize: block.bodySize[slot] as number,
      method: table.methodOf(block, slot),
      provider: table.providerOf(block, slot),
      verdict: table.verdictOf(block, slot),
      answerStatus: status === 0 ? null : status,
      outcome: flags & FLAG_REFUSED ? 'refused' : 'captured',
      deliveryHash: block.deliveryHash[slot] as number,
    }
    if (flags & FLAG_IMPORTED) entry.imported = true
    if (flags & FLAG_PINNED) entry.pinned = true
    const overlay = overlays.get(locationOf(block, slot))
    if (overlay?.note !== undefined) entry.note = overlay.note
    if (overlay?.senderLeftAt !== undefined) entry.senderLeftAt = overlay.senderLeftAt
    if (overlay?.forward !== undefined) entry.forward = overlay.forward
    const recognition = flags & FLAG_RECOGNIZED_AGAIN ? recomputed?.get(slot) : undefined
    if (recognition !== undefined) entry.recognition = recognition
    return entry
  }

  function hasRecomputed(block: SegmentBlock): boolean {
    for (let slot = 0; slot < block.length; slot++) if ((block.flags[slot] as number) & FLAG_RECOGNIZED_AGAIN && block.isLive(slot)) return true
    return false
  }

  /**
   * A segment's index document, from memory and, when some of its captures were recognised again,
   * the recomputed recognitions its document on disk holds (read in the index's turn: this runs
   * inside `Segment.persist`). `tweak` renders a change not yet applied: slots left out (deleted)
   * or entries changed (notes, verdicts).
   */
  async function renderIndex(
    segment: Segment,
    tweak?: { exclude?: ReadonlySet<number>; patch?: ReadonlyMap<number, Partial<IndexEntry> & { clear?: Array<keyof IndexEntry> }> },
  ): Promise<string> {
    const block = table.block(segment.number)
    const recomputed = hasRecomputed(block) ? await recognitions.ofSegmentInTurn(segment) : null
    const entries: IndexEntry[] = []
    for (let slot = 0; slot < block.length; slot++) {
      if (!block.isLive(slot) || tweak?.exclude?.has(slot)) continue
      const entry = entryOf(block, slot, recomputed)
      const patch = tweak?.patch?.get(slot)
      if (patch) {
        const { clear, ...fields } = patch
        Object.assign(entry, fields)
        for (const key of clear ?? []) delete entry[key]
      }
      entries.push(entry)
    }
    return renderSegmentIndex(segment.number, indexedUpTo.get(segment) ?? segment.logBytes, entries)
  }

  function addEntry(block: SegmentBlock, entry: IndexEntry): number {
    const slot = table.add(block, {
      id: entry.id,
      seq: entry.seq,
      endpointId: entry.endpointId,
      receivedAtMs: entry.receivedAtMs,
      offset: entry.frame.offset,
      metadataBytes: entry.frame.metadataBytes,
      bodySize: entry.bodySize,
      method: entry.method,
      provider: entry.provider,
      verdict: entry.verdict,
      answerStatus: entry.answerStatus,
      outcome: entry.outcome,
      deliveryHash: entry.deliveryHash,
      pinned: entry.pinned === true,
      imported: entry.imported === true,
    })
    if (entry.note !== undefined || entry.senderLeftAt !== undefined || entry.forward !== undefined) {
      const overlay: Overlay = {}
      if (entry.note !== undefined) overlay.note = entry.note
      if (entry.senderLeftAt !== undefined) overlay.senderLeftAt = entry.senderLeftAt
      if (entry.forward !== undefined) overlay.forward = entry.forward
      overlays.set(locationOf(block, slot), overlay)
    }
    // Only the mark: the recognition stays in the index document (read on demand).
    if (entry.recognition !== undefined) table.setFlag(block, slot, FLAG_RECOGNIZED_AGAIN, true)
    return slot
  }

  // ---- start-up -----------------------------------------------------------------------------
  const opened = await openSegments(config.dir, config.quarantineDir, deps.now, io, issues)
  let current: Segment | undefined
  /** Logs with a torn tail or lost bytes: kept as they are, even when no capture is left in them. */
  const sealed = new Set<Segment>()
  for (const segmentFiles of opened) {
    const segment = new Segment(config.dir, segmentFiles.number, null, segmentFiles.appendAt, io, (target) => renderIndex(target), openLogs)
    segment.recent = null
    segments.set(segment.number, segment)
    const block = table.block(segment.number)
    for (const entry of segmentFiles.entries) {
      const slot = addEntry(block, entry)
      if (segmentFiles.missingFrames.has(entry.frame.offset)) {
        table.setFlag(block, slot, FLAG_DAMAGED, true)
        damagedCount++
      }
    }
    indexedUpTo.set(segment, segment.logBytes)
    if (segmentFiles.stale) await segment.persist()
    current = segmentFiles.sealed ? undefined : segment
    if (segmentFiles.sealed) sealed.add(segment)
  }
  // Emptied segments (all their captures deleted before a crash) are removed; the last one is kept to write into.
  for (const segment of [...segments.values()]) {
    if (segment !== current && !sealed.has(segment) && table.block(segment.number).live === 0) await removeSegment(segment)
  }
  let nextSegmentNumber = Math.max(0, ...segments.keys()) + 1
  let nextSeq = Math.max(0, ...table.blocks.map((block) => (block.length > 0 ? (block.seq[block.length - 1] as number) : 0))) + 1
  for (const block of table.blocks) for (let slot = 0; slot < block.length; slot++) nextSeq = Math.max(nextSeq, (block.seq[slot] as number) + 1)
  if (current) {
    current.recent = null
    await current.holdOpen()
  }

  // ---- reading records ----------------------------------------------------------------------
  function locate(id: string): { block: SegmentBlock; slot: number; segment: Segment } | undefined {
    const found = table.locate(id)
    const segment = found && segments.get(found.block.number)
    return found && segment ? { ...found, segment } : undefined
  }

  function require(id: string): { block: SegmentBlock; slot: number; segment: Segment } {
    const found = locate(id)
    if (!found) throw new InspectorError('NOT_FOUND', `capture ${id} is no longer stored`)
    return found
  }

  function markDamaged(block: SegmentBlock, slot: number): void {
    if (((block.flags[slot] as number) & FLAG_DAMAGED) === 0) damagedCount++
    table.setFlag(block, slot, FLAG_DAMAGED, true)
  }

  /** The record as logged, with its annotations; a `DamagedCaptureError` when the frame is not this capture's. */
  async function readLogged(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture> {
    const id = table.idOf(block, slot)
    const recent = segment.recent?.[slot]
    let logged: LoggedCapture
    if (recent !== undefined) logged = JSON.parse(recent) as LoggedCapture
    else {
      const { metadata } = await segment.readFrame({ offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number }, null)
      logged = parseMetadata(id, metadata, block.metadataBytes[slot] as number, () => markDamaged(block, slot))
    }
    withAnnotations(logged, block, slot)
    if ((block.flags[slot] as number) & FLAG_RECOGNIZED_AGAIN) {
      const recognition = await recognitions.get(segment, slot)
      if (recognition !== undefined) logged.recognition = recognition
    }
    return logged
  }

  function withAnnotations(logged: LoggedCapture, block: SegmentBlock, slot: number): LoggedCapture {
    const overlay = overlays.get(locationOf(block, slot))
    logged.pinned = ((block.flags[slot] as number) & FLAG_PINNED) !== 0
    logged.note = overlay?.note ?? null
    logged.senderLeftAt = overlay?.senderLeftAt ?? null
    if (overlay?.forward !== undefined) logged.forward = overlay.forward
    return logged
  }

  /** The list view; a damaged capture gets a view from what memory knows, saying it is damaged. */
  async function summaryOf(block: SegmentBlock, slot: number, segment: Segment): Promise<CaptureSummary> {
    try {
      const summary = toCaptureSummary(await readLogged(block, slot, segment))
      if ((block.flags[slot] as number) & FLAG_DAMAGED) summary.damage = 'its bytes on disk do not match what was received'
      return summary
    } catch (error: unknown) {
      if (!(error instanceof DamagedCaptureError)) throw error
      return damagedSummary(block, slot, error.reason)
    }
  }

  function damagedSummary(block: SegmentBlock, slot: number, reason: string): CaptureSummary {
    const status = block.answerStatus[slot] as number
    return {
      id: table.idOf(block, slot),
      seq: block.seq[slot] as number,
      endpointId: table.endpointOf(block, slot),
      receivedAt: new Date(block.receivedAtMs[slot] as number).toISOString(),
      durationMs: 0,
      method: table.methodOf(block, slot),
      target: '',
      remoteAddress: '',
      contentType: null,
      bodySize: block.bodySize[slot] as number,
      outcome: (block.flags[slot] as number) & FLAG_REFUSED ? 'refused' : 'captured',
      refusal: null,
      recognition: null,
      response: {
        kind: status === 0 ? 'none' : 'respond',
        status: status === 0 ? null : status,
        headers: [],
        bodySize: 0,
        delayMs: 0,
        chosenBy: { kind: 'default' },
      },
      origin: (block.flags[slot] as number) & FLAG_IMPORTED ? 'imported' : 'received',
      importedFrom: null,
      note: overlays.get(locationOf(block, slot))?.note ?? null,
      pinned: ((block.flags[slot] as number) & FLAG_PINNED) !== 0,
      senderLeftAt: overlays.get(locationOf(block, slot))?.senderLeftAt ?? null,
      forward: null,
      deliveryKey: `damaged:${table.idOf(block, slot)}`,
      damage: reason,
    }
  }

  function summariesOf(found: Array<{ block: SegmentBlock; slot: number }>): Promise<CaptureSummary[]> {
    return Promise.all(found.map(({ block, slot }) => summaryOf(block, slot, segments.get(block.number) as Segment)))
  }

  /**
   * The recomputed recognitions of the segments that running searches read (the search asks for a
   * capture's annotations synchronously): read before a search that scans records, dropped once
   * the last search using them ends, so they are in memory only while a search runs.
   */
  const searchRecognitions = new Map<number, SearchRecognitions>()

  async function withSearchRecognitions<T>(filter: CaptureFilter | undefined, run: () => Promise<T>): Promise<T> {
    const active = normalizeCaptureFilter(filter)
    if (active?.text === undefined && active?.query === undefined) return run()
    const used = table.blocks.filter((block) => hasRecomputed(block)).flatMap((block) => segments.get(block.number) ?? [])
    for (const segment of used) {
      const entry = searchRecognitions.get(segment.number)
      if (entry) entry.searches++
      else {
        const reading = recognitions.all(segment)
        const added: SearchRecognitions = { searches: 1, reading }
        searchRecognitions.set(segment.number, added)
        void reading.then((read) => (added.read = read)).catch(() => undefined)
      }
    }
    try {
      for (const segment of used) await searchRecognitions.get(segment.number)?.reading
      return await run()
    } finally {
      for (const segment of used) {
        const entry = searchRecognitions.get(segment.number)
        if (entry && --entry.searches === 0) searchRecognitions.delete(segment.number)
      }
    }
  }
  const search = recognisingSearches(
    createStoreSearch({
      table,
      segmentOf: (segmentNumber) => segments.get(segmentNumber),
      annotationsOf(block, slot) {
        const overlay = overlays.get(locationOf(block, slot))
        const flags = block.flags[slot] as number
        const pinned = (flags & FLAG_PINNED) !== 0
        const recognition = flags & FLAG_RECOGNIZED_AGAIN ? searchRecognitions.get(block.number)?.read?.get(slot) : undefined
        if (!overlay && !pinned && recognition === undefined) return null
        const annotations: { note: string | null; pinned: boolean; senderLeftAt: string | null; recognition?: CaptureRecognition | null } = {
          note: overlay?.note ?? null,
          pinned,
          senderLeftAt: overlay?.senderLeftAt ?? null,
        }
        if (recognition !== undefined) annotations.recognition = recognition
        return annotations
      },
      now: deps.now,
      onDamaged(found) {
        // The search found a body that no longer matches its sha256: the list and health say so now.
        for (const { id } of found) {
          const located = table.locate(id)
          if (located) markDamaged(located.block, located.slot)
        }
      },
    }),
  )

  /** Searches that read records see the recomputed recognitions (see `withSearchRecognitions`). */
  function recognisingSearches(inner: StoreSearch): StoreSearch {
    return {
      ...inner,
      page: (query) => withSearchRecognitions(query.filter, () => inner.page(query)),
      count: (endpointId, filter) => withSearchRecognitions(filter, () => inner.count(endpointId, filter)),
      matching: (endpointId, filter) => withSearchRecognitions(filter, () => inner.matching(endpointId, filter)),
    }
  }

  async function readVerifiedBody(block: SegmentBlock, slot: number): Promise<Buffer> {
    const segment = segments.get(block.number) as Segment
    const id = table.idOf(block, slot)
    const bodySize = block.bodySize[slot] as number
    const { metadata, body } = await segment.readFrame({ offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number }, bodySize)
    const logged = parseMetadata(id, metadata, block.metadataBytes[slot] as number, () => markDamaged(block, slot))
    if (body === null || body.length !== bodySize) {
      markDamaged(block, slot)
      throw new DamagedCaptureError(id, `${bodySize - (body?.length ?? 0)} of its ${bodySize} body bytes are missing`)
    }
    if (hash('sha256', body) !== logged.body.sha256) {
      markDamaged(block, slot)
      throw new DamagedCaptureError(id, 'its body does not match the sha256 recorded when it arrived')
    }
    return body
  }

  // ---- group commit -------------------------------------------------------------------------
  let pending: Pending[] = []
  let committing: Promise<void> | null = null
  let spare: Promise<Segment> | null = null
  /** Slots reserved in the running commit, per segment (not in the table yet). */
  const reserved = new Map<Segment, number>()

  function scheduleCommit(): void {
    committing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      while (pending.length > 0) {
        const batch = pending
        pending = []
        try {
          const stored = await commit(batch)
          batch.forEach((item, index) => item.resolve(stored[index] as StoredCapture))
        } catch (error: unknown) {
          batch.forEach((item) => item.reject(error))
        }
      }
      committing = null
    })
  }

  const slotsUsed = (segment: Segment): number => table.block(segment.number).length + (reserved.get(segment) ?? 0)

  async function writableSegment(): Promise<Segment> {
    if (current && !current.isFull(slotsUsed(current), SEGMENT_MAX_CAPTURES)) {
      // Open the next segment ahead of time, so a full one never makes a capture wait for file creation.
      if (!spare && current.isNearlyFull(slotsUsed(current), SEGMENT_MAX_CAPTURES)) prepareSpare()
      return current
    }
    const next = await (spare ?? createSegment(config.dir, nextSegmentNumber++, io, (target) => renderIndex(target), openLogs))
    // Prepared ahead, its log may have been closed meanwhile (it was idle).
    await next.holdOpen()
    spare = null
    table.block(next.number)
    segments.set(next.number, next)
    indexedUpTo.set(next, 0)
    if (current) retiring.add(current)
    current = next
    return next
  }

  function prepareSpare(): void {
    const preparing = createSegment(config.dir, nextSegmentNumber++, io, (target) => renderIndex(target), openLogs)
    // A failed preparation (disk full) is forgotten: the next capture tries again once there is room.
    preparing.catch(() => {
      if (spare === preparing) spare = null
    })
    spare = preparing
  }

  /** Segments that stopped taking captures, retired once the commit that filled them is done. */
  const retiring = new Set<Segment>()

  async function commit(batch: Pending[]): Promise<StoredCapture[]> {
    const placed: Placed[] = []
    const firstOffset = new Map<Segment, number>()
    try {
      for (const item of batch) {
        const segment = await writableSegment()
        const logged = Object.assign(item.capture, { seq: nextSeq++, body: { size: item.bytes.length, sha256: item.capture.body.sha256 } }) as LoggedCapture
        const metadataJson = JSON.stringify(logged)
        const frame = segment.encode(metadataJson, item.bytes)
        if (!firstOffset.has(segment)) firstOffset.set(segment, frame.offset)
        reserved.set(segment, (reserved.get(segment) ?? 0) + 1)
        placed.push({ item, segment, logged, metadataJson, frame })
      }
      const bySegment = new Map<Segment, EncodedFrame[]>()
      for (const { segment, frame } of placed) {
        const frames = bySegment.get(segment)
        if (frames) frames.push(frame)
        else bySegment.set(segment, [frame])
      }
      for (const [segment, frames] of bySegment) segment.writeFrames(frames)
      // One fdatasync per segment written (almost always one), in the thread pool.
      if (durability === 'sync') await Promise.all([...bySegment.keys()].map((segment) => segment.sync()))
    } catch (error: unknown) {
      // Nothing of the batch is kept: its senders are told to retry, and its space is reused.
      for (const [segment, offset] of firstOffset) segment.unreserve(offset)
      reserved.clear()
      retireFinished()
      throw error
    }
    reserved.clear()
    const stored: StoredCapture[] = []
    for (const { item, segment, logged, metadataJson, frame } of placed) {
      const block = table.block(segment.number)
      const entry: IndexEntry = {
        id: logged.id,
        seq: logged.seq,
        endpointId: logged.endpointId,
        receivedAtMs: Date.parse(logged.receivedAt) || 0,
        frame: { offset: frame.offset, metadataBytes: frame.metadataBytes },
        bodySize: logged.body.size,
        ...fieldsOf(logged, item.deliveryKey),
      }
      const slot = addEntry(block, entry)
      if (segment.recent) segment.recent[slot] = metadataJson
      indexedUpTo.set(segment, frame.offset + frame.length)
      stored.push(Object.assign<LoggedCapture, Pick<StoredCapture, 'frame'>>(logged, { frame: entry.frame }))
    }
    for (const segment of new Set(placed.map((entry) => entry.segment))) if (segment === current) segment.persistSoon()
    retireFinished()
    return stored
  }

  function retireFinished(): void {
    for (const segment of retiring) if (segment !== current) segment.retire()
    retiring.clear()
  }

  // ---- changes to stored captures ------------------------------------------------------------
  /** Removes an emptied segment's files (the caller syncs the folder once for a run of removals). */
  async function removeSegment(segment: Segment): Promise<void> {
    segments.delete(segment.number)
    indexedUpTo.delete(segment)
    const block = table.block(segment.number)
    for (let slot = 0; slot < block.length; slot++) overlays.delete(locationOf(block, slot))
    table.dropBlock(segment.number)
    recognitions.forget(segment.number)
    await segment.destroy()
  }

  /**
   * Deletes captures, one segment at a time: its index is written without them first, and only
   * then are they dropped from memory and their bytes erased. A segment left empty is removed.
   */
  async function deleteSlots(doomed: Array<{ block: SegmentBlock; slot: number }>): Promise<DeletedCapture[]> {
    const bySegment = new Map<number, number[]>()
    for (const { block, slot } of doomed) {
      if (!block.isLive(slot)) continue
      const slots = bySegment.get(block.number)
      if (slots) slots.push(slot)
      else bySegment.set(block.number, [slot])
    }
    const deleted: DeletedCapture[] = []
    let removedAny = false
    for (const [segmentNumber, slots] of [...bySegment].sort((a, b) => a[0] - b[0])) {
      const segment = segments.get(segmentNumber)
      if (!segment) continue
      const block = table.block(segmentNumber)
      const gone = slots.filter((slot) => block.isLive(slot))
      const exclude = new Set(gone)
      const records = gone.map((slot) => ({ id: table.idOf(block, slot), seq: block.seq[slot] as number, endpointId: table.endpointOf(block, slot) }))
      const emptied = gone.length === block.live && segment !== current
      // The index is written without them first (a failed write, e.g. a read-only folder, changes nothing).
      await segment.persist(
        () => renderIndex(segment, { exclude }),
        () => {
          for (const slot of gone) {
            table.delete(block, slot)
            overlays.delete(locationOf(block, slot))
          }
          recognitions.forget(segmentNumber, gone)
        },
      )
      deleted.push(...records)
      if (emptied) {
        // Then its files go whole (see Segment.destroy); the folder is synced once for the run.
        await removeSegment(segment)
        removedAny = true
      } else {
        // The index no longer lists them; a failed erase leaves bytes nobody refers to.
        await segment
          .erase(
            gone.map((slot) => ({
              offset: (block.offset[slot] as number) + 12,
              length: (block.metadataBytes[slot] as number) + (block.bodySize[slot] as number),
            })),
            durability,
          )
          .catch(() => undefined)
        if (segment.recent) for (const slot of gone) segment.recent[slot] = ''
      }
      await yieldToEventLoop()
    }
    if (removedAny) await syncDirectory(config.dir)
    return deleted
  }

  /** Writes changed entries of some captures (one segment at a time), then applies them in memory. */
  async function patchSlots(
    changes: Array<{ block: SegmentBlock; slot: number; patch: Partial<IndexEntry> & { clear?: Array<keyof IndexEntry> }; apply: () => void }>,
  ): Promise<void> {
    const bySegment = new Map<number, typeof changes>()
    for (const change of changes) {
      const group = bySegment.get(change.block.number)
      if (group) group.push(change)
      else bySegment.set(change.block.number, [change])
    }
    for (const [segmentNumber, group] of bySegment) {
      const segment = segments.get(segmentNumber)
      if (!segment) continue
      const patch = new Map(group.map(({ slot, patch: fields }) => [slot, fields]))
      await segment.persist(
        () => renderIndex(segment, { patch }),
        () => group.forEach(({ apply }) => apply()),
      )
      await yieldToEventLoop()
    }
  }

  function overlayOf(block: SegmentBlock, slot: number): Overlay {
    const location = locationOf(block, slot)
    let overlay = overlays.get(location)
    if (!overlay) overlays.set(location, (overlay = {}))
    return overlay
  }

  /** Live slots of a scope, oldest first, matching the filter's in-memory fields. */
  function slotsOf(
    endpointId: string | undefined,
    keep: (block: SegmentBlock, slot: number) => boolean = () => true,
  ): Array<{ block: SegmentBlock; slot: number }> {
    const endpoint = endpointId === undefined ? -1 : table.endpointCodeOf(endpointId)
    if (endpointId !== undefined && endpoint === -1) return []
    const found: Array<{ block: SegmentBlock; slot: number }> = []
    for (const block of table.blocks) {
      for (let slot = 0; slot < block.length; slot++) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (keep(block, slot)) found.push({ block, slot })
      }
    }
    return found
  }

  const store: CaptureStore = {
    issues,
    get durability() {
      return durability
    },
    setDurability(mode) {
      durability = mode
    },
    append(capture, bodyBytes, deliveryKey) {
      return new Promise((resolve, reject) => {
        pending.push({ capture, bytes: bodyBytes, deliveryKey, resolve, reject })
        scheduleCommit()
      })
    },
    async page({ endpointId, beforeSeq, limit, filter }) {
      const result = await search.page({ endpointId, beforeSeq, limit, filter })
      return { items: await summariesOf(result.slots), nextBeforeSeq: result.nextBeforeSeq, total: result.total ?? 0 }
    },
    async pageOnly({ endpointId, beforeSeq, limit, filter }) {
      const result = await search.page({ endpointId, beforeSeq, limit, filter, withTotal: false })
      return { items: await summariesOf(result.slots), nextBeforeSeq: result.nextBeforeSeq }
    },
    countMatching: (endpointId, filter) => search.count(endpointId, filter),
    async get(id) {
      const found = locate(id)
      return found ? summaryOf(found.block, found.slot, found.segment) : undefined
    },
    has: (id) => table.locate(id) !== undefined,
    brief(id) {
      const found = table.locate(id)
      if (!found) return undefined
      const { block, slot } = found
      const flags = block.flags[slot] as number
      return {
        id,
        seq: block.seq[slot] as number,
        endpointId: table.endpointOf(block, slot),
        outcome: flags & FLAG_REFUSED ? 'refused' : 'captured',
        pinned: (flags & FLAG_PINNED) !== 0,
      }
    },
    async deliveryAttempts(deliveryKey) {
      const wanted = hashDeliveryKey(deliveryKey)
      // Memory keeps a 32-bit hash of each key: the few candidates are confirmed on their records.
      const candidates = slotsOf(undefined, (block, slot) => block.deliveryHash[slot] === wanted)
      return (await summariesOf(candidates)).filter((summary) => summary.deliveryKey === deliveryKey)
    },
    async ids(endpointId, filter) {
      return (await search.matching(endpointId, filter)).map(({ block, slot }) => table.idOf(block, slot))
    },
    async load(id) {
      const { block, slot, segment } = require(id)
      const logged = await readLogged(block, slot, segment)
      return { ...logged, frame: { offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number } }
    },
    readBody(id) {
      const { block, slot } = require(id)
      return readVerifiedBody(block, slot)
    },
    count: (endpointId) => table.count(endpointId),
    endpointIds: () => table.endpointIds(),
    async updateRecognitions(updates) {
      const changes = []
      for (const { id, recognition } of updates) {
        const found = locate(id)
        if (!found) continue
        const { block, slot, segment } = found
        let logged: LoggedCapture
        try {
          logged = await readLogged(block, slot, segment)
        } catch {
          continue
        }
        const fields = fieldsOf({ ...logged, recognition })
        changes.push({
          block,
          slot,
          patch: { recognition, provider: fields.provider, verdict: fields.verdict, deliveryHash: fields.deliveryHash },
          apply: () => {
            table.setFlag(block, slot, FLAG_RECOGNIZED_AGAIN, true)
            recognitions.remember(block.number, slot, recognition)
            table.setRecognized(block, slot, fields.provider, fields.verdict)
            block.deliveryHash[slot] = fields.deliveryHash
          },
        })
      }
      await patchSlots(changes)
    },
    async annotate(id, change) {
      const { block, slot, segment } = require(id)
      const patch: Partial<IndexEntry> & { clear?: Array<keyof IndexEntry> } = { clear: [] }
      if (change.note !== undefined) {
        if (change.note === null || change.note === '') patch.clear?.push('note')
        else patch.note = change.note
      }
      if (change.pinned !== undefined) {
        if (change.pinned) patch.pinned = true
        else patch.clear?.push('pinned')
      }
      if (change.senderLeftAt !== undefined) {
        if (change.senderLeftAt === null) patch.clear?.push('senderLeftAt')
        else patch.senderLeftAt = change.senderLeftAt
      }
      if (change.forward !== undefined) patch.forward = change.forward
      await patchSlots([
        {
          block,
          slot,
          patch,
          apply: () => {
            const overlay = overlayOf(block, slot)
            if (change.note !== undefined) {
              if (change.note === null || change.note === '') delete overlay.note
              else overlay.note = change.note
            }
            if (change.senderLeftAt !== undefined) {
              if (change.senderLeftAt === null) delete overlay.senderLeftAt
              else overlay.senderLeftAt = change.senderLeftAt
            }
            if (change.forward !== undefined) overlay.forward = change.forward
            if (change.pinned !== undefined) table.setFlag(block, slot, FLAG_PINNED, change.pinned)
          },
        },
      ])
      return summaryOf(block, slot, segment)
    },
    async deleteMany(ids) {
      return deleteSlots([...new Set(ids)].flatMap((id) => table.locate(id) ?? []))
    },
    async deleteByEndpoint(endpointId, options) {
      const includePinned = options?.includePinned === true
      return deleteSlots(slotsOf(endpointId, (block, slot) => includePinned || ((block.flags[slot] as number) & FLAG_PINNED) === 0))
    },
    retention: undefined as unknown as Retention,
    health() {
      let logBytes = 0
      for (const segment of segments.values()) logBytes += segment.logBytes
      return { durability, captures: table.count(), segments: segments.size, logBytes, damaged: damagedCount, lastRetentionError }
    },
    async close() {
      retention.stop()
      await search.close()
      while (pending.length > 0 || committing) await (committing ?? yieldToEventLoop())
      if (spare) {
        const prepared = await spare.catch(() => undefined)
        if (prepared) {
          segments.set(prepared.number, prepared)
          table.block(prepared.number)
        }
      }
      for (const segment of segments.values()) await segment.close()
    },
  }
  const retention = createRetention({
    table,
    policy: config.retention,
    now: deps.now,
    deleteSlots,
    onError: (error) => issuesOfRetention(error),
  })
  function issuesOfRetention(error: unknown): void {
    lastRetentionError = error instanceof Error ? error.message : String(error)
  }
  Object.defineProperty(store, 'retention', { value: retention })
  return store
}

/** The index fields derived from a record (`deliveryKey` when the caller computed it already). */
function fieldsOf(
  logged: LoggedCapture,
  deliveryKey?: string,
): Pick<IndexEntry, 'method' | 'provider' | 'verdict' | 'answerStatus' | 'outcome' | 'deliveryHash' | 'imported' | 'pinned' | 'note'> {
  const fields = filterFieldsOf(logged)
  const entry: Pick<IndexEntry, 'method' | 'provider' | 'verdict' | 'answerStatus' | 'outcome' | 'deliveryHash' | 'imported' | 'pinned' | 'note'> = {
    method: fields.method,
    provider: fields.provider,
    verdict: fields.verdict,
    answerStatus: fields.answerStatus,
    outcome: fields.outcome,
    deliveryHash: hashDeliveryKey(deliveryKey ?? deliveryKeyOf(logged)),
  }
  if (logged.origin === 'imported') entry.imported = true
  if (logged.pinned === true) entry.pinned = true
  if (typeof logged.note === 'string' && logged.note !== '') entry.note = logged.note
  return entry
}

/** A frame's metadata as this capture's record; throws `DamagedCaptureError` (after `onDamage`) otherwise. */
function parseMetadata(id: string, bytes: Buffer, expectedBytes: number, onDamage: () => void): LoggedCapture {
  const damaged = (reason: string): never => {
    onDamage()
    throw new DamagedCaptureError(id, reason)
  }
  if (bytes.length !== expectedBytes) damaged(`${expectedBytes - bytes.length} of its ${expectedBytes} record bytes are missing`)
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    return damaged('its record on disk is not readable')
  }
  const checked = loggedCaptureSchema.safeParse(parsed)
  if (!checked.success) return damaged('its record on disk is not readable')
  // Never another capture's bytes under this capture's name.
  if (checked.data.id !== id) return damaged('its place in the log holds other bytes')
  return checked.data
}
