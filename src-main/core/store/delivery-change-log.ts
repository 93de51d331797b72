/**
 * Which deliveries each recent change of the store's memory touched, by the 32-bit hash of their
 * key (the one memory keeps per capture), so what is derived from one delivery's attempts (the
 * facts the Delivery view and the grouped list page with, delivery-facts-cache.ts) can be kept
 * across changes to other deliveries: while callbacks keep arriving, every new capture changed the
 * store's revision and dropped everything kept, though it changed one delivery only.
 *
 * Every change of the revision is noted here with the hashes it touched (a capture's before and
 * after its recognition changed, for one recognised again), or as touching every delivery (a
 * segment dropped or taken in whole). Only the latest `capacity` notes are kept: asked about a
 * revision older than those, the answer is every delivery, never a partial set.
 */

/** Notes kept: a flood of more captures than this between two looks just means starting afresh. */
export const DELIVERY_CHANGES_KEPT = 4096

/** The hashes of the deliveries changed since a revision, or `'all'` when that cannot be told. */
export type DeliveryChanges = ReadonlySet<number> | 'all'

export class DeliveryChangeLog {
  private readonly revisions: Float64Array
  private readonly hashes: Int32Array
  /** Where the next note goes, and how many of the slots hold one. */
  private next = 0
  private held = 0
  /** The highest revision among notes dropped to make room, and of the last change that touched every delivery. */
  private forgottenUpTo = -1
  private allChangedAt = -1

  constructor(private readonly capacity = DELIVERY_CHANGES_KEPT) {
    this.revisions = new Float64Array(capacity)
    this.hashes = new Int32Array(capacity)
  }

  /** The change that made `revision` touched the delivery hashed `hash`. */
  note(revision: number, hash: number): void {
    if (this.held === this.capacity) this.forgottenUpTo = Math.max(this.forgottenUpTo, this.revisions[this.next] as number)
    else this.held++
    this.revisions[this.next] = revision
    this.hashes[this.next] = hash
    this.next = (this.next + 1) % this.capacity
  }

  /** The change that made `revision` may have touched any delivery. */
  noteAll(revision: number): void {
    this.allChangedAt = Math.max(this.allChangedAt, revision)
  }

  /** The deliveries changed after `revision` up to `current` (the revision now): by hash, or `'all'`. */
  since(revision: number, current: number): DeliveryChanges {
    if (revision === current) return new Set()
    if (revision > current || this.allChangedAt > revision || this.forgottenUpTo > revision) return 'all'
    const changed = new Set<number>()
    for (let index = 0; index < this.held; index++) if ((this.revisions[index] as number) > revision) changed.add(this.hashes[index] as number)
    return changed
  }
}
