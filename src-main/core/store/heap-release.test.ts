/**
 * The heap is collected once after a burst, when the event loop has gone quiet, and not again
 * until it has grown once more; a busy loop is never held by a collection.
 */
import { getHeapStatistics } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { HEAP_GROWTH_TO_RELEASE, processHeap, QUIET_LOOP_UTILIZATION, startHeapRelease, type HeapReleaseDeps } from './heap-release'

const MiB = 1_048_576

/** A heap whose size and loop utilisation the test sets; a collection brings the heap down to `live`. */
function fakeHeap(start: number) {
  const state = { heap: start, live: start, utilization: 0, collections: 0 }
  const deps: HeapReleaseDeps = {
    collect() {
      state.collections++
      state.heap = state.live
    },
    heapBytes: () => state.heap,
    loopUtilization: () => state.utilization,
  }
  return { state, deps }
}

describe('heap release', () => {
  it('collects once the loop is quiet after the heap grew, and not again until it grows once more', () => {
    const { state, deps } = fakeHeap(40 * MiB)
    const release = startHeapRelease(deps)
    try {
      // A flood: the heap grows while the loop is busy.
      state.heap += HEAP_GROWTH_TO_RELEASE + 4 * MiB
      state.live = 45 * MiB
      state.utilization = 0.6
      expect(release.check()).toBe(false)
      // Quiet again: one collection.
      state.utilization = QUIET_LOOP_UTILIZATION / 2
      expect(release.check()).toBe(true)
      expect(state.heap).toBe(45 * MiB)
      expect(release.check()).toBe(false)
      // Grown by less than is worth a collection: left alone.
      state.heap += HEAP_GROWTH_TO_RELEASE - MiB
      expect(release.check()).toBe(false)
      state.heap += 2 * MiB
      expect(release.check()).toBe(true)
      expect(state.collections).toBe(2)
    } finally {
      release.stop()
    }
  })

  it('counts growth from where V8 shrank the heap itself', () => {
    const { state, deps } = fakeHeap(60 * MiB)
    const release = startHeapRelease(deps)
    try {
      state.heap = 30 * MiB
      expect(release.check()).toBe(false)
      state.heap = 30 * MiB + HEAP_GROWTH_TO_RELEASE
      expect(release.check()).toBe(true)
    } finally {
      release.stop()
    }
  })

  it('does nothing where no collector can be had', () => {
    const { state, deps } = fakeHeap(40 * MiB)
    const release = startHeapRelease({ ...deps, collect: null })
    try {
      state.heap += 2 * HEAP_GROWTH_TO_RELEASE
      expect(release.check()).toBe(false)
    } finally {
      release.stop()
    }
  })

  it('gets a real collector in Node, which frees what nothing refers to any more', () => {
    const { collect } = processHeap()
    expect(collect).not.toBeNull()
    // About 16 MiB of arrays that are garbage once this returns.
    const garbageMade = (): number => Array.from({ length: 200 }, () => Array.from({ length: 10_000 }, (_unused, index) => index)).length
    expect(garbageMade()).toBe(200)
    const usedBefore = getHeapStatistics().used_heap_size
    ;(collect as () => void)()
    expect(getHeapStatistics().used_heap_size).toBeLessThan(usedBefore - 8 * MiB)
  })
})
