/**
 * The search process yields the CPU to the receiver. On the 2-core machines the app is measured
 * on, building sidecars or scanning 100,000 captures takes a whole core, and the receiver's main
 * thread then shares the other with the sender: its p99 rose while a search or the upkeep ran
 * (bench:scale: 55 ms during the clear at the same priority, 30 ms 10 steps below). The search
 * process lowers its own niceness, and the scheduler hands the core to the receiver whenever it
 * wants it; the search still gets every cycle the receiver leaves idle.
 *
 * Linux applies `setpriority` to one thread (the id given), not to the whole process, so each
 * thread the process has is lowered (V8's and libuv's helpers exist before the first line of the
 * entry runs; threads started later inherit the niceness of the thread that starts them).
 * Elsewhere (macOS, Windows) `setpriority` applies to the process.
 */
import { readdirSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/** How much lower than it was started with a background process runs (as `nice -n 10`). */
const BACKGROUND_NICENESS_STEP = 10
/** The lowest priority there is. */
const LOWEST_PRIORITY = 19

/** Lowers the calling process's priority (every thread of it, on Linux); returns whether it did. */
export function lowerThisProcessPriority(): boolean {
  try {
    const ids = process.platform === 'linux' ? readdirSync('/proc/self/task').map(Number) : [process.pid]
    for (const id of ids) {
      try {
        // Relative to what the thread has, never above it: an app started with `nice` keeps its place.
        setPriority(id, Math.min(LOWEST_PRIORITY, getPriority(id) + BACKGROUND_NICENESS_STEP))
      } catch {
        // A thread that ended meanwhile.
      }
    }
    return true
  } catch {
    return false
  }
}
