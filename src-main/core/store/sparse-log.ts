/**
 * Giving a capture log's erased space back to the file system without moving a byte of it.
 *
 * Deleting some of a segment's captures zeroes their bytes (`Segment.erase`), but zeros written
 * still take disk space, so a segment kept its log's full size until every capture in it was
 * deleted: one pinned capture held a segment of large bodies (up to 64 MB) on disk, and clearing a
 * busy endpoint gave back nothing while another endpoint's captures shared its segments.
 *
 * The log is copied to a temporary file with its runs of zero blocks skipped: they become holes,
 * which read back as zeros but take no space (ext4, XFS, Btrfs, APFS). The copy therefore reads
 * back exactly the bytes of the log: every frame stays at its offset, so the index, its snapshot,
 * the search sidecars and a search process reading the old file all stay right. The copy is synced
 * and then renamed over the log: a crash leaves either log, the same bytes either way (a leftover
 * temporary file is removed at the next start, `removeLeftoverTemporaries`).
 *
 * Holes give back whole zero blocks only: a 2 KB capture deleted between two kept ones frees
 * none. That is what compaction is for (log-compaction.ts: the live frames moved into a new
 * generation of the log, committed by the index naming it); the reclaimer below does that for
 * every log it may rewrite, and copies sparse only a sealed log, which is kept byte for byte.
 */
import { open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { syncDirectory, writeCacheFile } from './data-file'
import { PRIVATE_FILE_MODE } from './private-files'

/** Where the counts of erased bytes not yet given back are kept, in the captures folder (`LogSpaceReclaimer`). */
export const RECLAIM_FILE = 'reclaim.json'
/** The unit a file system gives back: only a block that is zero from its first to its last byte can become a hole. */
export const HOLE_BLOCK_BYTES = 4096
/** The copy reads this much at a time (a multiple of `HOLE_BLOCK_BYTES`, so blocks stay aligned to the file's). */
const COPY_WINDOW_BYTES = 1024 * 1024
const ZERO_BLOCK = Buffer.alloc(HOLE_BLOCK_BYTES)
/** A log is copied once at least this much of it was erased in whole blocks since it was last copied... */
export const RECLAIM_MIN_BYTES = 1024 * 1024
/** ...and at least this share of the log: a log is never copied whole to give back less than a quarter of it. */
const RECLAIM_MIN_SHARE = 1 / 4

/** Bytes of whole blocks within `ranges` (byte ranges of a file): what zeroing them can give back. */
export function wholeBlockBytes(ranges: ReadonlyArray<{ offset: number; length: number }>): number {
  let total = 0
  for (const { offset, length } of ranges) {
    const first = Math.ceil(offset / HOLE_BLOCK_BYTES)
    const end = Math.floor((offset + length) / HOLE_BLOCK_BYTES)
    if (end > first) total += (end - first) * HOLE_BLOCK_BYTES
  }
  return total
}

/**
 * Writes `source`'s first `size` bytes into `target` (empty, opened for writing), skipping blocks
 * that are all zeros, and syncs it: `target` then reads back byte for byte as `source` did. Whether
 * the skipped blocks take no space is up to the file system.
 */
export async function writeSparseCopy(source: FileHandle, size: number, target: FileHandle): Promise<void> {
  const window = Buffer.allocUnsafe(COPY_WINDOW_BYTES)
  for (let windowStart = 0; windowStart < size; windowStart += COPY_WINDOW_BYTES) {
    const length = Math.min(COPY_WINDOW_BYTES, size - windowStart)
    await readExactly(source, window, length, windowStart)
    /** Where the run of blocks with data being gathered starts (-1: none). */
    let runStart = -1
    for (let block = 0; block < length; block += HOLE_BLOCK_BYTES) {
      const blockEnd = Math.min(block + HOLE_BLOCK_BYTES, length)
      // One memcmp per block.
      const zero = window.subarray(block, blockEnd).equals(ZERO_BLOCK.subarray(0, blockEnd - block))
      if (!zero && runStart < 0) runStart = block
      else if (zero && runStart >= 0) {
        await writeExactly(target, window.subarray(runStart, block), windowStart + runStart)
        runStart = -1
      }
    }
    if (runStart >= 0) await writeExactly(target, window.subarray(runStart, length), windowStart + runStart)
  }
  // Trailing zeros are a hole too: the size is set, not written.
  await target.truncate(size)
  await target.sync()
}

export async function readExactly(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  for (let read = 0; read < length;) {
    const { bytesRead } = await handle.read(buffer, read, length - read, position + read)
    if (bytesRead === 0) throw new Error(`the log ended at ${position + read} bytes while being copied (${position + length} expected)`)
    read += bytesRead
  }
}

export async function writeExactly(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written)
    written += bytesWritten
  }
}

