/** What `OpenLogs` asks of a segment: to close its log if nothing uses it (see `Segment.closeIfIdle`). */
export interface ClosableLog {
  closeIfIdle(): boolean
}

/** Capture logs kept open at once by default: the segment being filled and the cold ones read last. */
export const MAX_OPEN_LOGS = 32

/**
 * Which segments have their log open, least recently used first. A store of 1,000,000 captures
 * has 1,000 segments: keeping every log open took a file descriptor each, at or past the usual
 * per-process limit (1,024 on Linux, 256 for a macOS app), and then the receiver could not accept
 * a connection. Beyond `max`, idle logs are closed (a segment taking captures, or with a read
 * running, is never closed) and opened again when next read.
 */
export class OpenLogs {
  /** In order of use, least recent first. */
  private readonly segments = new Set<ClosableLog>()
  /** Opens waiting for a log to be closed (every open one was in use). */
  private readonly waiting: Array<() => void> = []

  /** At least 4: the segment taking captures and the one retiring stay open whatever the limit. */
  readonly max: number

  constructor(max: number) {
    this.max = Math.max(4, max)
  }

  /** Logs being opened (counted with the open ones). */
  private pending = 0

  /**
   * Opens a log once there is room (fewer than `max` open or being opened, else an idle one is
   * closed, else it waits for one to become idle). `open` registers the log (`used`) itself.
   */
  async open<T>(open: () => Promise<T>): Promise<T> {
    while (this.segments.size + this.pending >= this.max && !this.closeIdle(this.segments.size + this.pending - this.max + 1)) {
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    this.pending++
    try {
      return await open()
    } finally {
      this.pending--
    }
  }

  /** A log is no longer in use: an open waiting for room may go on. */
  idle(): void {
    this.waiting.shift()?.()
  }

  /** A segment's log was used (or opened): it becomes the most recent, and idle logs beyond `max` are closed. */
  used(segment: ClosableLog): void {
    this.segments.delete(segment)
    this.segments.add(segment)
    if (this.segments.size > this.max) this.closeIdle(this.segments.size - this.max)
  }

  closed(segment: ClosableLog): void {
    this.segments.delete(segment)
    this.idle()
  }

  /** Closes up to `count` idle logs, least recently used first; whether it closed that many. */
  private closeIdle(count: number): boolean {
    let closed = 0
    for (const candidate of this.segments) {
      if (closed >= count) break
      if (candidate.closeIfIdle()) {
        this.segments.delete(candidate)
        closed++
      }
    }
    return closed >= count
  }
}
