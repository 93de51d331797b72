/**
 * Paging and searching the stored captures: the store's search engine.
 *
 * Filters on fields memory keeps (provider, verdict, method, answer, outcome, endpoint) are a scan
 * of typed arrays, without reading anything. Text (`filter.text`) and the query language
 * (`filter.query`, shared/capture-query.ts) need the records and bodies: the candidates left by
 * the in-memory fields are handed to the search process (search-scanner.ts), which rules
 * out with each segment's search-text sidecar what cannot match and decides the rest from the log
 * (search-scan.ts), off the event loop, newest segment first (oldest first for a page read from
 * the oldest end). A page without its total stops the scan as soon as it is full; the total is a
 * separate count.
 *
 * The sidecars are kept up to date in the background: a few seconds after the store opens, and
 * whenever captures arrived since, the worker is asked to build the missing and the stale ones —
 * but not while the receiver is busy (see BUSY_CAPTURES_PER_SECOND), and soon after it calms down.
 */
import { normalizeCaptureFilter, type CaptureFilter } from '../../shared/capture-filter'
import type { CaptureQuery } from '../../shared/capture-query'
import { parseCaptureQuery } from '../../shared/capture-query-parser'
import { InspectorError } from '../../shared/errors'
import type { Segment } from './capture-segments'
import type { CaptureTable, FilterCodes, SegmentBlock, SlotRef } from './capture-table'
import type { ScanColumns } from './scan-columns'
import { createScanner } from './search-scanner'
import { ID_BYTES } from './id-index'
import type { DamageFound, ScanAnnotations, ScanFilter, ScanSegment } from './search-scan'
import { sidecarPathOf } from './search-runner'

/**
 * What searches read beyond the sidecars, counted as they go (tests, diagnostics): captures read
 * from the logs, segments whose recomputed recognitions a search read from their index, sidecars
 * whose whole text was hashed to verify it, and how often the search process ran out of work.
 */
export interface SearchReadCounts {
  framesRead: number
  recognitionSegments: number
  sidecarsHashed: number
  idle: number
}

export interface StoreSearchDeps {
  table: CaptureTable
  segmentOf(segmentNumber: number): Segment | undefined
  /** What the index changed of a capture after arrival; `null` when nothing. */
  annotationsOf(block: SegmentBlock, slot: number): ScanAnnotations | null
  now(): Date
  /** Captures the search found damaged (a body that no longer matches its sha256). */
  onDamaged(found: DamageFound[]): void
  /** Counted in place when given. */
  reads?: SearchReadCounts
  /** Where the sidecars verified are recorded at a clean stop (search-scanner.ts `verifiedFile`). */
  verifiedSidecarsFile?: string
  /**
   * Moves a damaged or unreadable sidecar aside and reports it (`problem` follows its name);
   * resolves once it is gone, and the sidecar is then built afresh.
   */
  setAside?: (path: string, problem: string) => Promise<void>
}

export interface StoreSearch {
  /**
   * A page, newest first, below `beforeSeq`. `withTotal: false` answers as soon as the page is
   * full, without counting every match: `total` is then `null` (ask `count`).
   */
  page(query: {
    endpointId?: string
    beforeSeq?: number
    limit: number
    filter?: CaptureFilter
    withTotal?: boolean
  }): Promise<{ slots: SlotRef[]; nextBeforeSeq: number | null; total: number | null }>
  /**
   * A page, oldest first, above `afterSeq` (from the oldest when absent). Answers as soon as the
   * page is full; `nextAfterSeq` is the cursor of the next (newer) page, `null` on the last one.
   */
  pageOldestFirst(query: {
    endpointId?: string
    afterSeq?: number
    limit: number
    filter?: CaptureFilter
  }): Promise<{ slots: SlotRef[]; nextAfterSeq: number | null }>
  /** How many captures of the scope match the filter. */
  count(endpointId: string | undefined, filter: CaptureFilter | undefined): Promise<number>
  /**
   * Matching captures, oldest first; with `among`, only those whose `seq` is in it are looked at
   * (the grouped list asks whether a delivery's later attempts match: see delivery-procedures.ts).
   */
  matching(endpointId: string | undefined, filter: CaptureFilter | undefined, among?: ReadonlySet<number>): Promise<SlotRef[]>
  close(): Promise<void>
}

