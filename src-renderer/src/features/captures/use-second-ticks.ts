import { useEffect, useState } from 'react'

/**
 * One clock for every view that counts down (a pending answer in each visible row): a single
 * interval runs while at least one of them is live, and none at all otherwise.
 */
const TICK_MS = 1000
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | undefined

function subscribeTick(listener: () => void): () => void {
  listeners.add(listener)
  timer ??= setInterval(() => {
    for (const each of listeners) each()
  }, TICK_MS)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

/**
 * Re-renders the calling view every second while `isLive` (it reads the time itself); a view that
 * is not live costs nothing.
 */
export function useSecondTicks(isLive: boolean): void {
  const [, setTick] = useState(0)
  useEffect(() => {
    if (!isLive) return undefined
    return subscribeTick(() => setTick((tick) => tick + 1))
  }, [isLive])
}
