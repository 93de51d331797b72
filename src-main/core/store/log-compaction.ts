/**
 * Compaction: moving a segment's live frames into a new generation of its log, so the space of
 * deleted captures comes back even when they sat between kept ones.
 *
 * Why: a deletion zeroes the frame, and the sparse copy (sparse-log.ts) gives back whole zero
 * blocks only. Small captures deleted between live ones (retention of one endpoint, a bulk delete
 * of a search result, pinned captures kept among cleared ones) leave no whole block zero, so the
 * log kept its full size and retention's cap on total bytes did not bound the disk. The
 * reclaimer (`LogSpaceReclaimer`) calls this once enough of a log was erased (`COMPACT_MIN_SHARE`).
 *
 * Steps, in the segment's rewrite turn (no erase or sparse copy of it runs meanwhile, and only a
 * segment that no longer takes captures is compacted, so no append races it either):
 *
 * 1. the live frames are copied, in log order and byte for byte, into `.NNNNNN.gG.log.<random>.tmp`,
 *    reading at most `COPY_SPAN_BYTES` of the old log at a time; then that file is synced;
 * 2. it is renamed to `NNNNNN.gG.log` and the folder synced;
 * 3. the index document (with its snapshot) is written with the new generation and offsets,
 *    through the usual atomic rename: that rename is the commit. Only then does memory switch to
 *    the new offsets and log, in one turn (`Segment.adoptCompactedLog`);
 * 4. the old generation is removed once no search that was given its path still reads it.
 *
 * A crash before the commit leaves the old generation named by the index: the new file (or its
 * temporary) is removed at the next start. A crash after it leaves the new one named: the old
 * file is removed then (segment-recovery.ts removes every generation its index does not name, and
 * `removeLeftoverTemporaries` the temporaries).
 */
import { rename, unlink } from 'node:fs/promises'
import { FRAME_HEADER_BYTES, FRAME_MAGIC, frameEnd } from './capture-log'
import { logPathOf, type Segment } from './capture-segments'
import { FRAME_NOT_IN_LOG, type CaptureTable } from './capture-table'
import type { IndexTweak } from './capture-index'
import { syncDirectory } from './data-file'
import { writeAll, type LogFileIo } from './log-file-io'
import { allocatedBytes, temporaryPathFor, type ReclaimOutcome } from './sparse-log'
import type { RenderedIndex } from './table-snapshot'

/** The most of the old log read at once (one frame larger than this is read alone): bounded memory, few reads. */
export const COPY_SPAN_BYTES = 1024 * 1024

/** Where a compaction is; tests stop it at each step as a crash would (`CompactionDeps.atStep`). */
export type CompactionStep = 'copied' | 'synced' | 'placed' | 'committed'

export interface CompactionDeps {
  table: CaptureTable
  io: LogFileIo
  /** Renders the segment's index with the compacted log rendered in (not yet applied). */
  renderIndex: (segment: Segment, tweak: IndexTweak) => Promise<RenderedIndex>
  /** Where each segment's frames are indexed up to (capture-store.ts). */
  indexedUpTo: Map<Segment, number>
  /**
   * Called after each step: `copied` (before the new file's sync), `synced` (before its rename),
   * `placed` (before the index is written), `committed` (the old file gone unless a search holds it). For tests.
   */
  atStep?: (step: CompactionStep, segment: Segment) => Promise<void>
}