/** Segments whose candidates are gathered between two turns of the event loop. */
const GROUPS_BETWEEN_YIELDS = 8

/** How often the store checks whether captures arrived since the sidecars were last brought up to date. */
const SIDECAR_UPKEEP_INTERVAL_MS = 5_000

/**
 * More captures than this a second arriving (or deleted) since the last look means the receiver
 * is busy: the sidecars wait for a calmer moment. Building them reads, hashes and decodes every
 * new capture on the second core, which is the core a burst of callbacks needs (measured: the
 * receiver's throughput ratio fell from 0.42 to 0.29 with upkeep running under a flood). A steady
 * stream is indexed as it comes; a search meanwhile reads the logs of segments
 * without an up-to-date sidecar, so it is never wrong, only slower. The bar is a flood, not a
 * steady stream: under bench:scale's 200 a second a bar of 20 a second kept 100,000 captures
 * unindexed (a rare word took 1.2 s; 0.8 s with this bar).
 */
const BUSY_CAPTURES_PER_SECOND = 500

/**
 * While the receiver is flooded the store looks again this soon, so the sidecars of what the
 * flood brought are built about a second after it ends, not up to two intervals later: a search
 * right after a flood otherwise read every new capture from the logs (a rare word's first page
 * took 0.8 s at 100,000 captures, against 0.5 s).
 */
const FLOOD_RECHECK_MS = 1_000

/** Whether `changed` captures in `elapsedMs` are a flood (a look sooner than a second after the last counts as a second). */
export function isFlooded(changed: number, elapsedMs: number): boolean {
  return changed > BUSY_CAPTURES_PER_SECOND * Math.max(1, elapsedMs / 1000)
}

/** One segment's candidates: the scan's arrays, and the slot of each position (`slots[start + position]`). */
interface ScanGroup {
  block: SegmentBlock
  start: number
  scan: ScanSegment
}

/** What a scan is given: a group per segment with candidates, their slots, and the columns the groups view. */
interface ScanPlan {
  groups: ScanGroup[]
  /**
   * Slot of each candidate, group after group. A typed array sized once for every live capture of
   * the store: a plain array grown to 100,000 numbers copied itself a dozen times into the large
   * object space, garbage the app's heap kept committed long after the search (bench:scale: the
   * large object space grew from 3 to 11 MiB over the searches).
   */
  slots: Int32Array
  columns: ScanColumns
  /** The logs the groups name, kept by a compaction until the scan is over (`Segment.leaseLog`). */
  leases: Array<{ release: () => void }>
}

/** Which candidates a scan considers (`seq` strictly between the bounds given), and in which order. */
interface ScanRange {
  belowSeq?: number
  aboveSeq?: number
  oldestFirst: boolean
}

interface PreparedFilter {
  endpoint: number
  codes: FilterCodes
  text: string | undefined
  query: CaptureQuery | null
  /** Only captures with these `seq` are candidates; `null`: every capture of the scope. */
  among: ReadonlySet<number> | null
}