/** Where a log's copy is written before it replaces the log: a dot file, like every temporary file of the store. */
export function temporaryPathFor(log: string): string {
  return join(dirname(log), `.${basename(log)}.${randomBytes(4).toString('hex')}.tmp`)
}

/**
 * Replaces the log at `path`, open as `source` (nothing else may write to it meanwhile), with its
 * sparse copy, keeping its modification time (the search sidecars compare it: the bytes did not
 * change). Resolves the allocated bytes before and after, as `stat` reports them (`null` where it
 * reports none).
 */
export async function replaceWithSparseCopy(path: string, source: FileHandle): Promise<ReclaimOutcome> {
  const stats = await source.stat()
  const temporary = temporaryPathFor(path)
  const target = await open(temporary, 'wx', PRIVATE_FILE_MODE)
  let after: number | null
  try {
    await writeSparseCopy(source, stats.size, target)
    await target.utimes(stats.atime, stats.mtime)
    after = allocatedBytes(await target.stat())
    await target.close()
    await rename(temporary, path)
  } catch (error: unknown) {
    await target.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncDirectory(dirname(path))
  return { before: allocatedBytes(stats), after }
}

export function allocatedBytes(stats: { blocks?: number }): number | null {
  // `blocks` counts 512-byte units on every platform that reports it (Windows reports none).
  return typeof stats.blocks === 'number' && Number.isFinite(stats.blocks) ? stats.blocks * 512 : null
}

/**
 * The disk space `files` take together (a file removed meanwhile counts as none), or `null` where
 * the system does not say. Files are asked a few at a time: a store of 1,000,000 captures has 1,000 logs.
 */
export async function allocatedBytesOf(files: readonly string[]): Promise<number | null> {
  let total = 0
  for (let start = 0; start < files.length; start += STATS_AT_ONCE) {
    const sizes = await Promise.all(
      files.slice(start, start + STATS_AT_ONCE).map((file) =>
        stat(file).then(allocatedBytes, (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
          throw error
        }),
      ),
    )
    for (const size of sizes) {
      if (size === null) return null
      total += size
    }
  }
  return total
}
const STATS_AT_ONCE = 64

/**
 * Removes the temporary files a crash left in the captures folder (`.<name>.<random>.tmp`: an
 * index document, a log copy, a compacted log generation or the reclaimer's counts that were never
 * renamed into place). Only at start-up, before anything writes there.
 */
export async function removeLeftoverTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (/^\.(?:\d{6,}(?:\.json|\.table|(?:\.g\d+)?\.log)|reclaim\.json)\.[0-9a-f]{8}\.tmp$/.test(name)) await unlink(join(dir, name)).catch(() => undefined)
  }
}

/** Disk space a log took before and after it was rewritten, as `stat` reports it (`null` where it reports none). */
export interface ReclaimOutcome {
  before: number | null
  after: number | null
}

/** What the reclaimer asks of a segment (see `Segment.sparsify`). */
export interface SparsifiableLog {
  readonly number: number
  readonly logBytes: number
  /** Replaces the log with its sparse copy; `null` when it cannot now (it takes captures, or is closed). */
  sparsify(): Promise<ReclaimOutcome | null>
  /** Resolves once it stopped taking captures: what could not be done while it did is tried then. */
  whenRetired?(): Promise<void>
}

/**
 * Moves a segment's live frames into a new generation of its log (log-compaction.ts): `null` when
 * it cannot now (it takes captures, or is closed), `'unsuitable'` when it never may (a sealed log,
 * kept byte for byte).
 */
export type Compactor<Log> = (segment: Log) => Promise<ReclaimOutcome | null | 'unsuitable'>

