/** The stepped timeout with timers and a clock the test moves: no wall-clock time is measured. */
import { describe, expect, it } from 'vitest'
import { STALLED_STEP_MS, TIMEOUT_STEPS, startSteppedTimeout } from './stepped-timeout'
import type { TunnelTimers } from './supervisor-config'

/** Timers that fire in due order as the test moves the clock; `stall(ms)` moves it without firing any (a busy process). */
function createManualTime(): { clock: { now(): number }; timers: TunnelTimers; advance(ms: number): void; stall(ms: number): void; pending(): number } {
  let now = 0
  let nextId = 1
  const queue = new Map<number, { due: number; callback: () => void }>()
  return {
    clock: { now: () => now },
    timers: {
      setTimeout(callback, delayMs) {
        const id = nextId++
        queue.set(id, { due: now + delayMs, callback })
        return id
      },
      clearTimeout: (handle) => void queue.delete(handle as number),
    },
    advance(ms) {
      const target = now + ms
      for (;;) {
        const due = [...queue.entries()].filter(([, timer]) => timer.due <= target).sort((a, b) => a[1].due - b[1].due)[0]
        if (due === undefined) break
        queue.delete(due[0])
        now = Math.max(now, due[1].due)
        due[1].callback()
      }
      now = target
    },
    stall(ms) {
      now += ms
    },
    pending: () => queue.size,
  }
}

function start(time: ReturnType<typeof createManualTime>, budgetMs: number) {
  const events: string[] = []
  const cancel = startSteppedTimeout({
    timers: time.timers,
    clock: time.clock,
    budgetMs,
    onExpired: () => events.push(`expired at ${time.clock.now()}`),
    onStall: (lateMs) => events.push(`stalled ${lateMs}`),
  })
  return { events, cancel }
}

describe('stepped timeout', () => {
  it('expires after its budget when its steps fire on time', () => {
    const time = createManualTime()
    const { events } = start(time, 5_000)
    time.advance(4_999)
    expect(events).toEqual([])
    time.advance(1)
    expect(events).toEqual(['expired at 5000'])
    expect(time.pending()).toBe(0)
  })

  it('does not count a stall, however long: the process gets running time after it before the timeout', () => {
    const time = createManualTime()
    const { events } = start(time, 5_000)
    // The process is busy from just after the start until well past the budget: a plain timer would
    // fire first thing after the stall.
    time.advance(1)
    time.stall(8_000)
    time.advance(0)
    expect(events).toEqual(['stalled 7001'])
    // The late step is not counted: the whole budget is running time after the stall.
    time.advance(4_999)
    expect(events).toEqual(['stalled 7001'])
    time.advance(1)
    expect(events).toEqual(['stalled 7001', 'expired at 13001'])
  })

  it('does not count a stall that began in the last step', () => {
    const time = createManualTime()
    const { events } = start(time, 5_000)
    time.advance(4_500)
    time.stall(6_000)
    time.advance(0)
    expect(events).toEqual(['stalled 5500'])
    // The last step runs again: a fifth of the budget of running time after the stall.
    time.advance(999)
    expect(events).toEqual(['stalled 5500'])
    time.advance(1)
    expect(events).toEqual(['stalled 5500', 'expired at 11500'])
  })

  it('counts a step that is only a little late, as a busy process makes it', () => {
    const time = createManualTime()
    const { events } = start(time, 5_000)
    time.advance(999)
    time.stall(1 + STALLED_STEP_MS)
    time.advance(0)
    time.advance(4_000)
    expect(events).toEqual([`expired at ${5_000 + STALLED_STEP_MS}`])
  })

  it('lets off at most as many stalls as it has steps, so a process that keeps stalling still times out', () => {
    const time = createManualTime()
    const { events } = start(time, 5_000)
    // Every step fires a second late.
    for (let i = 0; i < TIMEOUT_STEPS * 2; i += 1) {
      time.stall(2_000)
      time.advance(0)
    }
    expect(events.filter((event) => event.startsWith('stalled'))).toHaveLength(TIMEOUT_STEPS)
    expect(events.at(-1)).toBe('expired at 20000')
  })

  it('does nothing once cancelled', () => {
    const time = createManualTime()
    const { events, cancel } = start(time, 5_000)
    time.advance(2_500)
    cancel()
    cancel()
    expect(time.pending()).toBe(0)
    time.advance(10_000)
    expect(events).toEqual([])
  })
})
