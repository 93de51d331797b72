/**
 * The renderer's only way to the core. It never knows which transport it has:
 * - Electron: the preload's `window.inspector` bridge (IPC);
 * - headless/browser: `POST /api/<procedure>` and a server-sent-events stream at `/api/events`,
 *   both with the per-run token as a Bearer header.
 */
import type { InspectorEvent, ProcedureInput, ProcedureName, ProcedureOutput } from '@shared/contract'
import type { CaptureDetail } from '@shared/views'
import type { Result } from '@shared/errors'
import type { InspectorBridge } from '@shared/ipc-channels'
import { forgetToken, takeTokenFromLocation } from './auth-token'
import { fetchCaptureInWorker, prepareBodiesInWorker } from './capture-detail-loader'
import { ApiCallError, invokeOverHttp } from './http-invoke'
import { startEventStream, type LiveState } from './event-stream'

declare global {
  interface Window {
    inspector?: InspectorBridge
  }
}

export { ApiCallError, type ClientErrorCode } from './http-invoke'

export type { LiveState } from './event-stream'

type EventListener = (event: InspectorEvent) => void
type LiveStateListener = (state: LiveState) => void

interface Transport {
  invoke(procedure: ProcedureName, input: unknown): Promise<Result<unknown>>
  /** `getCapture` for the detail view, its bodies prepared off the UI thread (capture-detail-loader.ts). */
  loadCapture(id: string, signal?: AbortSignal): Promise<Result<CaptureDetail>>
  /** Starts delivering events; returns the function that stops it. */
  openEvents(onEvent: EventListener, onState: LiveStateListener): () => void
}

let transport: Transport | null = null
let isUnauthorized = false
const eventListeners = new Set<EventListener>()
const liveStateListeners = new Set<LiveStateListener>()
const unauthorizedListeners = new Set<() => void>()
let liveState: LiveState = 'connecting'
let stopEvents: (() => void) | null = null

/** Picks the transport once at start-up. `missing-token`: a browser opened without `#token=`. */
export function connectApiClient(): 'ready' | 'missing-token' {
  if (window.inspector) {
    transport = createIpcTransport(window.inspector)
    return 'ready'
  }
  const token = takeTokenFromLocation()
  if (!token) return 'missing-token'
  transport = createHttpTransport(token)
  return 'ready'
}

export async function call<P extends ProcedureName>(procedure: P, input: ProcedureInput<P>): Promise<ProcedureOutput<P>> {
  if (!transport) throw new ApiCallError('UNAUTHORIZED', 'The API client is not connected.')
  return valueOrThrow((await transport.invoke(procedure, input)) as Result<ProcedureOutput<P>>)
}

/**
 * `getCapture` for the detail view: the same capture, with its bodies decoded (and a large JSON
 * body's parse started) in a worker; the body viewer finds them with `preparedBodiesOf`.
 */
export async function loadCapture(id: string, signal?: AbortSignal): Promise<CaptureDetail> {
  if (!transport) throw new ApiCallError('UNAUTHORIZED', 'The API client is not connected.')
  return valueOrThrow(await transport.loadCapture(id, signal))
}

function valueOrThrow<T>(result: Result<T>): T {
  if (result.ok) return result.value
  if (result.error.code === 'UNAUTHORIZED') markUnauthorized()
  throw new ApiCallError(result.error.code, result.error.message)
}

/** Live events from the core; the stream is opened while at least one listener is subscribed. */
export function subscribe(listener: EventListener): () => void {
  eventListeners.add(listener)
  if (eventListeners.size === 1 && transport && !isUnauthorized) {
    stopEvents = transport.openEvents((event) => {
      for (const each of eventListeners) each(event)
    }, setLiveState)
  }
  return () => {
    eventListeners.delete(listener)
    if (eventListeners.size === 0 && stopEvents) {
      stopEvents()
      stopEvents = null
      setLiveState('connecting')
    }
  }
}

export function subscribeLiveState(listener: LiveStateListener): () => void {
  liveStateListeners.add(listener)
  return () => liveStateListeners.delete(listener)
}

export function getLiveState(): LiveState {
  return liveState
}

/** Called once when the API rejects the token (e.g. the headless app restarted with a new one). */
export function subscribeUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener)
  return () => unauthorizedListeners.delete(listener)
}

export function getIsUnauthorized(): boolean {
  return isUnauthorized
}

function setLiveState(state: LiveState): void {
  if (state === liveState) return
  liveState = state
  for (const listener of liveStateListeners) listener(state)
}

function markUnauthorized(): void {
  if (isUnauthorized) return
  isUnauthorized = true
  forgetToken()
  stopEvents?.()
  stopEvents = null
  for (const listener of unauthorizedListeners) listener()
}

function createIpcTransport(bridge: InspectorBridge): Transport {
  return {
    invoke: (procedure, input) => bridge.invoke(procedure, input),
    async loadCapture(id, signal) {
      const result = (await bridge.invoke('getCapture', { id })) as Result<CaptureDetail>
      return result.ok ? { ok: true, value: await prepareBodiesInWorker(result.value, signal) } : result
    },
    openEvents(onEvent, onState) {
      const unsubscribe = bridge.onEvent(onEvent)
      onState('open')
      return unsubscribe
    },
  }
}

function createHttpTransport(token: string): Transport {
  const authorization = `Bearer ${token}`
  return {
    invoke: (procedure, input) => invokeOverHttp(authorization, procedure, input),
    loadCapture: (id, signal) => fetchCaptureInWorker(authorization, id, () => invokeOverHttp(authorization, 'getCapture', { id }), signal),
    openEvents(onEvent, onState) {
      return startEventStream(authorization, { onEvent, onState, onUnauthorized: markUnauthorized })
    },
  }
}