export function createStoreSearch(deps: StoreSearchDeps): StoreSearch {
  const { table } = deps
  /** Damaged sidecars being moved aside (or that could not be: those are left as they are until the next start). */
  const settingAside = new Set<string>()
  const scanner = createScanner({
    onDamaged: (found) => deps.onDamaged(found),
    onFramesRead(count) {
      if (deps.reads) deps.reads.framesRead += count
    },
    onSidecarHashed() {
      if (deps.reads) deps.reads.sidecarsHashed++
    },
    onIdle() {
      if (deps.reads) deps.reads.idle++
    },
    onSidecarDamaged(path, problem) {
      const { setAside } = deps
      if (setAside === undefined || settingAside.has(path)) return
      settingAside.add(path)
      void setAside(path, problem).then(
        () => {
          settingAside.delete(path)
          // Built afresh by the next upkeep.
          upkeptAt = ''
          scheduleUpkeep()
        },
        () => undefined,
      )
    },
    verifiedFile: deps.verifiedSidecarsFile,
  })

  function prepare(endpointId: string | undefined, filter: CaptureFilter | undefined, among: ReadonlySet<number> | null = null): PreparedFilter | null {
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
    return { endpoint, codes, text: active?.text, query, among }
  }

  /** Live slots of the scope matching the in-memory fields, newest first. */
  function* candidates(prepared: PreparedFilter): Generator<SlotRef> {
    const { endpoint, codes, among } = prepared
    for (let position = table.blocks.length - 1; position >= 0; position--) {
      const block = table.blocks[position] as SegmentBlock
      if (block.live === 0) continue
      for (let slot = block.length - 1; slot >= 0; slot--) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (among !== null && !among.has(block.seq[slot] as number)) continue
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

  /**
   * The candidates left by the in-memory fields within `range`, one scan segment per log (newest
   * first, or oldest first), in columns of one buffer (scan-columns.ts), with what the index
   * changed of them.
   */
  async function scanPlan(prepared: PreparedFilter, range: ScanRange): Promise<ScanPlan> {
    const { endpoint, codes, among } = prepared
    const { belowSeq, aboveSeq, oldestFirst } = range
    const found: Array<{ block: SegmentBlock; segment: Segment; start: number; count: number }> = []
    // The event loop (the receiver) gets a turn every few segments: 100,000 candidates at once held it for tens of ms.
    const blocks = oldestFirst ? [...table.blocks] : [...table.blocks].reverse()
    let slots = new Int32Array(blocks.reduce((sum, block) => sum + block.live, 0))
    let candidateCount = 0
    const consider = (block: SegmentBlock, slot: number): void => {
      if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) return
      const seq = block.seq[slot] as number
      if ((belowSeq !== undefined && seq >= belowSeq) || (aboveSeq !== undefined && seq <= aboveSeq)) return
      if (among !== null && !among.has(seq)) return
      if (table.matches(block, slot, codes)) slots[candidateCount++] = slot
    }
    for (const [visited, block] of blocks.entries()) {
      if (visited % GROUPS_BETWEEN_YIELDS === GROUPS_BETWEEN_YIELDS - 1) await new Promise((resolve) => setImmediate(resolve))
      if (block.live === 0) continue
      // Removed meanwhile (the loop yields): nothing of it is a candidate.
      const segment = deps.segmentOf(block.number)
      if (!segment) continue
      const start = candidateCount
      // Captures that arrived while the loop yielded: room for them too (rare; only the newest block grows).
      if (slots.length - candidateCount < block.live) {
        const larger = new Int32Array(candidateCount + blocks.slice(visited).reduce((sum, left) => sum + left.live, 0))
        larger.set(slots.subarray(0, candidateCount))
        slots = larger
      }
      if (oldestFirst) for (let slot = 0; slot < block.length; slot++) consider(block, slot)
      else for (let slot = block.length - 1; slot >= 0; slot--) consider(block, slot)
      if (candidateCount > start) found.push({ block, segment, start, count: candidateCount - start })
    }
    // Filled once the count is known (a slot's offset, sizes and id never change while it is stored), with turns between.
    const columns = scanner.columns(candidateCount)
    const groups: ScanGroup[] = []
    const leases: ScanPlan['leases'] = []
    for (const [number, { block, segment, start, count }] of found.entries()) {
      if (number % GROUPS_BETWEEN_YIELDS === GROUPS_BETWEEN_YIELDS - 1) await new Promise((resolve) => setImmediate(resolve))
      // The log and its offsets in one turn: a compaction moves frames into a new log (log-compaction.ts),
      // and the old one is kept until the scan, which opens it later in the search process, is over.
      const lease = segment.leaseLog()
      leases.push(lease)
      const logPath = lease.path
      const scan: ScanSegment = {
        logPath,
        sidecarPath: sidecarPathOf(logPath),
        idBytes: columns.idBytes.subarray(start * ID_BYTES, (start + count) * ID_BYTES),
        otherIds: [],
        offsets: columns.offsets.subarray(start, start + count),
        metadataBytes: columns.metadataBytes.subarray(start, start + count),
        bodySizes: columns.bodySizes.subarray(start, start + count),
        annotations: [],
      }
      for (let index = 0; index < count; index++) {
        const slot = slots[start + index] as number
        scan.idBytes.set(block.idBytes.subarray(slot * ID_BYTES, (slot + 1) * ID_BYTES), index * ID_BYTES)
        const otherId = block.otherIds?.get(slot)
        if (otherId !== undefined) scan.otherIds.push([index, otherId])
        scan.offsets[index] = block.offset[slot] as number
        scan.metadataBytes[index] = block.metadataBytes[slot] as number
        scan.bodySizes[index] = block.bodySize[slot] as number
        const annotations = deps.annotationsOf(block, slot)
        if (annotations) scan.annotations.push([index, annotations])
      }
      groups.push({ block, start, scan })
    }
    return { groups, slots, columns, leases }
  }

  function scanFilterOf(prepared: PreparedFilter): ScanFilter {
    const filter: ScanFilter = { nowMs: deps.now().getTime() }
    if (prepared.text !== undefined) filter.text = prepared.text
    if (prepared.query !== null) filter.query = prepared.query.source
    return filter
  }

  /**
   * Scans the candidates within `range`, in its order; with `enough`, the scan stops once that
   * many matches are found (the segments after are not read). Calls `onMatch` for each match
   * still stored (deleted while the scan ran: not a match any more), in that order.
   */
  async function scanMatches(prepared: PreparedFilter, range: ScanRange, onMatch: (block: SegmentBlock, slot: number) => void, enough?: number) {
    scanner.warmUp(table.blocks.length)
    const { groups, slots, columns, leases } = await scanPlan(prepared, range)
    let found = 0
    const matched = await scanner
      .scan(
        scanFilterOf(prepared),
        groups.map((group) => group.scan),
        columns,
        enough === undefined
          ? undefined
          : (_index, positions) => {
              found += positions.length
              return found < enough
            },
      )
      .finally(() => leases.forEach((lease) => lease.release()))
    scheduleUpkeep()
    for (const [index, positions] of matched.entries()) {
      const { block, start } = groups[index] as ScanGroup
      for (const position of positions ?? []) {
        const slot = slots[start + position] as number
        if (block.isLive(slot)) onMatch(block, slot)
      }
    }
  }

  /** Every match, newest first. */
  async function allMatches(prepared: PreparedFilter): Promise<SlotRef[]> {
    if (prepared.text === undefined && prepared.query === null) return [...candidates(prepared)]
    const matches: SlotRef[] = []
    await scanMatches(prepared, { oldestFirst: false }, (block, slot) => matches.push({ block, slot }))
    return matches
  }

  /** The first `count` matches in memory above `afterSeq`, oldest first. */
  function firstMatchesInMemory(prepared: PreparedFilter, afterSeq: number | undefined, count: number): SlotRef[] {
    const { endpoint, codes } = prepared
    const unfiltered = Object.keys(codes).length === 0
    const slots: SlotRef[] = []
    for (const block of table.blocks) {
      if (block.live === 0) continue
      for (let slot = 0; slot < block.length; slot++) {
        if (!block.isLive(slot) || (endpoint !== -1 && block.endpoint[slot] !== endpoint)) continue
        if (afterSeq !== undefined && (block.seq[slot] as number) <= afterSeq) continue
        if (!unfiltered && !table.matches(block, slot, codes)) continue
        slots.push({ block, slot })
        if (slots.length === count) return slots
      }
    }
    return slots
  }

  // ---- keeping the sidecars up to date ---------------------------------------------------------
  /** What the store looked like when the sidecars were last brought up to date (segments and captures). */
  let upkeptAt = ''
  let countAtLastTick = table.count()
  let lookedAt = performance.now()
  let recheckTimer: NodeJS.Timeout | undefined
  function scheduleUpkeep(): void {
    const count = table.count()
    const now = performance.now()
    const flooded = isFlooded(Math.abs(count - countAtLastTick), now - lookedAt)
    countAtLastTick = count
    lookedAt = now
    clearTimeout(recheckTimer)
    if (flooded) {
      recheckTimer = setTimeout(scheduleUpkeep, FLOOD_RECHECK_MS)
      recheckTimer.unref()
      return
    }
    const shape = `${table.blocks.length}:${count}`
    if (shape === upkeptAt) return
    upkeptAt = shape
    const segments = table.blocks.flatMap((block) => {
      const segment = deps.segmentOf(block.number)
      return segment ? [{ logPath: segment.paths.log, sidecarPath: sidecarPathOf(segment.paths.log) }] : []
    })
    if (segments.length > 0) scanner.maintain(segments)
  }
  const upkeepTimer = setInterval(scheduleUpkeep, SIDECAR_UPKEEP_INTERVAL_MS)
  upkeepTimer.unref()

  return {
    async page({ endpointId, beforeSeq, limit, filter, withTotal = true }) {
      const prepared = prepare(endpointId, filter)
      if (prepared === null) return { slots: [], nextBeforeSeq: null, total: 0 }
      if (prepared.text === undefined && prepared.query === null) return pageInMemory(prepared, beforeSeq, limit)
      // The page takes the newest `limit` matches below the cursor; one more tells whether an older page exists.
      const slots: SlotRef[] = []
      let hasOlder = false
      let total = 0
      await scanMatches(
        prepared,
        { belowSeq: withTotal ? undefined : beforeSeq, oldestFirst: false },
        (block, slot) => {
          total++
          if (hasOlder || (beforeSeq !== undefined && (block.seq[slot] as number) >= beforeSeq)) return
          if (slots.length < limit) slots.push({ block, slot })
          else hasOlder = true
        },
        withTotal ? undefined : limit + 1,
      )
      const last = slots.at(-1)
      return { slots, nextBeforeSeq: hasOlder && last ? (last.block.seq[last.slot] as number) : null, total: withTotal ? total : null }
    },
    async pageOldestFirst({ endpointId, afterSeq, limit, filter }) {
      const prepared = prepare(endpointId, filter)
      if (prepared === null) return { slots: [], nextAfterSeq: null }
      // One more than the page tells whether a newer page exists; the search stops there.
      let found: SlotRef[] = []
      if (prepared.text === undefined && prepared.query === null) found = firstMatchesInMemory(prepared, afterSeq, limit + 1)
      else await scanMatches(prepared, { aboveSeq: afterSeq, oldestFirst: true }, (block, slot) => found.push({ block, slot }), limit + 1)
      const slots = found.slice(0, limit)
      const last = slots.at(-1)
      return { slots, nextAfterSeq: found.length > limit && last ? (last.block.seq[last.slot] as number) : null }
    },
    async count(endpointId, filter) {
      const prepared = prepare(endpointId, filter)
      if (prepared === null) return 0
      if (prepared.text === undefined && prepared.query === null) return pageInMemory(prepared, undefined, 0).total
      let total = 0
      await scanMatches(prepared, { oldestFirst: false }, () => total++)
      return total
    },
    async matching(endpointId, filter, among) {
      const prepared = prepare(endpointId, filter, among ?? null)
      return prepared === null ? [] : (await allMatches(prepared)).reverse()
    },
    close: () => {
      clearInterval(upkeepTimer)
      clearTimeout(recheckTimer)
      return scanner.close()
    },
  }
}