/**
 * A log is compacted once this share of it was erased since it was last rewritten: the copy moves
 * at most three live bytes for each byte it gives back, and a log never stays above 4/3 of what
 * its live captures take, so retention's cap on total bytes bounds the disk too (to a third more,
 * plus the segment taking captures).
 */
export const COMPACT_MIN_SHARE = 1 / 4
/** ...and at least this many bytes: a small segment is not rewritten (its index with it) to give back a few kilobytes. */
export const COMPACT_MIN_BYTES = 128 * 1024

/** What a segment had erased since its log was last rewritten: frame bytes, and bytes of whole blocks among them. */
interface Erased {
  bytes: number
  blocks: number
}

/**
 * Decides when a segment's erased space is given back, and gives it back one segment at a time
 * in the background. Erased bytes are counted per segment as deletions report them:
 *
 * - once they are `COMPACT_MIN_SHARE` of its log (and `COMPACT_MIN_BYTES`), its live frames are
 *   copied into a new generation of the log and the old one goes (`compact`, log-compaction.ts):
 *   every erased byte comes back, also those of small captures between kept ones, where no whole
 *   block is zero;
 * - a log that may not be compacted (sealed: a torn tail kept as it is) is copied sparse instead,
 *   once `RECLAIM_MIN_BYTES` and a quarter of it were erased in whole blocks. If a sparse copy
 *   gives nothing back (a file system without holes, or Windows, where a file has none unless
 *   marked), no more are tried.
 *
 * The counts not yet acted on are kept in `pendingFile` (`captures/reclaim.json`), so work a quit
 * or a crash cut short is done after the next start (`resume`): a clear of large captures followed
 * by a quit otherwise kept their space until the next deletion in each segment. The file is a hint,
 * written without a sync: one lost or unreadable leaves only space not given back yet.
 */
export class LogSpaceReclaimer<Log extends SparsifiableLog = SparsifiableLog> {
  private readonly erasedOf = new Map<Log, Erased>()
  private readonly queue = new Set<Log>()
  /** Segments compaction refused (sealed logs): their counts go on growing towards a sparse copy. */
  private readonly notCompacted = new WeakSet<Log>()
  /** Segments waiting to stop taking captures before they can be worked on. */
  private readonly awaitingRetirement = new Set<Log>()
  private running: Promise<void> | null = null
  private stopped = false
  /** Whether copies can give space back here; turned off by the first copy that did not. */
  private holesWork = process.platform !== 'win32'
  private saving: Promise<void> = Promise.resolve()
  private saveQueued = false
  /** Bytes the copies and compactions gave back, by `stat`'s count (for tests and health). */
  reclaimedBytes = 0

  constructor(
    private readonly pendingFile: string | null = null,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly compact: Compactor<Log> | null = null,
  ) {}

  /**
   * Takes up the counts a previous run left in `pendingFile` for these segments (those of others
   * are dropped: removed meanwhile) and starts the work they call for. A count is `[bytes, whole
   * block bytes]`; a plain number (written before compaction existed) counted whole blocks only.
   */
  async resume(segments: ReadonlyMap<number, Log>): Promise<void> {
    if (this.pendingFile === null || this.stopped) return
    let saved: unknown
    try {
      saved = JSON.parse(await readFile(this.pendingFile, 'utf8'))
    } catch {
      return
    }
    if (typeof saved !== 'object' || saved === null) return
    for (const [number, count] of Object.entries(saved)) {
      const segment = segments.get(Number(number))
      const [bytes, blocks] = Array.isArray(count) ? (count as unknown[]) : [count, count]
      if (segment !== undefined && isCount(bytes) && isCount(blocks) && bytes > 0) this.erased(segment, [], { bytes, blocks: Math.min(blocks, bytes) })
    }
    this.saveSoon()
  }

