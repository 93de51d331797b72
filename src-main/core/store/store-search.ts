/**
 * Paging and searching the stored captures: the store's search engine.
 *
 * Filters on fields memory keeps (provider, verdict, method, answer, outcome, endpoint) are a scan
 * of typed arrays, without reading anything. Text (`filter.text`) and the query language
 * (`filter.query`, shared/capture-query.ts) need the records and bodies: the candidates left by
 * the in-memory fields are read one segment at a time with a single read of the log range that
 * holds them (sequential, from the page cache), decided on their summary first and on headers and
 * body text only when the summary did not decide. The scan yields to the event loop every few
 * milliseconds, so the receiver keeps answering while a search runs.
 */
import { performance } from 'node:perf_hooks'
import { filterFieldsOf, normalizeCaptureFilter, type CaptureFilter } from '../../shared/capture-filter'
import { decideCaptureQuery, matchesCaptureQuery, parseCaptureQuery, searchableCaptureOf, type CaptureQuery } from '../../shared/capture-query'
import { InspectorError } from '../../shared/errors'
import { toCaptureSummary } from '../capture-views'
import { searchableBodyText } from '../search/searchable-body'
import { FRAME_HEADER_BYTES } from './capture-log'
import type { Segment } from './capture-segments'
import type { CaptureTable, FilterCodes, SegmentBlock } from './capture-table'
import type { LoggedCapture } from './persisted-schema'

/** A scan holds the event loop at most about this long before yielding. */
const SLICE_MS = 8
/** Log ranges larger than this are read capture by capture rather than in one buffer. */
const MAX_RANGE_READ_BYTES = 16 * 1024 * 1024

export interface StoreSearchDeps {
  table: CaptureTable
  segmentOf(segmentNumber: number): Segment | undefined
  /** The record with its annotations and recomputed recognition applied. */
  annotate(logged: LoggedCapture, block: SegmentBlock, slot: number): LoggedCapture
  now(): Date
}

export interface SlotRef {
  block: SegmentBlock
  slot: number
}

export interface StoreSearch {
  page(query: { endpointId?: string; beforeSeq?: number; limit: number; filter?: CaptureFilter }): Promise<{ slots: SlotRef[]; nextBeforeSeq: number | null; total: number }>
  /** Matching captures, oldest first. */
  matching(endpointId: string | undefined, filter: CaptureFilter | undefined): Promise<SlotRef[]>
}

interface PreparedFilter {
  endpoint: number
  codes: FilterCodes
  text: string | undefined
  query: CaptureQuery | null
}

export function createStoreSearch(deps: StoreSearchDeps): StoreSearch {
  const { table } = deps

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

  /** Every match, newest first. */
  async function allMatches(prepared: PreparedFilter): Promise<SlotRef[]> {
    if (prepared.text === undefined && prepared.query === null) return [...candidates(prepared)]
    const matches: SlotRef[] = []
    let group: SlotRef[] = []
    let sliceStart = performance.now()
    const flush = async (): Promise<void> => {
      if (group.length === 0) return
      const block = (group[0] as SlotRef).block
      const segment = deps.segmentOf(block.number)
      const current = group
      group = []
      if (!segment) return
      for (const ref of await testSegment(segment, current, prepared)) matches.push(ref)
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        sliceStart = performance.now()
      }
    }
    for (const ref of candidates(prepared)) {
      if (group.length > 0 && ((group[0] as SlotRef).block !== ref.block || group.length >= 128)) await flush()
      group.push(ref)
    }
    await flush()
    // Deleted while the scan ran: not a match any more.
    return matches.filter(({ block, slot }) => block.isLive(slot))
  }

  /** The slots of one segment (newest first) that match the text and query. */
  async function testSegment(segment: Segment, refs: SlotRef[], prepared: PreparedFilter): Promise<SlotRef[]> {
    const needsBody = prepared.query !== null
    const block = (refs[0] as SlotRef).block
    const endOf = (slot: number): number =>
      (block.offset[slot] as number) + FRAME_HEADER_BYTES + (block.metadataBytes[slot] as number) + (needsBody ? (block.bodySize[slot] as number) : 0)
    let start = Infinity
    let end = 0
    for (const { slot } of refs) {
      start = Math.min(start, block.offset[slot] as number)
      end = Math.max(end, endOf(slot))
    }
    const range = end - start <= MAX_RANGE_READ_BYTES ? await segment.readRange(start, end) : null
    const matched: SlotRef[] = []
    for (const ref of refs) {
      const { slot } = ref
      const offset = block.offset[slot] as number
      const metadataBytes = block.metadataBytes[slot] as number
      let frame: Buffer
      if (range) frame = range.subarray(offset - start, endOf(slot) - start)
      else frame = await segment.readRange(offset, endOf(slot))
      if (frame.length !== endOf(slot) - offset) continue
      let logged: LoggedCapture
      try {
        logged = JSON.parse(frame.toString('utf8', FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + metadataBytes)) as LoggedCapture
      } catch {
        // Damaged: it is reported when opened; it matches nothing.
        continue
      }
      if (logged.id !== block.ids[slot]) continue
      if (matchesRecord(deps.annotate(logged, block, slot), needsBody ? frame.subarray(FRAME_HEADER_BYTES + metadataBytes) : null, prepared)) matched.push(ref)
    }
    return matched
  }

  return {
    async page({ endpointId, beforeSeq, limit, filter }) {
      const prepared = prepare(endpointId, filter)
      if (prepared === null) return { slots: [], nextBeforeSeq: null, total: 0 }
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
  }
}

function matchesRecord(logged: LoggedCapture, body: Buffer | null, prepared: PreparedFilter): boolean {
  const summary = toCaptureSummary(logged)
  const searchText = prepared.text !== undefined || prepared.query !== null ? filterFieldsOf(summary).searchText : ''
  if (prepared.text !== undefined && !searchText.includes(prepared.text)) return false
  if (prepared.query === null) return true
  const decided = decideCaptureQuery(prepared.query, searchableCaptureOf(summary, { searchText }))
  if (decided !== null) return decided
  // Bodies are matched as received; damaged ones are refused when opened and matched as they are here.
  return matchesCaptureQuery(
    prepared.query,
    searchableCaptureOf(summary, {
      searchText,
      headers: () => logged.headers,
      bodyText: () => (body === null || logged.outcome === 'refused' ? null : searchableBodyText({ headers: logged.headers }, body)),
    }),
  )
}
