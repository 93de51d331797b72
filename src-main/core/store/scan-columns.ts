/**
 * The candidates of one scan, as columns in one ArrayBuffer (offsets, metadata lengths, body
 * sizes, id bytes), which each segment's `ScanSegment` views a range of. The buffer is handed to
 * the search worker (moved, not copied) and handed back when the scan is over, to be used again.
 *
 * Why: a scan's arrays are allocated outside the JavaScript heap (by the C allocator), and the
 * garbage collector frees them late. Five arrays per segment per scan, copied once more into the
 * worker's message and once more out of it, left the allocator's arenas of both threads tens of
 * MiB larger after a few searches of 100,000 captures, and glibc does not give such scattered
 * free memory back to the system. One buffer per scan, used again by the next one, keeps that
 * to one or two buffers.
 */
import { ID_BYTES } from './id-index'

/** Bytes a candidate takes: its frame offset (float64), metadata and body lengths (uint32 each), its id. */
export const COLUMN_BYTES_PER_CANDIDATE = 8 + 4 + 4 + ID_BYTES

/** Capacities are rounded up to this many candidates, so scans of similar sizes share a buffer. */
const CAPACITY_STEP = 4096

/** Buffers kept for the next scans: concurrent scans beyond this get buffers of their own. */
const POOLED_BUFFERS = 2

/** A buffer larger than this (a million candidates: 32 MiB) is not kept once its scan is over. */
export const MAX_POOLED_BUFFER_BYTES = 1_048_576 * COLUMN_BYTES_PER_CANDIDATE

export interface ScanColumns {
  /** The one buffer every column views (handed to the worker with the scan). */
  buffer: ArrayBuffer
  /** How many candidates the columns hold. */
  capacity: number
  offsets: Float64Array
  metadataBytes: Uint32Array
  bodySizes: Uint32Array
  idBytes: Uint8Array
}

/** The columns over `buffer` (its length decides their capacity). */
export function columnsOver(buffer: ArrayBuffer): ScanColumns {
  const capacity = Math.floor(buffer.byteLength / COLUMN_BYTES_PER_CANDIDATE)
  // Float64 first: its offset must be a multiple of 8.
  return {
    buffer,
    capacity,
    offsets: new Float64Array(buffer, 0, capacity),
    metadataBytes: new Uint32Array(buffer, capacity * 8, capacity),
    bodySizes: new Uint32Array(buffer, capacity * 12, capacity),
    idBytes: new Uint8Array(buffer, capacity * 16, capacity * ID_BYTES),
  }
}

/** Buffers for scans: `take` lends one with room for at least `count` candidates, `give` takes it back. */
export interface ColumnPool {
  take(count: number): ScanColumns
  give(buffer: ArrayBuffer): void
  /** Bytes of the buffers kept (for tests). */
  keptBytes(): number
}

export function createColumnPool(): ColumnPool {
  const kept: ArrayBuffer[] = []
  return {
    take(count) {
      // The smallest kept buffer that is large enough.
      let best = -1
      for (let index = 0; index < kept.length; index++) {
        const buffer = kept[index] as ArrayBuffer
        if (buffer.byteLength >= count * COLUMN_BYTES_PER_CANDIDATE && (best === -1 || buffer.byteLength < (kept[best] as ArrayBuffer).byteLength)) best = index
      }
      if (best !== -1) return columnsOver(kept.splice(best, 1)[0] as ArrayBuffer)
      const capacity = Math.max(CAPACITY_STEP, Math.ceil(count / CAPACITY_STEP) * CAPACITY_STEP)
      return columnsOver(new ArrayBuffer(capacity * COLUMN_BYTES_PER_CANDIDATE))
    },
    give(buffer) {
      // A buffer moved away (to a worker) and not back has no bytes left: nothing to keep.
      if (buffer.byteLength === 0 || buffer.byteLength > MAX_POOLED_BUFFER_BYTES || kept.includes(buffer)) return
      kept.push(buffer)
      // Keep the largest: they serve every smaller scan too.
      kept.sort((left, right) => right.byteLength - left.byteLength)
      kept.length = Math.min(kept.length, POOLED_BUFFERS)
    },
    keptBytes: () => kept.reduce((sum, buffer) => sum + buffer.byteLength, 0),
  }
}