  /** `segment` had `ranges` zeroed (`known`: counted before): queued once enough of it is zero. */
  erased(segment: Log, ranges: ReadonlyArray<{ offset: number; length: number }>, known: Erased = { bytes: 0, blocks: 0 }): void {
    if (this.stopped) return
    const before = this.erasedOf.get(segment) ?? { bytes: 0, blocks: 0 }
    const erased = {
      bytes: before.bytes + known.bytes + ranges.reduce((sum, range) => sum + range.length, 0),
      blocks: before.blocks + known.blocks + wholeBlockBytes(ranges),
    }
    if (erased.bytes === 0) return
    this.erasedOf.set(segment, erased)
    this.saveSoon()
    if (this.wantsCompaction(segment, erased) || this.wantsSparseCopy(segment, erased)) this.queue.add(segment)
    // A segment still taking captures is tried again whenever a deletion reports anything.
    if (this.queue.size > 0) this.running ??= this.drain().finally(() => (this.running = null))
  }

  private wantsCompaction(segment: Log, erased: Erased): boolean {
    return this.compact !== null && !this.notCompacted.has(segment) && erased.bytes >= COMPACT_MIN_BYTES && erased.bytes >= segment.logBytes * COMPACT_MIN_SHARE
  }

  private wantsSparseCopy(segment: Log, erased: Erased): boolean {
    return this.holesWork && erased.blocks >= RECLAIM_MIN_BYTES && erased.blocks >= segment.logBytes * RECLAIM_MIN_SHARE
  }

  /** The segment is gone (every capture in it deleted): nothing to copy. */
  forget(segment: Log): void {
    if (!this.erasedOf.delete(segment)) return
    this.queue.delete(segment)
    this.saveSoon()
  }

  /** Resolves once no copy is running or queued (copies that cannot run now stay queued). */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** No copy starts from now on; resolves once the running one ended and the counts left are saved. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.idle()
    await this.saving
  }

  /** Writes the counts not yet acted on to `pendingFile`, once the write before has ended. */
  private saveSoon(): void {
    if (this.pendingFile === null || this.saveQueued) return
    const file = this.pendingFile
    this.saveQueued = true
    this.saving = this.saving.then(async () => {
      this.saveQueued = false
      const pending = Object.fromEntries([...this.erasedOf].map(([segment, { bytes, blocks }]) => [segment.number, [bytes, blocks]]))
      await writeCacheFile(file, Buffer.from(JSON.stringify(pending))).catch(this.onError)
    })
  }

  private async drain(): Promise<void> {
    const waiting: Log[] = []
    for (let segment = this.next(); segment !== undefined && !this.stopped; segment = this.next()) {
      const erased = this.erasedOf.get(segment)
      if (erased === undefined) continue
      try {
        let outcome: ReclaimOutcome | null | 'unsuitable' = 'unsuitable'
        if (this.compact !== null && this.wantsCompaction(segment, erased)) outcome = await this.compact(segment)
        if (outcome === 'unsuitable') this.notCompacted.add(segment)
        const sparse = outcome === 'unsuitable' && this.wantsSparseCopy(segment, erased)
        if (sparse) outcome = await segment.sparsify()
        // Not enough whole blocks for a sparse copy yet: counted on until there are.
        else if (outcome === 'unsuitable') continue
        if (outcome === null) {
          waiting.push(segment)
          continue
        }
        // Erases run in the segment's turn, as the rewrite does: one reported while it ran was made
        // before it (its bytes were left out or zeroed in the copy); one after it reports after this.
        this.erasedOf.delete(segment)
        this.saveSoon()
        if (outcome.before !== null && outcome.after !== null) {
          if (outcome.after < outcome.before) this.reclaimedBytes += outcome.before - outcome.after
          else if (sparse) this.holesWork = false
        }
      } catch (error: unknown) {
        // The log stays as it was (the copy is removed); counted again from the next deletion.
        this.erasedOf.delete(segment)
        this.saveSoon()
        this.onError(error)
      }
    }
    for (const segment of waiting) {
      this.queue.add(segment)
      // Tried again once it stops taking captures, without waiting for another deletion.
      if (segment.whenRetired && !this.awaitingRetirement.has(segment)) {
        this.awaitingRetirement.add(segment)
        void segment.whenRetired().then(() => {
          this.awaitingRetirement.delete(segment)
          if (this.queue.has(segment) && !this.stopped) this.running ??= this.drain().finally(() => (this.running = null))
        })
      }
    }
  }

  private next(): Log | undefined {
    const [first] = this.queue
    if (first !== undefined) this.queue.delete(first)
    return first
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
