import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createEventBus, subscribeInBatches } from './event-bus'

describe('subscribeInBatches', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('hands events over in order, one array per interval, and nothing after unsubscribing', () => {
    const bus = createEventBus<number>(() => undefined)
    const batches: number[][] = []
    const unsubscribe = subscribeInBatches(bus, (events) => batches.push(events), 16)
    for (let event = 1; event <= 1000; event++) bus.publish(event)
    expect(batches).toEqual([])
    vi.advanceTimersByTime(16)
    expect(batches).toHaveLength(1)
    expect(batches[0]).toEqual(Array.from({ length: 1000 }, (_, index) => index + 1))
    bus.publish(1001)
    bus.publish(1002)
    vi.advanceTimersByTime(16)
    expect(batches[1]).toEqual([1001, 1002])
    bus.publish(1003)
    unsubscribe()
    vi.advanceTimersByTime(100)
    expect(batches).toHaveLength(2)
    expect(bus.hasSubscribers()).toBe(false)
  })
})
