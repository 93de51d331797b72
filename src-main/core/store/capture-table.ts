/**
 * What memory keeps of the stored captures: a few numbers per capture in typed arrays, one block
 * per segment, its id as 16 bytes, and a slot in the id lookup table. Nothing else: headers,
 * answers and recognitions stay in the capture log and are read when a list page or a capture is
 * shown.
 *
 * Why columns: keeping each capture's record (or even its JSON) in memory cost 2-2.7 KB per
 * capture and grew without end (328-347 MiB at 100,000 captures); an object per capture costs
 * the garbage collector a trace per capture on every major collection. Typed arrays are a handful
 * of objects per thousand captures: about 60 bytes a capture with its id, plus 8-16 bytes of the
 * id lookup table (id-index.ts), all outside the JavaScript heap. Ids used to be strings in an
 * array and a `Map` (about 105 bytes a capture on the heap, and a map whose backing store doubled
 * in one piece as it grew): most of what still grew with the store. The list filter's fields
 * (method, provider, verdict, answer, outcome) are small codes here, so a filtered page over
 * 100,000 captures is a scan of arrays, without disk reads.
 *
 * Ordering: seqs grow with the slot within a segment and with the segment number (frames are
 * placed in seq order by one commit at a time), so newest first is segments and slots backwards.
 */
import { CAPTURE_OUTCOMES, type CaptureOutcome } from '../../shared/capture-filter'
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider-catalog'
import { LISTED_VERDICTS, type ListedVerdict } from '../../shared/listed-verdict'
import { formatUuid, ID_BYTES, IdIndex, parseUuid } from './id-index'

/** Captures per segment; also the slot capacity of a segment's block. */
export const SEGMENT_MAX_CAPTURES = 1000
/** A capture's location: segment number × this + slot (a small integer, never boxed). */
const SLOTS_PER_SEGMENT = 1024

export const FLAG_REFUSED = 1
export const FLAG_PINNED = 2
export const FLAG_DELETED = 4
export const FLAG_IMPORTED = 8
/** Its frame's bytes are missing or do not match its hash. */
export const FLAG_DAMAGED = 16
/** Recognised again after arrival: its index entry holds the recomputed recognition (recognition-overrides.ts). */
export const FLAG_RECOGNIZED_AGAIN = 32
/**
 * Its delivery key was read again from its body and kept: its index entry holds the recognition the
 * body gave (`carriedRecognition`, carried-delivery-keys.ts). Unlike a recomputed recognition, a
 * search does not read it: the capture is matched as logged.
 */
export const FLAG_KEY_CARRIED = 64

/** The answer status column's code for no HTTP answer (close, reset, hang, refused-then-none). */
const NO_STATUS_CODE = 0
/** The column's code for a status it cannot hold itself: the block keeps it in `otherStatuses`. */
const OTHER_STATUS_CODE = 0xffff

/**
 * Whether the 16-bit answer status column (and a snapshot's row) holds `status` itself: no answer,
 * or 1-65534. A record may hold any integer (an import's 42, a target's "099", a hand-made 70000 or
 * -1); cut to 16 bits, 70000 was listed, filtered and written back to the index as 4464, -1 as
 * 65535, and 0 read as no answer at all.
 */
export function isColumnStatus(status: number | null): boolean {
  return status === null || (Number.isInteger(status) && status > NO_STATUS_CODE && status < OTHER_STATUS_CODE)
}

const PROVIDER_CODES: ReadonlyArray<ProviderId | null> = [null, ...PROVIDER_IDS]
/** The verdict the list shows (listed-verdict.ts): a signature verdict, or `changed`. */
const VERDICT_CODES: ReadonlyArray<ListedVerdict | null> = [null, ...LISTED_VERDICTS]
const providerCode = new Map(PROVIDER_CODES.map((id, code) => [id, code]))
const verdictCode = new Map(VERDICT_CODES.map((status, code) => [status, code]))

/** An id given as the 16 bytes of its UUID at `at` in `bytes` (a snapshot's row), not as text. */
export interface IdBytes {
  bytes: Uint8Array
  at: number
}

/** The fields of one capture that memory keeps. */
export interface SlotFields {
  id: string | IdBytes
  seq: number
  endpointId: string
  receivedAtMs: number
  offset: number
  metadataBytes: number
  bodySize: number
  method: string
  provider: ProviderId | null
  verdict: ListedVerdict | null
  answerStatus: number | null
  outcome: CaptureOutcome
  deliveryHash: number
  pinned: boolean
  imported: boolean
}

