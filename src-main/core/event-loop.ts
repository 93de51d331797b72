/**
 * Long work on the main process's one event loop (which the receiver, the API and the UI share)
 * is cut into slices with this between them, so a capture arriving meanwhile is answered in time.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
