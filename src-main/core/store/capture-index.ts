/**
 * The capture store's memory: the table of captures (capture-table.ts) and the annotations the few
 * annotated ones carry, and everything the store derives from them alone: the entries of a
 * segment's index document, a brief, the slots of a scope, the list view of a capture whose record
 * cannot be read. Nothing here touches a file, so it is tested without a disk
 * (capture-index.test.ts); capture-store.ts composes it with the segments on disk.
 */
import { filterColumnsOf } from '../../shared/capture-filter'
import { InspectorError } from '../../shared/errors'
import type { CaptureSummary } from '../../shared/views'
import type { CaptureForward } from '../../shared/replay'
import { deliveryKeyOf } from '../deliveries/delivery-key'
import {
  CaptureTable,
  FLAG_DAMAGED,
  FLAG_IMPORTED,
  FLAG_KEY_CARRIED,
  FLAG_PINNED,
  FLAG_RECOGNIZED_AGAIN,
  FLAG_REFUSED,
  hashDeliveryKey,
  type SegmentBlock,
  type SlotRef,
} from './capture-table'
import type { LoggedCapture, StoredCapture } from './persisted-schema'
import type { SegmentOverrides } from './recognition-overrides'
import { annotationsProblem, type IndexEntry } from './segment-index'
import { DeliveryChangeLog, type DeliveryChanges } from './delivery-change-log'
import { emptyRowFields, SnapshotRows } from './table-snapshot'

/** What changes on a stored capture after arrival (kept in its index document, not its log frame). */
export interface CaptureAnnotations {
  note?: string | null
  pinned?: boolean
  senderLeftAt?: string | null
  appStoppedAt?: string | null
  /** How a background forward settled (see `settledBackgroundForward`), or how a pass-through forward went. */
  forward?: CaptureForward
  /**
   * The answer decided after arrival: a pass-through forward's capture is stored while its target
   * is awaited, then gets the answer sent (the target's, or the configured one) before it goes out.
   */
  response?: StoredCapture['response']
}

/** What memory knows of a capture without reading its record. */
export interface CaptureBrief {
  id: string
  seq: number
  endpointId: string
  outcome: 'captured' | 'refused'
  pinned: boolean
}

/** A change to an index entry: fields set, and fields removed (`clear`). */
export type EntryPatch = Partial<IndexEntry> & { clear?: Array<keyof IndexEntry> }

/** A change not yet applied, rendered into a segment's index: slots left out (deleted) or entries changed (notes, verdicts). */
export interface IndexTweak {
  exclude?: ReadonlySet<number>
  patch?: ReadonlyMap<number, EntryPatch>
  /** A compaction's new log (log-compaction.ts): its generation, its size, and where every live slot's frame now starts. */
  compacted?: { generation: number; logBytes: number; offsets: ReadonlyMap<number, number> }
}

/**
 * Annotations: few captures have them (a user writes a note, a sender hangs up), so they live in a
 * map. Recomputed recognitions, which a key change gives every capture of an endpoint, do not:
 * they are read from the index on demand (recognition-overrides.ts).
 */
export interface Overlay {
  note?: string
  senderLeftAt?: string
  appStoppedAt?: string
  forward?: CaptureForward
  response?: StoredCapture['response']
}

/**
 * When a recorded answer was cut short before it went out, and by whom: the sender hanging up, or
 * the app stopping. Both are kept, written, read and cleared alike.
 */
const UNSENT_ANSWER_TIMES = ['senderLeftAt', 'appStoppedAt'] as const

const locationOf = (block: SegmentBlock, slot: number): number => block.number * 1024 + slot

export class CaptureIndex {
  readonly table = new CaptureTable()
  private readonly overlays = new Map<number, Overlay>()
  private damagedCount = 0
  private changes = 0
  private readonly deliveryChanges = new DeliveryChangeLog()

