/**
 * How many body bytes the receiver holds at once, over every request being read, stored or
 * answered.
 *
 * Why: a body is held whole in memory from its first byte until its capture is stored and
 * answered. A hundred 10 MB uploads at once took the app to 2 GB (measured), so a local flood, or
 * a few senders through the tunnel with the largest body setting (256 MiB), could exhaust memory
 * and stop the app. Past this limit a request is refused with 503 and `Retry-After`: providers
 * retry, nothing already received is at risk, and the refusal is captured like any other.
 */

/** The default limit: room for 25 bodies of the default 10 MB at once, and never fewer than four of the largest allowed. */
export function defaultBodyBytesInFlight(maxBodyBytes: number): number {
  return Math.max(256 * 1024 * 1024, 4 * maxBodyBytes)
}

export class BodyBudget {
  private held = 0

  constructor(readonly limitBytes: number) {}

  /** Bytes held now. */
  get heldBytes(): number {
    return this.held
  }

  /** Whether `bytes` more could be taken now (a body alone is always let in, however large: its own limit is the receiver's). */
  canTake(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limitBytes
  }

  /** Takes `bytes` when there is room; false, taking nothing, otherwise. */
  tryTake(bytes: number): boolean {
    if (!this.canTake(bytes)) return false
    this.held += bytes
    return true
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes)
  }
}
