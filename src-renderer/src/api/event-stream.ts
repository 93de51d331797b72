/**
 * Reads `GET /api/events` with fetch (EventSource cannot send headers) and re-opens it with backoff
 * whenever it drops. Every time it (re)opens, the caller hears `open`; events sent while it was down
 * are lost, so the caller refetches what it shows.
 *
 * A connection can also die without closing: the network drops, a laptop sleeps, an SSH tunnel to a
 * remote headless app goes away, and no FIN or RST ever arrives. The read then waits forever and the
 * tab goes on showing "Live" and whatever the app last said (the tunnel "Online" among it). The API
 * writes a heartbeat comment every 15 s (http-api.ts SSE_HEARTBEAT_MS), so a stream silent for
 * {@link EVENT_STREAM_SILENCE_MS} is dead: it is dropped and re-opened like one that closed.
 */
import type { InspectorEvent } from '@shared/contract'
import { createSseParser } from './sse-parser'

/** Three of the API's heartbeats missed: longer than any pause a live stream has. */
export const EVENT_STREAM_SILENCE_MS = 45_000
const RECONNECT_INITIAL_MS = 500
const RECONNECT_MAX_MS = 10_000

/** `connecting`: not opened yet; `open`: events flow; `reconnecting`: it was open and dropped. */
export type LiveState = 'connecting' | 'open' | 'reconnecting'

export interface EventStreamHandlers {
  onEvent(event: InspectorEvent): void
  onState(state: LiveState): void
  /** The token was refused: the stream stops for good. */
  onUnauthorized(): void
}

/** Starts reading; returns the function that stops it. `fetchEvents` is the browser's fetch unless a test gives its own. */
export function startEventStream(authorization: string, handlers: EventStreamHandlers, fetchEvents: typeof fetch = (...args) => fetch(...args)): () => void {
  let isStopped = false
  let controller: AbortController | null = null
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let silenceTimer: ReturnType<typeof setTimeout> | undefined
  let delayMs = RECONNECT_INITIAL_MS
  let hasOpenedBefore = false

  function expectMoreWithin(reading: AbortController): void {
    clearTimeout(silenceTimer)
    silenceTimer = setTimeout(() => reading.abort(), EVENT_STREAM_SILENCE_MS)
  }

  async function connect(): Promise<void> {
    const reading = new AbortController()
    controller = reading
    try {
      const response = await fetchEvents('/api/events', {
        headers: { Authorization: authorization, Accept: 'text/event-stream' },
        cache: 'no-store',
        signal: reading.signal,
      })
      if (response.status === 401) {
        handlers.onUnauthorized()
        return
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`)
      hasOpenedBefore = true
      delayMs = RECONNECT_INITIAL_MS
      handlers.onState('open')
      const parser = createSseParser((message) => {
        let event: InspectorEvent
        try {
          event = JSON.parse(message.data) as InspectorEvent
        } catch {
          return
        }
        if (typeof event === 'object' && event !== null && typeof event.type === 'string') handlers.onEvent(event)
      })
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      // Aborting the fetch errors the pending read, so a silent stream ends here like a dropped one.
      expectMoreWithin(reading)
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        expectMoreWithin(reading)
        parser.push(value)
      }
    } catch {
      // Dropped, refused or silent: retried below.
    }
    clearTimeout(silenceTimer)
    if (isStopped) return
    handlers.onState(hasOpenedBefore ? 'reconnecting' : 'connecting')
    retryTimer = setTimeout(() => void connect(), delayMs)
    delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS)
  }

  void connect()
  return () => {
    isStopped = true
    clearTimeout(retryTimer)
    clearTimeout(silenceTimer)
    controller?.abort()
  }
}
