/**
 * Which delivery key each indexed capture has, once its record has been read. The index keeps only
 * a 32-bit hash of each key (`deliveryHash`), and two keys can share one: among 100,000
 * deliveries, a shared hash is more likely than not. A capture indexed under a delivery's hash is
 * therefore a candidate until its key is known; this remembers the keys read, so a delivery's
 * attempts are confirmed once and later look-ups read only the captures stored since.
 *
 * Cheap to keep: a byte per slot, and one key per hash looked up (every slot under a hash has the
 * same key until two different keys are met under it; only then are keys kept per slot).
 */
import type { SegmentBlock } from './capture-table'

/** Keys kept for hashes looked up, at most: past it everything is forgotten (and read again when asked). */
const MAX_REMEMBERED_HASHES = 200_000

/** A hash found shared by two or more keys: the key of each slot confirmed since, by slot. */
interface SharedHash {
  /** The key every slot confirmed before the second key was met has. */
  firstKey: string
  keys: WeakMap<SegmentBlock, Map<number, string>>
}

export class DeliveryKeyMemory {
  /** Slots whose key has been read (1), by block. */
  private confirmed = new WeakMap<SegmentBlock, Uint8Array>()
  /** The key of the confirmed slots under each hash, while it is one key. */
  private keyOfHash = new Map<number, string>()
  private shared = new Map<number, SharedHash>()

  /** The delivery key of a slot, if its record was read since the slot got its hash; else `undefined`. */
  keyOf(block: SegmentBlock, slot: number): string | undefined {
    if (this.confirmed.get(block)?.[slot] !== 1) return undefined
    const hash = block.deliveryHash[slot] as number
    const shared = this.shared.get(hash)
    if (shared !== undefined) return shared.keys.get(block)?.get(slot) ?? shared.firstKey
    return this.keyOfHash.get(hash)
  }

  /** Records the key read from a slot's record (the key its `deliveryHash` was computed from, or a former form of it). */
  remember(block: SegmentBlock, slot: number, key: string): void {
    if (this.keyOfHash.size + this.shared.size >= MAX_REMEMBERED_HASHES) this.forgetAll()
    const hash = block.deliveryHash[slot] as number
    const shared = this.shared.get(hash)
    if (shared !== undefined) {
      if (key !== shared.firstKey || shared.keys.get(block)?.has(slot) === true) this.keysOf(shared, block).set(slot, key)
    } else {
      const known = this.keyOfHash.get(hash)
      if (known === undefined) this.keyOfHash.set(hash, key)
      else if (known !== key) {
        // A second key under this hash: the slots confirmed so far keep the first, later ones say theirs.
        this.keyOfHash.delete(hash)
        const split: SharedHash = { firstKey: known, keys: new WeakMap() }
        this.keysOf(split, block).set(slot, key)
        this.shared.set(hash, split)
      }
    }
    let bits = this.confirmed.get(block)
    if (bits === undefined) this.confirmed.set(block, (bits = new Uint8Array(block.seq.length)))
    bits[slot] = 1
  }

  /** A slot's key may change (it was recognised again): read it again when next asked. */
  forget(block: SegmentBlock, slot: number): void {
    const bits = this.confirmed.get(block)
    if (bits === undefined || bits[slot] !== 1) return
    bits[slot] = 0
    this.shared
      .get(block.deliveryHash[slot] as number)
      ?.keys.get(block)
      ?.delete(slot)
  }

  private keysOf(shared: SharedHash, block: SegmentBlock): Map<number, string> {
    let keys = shared.keys.get(block)
    if (keys === undefined) shared.keys.set(block, (keys = new Map<number, string>()))
    return keys
  }

  private forgetAll(): void {
    this.confirmed = new WeakMap()
    this.keyOfHash = new Map()
    this.shared = new Map()
  }
}
