/**
 * How long a test waits for something the app does on its own (a job to finish, a record to be
 * written, a tunnel to come back): far longer than it takes, because the CI machine runs every
 * suite at once on two cores and can leave a test's process without the CPU for seconds. A wait
 * that runs out is still a failure; a generous one costs time only when something is wrong.
 * For `expect.poll`, whose own default (1 s) is too short for such a machine, pass it as `timeout`.
 */
export const EVENTUAL_WAIT_MS = 20_000

/**
 * Waits for a value that arrives on its own (a tunnel back online, an event after a forward
 * settles) and returns it: `expect.poll` checks a value but hands none back.
 */
export async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, { timeoutMs = EVENTUAL_WAIT_MS, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
