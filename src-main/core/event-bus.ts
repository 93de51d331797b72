/** A tiny typed publish/subscribe bus; listeners that throw never break the publisher. */
export interface EventBus<E> {
  publish(event: E): void
  /** Whether anyone listens: lets hot paths skip building events nobody receives. */
  hasSubscribers(): boolean
  /** Returns its own unsubscribe, so callers across IPC/HTTP never need function identity. */
  subscribe(listener: (event: E) => void): () => void
}

export function createEventBus<E>(onListenerError: (error: unknown) => void): EventBus<E> {
  const listeners = new Set<(event: E) => void>()
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (error: unknown) {
          onListenerError(error)
        }
      }
    },
    hasSubscribers: () => listeners.size > 0,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** How long events wait to be handed over together (see {@link subscribeInBatches}). */
export const EVENT_BATCH_INTERVAL_MS = 16

/**
 * Subscribes with batching: events are handed over in arrays, at most one array every
 * `intervalMs`, in order. A flood publishes tens of thousands of events a second, and one IPC
 * message or one socket write per event would cost the app and the window more than the events
 * themselves; the renderer applies them in batches anyway. Unsubscribing drops what is pending.
 */
export function subscribeInBatches<E>(bus: Pick<EventBus<E>, 'subscribe'>, deliver: (events: E[]) => void, intervalMs = EVENT_BATCH_INTERVAL_MS): () => void {
  let pending: E[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    timer = undefined
    const events = pending
    pending = []
    if (events.length > 0) deliver(events)
  }
  const unsubscribe = bus.subscribe((event) => {
    pending.push(event)
    timer ??= setTimeout(flush, intervalMs)
  })
  return () => {
    unsubscribe()
    clearTimeout(timer)
    pending = []
  }
}
