/**
 * Recognitions recomputed after arrival (an endpoint's keys or settings changed, a PayPal
 * certificate was fetched): kept in the segment's index document only (`recognition` of an index
 * entry; the log frame keeps the first one), and read from it when a capture is shown, searched or
 * its index rewritten. Memory keeps one flag bit per capture (`FLAG_RECOGNIZED_AGAIN`) and the
 * recognitions of the last few segments read.
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

export interface RecognitionOverrides {
  /** A slot's recomputed recognition, or `undefined` when its index has none for it. */
  get(segment: Segment, slot: number): Promise<CaptureRecognition | null | undefined>
  /** All of a segment's (read in the segment's index turn unless cached). */
  all(segment: Segment): Promise<SegmentRecognitions>
  /** All of a segment's; only from inside the segment's index turn (rendering its index). */
  ofSegmentInTurn(segment: Segment): Promise<SegmentRecognitions>
  /** After the index was written with it: keeps memory in step (when the segment is cached). */
  remember(segmentNumber: number, slot: number, recognition: CaptureRecognition | null): void
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
  const cache = new Map<number, SegmentRecognitions>()

  function cached(segmentNumber: number): SegmentRecognitions | undefined {
    const found = cache.get(segmentNumber)
    if (found) {
      cache.delete(segmentNumber)
      cache.set(segmentNumber, found)
    }
    return found
  }

  function keep(segmentNumber: number, recognitions: SegmentRecognitions): void {
    cache.set(segmentNumber, recognitions)
    while (cache.size > CACHED_SEGMENTS) cache.delete(cache.keys().next().value as number)
  }

  /** Reads the index document (version 2 entries or version 1 records: both carry `id` and `recognition`). */
  async function load(segment: Segment): Promise<SegmentRecognitions> {
    const recognitions: SegmentRecognitions = new Map()
    try {
      const document = JSON.parse(await readFile(segment.paths.index, 'utf8')) as { captures?: unknown }
      for (const entry of Array.isArray(document.captures) ? (document.captures as Array<Record<string, unknown>>) : []) {
        if (typeof entry !== 'object' || entry === null || entry.recognition === undefined || typeof entry.id !== 'string') continue
        const slot = deps.slotOf(segment.number, entry.id)
        // Checked when the store opened (segment-index.ts); the document has been written by this process since.
        if (slot !== undefined) recognitions.set(slot, entry.recognition as CaptureRecognition | null)
      }
    } catch (error: unknown) {
      deps.onUnreadable?.(segment, error)
    }
    keep(segment.number, recognitions)
    return recognitions
  }

  return {
    async get(segment, slot) {
      return (await this.all(segment)).get(slot)
    },
    async all(segment) {
      return cached(segment.number) ?? (await segment.inTurn(async () => cached(segment.number) ?? (await load(segment))))
    },
    async ofSegmentInTurn(segment) {
      return cached(segment.number) ?? (await load(segment))
    },
    remember(segmentNumber, slot, recognition) {
      cache.get(segmentNumber)?.set(slot, recognition)
    },
    forget(segmentNumber, slots) {
      if (slots === undefined) cache.delete(segmentNumber)
      else for (const slot of slots) cache.get(segmentNumber)?.delete(slot)
    },
    get cachedSegments() {
      return cache.size
    },
  }
}
