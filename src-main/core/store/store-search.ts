/**
 * Paging and searching the stored captures: the store's search engine.
 *
 * Filters on fields memory keeps (provider, verdict, method, answer, outcome, endpoint) are a scan
 * of typed arrays, without reading anything. Text (`filter.text`) and the query language
 * (`filter.query`, shared/capture-query.ts) need the records and bodies: the candidates left by
 * the in-memory fields are handed to the search worker thread (search-scanner.ts), which reads
 * each segment's log range in one read and decides them (search-scan.ts), off the event loop.
 */
import { normalizeCaptureFilter, type CaptureFilter } from '../../shared/capture-filter'
import { parseCaptureQuery, type CaptureQuery } from '../../shared/capture-query'
import { InspectorError } from '../../shared/errors'
import type { Segment } from './capture-segments'
import type { CaptureTable, FilterCodes, SegmentBlock } from './capture-table'
import { createScanner } from './search-scanner'
import type { ScanFilter, ScanSegment } from './search-scan'

export interface StoreSearchDeps {
  table: CaptureTable
  segmentOf(segmentNumber: number): Segment | undefined
  /** What the index changed of a capture after arrival; `null` when nothing. */
  annotationsOf(block: SegmentBlock, slot: number): ScanSegment['annotations'][number]
  now(): Date
}

export interface SlotRef {
  block: SegmentBlock
  slot: number
}

export interface StoreSearch {
  page(query: {
    endpointId?: string
    beforeSeq?: number
    limit: number
    filter?: CaptureFilter
  }): Promise<{ slots: SlotRef[]; nextBeforeSeq: number | null; total: number }>
  /** Matching captures, oldest first. */
  matching(endpointId: string | undefined, filter: CaptureFilter | undefined): Promise<SlotRef[]>
  close(): Promise<void>
}

interface PreparedFilter {
  endpoint: number
  codes: FilterCodes
  text: string | undefined
  query: CaptureQuery | null
}

export function createStoreSearch(deps: StoreSearchDeps): StoreSearch {
  const { table } = deps
  const scanner = createScanner()

  function prepare(endpointId: string | undefined, filter: CaptureFilter | undefined): PreparedFilter | null {
    const active = normalizeCaptureFilter(filter)
    const codes = active ? table.codesOf(active) : {}
    if (codes === null) return null
    const endpoint = endpointId === undefined ? -1 : table.endpointCodeOf(endpointId)
    if (endpointId !== undefined && endpoint === -1) return null
    let query: CaptureQuery | null = null
    if (active?.query !== undefined) {
      const parsed = parseCaptureQuery(active.query, { now: deps.now().getTime() })
      if (!parsed.ok) throw new InspectorError('BAD_REQUEST', `query: ${parsed.error.message}`)
      query = parsed.query
    }
    return { endpoint, codes, text: active?.text, query }
  }

  /** Live slots of the scope matching the in-memory fields, newest first. */
  function* candidates(prepared: PreparedFilter): Generator<SlotRef> {
    const { endpoint, codes } = prepared
    for (let position = table.blocks.length - 1; position >= 0; position--) {
      const block = table.blocks[position] as SegmentBlock
      if (block.live === 0) continue
      for (let slot = block.length - 1; slot >= 0; slot--) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (table.matches(block, slot, codes)) yield { block, slot }
      }
    }
  }

  /**
   * A page decided by the in-memory fields alone: one pass over the arrays that counts every match
   * and keeps only the page's slots (no object per capture: a deep page over 100,000 captures
   * allocated 100,000 of them).
   */
  function pageInMemory(
    prepared: PreparedFilter,
    beforeSeq: number | undefined,
    limit: number,
  ): { slots: SlotRef[]; nextBeforeSeq: number | null; total: number } {
    const { endpoint, codes } = prepared
    const unfiltered = Object.keys(codes).length === 0
    const slots: SlotRef[] = []
    let total = 0
    let hasOlder = false
    for (let position = table.blocks.length - 1; position >= 0; position--) {
      const block = table.blocks[position] as SegmentBlock
      if (block.live === 0) continue
      for (let slot = block.length - 1; slot >= 0; slot--) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (!unfiltered && !table.matches(block, slot, codes)) continue
        total++
        if (hasOlder || (beforeSeq !== undefined && (block.seq[slot] as number) >= beforeSeq)) continue
        if (slots.length < limit) slots.push({ block, slot })
        else hasOlder = true
      }
    }
    const last = slots.at(-1)
    return { slots, nextBeforeSeq: hasOlder && last ? (last.block.seq[last.slot] as number) : null, total }
  }

  /** Every match, newest first. */
  async function allMatches(prepared: PreparedFilter): Promise<SlotRef[]> {
    if (prepared.text === undefined && prepared.query === null) return [...candidates(prepared)]
    // The candidates, one scan segment per log (newest first), with what the index changed.
    const groups: Array<{ refs: SlotRef[]; scan: ScanSegment }> = []
    for (const ref of candidates(prepared)) {
      let group = groups.at(-1)
      if (!group || (group.refs[0] as SlotRef).block !== ref.block) {
        const segment = deps.segmentOf(ref.block.number)
        if (!segment) continue
        group = { refs: [], scan: { logPath: segment.paths.log, ids: [], offsets: [], metadataBytes: [], bodySizes: [], annotations: [] } }
        groups.push(group)
      }
      const { block, slot } = ref
      group.refs.push(ref)
      group.scan.ids.push(table.idOf(block, slot))
      group.scan.offsets.push(block.offset[slot] as number)
      group.scan.metadataBytes.push(block.metadataBytes[slot] as number)
      group.scan.bodySizes.push(block.bodySize[slot] as number)
      group.scan.annotations.push(deps.annotationsOf(block, slot))
    }
    const filter: ScanFilter = { nowMs: deps.now().getTime() }
    if (prepared.text !== undefined) filter.text = prepared.text
    if (prepared.query !== null) filter.query = prepared.query.source
    const matched = await scanner.scan(
      filter,
      groups.map((group) => group.scan),
    )
    const matches: SlotRef[] = []
    for (const [index, positions] of matched.entries())
      for (const position of positions) matches.push((groups[index] as { refs: SlotRef[] }).refs[position] as SlotRef)
    // Deleted while the scan ran: not a match any more.
    return matches.filter(({ block, slot }) => block.isLive(slot))
  }

  return {
    async page({ endpointId, beforeSeq, limit, filter }) {
      const prepared = prepare(endpointId, filter)
      if (prepared === null) return { slots: [], nextBeforeSeq: null, total: 0 }
      if (prepared.text === undefined && prepared.query === null) return pageInMemory(prepared, beforeSeq, limit)
      const matches = await allMatches(prepared)
      // The total counts every match; the page takes the newest `limit` below the cursor.
      const slots: SlotRef[] = []
      let hasOlder = false
      for (const ref of matches) {
        if (beforeSeq !== undefined && (ref.block.seq[ref.slot] as number) >= beforeSeq) continue
        if (slots.length < limit) slots.push(ref)
        else {
          hasOlder = true
          break
        }
      }
      const last = slots.at(-1)
      return { slots, nextBeforeSeq: hasOlder && last ? (last.block.seq[last.slot] as number) : null, total: matches.length }
    },
    async matching(endpointId, filter) {
      const prepared = prepare(endpointId, filter)
      return prepared === null ? [] : (await allMatches(prepared)).reverse()
    },
    close: () => scanner.close(),
  }
}
