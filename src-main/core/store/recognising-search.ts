/**
 * The store's searches (store-search.ts), fed with what memory and the index documents know beside
 * the records: annotations, and the recognitions recomputed after arrival.
 *
 * The search asks for a capture's annotations synchronously, so the recomputed recognitions of the
 * segments a search reads are read before a search that scans records, and dropped once the last
 * search using them ends: they are in memory only while a search runs.
 */
import { normalizeCaptureFilter, type CaptureFilter } from '../../shared/capture-filter'
import type { CaptureIndex } from './capture-index'
import type { Segment } from './capture-segments'
import { FLAG_RECOGNIZED_AGAIN, FLAG_PINNED } from './capture-table'
import type { RecognitionOverrides, SegmentRecognitions } from './recognition-overrides'
import type { ScanAnnotations } from './search-scan'
import { createStoreSearch, type SearchReadCounts, type StoreSearch } from './store-search'

export interface RecognisingSearchDeps {
  index: CaptureIndex
  segments: ReadonlyMap<number, Segment>
  recognitions: RecognitionOverrides
  now: () => Date
  /** Counted in place when given (tests). */
  reads?: SearchReadCounts
  /** See `StoreSearchDeps`. */
  verifiedSidecarsFile?: string
  setAside?: (path: string, problem: string) => Promise<void>
}

/** A segment's recomputed recognitions, read for the searches running (`withSearchRecognitions`). */
interface SearchRecognitions {
  /** How many running searches use them. */
  searches: number
  reading: Promise<SegmentRecognitions>
  /** Once read. */
  read?: SegmentRecognitions
}

export function createRecognisingSearch({ index, segments, recognitions, now, reads, verifiedSidecarsFile, setAside }: RecognisingSearchDeps): StoreSearch {
  const table = index.table
  const searchRecognitions = new Map<number, SearchRecognitions>()

  async function withSearchRecognitions<T>(filter: CaptureFilter | undefined, run: () => Promise<T>): Promise<T> {
    const active = normalizeCaptureFilter(filter)
    if (active?.text === undefined && active?.query === undefined) return run()
    const used = table.blocks.filter((block) => index.hasRecomputed(block)).flatMap((block) => segments.get(block.number) ?? [])
    if (reads) reads.recognitionSegments += used.length
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

  const inner = createStoreSearch({
    table,
    segmentOf: (segmentNumber) => segments.get(segmentNumber),
    annotationsOf(block, slot) {
      const overlay = index.overlay(block, slot)
      const flags = block.flags[slot] as number
      const pinned = (flags & FLAG_PINNED) !== 0
      const recognition = flags & FLAG_RECOGNIZED_AGAIN ? searchRecognitions.get(block.number)?.read?.get(slot) : undefined
      if (!overlay && !pinned && recognition === undefined) return null
      const annotations: ScanAnnotations = {
        note: overlay?.note ?? null,
        pinned,
        senderLeftAt: overlay?.senderLeftAt ?? null,
        appStoppedAt: overlay?.appStoppedAt ?? null,
      }
      if (recognition !== undefined) annotations.recognition = recognition
      if (overlay?.response !== undefined) annotations.response = overlay.response
      return annotations
    },
    now,
    reads,
    verifiedSidecarsFile,
    setAside,
    onDamaged(found) {
      // The search found a body that no longer matches its sha256: the list and health say so now.
      for (const { id } of found) {
        const located = table.locate(id)
        if (located) index.markDamaged(located.block, located.slot)
      }
    },
  })

  // Searches that read records see the recomputed recognitions (see `withSearchRecognitions`). Every
  // method is named here, not spread from `inner`, so a search added to StoreSearch does not compile
  // until it is wrapped: the spread let the oldest-first page bypass it (it matched the recognitions
  // captures arrived with), and `matching` lost its `among` on the way (it scanned every capture).
  return {
    close: () => inner.close(),
    page: (query) => withSearchRecognitions(query.filter, () => inner.page(query)),
    pageOldestFirst: (query) => withSearchRecognitions(query.filter, () => inner.pageOldestFirst(query)),
    count: (endpointId, filter) => withSearchRecognitions(filter, () => inner.count(endpointId, filter)),
    matching: (endpointId, filter, among) => withSearchRecognitions(filter, () => inner.matching(endpointId, filter, among)),
  }
}