/**
 * The offset of a deleted capture whose frame a compaction did not copy (log-compaction.ts): its
 * bytes are in no log any more, and an erase still queued for it must zero nothing.
 */
export const FRAME_NOT_IN_LOG = -1

/** One segment's captures, as columns. */
export class SegmentBlock {
  length = 0
  live = 0
  /** Each slot's id as the 16 bytes of its UUID (every id the app creates is one). */
  readonly idBytes = new Uint8Array(SEGMENT_MAX_CAPTURES * ID_BYTES)
  /** Ids that are not lowercase UUIDs (none the app creates; hand-made or foreign files), by slot. */
  otherIds: Map<number, string> | null = null
  readonly seq = new Float64Array(SEGMENT_MAX_CAPTURES)
  readonly offset = new Float64Array(SEGMENT_MAX_CAPTURES)
  readonly metadataBytes = new Uint32Array(SEGMENT_MAX_CAPTURES)
  readonly bodySize = new Uint32Array(SEGMENT_MAX_CAPTURES)
  readonly receivedAtMs = new Float64Array(SEGMENT_MAX_CAPTURES)
  readonly endpoint = new Uint16Array(SEGMENT_MAX_CAPTURES)
  readonly method = new Uint16Array(SEGMENT_MAX_CAPTURES)
  readonly provider = new Uint8Array(SEGMENT_MAX_CAPTURES)
  readonly verdict = new Uint8Array(SEGMENT_MAX_CAPTURES)
  /** Read and written through `answerStatusOf`/`setAnswerStatus` only: see {@link isColumnStatus}. */
  private readonly answerStatusCodes = new Uint16Array(SEGMENT_MAX_CAPTURES)
  /** Statuses the column cannot hold (0, negative, 65535 and up), by slot. */
  private otherStatuses: Map<number, number> | null = null
  readonly flags = new Uint8Array(SEGMENT_MAX_CAPTURES)
  readonly deliveryHash = new Int32Array(SEGMENT_MAX_CAPTURES)

  constructor(readonly number: number) {}

  isLive(slot: number): boolean {
    return ((this.flags[slot] as number) & FLAG_DELETED) === 0
  }

  /** The slot's answer status exactly as stored; `null` when no HTTP answer was sent. */
  answerStatusOf(slot: number): number | null {
    const code = this.answerStatusCodes[slot] as number
    if (code === NO_STATUS_CODE) return null
    return code === OTHER_STATUS_CODE ? (this.otherStatuses?.get(slot) ?? null) : code
  }

  setAnswerStatus(slot: number, status: number | null): void {
    if (status !== null && !isColumnStatus(status)) {
      this.answerStatusCodes[slot] = OTHER_STATUS_CODE
      ;(this.otherStatuses ??= new Map()).set(slot, status)
      return
    }
    this.answerStatusCodes[slot] = status ?? NO_STATUS_CODE
    this.otherStatuses?.delete(slot)
  }
}

/** A slot of the table: one capture. */
export interface SlotRef {
  block: SegmentBlock
  slot: number
}

/** The values a filter compares, as the table's codes (see `CaptureTable.codesOf`). */
export interface FilterCodes {
  provider?: number
  verdict?: number
  method?: number
  outcome?: CaptureOutcome
  answer?: (status: number | null) => boolean
}

export class CaptureTable {
  /** Ascending by segment number. */
  readonly blocks: SegmentBlock[] = []
  private readonly byNumber = new Map<number, SegmentBlock>()
  /** Id → location (segment number × SLOTS_PER_SEGMENT + slot). */
  private readonly locations = new IdIndex({
    bytesOf: (location) => (this.byNumber.get(Math.floor(location / SLOTS_PER_SEGMENT)) as SegmentBlock).idBytes,
    offsetOf: (location) => (location % SLOTS_PER_SEGMENT) * ID_BYTES,
  })
  /** The few ids that are not UUIDs. */
  private readonly otherLocations = new Map<string, number>()
  private readonly endpoints: string[] = []
  private readonly endpointCodes = new Map<string, number>()
  private readonly endpointCounts: number[] = []
  /** Pinned live captures per endpoint code: the Clear dialog says whether there are any to keep. */
  private readonly pinnedCounts: number[] = []
  private readonly methods: string[] = []
  private readonly methodCodes = new Map<string, number>()
  private liveCount = 0

  block(segmentNumber: number): SegmentBlock {
    let block = this.byNumber.get(segmentNumber)
    if (!block) {
      block = new SegmentBlock(segmentNumber)
      this.byNumber.set(segmentNumber, block)
      const position = this.blocks.findIndex((candidate) => candidate.number > segmentNumber)
      if (position === -1) this.blocks.push(block)
      else this.blocks.splice(position, 0, block)
    }
    return block
  }

