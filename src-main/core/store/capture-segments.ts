/**
 * One segment of the capture store on disk: a capture log (`000042.log`, see capture-log.ts) that
 * every capture is appended to before it is answered, and a lowdb index document
 * (`000042.json`, see segment-index.ts) listing what memory keeps of its captures.
 *
 * Why segments: lowdb rewrites a whole document on every write, so a single document grows slower
 * with every capture. A segment is bounded (at most `SEGMENT_MAX_CAPTURES` captures), so storing
 * or changing one capture costs the same whether 10 or 1,000,000 are stored, and a segment whose
 * captures were all deleted is removed as two files.
 *
 * Durability: frames are written with one positional `writev` per commit, in libuv's thread
 * pool, off the event loop (the write's copy into the page cache was a tenth of the receiver's
 * event-loop time under load while it ran there). With `sync` durability that write goes through
 * a second descriptor opened with `O_DSYNC`, so it returns only once the frames are on stable
 * storage: the write and its flush are one trip through the thread pool instead of two.
 */
import { fstatSync } from 'node:fs'
import { unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeFrameHeader, FRAME_HEADER_BYTES } from './capture-log'
import { writeCacheFile, writeFileAtomically } from './data-file'
import { writeAll, type Durability, type LogFileIo } from './log-file-io'
import { OpenLogs } from './open-logs'
import { allocatedBytes, replaceWithSparseCopy } from './sparse-log'
import type { RenderedIndex } from './table-snapshot'

export { SEGMENT_MAX_CAPTURES } from './capture-table'
/** The file operations a segment is opened with (tests pass their own). */
export { logFileIo, type LogFileIo } from './log-file-io'
/** A segment stops taking captures past this many log bytes (large bodies), whatever its count. */
export const SEGMENT_MAX_LOG_BYTES = 64 * 1024 * 1024
/** Zero writes of one erase in flight at once: enough to keep the thread pool's four threads busy, few enough that a capture's sync queued behind them waits little. */
const ERASE_WRITES_IN_FLIGHT = 8
/** The largest zero write of an erase or a preallocation (a deleted 10 MB body is zeroed in pieces). */
const ZERO_CHUNK_BYTES = 1024 * 1024
/**
 * The most a log is zero-filled ahead of its captures (`preallocate`): larger segments (big
 * bodies) grow past it as usual.
 */
export const MAX_PREALLOCATED_LOG_BYTES = 8 * 1024 * 1024
/**
 * How long the index may trail the log. The log alone is what makes a capture durable (start-up
 * reads back what the index missed), so the index of the segment being filled is rewritten at most
 * once a second rather than after every capture.
 */
export const INDEX_FLUSH_DELAY_MS = 1000

export interface FrameLocation {
  offset: number
  metadataBytes: number
}

/** A segment's files; `log` is its generation 0 log (see `logPathOf`). */
export function segmentPaths(dir: string, segmentNumber: number): { index: string; log: string; table: string } {
  const base = join(dir, String(segmentNumber).padStart(6, '0'))
  return { index: `${base}.json`, log: `${base}.log`, table: `${base}.table` }
}

/**
 * The log of one generation of a segment: `NNNNNN.log` for 0 (every log before compaction
 * existed, and every new segment), `NNNNNN.gG.log` once compaction moved its live frames into
 * generation G (log-compaction.ts). The index document names the generation it lists offsets of.
 */
export function logPathOf(dir: string, segmentNumber: number, generation: number): string {
  const base = join(dir, String(segmentNumber).padStart(6, '0'))
  return generation === 0 ? `${base}.log` : `${base}.g${generation}.log`
}

/** A frame ready to write: where it goes and its bytes. */
export interface EncodedFrame {
  offset: number
  metadataBytes: number
  buffers: Buffer[]
  length: number
}

