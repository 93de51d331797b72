/**
 * The captures one deletion removed, kept compactly: what the caller needs afterwards (to drop
 * their replay history and to tell the views) without an object per capture.
 *
 * Why not a list of `{ id, seq, endpointId }`: clearing 100,000 captures built 100,000 records
 * and as many id strings, held until the clear ended. They survived the young generation, so the
 * garbage collector copied each of them (scavenges of 90 ms) and then grew the old generation
 * through full collections, stalling the receiver while it answered captures. Here a capture is
 * its 16 id bytes, its seq and a 2-byte endpoint number in typed arrays (26 bytes, outside the
 * JavaScript heap); strings are made only when read, one at a time.
 */
import type { CaptureTable, SegmentBlock } from './capture-table'
import { formatUuid, ID_BYTES } from './id-index'

/** What is left to know of one deleted capture (made on demand, see `DeletedCaptures`). */
export interface DeletedCapture {
  id: string
  seq: number
  endpointId: string
}

const MIN_CAPACITY = 64

/** Deleted captures in the order they were deleted (oldest first: a deletion goes segment by segment, slot by slot). */
export class DeletedCaptures implements Iterable<DeletedCapture> {
  private count = 0
  private idBytes: Uint8Array
  private seqs: Float64Array
  private endpointNumbers: Uint16Array
  /** The distinct endpoints, numbered in the order met (a deletion rarely spans more than a few). */
  private readonly endpointIds: string[] = []
  private readonly endpointNumberOf = new Map<string, number>()
  /** Ids that are not UUIDs (none the app creates), by position. */
  private otherIds: Map<number, string> | null = null

  /** `expected`: how many captures the deletion will most likely hold (its arrays then never grow). */
  constructor(expected = 0) {
    const capacity = Math.max(MIN_CAPACITY, expected)
    this.idBytes = new Uint8Array(capacity * ID_BYTES)
    this.seqs = new Float64Array(capacity)
    this.endpointNumbers = new Uint16Array(capacity)
  }

  get length(): number {
    return this.count
  }

  /** Records a capture of the table (before its slot is reused: slots never are, blocks only go with their segment). */
  addSlot(table: CaptureTable, block: SegmentBlock, slot: number): void {
    const position = this.reserve(block.seq[slot] as number, table.endpointOf(block, slot))
    const other = block.otherIds?.get(slot)
    if (other !== undefined) (this.otherIds ??= new Map()).set(position, other)
    else this.idBytes.set(block.idBytes.subarray(slot * ID_BYTES, (slot + 1) * ID_BYTES), position * ID_BYTES)
  }

  idAt(position: number): string {
    return this.otherIds?.get(position) ?? formatUuid(this.idBytes, position * ID_BYTES)
  }

  seqAt(position: number): number {
    return this.seqs[position] as number
  }

  endpointIdAt(position: number): string {
    return this.endpointIds[this.endpointNumbers[position] as number] as string
  }

  /** Each deleted capture as a record, made as it is reached (for the few callers that name each one). */
  *[Symbol.iterator](): Iterator<DeletedCapture> {
    for (let position = 0; position < this.count; position++) {
      yield { id: this.idAt(position), seq: this.seqAt(position), endpointId: this.endpointIdAt(position) }
    }
  }

  /** Takes a position for a capture, growing the arrays by doubling; returns it. */
  private reserve(seq: number, endpointId: string): number {
    if (this.count === this.seqs.length) {
      const capacity = this.seqs.length * 2
      this.idBytes = grown(this.idBytes, new Uint8Array(capacity * ID_BYTES))
      this.seqs = grown(this.seqs, new Float64Array(capacity))
      this.endpointNumbers = grown(this.endpointNumbers, new Uint16Array(capacity))
    }
    let endpointNumber = this.endpointNumberOf.get(endpointId)
    if (endpointNumber === undefined) {
      // The capture table numbers endpoints in 16 bits too, so a deletion cannot meet more.
      endpointNumber = this.endpointIds.push(endpointId) - 1
      this.endpointNumberOf.set(endpointId, endpointNumber)
    }
    const position = this.count++
    this.seqs[position] = seq
    this.endpointNumbers[position] = endpointNumber
    return position
  }
}

function grown<T extends Uint8Array | Uint16Array | Float64Array>(from: T, to: T): T {
  to.set(from)
  return to
}