  /** Makes room for `captures` ids at once (start-up knows how many segments it opens), instead of growing step by step. */
  reserve(captures: number): void {
    this.locations.reserve(captures)
  }

  dropBlock(segmentNumber: number): void {
    const block = this.byNumber.get(segmentNumber)
    if (!block) return
    for (let slot = 0; slot < block.length; slot++) if (block.isLive(slot)) this.delete(block, slot)
    this.byNumber.delete(segmentNumber)
    this.blocks.splice(this.blocks.indexOf(block), 1)
  }

  add(block: SegmentBlock, fields: SlotFields): number {
    const slot = block.length++
    const location = block.number * SLOTS_PER_SEGMENT + slot
    if (typeof fields.id !== 'string') {
      const { bytes, at } = fields.id
      const target = slot * ID_BYTES
      for (let index = 0; index < ID_BYTES; index++) block.idBytes[target + index] = bytes[at + index] as number
      this.locations.set(location)
    } else if (parseUuid(fields.id, block.idBytes, slot * ID_BYTES)) this.locations.set(location)
    else {
      ;(block.otherIds ??= new Map()).set(slot, fields.id)
      this.otherLocations.set(fields.id, location)
    }
    block.seq[slot] = fields.seq
    block.offset[slot] = fields.offset
    block.metadataBytes[slot] = fields.metadataBytes
    block.bodySize[slot] = fields.bodySize
    block.receivedAtMs[slot] = fields.receivedAtMs
    const endpoint = this.endpointCode(fields.endpointId)
    block.endpoint[slot] = endpoint
    block.method[slot] = this.methodCode(fields.method)
    this.setRecognized(block, slot, fields.provider, fields.verdict)
    block.setAnswerStatus(slot, fields.answerStatus)
    block.flags[slot] = (fields.outcome === 'refused' ? FLAG_REFUSED : 0) | (fields.pinned ? FLAG_PINNED : 0) | (fields.imported ? FLAG_IMPORTED : 0)
    block.deliveryHash[slot] = fields.deliveryHash
    block.live++
    this.endpointCounts[endpoint] = (this.endpointCounts[endpoint] ?? 0) + 1
    if (fields.pinned) this.countPinned(endpoint, 1)
    this.liveCount++
    return slot
  }

  delete(block: SegmentBlock, slot: number): void {
    if (!block.isLive(slot)) return
    const endpoint = block.endpoint[slot] as number
    if ((block.flags[slot] as number) & FLAG_PINNED) this.countPinned(endpoint, -1)
    block.flags[slot] = (block.flags[slot] as number) | FLAG_DELETED
    block.live--
    this.endpointCounts[endpoint] = (this.endpointCounts[endpoint] ?? 1) - 1
    this.liveCount--
    const other = block.otherIds?.get(slot)
    if (other !== undefined) this.otherLocations.delete(other)
    else this.locations.delete(block.number * SLOTS_PER_SEGMENT + slot)
  }

  /** A slot's id (a string made from its 16 bytes: nothing per capture is kept on the heap). */
  idOf(block: SegmentBlock, slot: number): string {
    return block.otherIds?.get(slot) ?? formatUuid(block.idBytes, slot * ID_BYTES)
  }

  setRecognized(block: SegmentBlock, slot: number, provider: ProviderId | null, verdict: ListedVerdict | null): void {
    block.provider[slot] = providerCode.get(provider) ?? 0
    block.verdict[slot] = verdictCode.get(verdict) ?? 0
  }

  setFlag(block: SegmentBlock, slot: number, flag: number, on: boolean): void {
    const before = block.flags[slot] as number
    const after = on ? before | flag : before & ~flag
    block.flags[slot] = after
    if (flag === FLAG_PINNED && before !== after && block.isLive(slot)) this.countPinned(block.endpoint[slot] as number, on ? 1 : -1)
  }

  private countPinned(endpoint: number, change: 1 | -1): void {
    this.pinnedCounts[endpoint] = (this.pinnedCounts[endpoint] ?? 0) + change
  }

  locate(id: string): { block: SegmentBlock; slot: number } | undefined {
    const location = parseUuid(id, lookupKey, 0) ? this.locations.find(lookupKey) : this.otherLocations.get(id)
    if (location === undefined) return undefined
    const block = this.byNumber.get(Math.floor(location / SLOTS_PER_SEGMENT))
    return block ? { block, slot: location % SLOTS_PER_SEGMENT } : undefined
  }

