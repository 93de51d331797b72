import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EVENT_STREAM_SILENCE_MS, startEventStream, type LiveState } from './event-stream'

/** A server whose event streams the test writes to; each fetch opens one, aborted as the browser's would be. */
function fakeEventServer() {
  const streams: Array<{ write(text: string): void; isAborted(): boolean }> = []
  const fetchEvents = vi.fn((_url: RequestInfo | URL, init?: RequestInit) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let isAborted = false
    const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) })
    init?.signal?.addEventListener('abort', () => {
      isAborted = true
      controller.error(new DOMException('aborted', 'AbortError'))
    })
    streams.push({ write: (text) => controller.enqueue(new TextEncoder().encode(text)), isAborted: () => isAborted })
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }))
  }) as unknown as typeof fetch & ReturnType<typeof vi.fn>
  return { fetchEvents, streams }
}

describe('startEventStream', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('drops a stream that went silent (a connection that died without closing) and opens a new one', async () => {
    const server = fakeEventServer()
    const states: LiveState[] = []
    const stop = startEventStream(
      'Bearer t',
      { onEvent: () => undefined, onState: (state) => states.push(state), onUnauthorized: () => undefined },
      server.fetchEvents,
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(states).toEqual(['open'])

    // No heartbeat, no event, no close: the network went away.
    await vi.advanceTimersByTimeAsync(EVENT_STREAM_SILENCE_MS)
    expect(server.streams[0]?.isAborted()).toBe(true)
    expect(states).toEqual(['open', 'reconnecting'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(server.fetchEvents).toHaveBeenCalledTimes(2)
    expect(states).toEqual(['open', 'reconnecting', 'open'])
    stop()
  })

  it('keeps a stream that the heartbeat keeps alive, and delivers its events', async () => {
    const server = fakeEventServer()
    const states: LiveState[] = []
    const events: string[] = []
    const stop = startEventStream(
      'Bearer t',
      { onEvent: (event) => events.push(event.type), onState: (state) => states.push(state), onUnauthorized: () => undefined },
      server.fetchEvents,
    )
    await vi.advanceTimersByTimeAsync(0)
    for (let second = 0; second < 120; second += 15) {
      server.streams[0]?.write(': heartbeat\n\n')
      await vi.advanceTimersByTimeAsync(15_000)
    }
    server.streams[0]?.write('data: {"type":"endpoints-changed"}\n\n')
    await vi.advanceTimersByTimeAsync(0)
    expect(events).toEqual(['endpoints-changed'])
    expect(states).toEqual(['open'])
    expect(server.fetchEvents).toHaveBeenCalledTimes(1)
    stop()
    expect(server.streams[0]?.isAborted()).toBe(true)
  })
})
