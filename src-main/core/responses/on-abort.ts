/**
 * One 'abort' listener per signal, however many answers wait on it. The app passes one signal
 * (app closing) to every pending delay and hang; adding a listener each would trip Node's
 * MaxListenersExceededWarning at 11 and keep a closure per finished answer until the app exits.
 */
const waitersBySignal = new WeakMap<AbortSignal, Set<() => void>>()

/** Calls `callback` once when `signal` aborts; returns a disposer that cancels it. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waiters = waitersBySignal.get(signal)
  if (waiters === undefined) {
    const created = new Set<() => void>()
    waiters = created
    waitersBySignal.set(signal, created)
    signal.addEventListener(
      'abort',
      () => {
        waitersBySignal.delete(signal)
        for (const waiter of [...created]) waiter()
      },
      { once: true },
    )
  }
  const registered = waiters
  registered.add(callback)
  return () => {
    registered.delete(callback)
  }
}
