/**
 * Retention: caps on how many captures are kept, how many bytes they take and how old they get,
 * for the whole store and per endpoint. The oldest captures beyond a cap are deleted first;
 * pinned captures are never deleted by retention. Enforced in the background in bounded steps
 * (at most `STEP_CAPTURES` deletions, then the event loop gets its turn), after every change of
 * the policy, every `CHECK_INTERVAL_MS`, and `ARRIVAL_CHECK_MS` after captures arrive while a
 * count or bytes cap is set (a list capped at 3 showed a fourth capture for up to a minute).
 *
 * Bytes count the captures kept: their frames in the log and their share of the search text kept
 * beside each log (`derivedBytes`, about two thirds of the log for text bodies), so a cap of 1 GB
 * keeps the capture folder near 1 GB (their logs take at most about a third more: a segment's log
 * is compacted once a quarter of it was deleted, log-compaction.ts). Neither the logs' size
 * (`health.logBytes`, which counts deleted captures' zeroed frames until then) nor their disk use
 * (`health.logDiskBytes`).
 * A segment's derived bytes are shared among all the captures it was built from, in proportion to their frames (not only among those still live:
 * it is rebuilt without the deleted ones later, so until then they keep their share, and deleting
 * a capture takes off exactly its own). A compaction (log-compaction.ts) moves the kept captures
 * into a new generation of the log, whose search text is built afresh: until it is, the text built
 * from the generation before is still kept beside the log and counts, at its own bytes per byte of
 * the log it was built from (`builtFromLogBytes`, from its header: the same before and after a
 * restart, which forgets the captures deleted before it). Once it is, the captures compacted out
 * of the log are in none of the text and take no share (counted among, they took half of a
 * half-deleted segment's text off its kept captures, and the byte cap was exceeded by that much).
 *
 * Age counts from when a capture was received; imported captures keep their original time, so
 * they are exempt from the age cap (an import of last month's deliveries is not deleted at once).
 */
import type { CaptureTable, SegmentBlock } from './capture-table'
import { FLAG_IMPORTED, FLAG_PINNED, FRAME_NOT_IN_LOG } from './capture-table'
import { FRAME_HEADER_BYTES } from './capture-log'

export interface RetentionLimits {
  /** Keep at most this many captures. */
  maxCaptures?: number | null
  /** Keep at most this many bytes of captures (records and bodies in the log, and their search text). */
  maxBytes?: number | null
  /** Delete captures older than this many days. */
  maxAgeDays?: number | null
}

export interface RetentionPolicy extends RetentionLimits {
  /** Limits for single endpoints, by endpoint id (they apply besides the global ones). */
  perEndpoint?: Record<string, RetentionLimits>
}

export interface Retention {
  policy(): RetentionPolicy
  /** Takes effect at once, in the background. */
  setPolicy(policy: RetentionPolicy): void
  /** Enforces the caps now; resolves with how many captures were deleted. */
  enforce(): Promise<number>
  /** A capture is being stored: with a count or bytes cap, the caps are enforced soon. Cheap: it runs for every capture. */
  captured(): void
  stop(): void
}

const STEP_CAPTURES = 2000
const CHECK_INTERVAL_MS = 60_000
/** After captures arrive, the caps are enforced this soon (once for every capture in that time). */
export const ARRIVAL_CHECK_MS = 1_000
const DAY_MS = 24 * 60 * 60 * 1000

/** What is kept beside one segment's log that derives from its captures. */
export interface DerivedBytes {
  bytes: number
  /**
   * The log bytes they were built from, when not the log's current generation (an earlier one, a
   * compaction ago): its captures take their share in proportion to their frames. `null`: built
   * from the current generation, shared among the captures whose frames are in it.
   */
  builtFromLogBytes: number | null
}

export interface RetentionDeps {
  table: CaptureTable
  policy: RetentionPolicy | undefined
  now: () => Date
  /** Deletes these captures; resolves with those deleted (`length`: how many). */
  deleteSlots(slots: Array<{ block: SegmentBlock; slot: number }>): Promise<{ length: number }>
  /** Bytes kept beside each segment's log that derive from its captures (search text), by segment number. */
  derivedBytes?(): Promise<ReadonlyMap<number, DerivedBytes>>
  /** A background run failed (the disk): reported, retried at the next check. */
  onError?(error: unknown): void
}

