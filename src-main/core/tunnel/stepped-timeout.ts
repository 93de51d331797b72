/**
 * A timeout that does not count time the process could not run: the health probe's.
 *
 * Why: after the main process stalls (a long synchronous task; the machine asleep), Node runs the
 * timers that came due before it reads the sockets. A plain 5 s timer set when the probe went out
 * then fires first and aborts the probe, though its request reached this machine during the stall
 * and its answer was on the way: the probe counted as failed, and two such stalls 2 s apart
 * dropped a working tunnel. Looking once more before aborting (one `setImmediate`) is not enough
 * with a real server: the answer still has to go from the receiver back through the tunnel server
 * to the probe, a network round trip at least.
 *
 * How: the budget runs as a chain of steps (a fifth of it each). A step that fires much later than
 * due tells of a stall and is not counted: it runs again. So after a stall, however long, the
 * process has at least one step of running time (1 s of the probe's 5 s; the whole budget when the
 * stall began in the first step) to read the answer before the timeout is declared. At most `steps`
 * late steps are let off, so a process that keeps stalling still times its probe out (within twice
 * the budget plus the stalls).
 */
import type { TunnelTimers } from './supervisor-config'

/** Steps the budget is cut into: the share of it a stall can hide is one step. */
export const TIMEOUT_STEPS = 5

/**
 * A step firing this much later than due is taken for a stall and not counted. Well above how late
 * a busy process's timers usually are (tens of ms, a few hundred under heavy load), so only a stall
 * stretches the timeout, and then by its own length plus a step at most.
 */
export const STALLED_STEP_MS = 500

export interface SteppedTimeoutOptions {
  timers: TunnelTimers
  clock: { now(): number }
  budgetMs: number
  /** Called once, after `budgetMs` of steps that fired on time. */
  onExpired: () => void
  /** Called for each step not counted, with how late it fired. */
  onStall?: (lateMs: number) => void
  steps?: number
}

/** Starts the timeout; returns its cancel (idempotent). */
export function startSteppedTimeout({ timers, clock, budgetMs, onExpired, onStall, steps = TIMEOUT_STEPS }: SteppedTimeoutOptions): () => void {
  const stepMs = budgetMs / steps
  let stepsLeft = steps
  let stallsLeft = steps
  let handle: unknown = null
  let isDone = false

  const arm = (): void => {
    const due = clock.now() + stepMs
    handle = timers.setTimeout(() => {
      handle = null
      if (isDone) return
      const lateMs = clock.now() - due
      if (lateMs > STALLED_STEP_MS && stallsLeft > 0) {
        stallsLeft -= 1
        onStall?.(lateMs)
      } else {
        stepsLeft -= 1
      }
      if (stepsLeft > 0) return arm()
      isDone = true
      onExpired()
    }, stepMs)
  }

  arm()
  return () => {
    isDone = true
    if (handle !== null) timers.clearTimeout(handle)
    handle = null
  }
}
