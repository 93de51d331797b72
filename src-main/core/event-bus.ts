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