  /**
   * Changes whenever what memory knows of any capture changes: a capture added or deleted (a
   * segment dropped), its answer, pin, note or recognition changed, or found damaged. Whatever is
   * derived from memory may be kept while it stays the same.
   */
  get revision(): number {
    return this.changes
  }

  /**
   * The deliveries (by the hash of their key) whose attempts, or what memory knows of them, changed
   * after `revision`: `'all'` when that is not known any more (or a change touched every delivery).
   */
  deliveryHashesChangedSince(revision: number): DeliveryChanges {
    return this.deliveryChanges.since(revision, this.changes)
  }

  /** A change of what memory knows of the captures of the delivery hashed `hash` (any delivery when `null`). */
  private changed(hash: number | null): void {
    this.changes++
    if (hash === null) this.deliveryChanges.noteAll(this.changes)
    else this.deliveryChanges.note(this.changes, hash)
  }

  /** Captures found damaged (missing bytes, hash mismatch) since start. */
  get damaged(): number {
    return this.damagedCount
  }

  /** `overrides`: the segment's recomputed and carried recognitions (needed when a slot is flagged). */
  entryOf(block: SegmentBlock, slot: number, overrides: SegmentOverrides | null): IndexEntry {
    const table = this.table
    const flags = block.flags[slot] as number
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
      answerStatus: block.answerStatusOf(slot),
      outcome: flags & FLAG_REFUSED ? 'refused' : 'captured',
      deliveryHash: block.deliveryHash[slot] as number,
    }
    if (flags & FLAG_IMPORTED) entry.imported = true
    if (flags & FLAG_PINNED) entry.pinned = true
    const overlay = this.overlays.get(locationOf(block, slot))
    if (overlay?.note !== undefined) entry.note = overlay.note
    for (const key of UNSENT_ANSWER_TIMES) if (overlay?.[key] !== undefined) entry[key] = overlay[key]
    if (overlay?.forward !== undefined) entry.forward = overlay.forward
    if (overlay?.response !== undefined) entry.response = overlay.response
    const recognition = flags & FLAG_RECOGNIZED_AGAIN ? overrides?.recomputed.get(slot) : undefined
    if (recognition !== undefined) entry.recognition = recognition
    // A recognition recomputed since supersedes it.
    const carried = flags & FLAG_KEY_CARRIED && recognition === undefined ? overrides?.carried.get(slot) : undefined
    if (carried !== undefined) entry.carriedRecognition = carried
    return entry
  }

  /** Whether a live capture of the block was recognised again (its index document then holds a recomputed recognition). */
  hasRecomputed(block: SegmentBlock): boolean {
    return this.hasFlagged(block, FLAG_RECOGNIZED_AGAIN)
  }

  /** Whether a live capture of the block has a recomputed or a carried recognition (its index document holds it). */
  hasOverrides(block: SegmentBlock): boolean {
    return this.hasFlagged(block, FLAG_RECOGNIZED_AGAIN | FLAG_KEY_CARRIED)
  }

  private hasFlagged(block: SegmentBlock, mask: number): boolean {
    for (let slot = 0; slot < block.length; slot++) if ((block.flags[slot] as number) & mask && block.isLive(slot)) return true
    return false
  }

  /** The entries of a segment's index document, with a change not yet applied (`tweak`) rendered in. */
  entries(block: SegmentBlock, overrides: SegmentOverrides | null, tweak?: IndexTweak): IndexEntry[] {
    const entries: IndexEntry[] = []
    for (let slot = 0; slot < block.length; slot++) {
      if (!block.isLive(slot) || tweak?.exclude?.has(slot)) continue
      const entry = this.entryOf(block, slot, overrides)
      if (tweak?.compacted) {
        const offset = tweak.compacted.offsets.get(slot)
        // Retired segments take no new captures: one the copy did not see would be listed at a wrong offset.
        if (offset === undefined) throw new Error(`capture ${entry.id} is not in the compacted log of segment ${block.number}`)
        entry.frame = { offset, metadataBytes: entry.frame.metadataBytes }
      }
      const patch = tweak?.patch?.get(slot)
      if (patch) {
        const { clear, ...fields } = patch
        Object.assign(entry, fields)
        for (const key of clear ?? []) delete entry[key]
      }
      entries.push(entry)
    }
    return entries
  }

  /** Adds a capture to the block; returns its slot. */
  add(block: SegmentBlock, entry: IndexEntry): number {
    this.changed(entry.deliveryHash)
    const slot = this.table.add(block, {
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
    if (
      entry.note !== undefined ||
      UNSENT_ANSWER_TIMES.some((key) => entry[key] !== undefined) ||
      entry.forward !== undefined ||
      entry.response !== undefined
    ) {
      const overlay: Overlay = {}
      if (entry.note !== undefined) overlay.note = entry.note
      for (const key of UNSENT_ANSWER_TIMES) if (entry[key] !== undefined) overlay[key] = entry[key]
      if (entry.forward !== undefined) overlay.forward = entry.forward
      if (entry.response !== undefined) overlay.response = entry.response
      this.overlays.set(locationOf(block, slot), overlay)
    }
    // Only the mark: the recognition stays in the index document (read on demand).
    if (entry.recognition !== undefined) this.table.setFlag(block, slot, FLAG_RECOGNIZED_AGAIN, true)
    if (entry.carriedRecognition !== undefined) this.table.setFlag(block, slot, FLAG_KEY_CARRIED, true)
    return slot
  }

  /** Adds a segment's entries in order; a snapshot's plain rows go straight into the table's columns. */
  addAll(block: SegmentBlock, entries: readonly IndexEntry[] | SnapshotRows): void {
    if (!(entries instanceof SnapshotRows)) {
      for (const entry of entries) this.add(block, entry)
      return
    }
    this.changed(null)
    const rows = entries
    const fields = emptyRowFields()
    for (let index = 0; index < rows.count; index++) {
      if (!rows.isPlain(index)) this.add(block, rows.entry(index))
      else {
        rows.fieldsAt(index, fields)
        this.table.add(block, fields)
      }
    }
  }

  /** Forgets a deleted capture (its index was written without it). */
  delete(block: SegmentBlock, slot: number): void {
    this.changed(block.deliveryHash[slot] as number)
    this.table.delete(block, slot)
    this.overlays.delete(locationOf(block, slot))
  }

  /** Forgets a removed segment's block. */
  dropBlock(segmentNumber: number): void {
    this.changed(null)
    const block = this.table.block(segmentNumber)
    for (let slot = 0; slot < block.length; slot++) this.overlays.delete(locationOf(block, slot))
    this.table.dropBlock(segmentNumber)
  }

  /** Applies a change of annotations (once its index was written with `annotationPatch(change)`). */
  annotate(block: SegmentBlock, slot: number, change: CaptureAnnotations): void {
    this.changed(block.deliveryHash[slot] as number)
    const overlay = this.writableOverlay(block, slot)
    if (change.note !== undefined) {
      if (change.note === null || change.note === '') delete overlay.note
      else overlay.note = change.note
    }
    for (const key of UNSENT_ANSWER_TIMES) {
      const value = change[key]
      if (value === null) delete overlay[key]
      else if (value !== undefined) overlay[key] = value
    }
    if (change.forward !== undefined) overlay.forward = change.forward
    if (change.response !== undefined) {
      overlay.response = change.response
      // The answer filter reads the column: it matches the answer sent, not the one stored on arrival.
      block.setAnswerStatus(slot, change.response.status)
    }
    if (change.pinned !== undefined) this.table.setFlag(block, slot, FLAG_PINNED, change.pinned)
  }

  /** A capture's annotations, if it has any. */
  overlay(block: SegmentBlock, slot: number): Readonly<Overlay> | undefined {
    return this.overlays.get(locationOf(block, slot))
  }

  private writableOverlay(block: SegmentBlock, slot: number): Overlay {
    const location = locationOf(block, slot)
    let overlay = this.overlays.get(location)
    if (!overlay) this.overlays.set(location, (overlay = {}))
    return overlay
  }

  /** The record as logged, with the annotations memory holds. */
  withAnnotations(logged: LoggedCapture, block: SegmentBlock, slot: number): LoggedCapture {
    const overlay = this.overlays.get(locationOf(block, slot))
    logged.pinned = ((block.flags[slot] as number) & FLAG_PINNED) !== 0
    logged.note = overlay?.note ?? null
    for (const key of UNSENT_ANSWER_TIMES) logged[key] = overlay?.[key] ?? null
    if (overlay?.forward !== undefined) logged.forward = overlay.forward
    if (overlay?.response !== undefined) logged.response = overlay.response
    return logged
  }

  /** Applies a capture's new recognition (once its index was written with it); its record keeps the one it arrived with. */
  recognise(block: SegmentBlock, slot: number, fields: Pick<IndexEntry, 'provider' | 'verdict' | 'deliveryHash'>): void {
    // Both deliveries change: the one it leaves and the one it joins.
    this.changed(block.deliveryHash[slot] as number)
    this.changed(fields.deliveryHash)
    this.table.setFlag(block, slot, FLAG_RECOGNIZED_AGAIN, true)
    // A key carried before is superseded: the new recognition was read from the bytes as they are today.
    this.table.setFlag(block, slot, FLAG_KEY_CARRIED, false)
    this.table.setRecognized(block, slot, fields.provider, fields.verdict)
    block.deliveryHash[slot] = fields.deliveryHash
  }

  /**
   * Applies a delivery key read again from the capture's body (once its index was written with the
   * recognition the body gave as `carriedRecognition`): only its delivery changes.
   */
  carryKey(block: SegmentBlock, slot: number, deliveryHash: number): void {
    this.changed(block.deliveryHash[slot] as number)
    this.changed(deliveryHash)
    this.table.setFlag(block, slot, FLAG_KEY_CARRIED, true)
    block.deliveryHash[slot] = deliveryHash
  }

  /**
   * A recomputed recognition found to be a carried key an earlier version kept with them (once its
   * index was written so): nothing it matches or shows changes, only where it is kept.
   */
  carriedNotRecomputed(block: SegmentBlock, slot: number): void {
    this.table.setFlag(block, slot, FLAG_RECOGNIZED_AGAIN, false)
    this.table.setFlag(block, slot, FLAG_KEY_CARRIED, true)
  }

  markDamaged(block: SegmentBlock, slot: number): void {
    // Found damaged again (each read of it finds it so): nothing memory knows changes, so neither
    // does the revision (a delivery holding it would otherwise never keep its facts).
    if (((block.flags[slot] as number) & FLAG_DAMAGED) !== 0) return
    this.changed(block.deliveryHash[slot] as number)
    this.damagedCount++
    this.table.setFlag(block, slot, FLAG_DAMAGED, true)
  }

  /** Live slots of a scope, oldest first, matching the filter's in-memory fields. */
  slotsOf(endpointId: string | undefined, keep: (block: SegmentBlock, slot: number) => boolean = () => true): SlotRef[] {
    const table = this.table
    const endpoint = endpointId === undefined ? -1 : table.endpointCodeOf(endpointId)
    if (endpointId !== undefined && endpoint === -1) return []
    const found: SlotRef[] = []
    for (const block of table.blocks) {
      for (let slot = 0; slot < block.length; slot++) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (keep(block, slot)) found.push({ block, slot })
      }
    }
    return found
  }

  brief(id: string): CaptureBrief | undefined {
    const found = this.table.locate(id)
    if (!found) return undefined
    const { block, slot } = found
    const flags = block.flags[slot] as number
    return {
      id,
      seq: block.seq[slot] as number,
      endpointId: this.table.endpointOf(block, slot),
      outcome: flags & FLAG_REFUSED ? 'refused' : 'captured',
      pinned: (flags & FLAG_PINNED) !== 0,
    }
  }

  /** The list view of a capture whose record cannot be read: what memory knows, saying why. */
  damagedSummary(block: SegmentBlock, slot: number, reason: string): CaptureSummary {
    const table = this.table
    const status = block.answerStatusOf(slot)
    const overlay = this.overlays.get(locationOf(block, slot))
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
        kind: status === null ? 'none' : 'respond',
        status,
        headers: [],
        bodySize: 0,
        delayMs: 0,
        chosenBy: { kind: 'default' },
      },
      origin: (block.flags[slot] as number) & FLAG_IMPORTED ? 'imported' : 'received',
      importedFrom: null,
      receivedAtIsImportTime: false,
      note: overlay?.note ?? null,
      pinned: ((block.flags[slot] as number) & FLAG_PINNED) !== 0,
      senderLeftAt: overlay?.senderLeftAt ?? null,
      appStoppedAt: overlay?.appStoppedAt ?? null,
      forward: null,
      deliveryKey: `damaged:${table.idOf(block, slot)}`,
      damage: reason,
    }
  }

  /** The seq the next capture gets: one past every seq stored (deleted ones included). */
  nextSeq(): number {
    const table = this.table
    let nextSeq = Math.max(0, ...table.blocks.map((block) => (block.length > 0 ? (block.seq[block.length - 1] as number) : 0))) + 1
    for (const block of table.blocks) for (let slot = 0; slot < block.length; slot++) nextSeq = Math.max(nextSeq, (block.seq[slot] as number) + 1)
    return nextSeq
  }
}

