/**
 * Waits for a value that arrives on its own (a tunnel back online, an event after a forward
 * settles) and returns it: `expect.poll` checks a value but hands none back.
 */
export async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, { timeoutMs = 10_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
