/**
 * Background threads yield the CPU to the receiver. On the 2-core machines the app is measured on,
 * the search worker building sidecars or scanning 100,000 captures takes a whole core, and the
 * receiver's main thread then shares the other with the sender: its p99 rose while a search or
 * the upkeep ran. Linux applies `setpriority` to a single thread when given its thread id, so the
 * worker lowers its own niceness and the scheduler hands the core to the receiver whenever it
 * wants it; the search still gets every cycle the receiver leaves idle.
 *
 * Elsewhere (macOS, Windows), or where /proc is missing, the thread keeps its priority: lowering
 * the whole process would slow the receiver too.
 */
import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/** How much lower than the process a background thread runs (as `nice -n 10`). */
const BACKGROUND_NICENESS_STEP = 10
/** The lowest priority there is. */
const LOWEST_PRIORITY = 19

/** Lowers the calling thread's priority below the process's, on Linux; returns whether it did. */
export function lowerThisThreadsPriority(): boolean {
  if (process.platform !== 'linux') return false
  try {
    // /proc/thread-self is /proc/<pid>/task/<tid> for the calling thread.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    // Relative to what the thread has, never above it: an app started with `nice` keeps its place.
    setPriority(tid, Math.min(LOWEST_PRIORITY, getPriority(tid) + BACKGROUND_NICENESS_STEP))
    return true
  } catch {
    return false
  }
}