export function createRetention(deps: RetentionDeps): Retention {
  let policy: RetentionPolicy = deps.policy ?? {}
  let capsSize = capsCountOrBytes(policy)
  let running: Promise<number> | null = null
  let again = false
  const timer = setInterval(() => void runInBackground(), CHECK_INTERVAL_MS)
  timer.unref()
  let afterArrival: NodeJS.Timeout | undefined

  function runInBackground(): void {
    enforce().catch((error: unknown) => deps.onError?.(error))
  }

  function enforce(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      let deleted = 0
      do {
        again = false
        for (;;) {
          const step = doomed(STEP_CAPTURES, policyUsesBytes() ? ((await deps.derivedBytes?.()) ?? NO_DERIVED_BYTES) : NO_DERIVED_BYTES)
          if (step.length === 0) break
          deleted += (await deps.deleteSlots(step)).length
        }
      } while (again)
      return deleted
    })().finally(() => {
      running = null
    })
    return running
  }

  function policyUsesBytes(): boolean {
    return isSet(policy.maxBytes) || Object.values(policy.perEndpoint ?? {}).some((limits) => isSet(limits.maxBytes))
  }

  /** Up to `limit` captures beyond a cap, oldest first. */
  function doomed(limit: number, derived: ReadonlyMap<number, DerivedBytes>): Array<{ block: SegmentBlock; slot: number }> {
    const { table } = deps
    const sizeOf = diskSizes(table, derived)
    const perEndpoint = policy.perEndpoint ?? {}
    const hasGlobal = isSet(policy.maxCaptures) || isSet(policy.maxBytes) || isSet(policy.maxAgeDays)
    const limited = Object.entries(perEndpoint).filter(([, limits]) => isSet(limits.maxCaptures) || isSet(limits.maxBytes) || isSet(limits.maxAgeDays))
    if (!hasGlobal && limited.length === 0) return []
    const endpointLimits = new Map<number, RetentionLimits>()
    for (const [endpointId, limits] of limited) {
      const code = table.endpointCodeOf(endpointId)
      if (code !== -1) endpointLimits.set(code, limits)
    }
    // Totals first (a pass over memory), then the oldest go until every cap holds.
    let count = 0
    let bytes = 0
    const endpointCount = new Map<number, number>()
    const endpointBytes = new Map<number, number>()
    for (const block of table.blocks) {
      for (let slot = 0; slot < block.length; slot++) {
        if (!block.isLive(slot)) continue
        const size = sizeOf(block, slot)
        count++
        bytes += size
        const endpoint = block.endpoint[slot] as number
        if (endpointLimits.has(endpoint)) {
          endpointCount.set(endpoint, (endpointCount.get(endpoint) ?? 0) + 1)
          endpointBytes.set(endpoint, (endpointBytes.get(endpoint) ?? 0) + size)
        }
      }
    }
    const now = deps.now().getTime()
    const tooOld = (limits: RetentionLimits, receivedAtMs: number): boolean => isSet(limits.maxAgeDays) && now - receivedAtMs > limits.maxAgeDays * DAY_MS
    const picked: Array<{ block: SegmentBlock; slot: number }> = []
    for (const block of table.blocks) {
      for (let slot = 0; slot < block.length && picked.length < limit; slot++) {
        if (!block.isLive(slot)) continue
        const flags = block.flags[slot] as number
        if (flags & FLAG_PINNED) continue
        const endpoint = block.endpoint[slot] as number
        const limits = endpointLimits.get(endpoint)
        const receivedAtMs = block.receivedAtMs[slot] as number
        const ageCounts = (flags & FLAG_IMPORTED) === 0
        const overGlobal =
          (isSet(policy.maxCaptures) && count > policy.maxCaptures) ||
          (isSet(policy.maxBytes) && bytes > policy.maxBytes) ||
          (ageCounts && tooOld(policy, receivedAtMs))
        const overEndpoint =
          limits !== undefined &&
          ((isSet(limits.maxCaptures) && (endpointCount.get(endpoint) ?? 0) > limits.maxCaptures) ||
            (isSet(limits.maxBytes) && (endpointBytes.get(endpoint) ?? 0) > limits.maxBytes) ||
            (ageCounts && tooOld(limits, receivedAtMs)))
        if (!overGlobal && !overEndpoint) continue
        picked.push({ block, slot })
        const size = sizeOf(block, slot)
        count--
        bytes -= size
        if (limits !== undefined) {
          endpointCount.set(endpoint, (endpointCount.get(endpoint) ?? 1) - 1)
          endpointBytes.set(endpoint, (endpointBytes.get(endpoint) ?? size) - size)
        }
      }
    }
    return picked
  }

  return {
    policy: () => policy,
    setPolicy(next) {
      policy = next
      capsSize = capsCountOrBytes(policy)
      runInBackground()
    },
    enforce,
    captured() {
      if (!capsSize || afterArrival !== undefined) return
      afterArrival = setTimeout(() => {
        afterArrival = undefined
        runInBackground()
      }, ARRIVAL_CHECK_MS)
      afterArrival.unref()
    },
    stop() {
      clearInterval(timer)
      clearTimeout(afterArrival)
    },
  }
}

const NO_DERIVED_BYTES: ReadonlyMap<number, DerivedBytes> = new Map()

/** Whether a cap that new captures can exceed (count or bytes; age is time's) is set, globally or for an endpoint. */
function capsCountOrBytes(policy: RetentionPolicy): boolean {
  const caps = (limits: RetentionLimits): boolean => isSet(limits.maxCaptures) || isSet(limits.maxBytes)
  return caps(policy) || Object.values(policy.perEndpoint ?? {}).some(caps)
}

function frameSize(block: SegmentBlock, slot: number): number {
  return FRAME_HEADER_BYTES + (block.metadataBytes[slot] as number) + (block.bodySize[slot] as number)
}

/** What a capture takes on disk: its frame, plus its share of its segment's derived bytes. */
function diskSizes(table: CaptureTable, derived: ReadonlyMap<number, DerivedBytes>): (block: SegmentBlock, slot: number) => number {
  const scale = new Map<SegmentBlock, number>()
  for (const block of table.blocks) {
    const extra = derived.get(block.number)
    if (extra === undefined || extra.bytes === 0) continue
    let framesBytes = extra.builtFromLogBytes ?? 0
    if (extra.builtFromLogBytes === null) {
      for (let slot = 0; slot < block.length; slot++) if ((block.offset[slot] as number) !== FRAME_NOT_IN_LOG) framesBytes += frameSize(block, slot)
    }
    if (framesBytes > 0) scale.set(block, 1 + extra.bytes / framesBytes)
  }
  return (block, slot) => frameSize(block, slot) * (scale.get(block) ?? 1)
}

function isSet(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