  count(endpointId?: string): number {
    if (endpointId === undefined) return this.liveCount
    const code = this.endpointCodes.get(endpointId)
    return code === undefined ? 0 : (this.endpointCounts[code] ?? 0)
  }

  /** Live pinned captures of an endpoint (or of all). */
  pinnedCount(endpointId?: string): number {
    if (endpointId === undefined) return this.pinnedCounts.reduce((sum, count) => sum + count, 0)
    const code = this.endpointCodes.get(endpointId)
    return code === undefined ? 0 : (this.pinnedCounts[code] ?? 0)
  }

  endpointIds(): string[] {
    return this.endpoints.filter((_, code) => (this.endpointCounts[code] ?? 0) > 0)
  }

  endpointOf(block: SegmentBlock, slot: number): string {
    return this.endpoints[block.endpoint[slot] as number] as string
  }

  methodOf(block: SegmentBlock, slot: number): string {
    return this.methods[block.method[slot] as number] as string
  }

  providerOf(block: SegmentBlock, slot: number): ProviderId | null {
    return PROVIDER_CODES[block.provider[slot] as number] ?? null
  }

  verdictOf(block: SegmentBlock, slot: number): ListedVerdict | null {
    return VERDICT_CODES[block.verdict[slot] as number] ?? null
  }

  /** The endpoint's code, or -1 when it has never had a capture. */
  endpointCodeOf(endpointId: string): number {
    return this.endpointCodes.get(endpointId) ?? -1
  }

  /** A filter's fields as codes; `null` when a value can match no capture (a method never seen). */
  codesOf(filter: { provider?: ProviderId; verdict?: ListedVerdict; method?: string; outcome?: CaptureOutcome; answer?: string }): FilterCodes | null {
    const codes: FilterCodes = {}
    if (filter.provider !== undefined) codes.provider = providerCode.get(filter.provider) ?? -1
    if (filter.verdict !== undefined) codes.verdict = verdictCode.get(filter.verdict) ?? -1
    if (filter.method !== undefined) {
      const method = this.methodCodes.get(filter.method.toUpperCase())
      if (method === undefined) return null
      codes.method = method
    }
    if (filter.outcome !== undefined && CAPTURE_OUTCOMES.includes(filter.outcome)) codes.outcome = filter.outcome
    if (filter.answer !== undefined) codes.answer = answerMatcher(filter.answer.toLowerCase())
    return codes
  }

  /** Whether a live slot matches a filter's codes. */
  matches(block: SegmentBlock, slot: number, codes: FilterCodes): boolean {
    if (codes.provider !== undefined && block.provider[slot] !== codes.provider) return false
    if (codes.verdict !== undefined && block.verdict[slot] !== codes.verdict) return false
    if (codes.method !== undefined && block.method[slot] !== codes.method) return false
    if (codes.outcome !== undefined && ((block.flags[slot] as number) & FLAG_REFUSED) !== (codes.outcome === 'refused' ? FLAG_REFUSED : 0)) return false
    if (codes.answer !== undefined && !codes.answer(block.answerStatusOf(slot))) return false
    return true
  }

  private endpointCode(endpointId: string): number {
    let code = this.endpointCodes.get(endpointId)
    if (code === undefined) {
      code = this.endpoints.push(endpointId) - 1
      if (code > 0xffff) throw new Error('more than 65,535 endpoints have captures')
      this.endpointCodes.set(endpointId, code)
    }
    return code
  }

  private methodCode(method: string): number {
    let code = this.methodCodes.get(method)
    if (code === undefined) {
      // The receiver's HTTP parser knows a few dozen methods; imports could bring others.
      if (this.methods.length > 0xffff) throw new Error('more than 65,536 distinct HTTP methods are stored')
      code = this.methods.push(method) - 1
      this.methodCodes.set(method, code)
    }
    return code
  }
}

/** Scratch space for the id being looked up (lookups are synchronous, one at a time). */
const lookupKey = new Uint8Array(ID_BYTES)

function answerMatcher(answer: string): (status: number | null) => boolean {
  if (answer === 'none') return (status) => status === null
  if (answer.endsWith('xx')) {
    const hundreds = Number(answer[0])
    return (status) => status !== null && Math.floor(status / 100) === hundreds
  }
  const code = Number(answer)
  return (status) => status === code
}

/** A 32-bit FNV-1a hash of a delivery key: memory keeps this, and matches are confirmed on the record. */
export function hashDeliveryKey(key: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash | 0
}
