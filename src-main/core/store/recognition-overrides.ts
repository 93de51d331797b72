/**
 * Recognitions recomputed after arrival (an endpoint's keys or settings changed, a PayPal
 * certificate was fetched): kept in the segment's index document only (`recognition` of an index
 * entry; the log frame keeps the first one), and read from it when a capture is shown, searched or
 * its index rewritten. Beside them, the recognitions old captures' bodies gave when their keys
 * were read again (`carriedRecognition`, carried-delivery-keys.ts): shown, never searched.
 * Memory keeps a flag bit per capture for each (`FLAG_RECOGNIZED_AGAIN`, `FLAG_KEY_CARRIED`) and
 * the recognitions of the last few segments read.
 *
 * Why not in memory: a key change recomputes the verdict of every capture of the endpoint, about
 * 300 bytes each, so 100,000 captures held 30 MB more on the heap until the next restart.
 *
 * Reads run in the segment's index turn (`Segment.inTurn`), so a document read is never older
 * than what memory applied; a write of the index, which runs in that turn too, reads directly.
 */
import { readFile } from 'node:fs/promises'
import type { CaptureRecognition } from '../../shared/views'
import type { Segment } from './capture-segments'

/** Segments whose recomputed recognitions stay in memory once read: a page or two of the list. */
export const CACHED_SEGMENTS = 8

/** A segment's recomputed recognitions, by slot (`null`: recomputed as not recognised). */
export type SegmentRecognitions = Map<number, CaptureRecognition | null>

/** What a segment's index keeps of its captures' recognitions after arrival, by slot. */
export interface SegmentOverrides {
  recomputed: SegmentRecognitions
  /** The recognitions their bodies gave when their keys were read again (`carriedRecognition`: carried-delivery-keys.ts). */
  carried: Map<number, CaptureRecognition>
}

export interface RecognitionOverrides {
  /** A slot's recomputed recognition, or `undefined` when its index has none for it. */
  get(segment: Segment, slot: number): Promise<CaptureRecognition | null | undefined>
  /** All of a segment's (read in the segment's index turn unless cached). */
  all(segment: Segment): Promise<SegmentRecognitions>
  /** A slot's carried recognition, or `undefined` when its index has none for it. */
  carried(segment: Segment, slot: number): Promise<CaptureRecognition | undefined>
  /** Both kinds of a segment's; only from inside the segment's index turn (rendering its index). */
  ofSegmentInTurn(segment: Segment): Promise<SegmentOverrides>
  /** After the index was written with it: keeps memory in step (when the segment is cached). */
  remember(segmentNumber: number, slot: number, recognition: CaptureRecognition | null): void
  /** Likewise for a carried recognition (`undefined`: the slot has none any more). */
  rememberCarried(segmentNumber: number, slot: number, recognition: CaptureRecognition | undefined): void
  /** Slots deleted, or a whole segment removed. */
  forget(segmentNumber: number, slots?: readonly number[]): void
  /** How many segments are cached (tests). */
  readonly cachedSegments: number
}

export interface RecognitionOverridesDeps {
  /** The slot of an id in this segment, if it is stored there. */
  slotOf(segmentNumber: number, id: string): number | undefined
  /** The index document could not be read: its recomputed recognitions are not shown (the first ones are). */
  onUnreadable?(segment: Segment, error: unknown): void
}

export function createRecognitionOverrides(deps: RecognitionOverridesDeps): RecognitionOverrides {
  // A Map iterates in insertion order; deleting and re-inserting on use makes it an LRU.
  const cache = new Map<number, SegmentOverrides>()

  function cached(segmentNumber: number): SegmentOverrides | undefined {
    const found = cache.get(segmentNumber)
    if (found) {
      cache.delete(segmentNumber)
      cache.set(segmentNumber, found)
    }
    return found
  }

  function keep(segmentNumber: number, overrides: SegmentOverrides): void {
    cache.set(segmentNumber, overrides)
    while (cache.size > CACHED_SEGMENTS) cache.delete(cache.keys().next().value as number)
  }

  /** Reads the index document (version 2 entries or version 1 records: both carry `id` and `recognition`). */
  async function load(segment: Segment): Promise<SegmentOverrides> {
    const overrides: SegmentOverrides = { recomputed: new Map(), carried: new Map() }
    try {
      const document = JSON.parse(await readFile(segment.paths.index, 'utf8')) as { captures?: unknown }
      for (const entry of Array.isArray(document.captures) ? (document.captures as Array<Record<string, unknown>>) : []) {
        if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') continue
        if (entry.recognition === undefined && entry.carriedRecognition === undefined) continue
        const slot = deps.slotOf(segment.number, entry.id)
        // Checked when the store opened (segment-index.ts); the document has been written by this process since.
        if (slot === undefined) continue
        if (entry.recognition !== undefined) overrides.recomputed.set(slot, entry.recognition as CaptureRecognition | null)
        if (entry.carriedRecognition !== undefined) overrides.carried.set(slot, entry.carriedRecognition as CaptureRecognition)
      }
    } catch (error: unknown) {
      deps.onUnreadable?.(segment, error)
    }
    keep(segment.number, overrides)
    return overrides
  }

  async function overridesOf(segment: Segment): Promise<SegmentOverrides> {
    return cached(segment.number) ?? (await segment.inTurn(async () => cached(segment.number) ?? (await load(segment))))
  }

  return {
    async get(segment, slot) {
      return (await this.all(segment)).get(slot)
    },
    async all(segment) {
      return (await overridesOf(segment)).recomputed
    },
    async carried(segment, slot) {
      return (await overridesOf(segment)).carried.get(slot)
    },
    async ofSegmentInTurn(segment) {
      return cached(segment.number) ?? (await load(segment))
    },
    remember(segmentNumber, slot, recognition) {
      cache.get(segmentNumber)?.recomputed.set(slot, recognition)
    },
    rememberCarried(segmentNumber, slot, recognition) {
      const carried = cache.get(segmentNumber)?.carried
      if (recognition === undefined) carried?.delete(slot)
      else carried?.set(slot, recognition)
    },
    forget(segmentNumber, slots) {
      if (slots === undefined) cache.delete(segmentNumber)
      else {
        for (const slot of slots) {
          cache.get(segmentNumber)?.recomputed.delete(slot)
          cache.get(segmentNumber)?.carried.delete(slot)
        }
      }
    },
    get cachedSegments() {
      return cache.size
    },
  }
}