/**
 * The index change that writes `change` (applied to memory by `CaptureIndex.annotate` once
 * written). Throws, before anything is written, for a change its index would be refused with at
 * the next start (segment-index.ts `annotationsProblem`): one such change, grouped with others in
 * a write, made the whole document unreadable.
 */
export function annotationPatch(change: CaptureAnnotations): EntryPatch {
  const patch: EntryPatch = { clear: [] }
  if (change.note !== undefined) {
    if (change.note === null || change.note === '') patch.clear?.push('note')
    else patch.note = change.note
  }
  if (change.pinned !== undefined) {
    if (change.pinned) patch.pinned = true
    else patch.clear?.push('pinned')
  }
  for (const key of UNSENT_ANSWER_TIMES) {
    const value = change[key]
    if (value === null) patch.clear?.push(key)
    else if (value !== undefined) patch[key] = value
  }
  if (change.forward !== undefined) patch.forward = change.forward
  if (change.response !== undefined) {
    patch.response = change.response
    patch.answerStatus = change.response.status
  }
  const problem = annotationsProblem(patch)
  if (problem !== null) throw new InspectorError('BAD_REQUEST', `the capture's ${problem} was not changed: its index would not read back`)
  return patch
}

/** The index fields derived from a record (`deliveryKey` when the caller computed it already). */
export function fieldsOf(
  logged: LoggedCapture,
  deliveryKey?: string,
): Pick<IndexEntry, 'method' | 'provider' | 'verdict' | 'answerStatus' | 'outcome' | 'deliveryHash' | 'imported' | 'pinned' | 'note'> {
  const fields = filterColumnsOf(logged)
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

/**
 * The index entry of a capture read from its log frame: a capture just written, one read back at
 * start-up, or one of a version 1 index (`deliveryKey` when the caller computed it already).
 */
export function entryFromLogged(logged: LoggedCapture, frame: { offset: number; metadataBytes: number }, deliveryKey?: string): IndexEntry {
  const entry: IndexEntry = {
    id: logged.id,
    seq: logged.seq,
    endpointId: logged.endpointId,
    receivedAtMs: Date.parse(logged.receivedAt) || 0,
    frame,
    bodySize: logged.body.size,
    ...fieldsOf(logged, deliveryKey),
  }
  for (const key of UNSENT_ANSWER_TIMES) {
    const value = logged[key]
    if (typeof value === 'string') entry[key] = value
  }
  return entry
}
