/**
 * Finding a capture by its id without keeping a string per capture. Every id the app creates is
 * a random UUID: the capture table keeps its 16 bytes in a typed array, and this open-addressing
 * hash table maps those bytes to the capture's location (one 32-bit integer per slot, half empty
 * at most), outside the JavaScript heap.
 *
 * Why not a `Map<string, number>`: at 100,000 captures the id strings and the map's entries were
 * about 105 bytes a capture on the heap, most of what still grew with the store, and the map's
 * backing store was reallocated in one piece each time it doubled. Here a capture costs 16 bytes
 * of id and 8-16 bytes of table, and growing copies one `Int32Array`.
 */

/** Bytes of an id in the table. */
export const ID_BYTES = 16

/** Where the dashes of a UUID's text are. */
const isDashPosition = (index: number): boolean => index === 8 || index === 13 || index === 18 || index === 23

/**
 * Writes the 16 bytes of a lowercase UUID (as `randomUUID` makes them) into `target` at `at`.
 * Returns `false`, writing nothing, for any other id: those are kept as strings by the caller, so
 * every id reads back exactly as it was stored.
 */
export function parseUuid(id: string, target: Uint8Array, at: number): boolean {
  // Checked character by character, not with a regular expression: this runs for every capture
  // the receiver stores, and the pattern's match was a measurable part of that.
  if (id.length !== 36) return false
  for (let index = 0; index < 36; index++) {
    const code = id.charCodeAt(index)
    if (isDashPosition(index) ? code !== 45 : nibble(code) < 0) return false
  }
  let byte = at
  for (let index = 0; index < 36; index += 2) {
    if (isDashPosition(index)) index++
    target[byte++] = (nibble(id.charCodeAt(index)) << 4) | nibble(id.charCodeAt(index + 1))
  }
  return true
}

/** The value of a lowercase hex digit, or -1 for any other character. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/** Lowercase hex digits as ASCII codes. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1')
/** Where `formatUuid` spells an id before turning it into a string (ids are made one at a time). */
const uuidText = Buffer.alloc(36)

/**
 * The UUID text of 16 bytes at `at` (the inverse of `parseUuid`). Spelt into a buffer and read
 * as one flat string: appending the pieces to a string built a tree of 20 concatenations, about
 * 600 bytes per id until it was flattened, which made clearing 100,000 captures allocate 58 MB
 * and stall the receiver for a garbage collection.
 */
export function formatUuid(bytes: Uint8Array, at: number): string {
  let position = 0
  for (let index = 0; index < ID_BYTES; index++) {
    if (index === 4 || index === 6 || index === 8 || index === 10) uuidText[position++] = 45
    const byte = bytes[at + index] as number
    uuidText[position++] = HEX_DIGITS[byte >> 4] as number
    uuidText[position++] = HEX_DIGITS[byte & 15] as number
  }
  return uuidText.toString('latin1', 0, 36)
}

const EMPTY = 0
const TOMBSTONE = -1
const MIN_CAPACITY = 1024

/** Where an id's bytes are kept: an array and the offset in it. */
export interface IdBytesSource {
  /** The array holding the id of the capture at `location`. */
  bytesOf(location: number): Uint8Array
  /** Where in that array its 16 bytes start. */
  offsetOf(location: number): number
}

/** Id bytes → location (a non-negative integer below 2^31 - 1). */
export class IdIndex {
  /** `EMPTY`, `TOMBSTONE` or location + 1. */
  private slots = new Int32Array(MIN_CAPACITY)
  private live = 0
  /** Live entries and tombstones: probing stays short while this is at most half the slots. */
  private used = 0

  constructor(private readonly source: IdBytesSource) {}

  get size(): number {
    return this.live
  }

  /** Adds the location whose id bytes the source holds (replacing an entry with the same id). */
  set(location: number): void {
    if ((this.used + 1) * 2 > this.slots.length) this.rebuild()
    const bytes = this.source.bytesOf(location)
    const at = this.source.offsetOf(location)
    const mask = this.slots.length - 1
    let free = -1
    for (let probe = hashOf(bytes, at) & mask; ; probe = (probe + 1) & mask) {
      const entry = this.slots[probe] as number
      if (entry === EMPTY) {
        if (free === -1) {
          free = probe
          this.used++
        }
        break
      }
      if (entry === TOMBSTONE) {
        if (free === -1) free = probe
        continue
      }
      if (this.sameId(entry - 1, bytes, at)) {
        this.slots[probe] = location + 1
        return
      }
    }
    this.slots[free] = location + 1
    this.live++
  }

  /** The location of the id whose 16 bytes are at `at` in `key`. */
  find(key: Uint8Array, at = 0): number | undefined {
    const mask = this.slots.length - 1
    for (let probe = hashOf(key, at) & mask; ; probe = (probe + 1) & mask) {
      const entry = this.slots[probe] as number
      if (entry === EMPTY) return undefined
      if (entry !== TOMBSTONE && this.sameId(entry - 1, key, at)) return entry - 1
    }
  }

  /** Removes a location (its id bytes must still be in the source). */
  delete(location: number): void {
    const bytes = this.source.bytesOf(location)
    const mask = this.slots.length - 1
    for (let probe = hashOf(bytes, this.source.offsetOf(location)) & mask; ; probe = (probe + 1) & mask) {
      const entry = this.slots[probe] as number
      if (entry === EMPTY) return
      if (entry === location + 1) {
        this.slots[probe] = TOMBSTONE
        this.live--
        return
      }
    }
  }

  private sameId(location: number, key: Uint8Array, at: number): boolean {
    const bytes = this.source.bytesOf(location)
    const start = this.source.offsetOf(location)
    for (let index = 0; index < ID_BYTES; index++) if (bytes[start + index] !== key[at + index]) return false
    return true
  }

  /** Makes room for `entries` live entries, so adding that many rehashes nothing. */
  reserve(entries: number): void {
    if ((entries + 1) * 2 > this.slots.length) this.rebuild(entries)
  }

  /** A table of at least four slots per live entry (or per `entries`), without tombstones. */
  private rebuild(entries = this.live): void {
    let capacity = MIN_CAPACITY
    while (capacity < (Math.max(entries, this.live) + 1) * 4) capacity *= 2
    const old = this.slots
    this.slots = new Int32Array(capacity)
    const mask = capacity - 1
    for (const entry of old) {
      if (entry === EMPTY || entry === TOMBSTONE) continue
      const location = entry - 1
      let probe = hashOf(this.source.bytesOf(location), this.source.offsetOf(location)) & mask
      while (this.slots[probe] !== EMPTY) probe = (probe + 1) & mask
      this.slots[probe] = entry
    }
    this.used = this.live
  }
}

/** FNV-1a over the 16 bytes: random UUIDs need little, but an id's bytes are not trusted to be random. */
function hashOf(bytes: Uint8Array, at: number): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < ID_BYTES; index++) {
    hash ^= bytes[at + index] as number
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
