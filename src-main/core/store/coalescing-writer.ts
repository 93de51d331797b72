/**
 * Group commit: many callers ask for "a write that includes my change"; at most one write runs
 * at a time, and every request that arrives while one runs is served by the single next write.
 * A burst of N captures therefore costs at most two disk writes, and every caller's promise
 * settles only once a write that started after its request has finished.
 */
export function createCoalescingWriter(write: () => Promise<void>): () => Promise<void> {
  let running = false
  let waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = []

  async function drain(): Promise<void> {
    running = true
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      try {
        await write()
        for (const waiter of batch) waiter.resolve()
      } catch (error: unknown) {
        for (const waiter of batch) waiter.reject(error)
      }
    }
    running = false
  }

  return () =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ resolve, reject })
      if (!running) void drain()
    })
}