export class Segment {
  /** `log` changes when compaction commits a new generation (`adoptCompactedLog`): read it each time. */
  readonly paths: { index: string; log: string; table: string }
  /** Which generation of the log `paths.log` is (`logPathOf`). */
  logGeneration: number
  /** Its log has a torn tail or lost bytes (segment-recovery.ts): kept byte for byte, never compacted. */
  sealed = false
  /** `destroy` was called: a compaction must not queue an index write behind it (see log-compaction.ts). */
  destroying = false
  private markRetired: () => void = () => undefined
  private readonly retiredPromise = new Promise<void>((resolve) => (this.markRetired = resolve))
  /** The highest generation a compaction wrote since start (one whose index write failed is not used again). */
  generationsTried = 0
  /** Logs given to searches that open them later (`leaseLog`), with how many scans hold each. */
  private readonly leases = new Map<string, number>()
  /** Older generations to remove once no scan reads them. */
  private readonly supersededLogs = new Set<string>()
  private flushTimer: NodeJS.Timeout | undefined
  private indexWrites: Promise<unknown> = Promise.resolve()
  private dirty = false
  /** The last index written came with its snapshot (table-snapshot.ts). */
  private snapshotWritten = false
  private closed = false
  private destroyed = false
  /** The open log, or `null` while it is closed (see `OpenLogs`). */
  private handle: FileHandle | null
  private opening: Promise<FileHandle> | null = null
  /** Reads and writes running with the log. */
  private users = 0
  /** Taking captures: frames are written with the descriptor itself (`openFd`), so the log stays open. */
  private keepOpen = false
  /** The log opened for synchronous writes (`LogFileIo.openSynced`), while it takes captures with `sync`. */
  private synced: Promise<FileHandle | null> | null = null
  /** Cutting the zeros after the last frame off the log (`retire`); `close` waits for it. */
  private trimming: Promise<void> = Promise.resolve()
  /**
   * Erasures and sparse copies of the log, one at a time: a capture erased while the log was being
   * copied would otherwise be zeroed in the old file only and live on in the copy. Removing and
   * closing the segment wait for them.
   */
  private logRewrites: Promise<unknown> = Promise.resolve()
  /** Logs replaced (by their sparse copy or a compacted generation) while a read still used them: closed once the last read ends. */
  private replacedHandles: FileHandle[] = []

  constructor(
    readonly dir: string,
    readonly number: number,
    /** The log, when the caller has it open (`null`: opened when first used). */
    handle: FileHandle | null,
    /** Bytes reserved in the log; the next frame goes at this offset. */
    public logBytes: number,
    private readonly io: LogFileIo,
    /**
     * Renders this segment's index document, from memory (and its recomputed recognitions, read in
     * turn), with the binary snapshot of its entries when `withSnapshot` (table-snapshot.ts).
     */
    private readonly renderIndex: (segment: Segment, withSnapshot: boolean) => Promise<RenderedIndex>,
    private readonly openLogs: OpenLogs = new OpenLogs(Number.POSITIVE_INFINITY),
    logGeneration = 0,
  ) {
    this.paths = { ...segmentPaths(dir, number), log: logPathOf(dir, number, logGeneration) }
    this.logGeneration = logGeneration
    this.handle = handle
    if (handle) openLogs.used(this)
  }

  /** From now on this segment takes captures: its log is opened if needed and kept open until `retire`. */
  async holdOpen(): Promise<void> {
    this.keepOpen = true
    await this.fileHandle()
    this.openLogs.used(this)
  }

  /** Closes the log if nothing uses it (called by `OpenLogs`); it is opened again when next needed. */
  closeIfIdle(): boolean {
    if (this.users > 0 || this.keepOpen || this.handle === null) return false
    const handle = this.handle
    this.handle = null
    // Nothing runs with it (users is 0): a failed close loses nothing.
    handle.close().catch(() => undefined)
    return true
  }

  private fileHandle(): Promise<FileHandle> {
    if (this.handle) return Promise.resolve(this.handle)
    // Opened with O_CREAT: a removed segment's log must not come back.
    if (this.destroyed || this.closed) return Promise.reject(new Error(`capture log ${this.paths.log} is closed`))
    this.opening ??= this.openLogs
      .open(async () => {
        const path = this.paths.log
        const handle = await this.io.open(path)
        if (path !== this.paths.log && this.handle !== null) {
          // A compaction switched to its new log (open already) while this opened the old one,
          // which its open may have made again, empty, after the compaction removed it.
          await handle.close().catch(() => undefined)
          this.supersededLogs.add(path)
          void this.removeSupersededLogs()
          return this.handle
        }
        this.handle = handle
        this.openLogs.used(this)
        return handle
      })
      .finally(() => {
        this.opening = null
      })
    return this.opening
  }