/** Compacts `segment`'s log (see the file comment); `null` when it cannot now, `'unsuitable'` when it never may. */
export function compactSegment(segment: Segment, deps: CompactionDeps): Promise<ReclaimOutcome | null | 'unsuitable'> {
  return segment.inRewriteTurn(async () => {
    // Frames not yet indexed (a batch still being written) would not be copied.
    if (!segment.rewritable() || (deps.indexedUpTo.get(segment) ?? 0) < segment.logBytes) return null
    if (segment.sealed) return 'unsuitable'
    await segment.trimmed()
    const block = deps.table.block(segment.number)
    const frames: Array<{ slot: number; from: number; length: number }> = []
    for (let slot = 0; slot < block.length; slot++) {
      if (!block.isLive(slot)) continue
      const from = block.offset[slot] as number
      frames.push({ slot, from, length: frameEnd(from, block.metadataBytes[slot] as number, block.bodySize[slot] as number) - from })
    }
    frames.sort((left, right) => left.from - right.from)
    const generation = Math.max(segment.logGeneration, segment.generationsTried) + 1
    segment.generationsTried = generation
    const target = logPathOf(segment.dir, segment.number, generation)
    const temporary = temporaryPathFor(target)
    const oldBytesOnDisk = await segment.allocatedLogBytes()
    const handle = await deps.io.open(temporary)
    let adopted = false
    /** The new file's name now, and whether an index naming it may have been written. */
    let file = temporary
    let named = false
    try {
      const offsets = new Map<number, number>()
      let written = 0
      for (let first = 0; first < frames.length;) {
        // A run of frames whose span in the old log is at most COPY_SPAN_BYTES (at least one frame).
        let last = first
        const spanStart = (frames[first] as (typeof frames)[number]).from
        while (last + 1 < frames.length) {
          const next = frames[last + 1] as (typeof frames)[number]
          if (next.from + next.length - spanStart > COPY_SPAN_BYTES) break
          last++
        }
        const lastFrame = frames[last] as (typeof frames)[number]
        const span = await segment.readRange(spanStart, lastFrame.from + lastFrame.length)
        const out: Buffer[] = []
        const runStart = written
        for (let index = first; index <= last; index++) {
          const { slot, from, length } = frames[index] as (typeof frames)[number]
          const bytes = span.subarray(from - spanStart, from - spanStart + length)
          // A frame that is not whole where the index says (damage found since start-up) is not
          // moved: the log is kept as it is, for whoever wants to look.
          if (
            bytes.length !== length ||
            !bytes.subarray(0, 4).equals(FRAME_MAGIC) ||
            FRAME_HEADER_BYTES + bytes.readUInt32BE(4) + bytes.readUInt32BE(8) !== length
          ) {
            segment.sealed = true
            return 'unsuitable'
          }
          out.push(bytes)
          offsets.set(slot, written)
          written += length
        }
        await writeAll(deps.io, handle.fd, out, runStart)
        first = last + 1
      }
      await deps.atStep?.('copied', segment)
      await deps.io.datasync(handle)
      await deps.atStep?.('synced', segment)
      await rename(temporary, target)
      file = target
      await syncDirectory(segment.dir)
      await deps.atStep?.('placed', segment)
      // Being removed or closed meanwhile: its index write must not queue behind the removal's (which waits for this turn).
      if (!segment.rewritable()) return null
      named = true
      let oldRemoved: Promise<void> = Promise.resolve()
      await segment.persist(
        () => deps.renderIndex(segment, { compacted: { generation, logBytes: written, offsets } }),
        () => {
          // Deleted since the copy started: copied, so an erase still queued zeroes it in the new log.
          for (const [slot, offset] of offsets) block.offset[slot] = offset
          for (let slot = 0; slot < block.length; slot++) if (!block.isLive(slot) && !offsets.has(slot)) block.offset[slot] = FRAME_NOT_IN_LOG
          deps.indexedUpTo.set(segment, written)
          oldRemoved = segment.adoptCompactedLog(generation, handle, written)
          adopted = true
        },
      )
      await oldRemoved
      const after = allocatedBytes(await handle.stat())
      await deps.atStep?.('committed', segment)
      return { before: oldBytesOnDisk, after }
    } finally {
      if (!adopted) {
        await handle.close().catch(() => undefined)
        // Not named by any index: removed at once. A failed index write may still have renamed
        // its document into place, so then the file is left to start-up, which removes the
        // generation the index does not name (this one, or the old one if that rename happened).
        if (!named) await unlink(file).catch(() => undefined)
      }
    }
  })
}
