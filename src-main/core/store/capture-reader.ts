/**
 * Reading stored captures back: a record from its log frame (the page cache keeps the newest at
 * hand; a copy in memory was promoted by the garbage collector and cost the receiver a
 * mark-compact every few seconds under load), with its annotations, as a list view, and a body checked against the sha256
 * recorded when it arrived. A frame must carry the id its index entry names; a capture failing
 * either check is marked damaged and its bytes are never served.
 */
import { hash } from 'node:crypto'
import type { CaptureRecognition, CaptureSummary } from '../../shared/views'
import { InspectorError } from '../../shared/errors'
import { toCaptureSummary } from './capture-summary'
import { deliveryKeyOf, readsKeyFromBody, recognitionFromBody } from '../deliveries/delivery-key'
import type { CaptureIndex } from './capture-index'
import type { Segment } from './capture-segments'
import { FLAG_DAMAGED, FLAG_KEY_CARRIED, FLAG_RECOGNIZED_AGAIN, type SegmentBlock, type SlotRef } from './capture-table'
import { loggedCaptureSchema, type LoggedCapture } from './persisted-schema'
import type { RecognitionOverrides } from './recognition-overrides'

/** A capture whose stored bytes are missing or do not match what was received. */
export class DamagedCaptureError extends InspectorError {
  constructor(
    readonly captureId: string,
    readonly reason: string,
  ) {
    super('CONFLICT', `capture ${captureId} is damaged on disk (${reason}); its bytes are not shown or sent`)
  }
}

/** A stored capture's slot and the segment holding its frame. */
export interface LocatedCapture extends SlotRef {
  segment: Segment
}

export interface CaptureReaderDeps {
  index: CaptureIndex
  segments: ReadonlyMap<number, Segment>
  recognitions: RecognitionOverrides
  /** A key read from the body (`readsKeyFromBody`) that the recognition the body gave settles: to be kept (carried-delivery-keys.ts). */
  carryKey?: (block: SegmentBlock, slot: number, logged: LoggedCapture, recognition: CaptureRecognition) => void
}

export interface CaptureReader {
  locate(id: string): LocatedCapture | undefined
  /** Like `locate`; a NOT_FOUND error when the capture is not stored (any more). */
  require(id: string): LocatedCapture
  /**
   * The record as logged, with its annotations and the recognition its index keeps (recomputed, or
   * carried); a `DamagedCaptureError` when the frame is not this capture's.
   */
  readLogged(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture>
  /** The record as logged, with the recognition it arrived with (and no annotations). */
  readArrived(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture>
  /** The list view; a damaged capture gets a view from what memory knows, saying it is damaged. */
  summaryOf(block: SegmentBlock, slot: number, segment: Segment): Promise<CaptureSummary>
  summariesOf(found: readonly SlotRef[]): Promise<CaptureSummary[]>
  /** The body, checked against its sha256 (a `DamagedCaptureError` otherwise). */
  readVerifiedBody(block: SegmentBlock, slot: number): Promise<Buffer>
}

export function createCaptureReader({ index, segments, recognitions, carryKey }: CaptureReaderDeps): CaptureReader {
  const table = index.table

  function locate(id: string): LocatedCapture | undefined {
    const found = table.locate(id)
    const segment = found && segments.get(found.block.number)
    return found && segment ? { ...found, segment } : undefined
  }

  async function readArrived(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture> {
    const id = table.idOf(block, slot)
    const { metadata } = await segment.readFrame(() => ({ offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number }), null)
    return parseMetadata(id, metadata, block.metadataBytes[slot] as number, () => index.markDamaged(block, slot))
  }

  async function readLogged(block: SegmentBlock, slot: number, segment: Segment): Promise<LoggedCapture> {
    const logged = await readArrived(block, slot, segment)
    index.withAnnotations(logged, block, slot)
    const flags = block.flags[slot] as number
    const recomputed = flags & FLAG_RECOGNIZED_AGAIN ? await recognitions.get(segment, slot) : undefined
    if (recomputed !== undefined) logged.recognition = recomputed
    else if (flags & FLAG_KEY_CARRIED) logged.recognition = (await recognitions.carried(segment, slot)) ?? logged.recognition
    return logged
  }

  async function summaryOf(block: SegmentBlock, slot: number, segment: Segment): Promise<CaptureSummary> {
    try {
      const logged = await readLogged(block, slot, segment)
      const summary = toCaptureSummary(logged)
      // A key of an earlier form (an id past 2^53 keyed rounded, CHIP without updated_on): the body
      // says which delivery it is (a damaged body leaves the key as stored; the capture is marked damaged).
      if (readsKeyFromBody(logged, summary.deliveryKey)) {
        const body = await readVerifiedBody(block, slot).catch((error: unknown) => {
          if (error instanceof DamagedCaptureError) return null
          throw error
        })
        const recognition = body === null ? null : recognitionFromBody(logged, body)
        if (recognition !== null) {
          const readAgain = { ...logged, recognition }
          summary.deliveryKey = deliveryKeyOf(readAgain)
          // Kept in the index once it gives today's key by itself, so the body is read for it only this once.
          if (!readsKeyFromBody(readAgain, summary.deliveryKey)) carryKey?.(block, slot, logged, recognition)
        }
      }
      if ((block.flags[slot] as number) & FLAG_DAMAGED) summary.damage = 'its bytes on disk do not match what was received'
      return summary
    } catch (error: unknown) {
      if (!(error instanceof DamagedCaptureError)) throw error
      return index.damagedSummary(block, slot, error.reason)
    }
  }

  return {
    locate,
    require(id) {
      const found = locate(id)
      if (!found) throw new InspectorError('NOT_FOUND', `capture ${id} is no longer stored`)
      return found
    },
    readLogged,
    readArrived,
    summaryOf,
    summariesOf(found) {
      return Promise.all(found.map(({ block, slot }) => summaryOf(block, slot, segments.get(block.number) as Segment)))
    },
    readVerifiedBody,
  }

  async function readVerifiedBody(block: SegmentBlock, slot: number): Promise<Buffer> {
    const segment = segments.get(block.number) as Segment
    const id = table.idOf(block, slot)
    const bodySize = block.bodySize[slot] as number
    const { metadata, body } = await segment.readFrame(
      () => ({ offset: block.offset[slot] as number, metadataBytes: block.metadataBytes[slot] as number }),
      bodySize,
    )
    const logged = parseMetadata(id, metadata, block.metadataBytes[slot] as number, () => index.markDamaged(block, slot))
    if (body === null || body.length !== bodySize) {
      index.markDamaged(block, slot)
      throw new DamagedCaptureError(id, `${bodySize - (body?.length ?? 0)} of its ${bodySize} body bytes are missing`)
    }
    if (hash('sha256', body) !== logged.body.sha256) {
      index.markDamaged(block, slot)
      throw new DamagedCaptureError(id, 'its body does not match the sha256 recorded when it arrived')
    }
    return body
  }
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