  /**
   * Runs `task` with the open log (opening it if it was closed); it is not closed meanwhile. `task`
   * starts in the same turn as it is checked to be the segment's current log: a caller that reads
   * offsets at its start reads those of that log, even if compaction switched logs while it waited.
   */
  private async withLog<T>(task: (handle: FileHandle) => Promise<T>): Promise<T> {
    this.users++
    try {
      let handle = await this.fileHandle()
      while (handle !== this.handle) handle = await this.fileHandle()
      return await task(handle)
    } finally {
      this.users--
      this.openLogs.used(this)
      if (this.users === 0) {
        for (const replaced of this.replacedHandles.splice(0)) replaced.close().catch(() => undefined)
        this.openLogs.idle()
      }
    }
  }

  /** Runs `task` once every erasure, sparse copy and compaction started before it has ended (see `logRewrites`). */
  inRewriteTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.logRewrites.then(task)
    this.logRewrites = run.catch(() => undefined)
    return run
  }

  /** Reserves the next frame of the log for `metadataJson` and `body`. Synchronous, so offsets never collide. */
  encode(metadataJson: string, body: Buffer): EncodedFrame {
    const metadataBytes = Buffer.byteLength(metadataJson)
    // Header and metadata in one buffer: one allocation and one iovec per capture.
    const head = Buffer.allocUnsafe(FRAME_HEADER_BYTES + metadataBytes)
    encodeFrameHeader(head, metadataBytes, body.length)
    head.write(metadataJson, FRAME_HEADER_BYTES, 'utf8')
    const offset = this.logBytes
    const length = head.length + body.length
    this.logBytes += length
    return { offset, metadataBytes, buffers: body.length > 0 ? [head, body] : [head], length }
  }

  /**
   * Zero-fills an empty log up to `bytes` and syncs it, before it takes its first capture. A
   * capture's `fdatasync` then writes only its data: the file's size and extents no longer change
   * with every commit, so the file system has no metadata to journal (PostgreSQL zero-fills its
   * WAL segments for the same reason). Measured here on batches of 20 frames, a sync took 0.65
   * instead of 1.07 ms at the median, 8.6 instead of 28 ms at p99, and 27% less CPU. Best effort:
   * on failure (a full disk) the log is cut back to empty and grows as usual. Scans step over the
   * zeros after the last frame, which are not a torn write (capture-log.ts).
   */
  async preallocate(bytes: number): Promise<void> {
    if (this.logBytes !== 0 || bytes <= 0) return
    const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_BYTES, bytes))
    await this.withLog(async (handle) => {
      try {
        for (let at = 0; at < bytes; at += zeros.length) await writeAll(this.io, handle.fd, [zeros.subarray(0, Math.min(zeros.length, bytes - at))], at)
        await this.io.datasync(handle)
      } catch {
        await handle.truncate(0).catch(() => undefined)
      }
    })
  }

  /**
   * Gives back the space of frames that could not be written or synced (they were the last ones
   * reserved, and no write of them is still running). Their bytes may have reached the file, and
   * the next frames may be shorter: they are zeroed first, so start-up never reads back a capture
   * whose sender was told to retry (a scan steps over zeros). The space is free at once; the
   * caller writes nothing more before this resolves.
   */
  async unreserve(from: number): Promise<void> {
    if (this.logBytes <= from) return
    const length = this.logBytes - from
    this.logBytes = from
    try {
      await writeAll(this.io, this.openFd(), [Buffer.alloc(length)], from)
    } catch {
      // The disk refuses writes: the next frame written there replaces them, or start-up finds a torn tail.
    }
  }

  /**
   * Writes encoded frames in the thread pool, adjacent ones in one `writev` (they are, within a
   * commit); with `durable`, resolves only once they are on stable storage. Rejects on failure;
   * then none of them may be indexed.
   */
  async writeFrames(frames: readonly EncodedFrame[], durable: boolean): Promise<void> {
    const runs: Array<{ start: number; buffers: Buffer[] }> = []
    let runEnd = -1
    for (const frame of frames) {
      const run = runs.at(-1)
      if (run && frame.offset === runEnd) run.buffers.push(...frame.buffers)
      else runs.push({ start: frame.offset, buffers: [...frame.buffers] })
      runEnd = frame.offset + frame.length
    }
    const synced = durable ? await this.syncedHandle() : null
    const fd = synced?.fd ?? this.openFd()
    await Promise.all(runs.map(({ start, buffers }) => writeAll(this.io, fd, buffers, start)))
    this.checkStillLinked(fd)
    if (durable && synced === null) await this.sync()
  }

  /**
   * Fails when the log is no longer in the folder (its link count is 0): the data folder was
   * deleted while the app ran (by hand, or by a cleaner of old files in /tmp). Writes to the open
   * descriptor still succeeded, so every capture was answered 200 and none was there after a
   * restart; now they are answered 503 and the storage banner says why.
   *
   * Checked after the write, so a deletion during it counts too, and on the event loop: `fstat` of
   * an open descriptor reads the inode the kernel holds, with no disk I/O. A trip through the
   * thread pool for it cost more event-loop time than the call: a submission, a thread woken, a
   * callback and a promise per batch (6.6% of the event loop's samples in a profile of the receiver
   * under `npm run bench`'s load on a busy machine, against 0.4% for the call on the event loop).
   */
  private checkStillLinked(fd: number): void {
    if (fstatSync(fd).nlink === 0) throw new LogUnlinkedError(this.paths.log)
  }

  /** The log's `O_DSYNC` descriptor, opened on first use; `null` where there is none. */
  private syncedHandle(): Promise<FileHandle | null> {
    this.openFd()
    // A failed open (too many open files) is tried again by the next commit.
    this.synced ??= this.io.openSynced(this.paths.log).catch((error: unknown) => {
      this.synced = null
      throw error
    })
    return this.synced
  }

  /** Closes the `O_DSYNC` descriptor (no write is running: the segment stopped taking captures). */
  private closeSynced(): Promise<void> {
    const synced = this.synced
    this.synced = null
    return (synced ?? Promise.resolve(null)).then((handle) => handle?.close()).catch(() => undefined)
  }

  /** The descriptor of a segment taking captures (`holdOpen`). */
  private openFd(): number {
    if (!this.handle) throw new Error(`capture log ${this.paths.log} is not open for writing`)
    return this.handle.fd
  }

  /** Waits until everything written to the log is on stable storage. */
  sync(): Promise<void> {
    return this.withLog((handle) => this.io.datasync(handle))
  }

  /**
   * A frame's metadata bytes, and its body when `bodySize` is given. Short reads come back short.
   * `locate` is asked once the log is at hand, so the offset is that log's (compaction moves frames).
   */
  async readFrame(locate: () => FrameLocation, bodySize: number | null): Promise<{ metadata: Buffer; body: Buffer | null }> {
    let frame: FrameLocation = { offset: 0, metadataBytes: 0 }
    let size = 0
    let buffer = Buffer.alloc(0)
    const done = await this.withLog(async (handle) => {
      frame = locate()
      size = frame.metadataBytes + (bodySize ?? 0)
      buffer = Buffer.allocUnsafe(size)
      let read = 0
      while (read < size) {
        const { bytesRead } = await handle.read(buffer, read, size - read, frame.offset + FRAME_HEADER_BYTES + read)
        if (bytesRead === 0) break
        read += bytesRead
      }
      return read
    })
    const read = buffer.subarray(0, done)
    return {
      metadata: read.subarray(0, Math.min(done, frame.metadataBytes)),
      body: bodySize === null ? null : done < size ? read.subarray(frame.metadataBytes) : read.subarray(frame.metadataBytes, size),
    }
  }

  /** Bytes `start` to `end` of the log (fewer when the file is shorter). Only in the rewrite turn (`inRewriteTurn`) when compaction may run: offsets are the current log's. */
  async readRange(start: number, end: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(0, end - start))
    const done = await this.withLog(async (handle) => {
      let read = 0
      while (read < buffer.length) {
        const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read)
        if (bytesRead === 0) break
        read += bytesRead
      }
      return read
    })
    return buffer.subarray(0, done)
  }

  /**
   * Overwrites deleted captures' frames with zeros (a scan steps over zeros), so deleting really
   * removes the payload. Adjacent ranges are joined into one write, and up to
   * `ERASE_WRITES_IN_FLIGHT` writes run at once from one shared buffer of zeros: a segment whose
   * captures alternate with another endpoint's has one range per deleted capture (the kept
   * captures sit between them), and writing those one after the other made
   * clearing 100,000 such captures wait for 100,000 round trips through the thread pool.
   */
  erase(ranges: () => Array<{ offset: number; length: number }>, durability: Durability): Promise<Array<{ offset: number; length: number }>> {
    // Located in the turn: a compaction before it moved the frames (log-compaction.ts).
    return this.inRewriteTurn(async () => {
      const located = ranges()
      await this.eraseNow(located, durability)
      return located
    })
  }

  private async eraseNow(ranges: Array<{ offset: number; length: number }>, durability: Durability): Promise<void> {
    const joined: Array<{ start: number; end: number }> = []
    for (const range of [...ranges].sort((a, b) => a.offset - b.offset)) {
      const last = joined.at(-1)
      if (last && range.offset <= last.end) last.end = Math.max(last.end, range.offset + range.length)
      else if (range.length > 0) joined.push({ start: range.offset, end: range.offset + range.length })
    }
    if (joined.length > 0) {
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_BYTES, Math.max(...joined.map(({ start, end }) => end - start))))
      let next = 0
      await this.withLog(async (handle) => {
        const writeNext = async (): Promise<void> => {
          for (let range = joined[next++]; range !== undefined; range = joined[next++]) {
            for (let at = range.start; at < range.end; at += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, range.end - at), at)
          }
        }
        // Every writer ends before the log may be closed, even when one of them failed.
        const settled = await Promise.allSettled(Array.from({ length: Math.min(ERASE_WRITES_IN_FLIGHT, joined.length) }, writeNext))
        for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason
      })
    }
    if (durability === 'sync') await this.sync()
  }

  /**
   * Replaces the log with a copy that reads back the same bytes, its runs of zero blocks (erased
   * captures) left as holes that take no disk space (sparse-log.ts). Only for a segment that no
   * longer takes captures (its zero-filled tail is kept for `sync`'s sake while it does): resolves
   * `null` then, or once the segment is closed or removed. Reads running meanwhile finish on the
   * old file, which is closed after them.
   */
  sparsify(): Promise<{ before: number | null; after: number | null } | null> {
    return this.inRewriteTurn(async () => {
      if (!this.rewritable()) return null
      await this.trimming
      const outcome = await this.withLog((handle) => replaceWithSparseCopy(this.paths.log, handle))
      // From now on reads open the copy; the old file goes once no read uses it.
      const old = this.handle
      if (old !== null) {
        this.handle = null
        this.openLogs.closed(this)
        if (this.users === 0) await old.close().catch(() => undefined)
        else this.replacedHandles.push(old)
      }
      return outcome
    })
  }

  /** Whether the log may be copied now: it takes no captures and is neither closed nor being removed. */
  rewritable(): boolean {
    return !this.keepOpen && !this.closed && !this.destroyed && !this.destroying
  }

  /** The disk space the log takes, as `stat` reports it (`null` where it reports none). */
  allocatedLogBytes(): Promise<number | null> {
    return this.withLog(async (handle) => allocatedBytes(await handle.stat()))
  }

  /** Resolves once the zeros after the last frame were cut off (`retire`). */
  trimmed(): Promise<void> {
    return this.trimming
  }

  /**
   * Switches to the compacted generation (log-compaction.ts), once the index naming it is on disk:
   * in one turn, so a read that locates its frame after this reads the new log. Reads running on
   * the old one finish there (it is closed after them); its file goes once no scan reads it.
   * Resolves once it went (at once when no scan holds it).
   */
  adoptCompactedLog(generation: number, handle: FileHandle, logBytes: number): Promise<void> {
    const old = this.handle
    const oldPath = this.paths.log
    this.paths.log = logPathOf(this.dir, this.number, generation)
    this.logGeneration = generation
    this.logBytes = logBytes
    this.handle = handle
    this.openLogs.used(this)
    if (old !== null) {
      if (this.users === 0) old.close().catch(() => undefined)
      else this.replacedHandles.push(old)
    }
    this.supersededLogs.add(oldPath)
    return this.removeSupersededLogs()
  }

  /**
   * The current log's path for a search that opens it later, in another thread; `release` once it
   * is done. A compaction meanwhile keeps the leased generation's file until then.
   */
  leaseLog(): { path: string; release: () => void } {
    const path = this.paths.log
    this.leases.set(path, (this.leases.get(path) ?? 0) + 1)
    let released = false
    return {
      path,
      release: () => {
        if (released) return
        released = true
        const left = (this.leases.get(path) ?? 1) - 1
        if (left > 0) this.leases.set(path, left)
        else this.leases.delete(path)
        void this.removeSupersededLogs()
      },
    }
  }

  private removeSupersededLogs(): Promise<void> {
    const removals: Array<Promise<void>> = []
    for (const path of this.supersededLogs) {
      if (this.leases.has(path)) continue
      this.supersededLogs.delete(path)
      // A crash first leaves it for start-up, which removes every generation the index does not name.
      removals.push(unlink(path).catch(() => undefined))
    }
    return Promise.all(removals).then(() => undefined)
  }

  /** Writes the index soon (at most once a second); the log already holds everything it will list. */
  persistSoon(): void {
    this.dirty = true
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined
      // A failed background write is retried by the next one; the log keeps the captures safe.
      // No snapshot: the segment being filled is rewritten every second, and start-up reads its
      // document (at most 1,000 entries) whatever the snapshot says.
      this.persist(() => this.renderIndex(this, false)).catch(() => undefined)
    }, INDEX_FLUSH_DELAY_MS)
  }

  /**
   * Writes the index document now, rendered when its turn comes (writes of one segment run one at
   * a time, so each one includes every change made before it started). A change to the index
   * (a deletion, a note) passes its own `render`, which shows the change, and `onWritten`, which
   * applies it to memory: only once it is on disk, so a failed write changes nothing.
   */
  persist(render?: () => Promise<RenderedIndex>, onWritten?: () => void): Promise<void> {
    const run = this.indexWrites.then(async () => {
      // Removed meanwhile: there is nothing left to write.
      if (this.destroyed) return
      this.dirty = false
      let rendered: RenderedIndex
      try {
        rendered = await (render ?? (() => this.renderIndex(this, true)))()
      } catch (error: unknown) {
        this.dirty = true
        throw error
      }
      try {
        // The snapshot first: one left without its document (a crash, a failed write) names a
        // token no document has, and start-up reads the document instead.
        if (rendered.snapshot) await writeCacheFile(this.paths.table, rendered.snapshot).catch(() => undefined)
        await (this.io.writeIndex ?? writeFileAtomically)(this.paths.index, rendered.document)
        this.snapshotWritten = rendered.snapshot !== null
      } catch (error: unknown) {
        this.dirty = true
        throw error
      }
      onWritten?.()
    })
    this.indexWrites = run.catch(() => undefined)
    return run
  }

  /**
   * Runs `task` in the index's turn: after every index write started before it, and before any
   * started after it. A reader of the index document on disk sees exactly what memory applied.
   */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.indexWrites.then(task)
    this.indexWrites = run.catch(() => undefined)
    return run
  }

  /** Resolves once the segment stopped taking captures (`retire`): its log may be rewritten from then on. */
  whenRetired(): Promise<void> {
    return this.retiredPromise
  }

  /**
   * Cuts the zeros after the last frame (`preallocate`, or space given back) off the log of a
   * segment that takes no captures any more, in the background: at `retire`, and at start-up for a
   * log a crash or a failed cut left with them (start-up reads such a tail, and checks the header
   * of every listed frame, at every start until it is gone).
   */
  trimTail(): void {
    this.trimming = this.withLog(async (handle) => {
      if ((await handle.stat()).size > this.logBytes) await handle.truncate(this.logBytes)
    }).catch(() => undefined)
  }

  /** No more captures come to this segment: write its index once more. */
  retire(): void {
    this.keepOpen = false
    this.markRetired()
    void this.closeSynced()
    this.trimTail()
    this.openLogs.used(this)
    this.openLogs.idle()
    if (this.flushTimer) {
      clearTimeout(this.flushTimer)
      this.flushTimer = undefined
    }
    this.persist().catch(() => {
      this.dirty = true
    })
  }

  isFull(slotsUsed: number, maxCaptures: number): boolean {
    return slotsUsed >= maxCaptures || this.logBytes >= SEGMENT_MAX_LOG_BYTES
  }

  /** Past half its capacity: time to prepare the next segment (zero-filling it takes a while). */
  isNearlyFull(slotsUsed: number, maxCaptures: number): boolean {
    return slotsUsed * 2 >= maxCaptures || this.logBytes * 2 >= SEGMENT_MAX_LOG_BYTES
  }

  /** About how many log bytes a segment like this one holds when full: what the next one is zero-filled to. */
  expectedFullLogBytes(slotsUsed: number, maxCaptures: number): number {
    if (slotsUsed === 0) return 0
    // A quarter more than the average so far, for captures larger than these.
    return Math.min(MAX_PREALLOCATED_LOG_BYTES, Math.ceil(((this.logBytes / slotsUsed) * maxCaptures * 5) / 4))
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.flushTimer) {
      clearTimeout(this.flushTimer)
      this.flushTimer = undefined
    }
    // A write under way ends first: the once-a-second write (no snapshot) must not land after the
    // check below and be the last one.
    await this.indexWrites
    await this.trimming
    await this.logRewrites
    await this.closeSynced()
    // The segment being filled was last written without a snapshot (every second): written once
    // more with one, so the next start reads no JSON. Retired segments got theirs when they filled.
    if (this.dirty || (this.keepOpen && !this.snapshotWritten)) await this.persist().catch(() => undefined)
    await this.opening?.catch(() => undefined)
    const handle = this.handle
    this.handle = null
    this.openLogs.closed(this)
    await handle?.close()
  }

  /**
   * Removes the segment, all of whose captures were deleted, after any index write in flight: the
   * log is emptied first (its bytes are gone, and a log without its index could bring deleted
   * captures back), then both files go. The caller syncs the folder once for a run of removals.
   */
  destroy(): Promise<void> {
    this.destroying = true
    const run = this.indexWrites.then(async () => {
      // A sparse copy renamed over the log after it was removed would bring the log back alone.
      await this.logRewrites
      const handle = await this.fileHandle()
      this.closed = true
      this.destroyed = true
      this.dirty = false
      this.keepOpen = false
      if (this.flushTimer) {
        clearTimeout(this.flushTimer)
        this.flushTimer = undefined
      }
      this.handle = null
      this.openLogs.closed(this)
      await this.closeSynced()
      await handle.truncate(0)
      await handle.close()
      await unlink(this.paths.index).catch(ignoreMissing)
      await unlink(this.paths.table).catch(ignoreMissing)
      await unlink(this.paths.log).catch(ignoreMissing)
    })
    this.indexWrites = run.catch(() => undefined)
    return run
  }
}

/** The capture log being written was deleted (see `Segment.checkStillLinked`). */
export class LogUnlinkedError extends Error {
  readonly code = 'LOG_UNLINKED'

  constructor(path: string) {
    super(
      `the capture log ${path} was deleted while the app was running (was the data folder removed?): captures cannot be kept. Restart the app to start a new data folder`,
    )
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}

/** Creates a new, empty segment: its log and an empty index, both durable before anything is put in them. */
export async function createSegment(
  dir: string,
  segmentNumber: number,
  io: LogFileIo,
  renderIndex: (segment: Segment, withSnapshot: boolean) => Promise<RenderedIndex>,
  openLogs?: OpenLogs,
  /** Zero-fill the log to this size first (`preallocate`). */
  preallocateBytes = 0,
): Promise<Segment> {
  const paths = segmentPaths(dir, segmentNumber)
  const segment = new Segment(dir, segmentNumber, await io.open(paths.log), 0, io, renderIndex, openLogs)
  await segment.persist()
  await segment.preallocate(preallocateBytes)
  return segment
}
