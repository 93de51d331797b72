/**
 * Gives the app's memory back after a burst of work (a flood of captures, searches, a clear), once
 * the event loop has gone quiet: one full garbage collection, which also shrinks V8's young
 * generation back from the size a flood grew it to.
 *
 * Why: after 100,000 captures most of the app's RSS is V8's heap, and how big it is depends on
 * when V8 last collected, not on what the store keeps. A flood grows the young generation to its
 * maximum (about 30 MiB, nearly all of it empty afterwards) and a search leaves garbage in the old
 * and large-object spaces; V8 shrinks them only when its own memory reducer happens to run, which
 * needs a full collection to have started it. Measured with bench:scale on the same build, the app
 * was 155-158 MiB after the searches in two runs and 102 MiB in a third, where it did. With this,
 * a quiet app gets that collection within two checks (10 s) of the burst's end.
 *
 * The collection holds the event loop (87 ms at 100,000 captures, measured once with the
 * machine's load average at 14), so it runs only when the loop was nearly idle over a whole check
 * (a receiver under a steady load never is), and only when the heap grew by HEAP_GROWTH_TO_RELEASE
 * since the last one, so an idle app is not collected over and over. Node offers no API for it:
 * `gc` comes from a fresh context made while `--expose-gc` is set for that moment
 * (`v8.setFlagsFromString`; Node and Electron's main process both start V8 with
 * `--no-freeze-flags-after-init`, so flags can change later); where that fails, nothing is
 * released and nothing else changes.
 */
import { performance } from 'node:perf_hooks'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** How often the event loop's idleness and the heap's size are looked at. */
export const HEAP_CHECK_INTERVAL_MS = 5_000

/** The event loop busy less than this share of a check counts as quiet. */
export const QUIET_LOOP_UTILIZATION = 0.05

/** The heap (memory V8 holds, in use or not) this much bigger than after the last collection is worth one. */
export const HEAP_GROWTH_TO_RELEASE = 16 * 1_048_576

export interface HeapReleaseDeps {
  /** A full garbage collection; `null` where none can be had. */
  collect: (() => void) | null
  /** Bytes of memory V8's heap holds. */
  heapBytes: () => number
  /** The share of time since the last call the event loop was busy (0 to 1). */
  loopUtilization: () => number
}

export interface HeapRelease {
  /** One check: collects when the loop was quiet and the heap grew enough; returns whether it did. */
  check(): boolean
  stop(): void
}

/**
 * The heap when the store's code was loaded, before any store opened. Growth is counted from here
 * until the first collection, so what opening 100,000 captures left is released too: it left the
 * app at 110-114 MiB after some restarts and 133-138 MiB after others, on builds with and without
 * this module (bench:scale, and restarts of one filled folder).
 */
const heapAtStartUp = getHeapStatistics().total_physical_size

/** Checks every HEAP_CHECK_INTERVAL_MS, with the real heap, event loop and collector unless given others. */
export function startHeapRelease(given?: HeapReleaseDeps): HeapRelease {
  const deps = given ?? processHeap()
  let heapAfterCollection = given ? deps.heapBytes() : Math.min(heapAtStartUp, deps.heapBytes())
  const check = (): boolean => {
    const quiet = deps.loopUtilization() < QUIET_LOOP_UTILIZATION
    const heap = deps.heapBytes()
    // Smaller than after the last collection (V8 shrank it itself): grow from there.
    heapAfterCollection = Math.min(heapAfterCollection, heap)
    if (deps.collect === null || !quiet || heap - heapAfterCollection < HEAP_GROWTH_TO_RELEASE) return false
    deps.collect()
    heapAfterCollection = deps.heapBytes()
    return true
  }
  const timer = setInterval(check, HEAP_CHECK_INTERVAL_MS)
  timer.unref()
  return { check, stop: () => clearInterval(timer) }
}

/** This process's heap, event loop and collector. */
export function processHeap(): HeapReleaseDeps {
  let since = performance.eventLoopUtilization()
  return {
    collect: fullCollection(),
    heapBytes: () => getHeapStatistics().total_physical_size,
    loopUtilization: () => {
      const now = performance.eventLoopUtilization()
      const utilization = performance.eventLoopUtilization(now, since).utilization
      since = now
      return utilization
    },
  }
}

let collector: (() => void) | null | undefined

/** V8's `gc`, got once for the process; `null` if it cannot be had. */
function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector
  collector = null
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    if (typeof gc === 'function') collector = () => void (gc as () => unknown)()
  } catch {
    // No `gc` to be had: memory is left to V8's own timing.
  } finally {
    // Only that one context gets `gc`: contexts and workers made later do not.
    setFlagsFromString('--no-expose-gc')
  }
  return collector
}
