/**
 * The Electron IPC between the preload and the main process: its channel names, and the bridge the
 * preload exposes to the renderer as `window.inspector`. The bridge's type lives here, beside the
 * channels, so the preload object is checked against it (`satisfies`) and the renderer uses the
 * same type; the imports are type-only, so the preload bundle gains no code.
 */
import type { InspectorEvent } from './contract'
import type { Result } from './errors'

export const INVOKE_CHANNEL = 'inspector:invoke'
export const EVENT_CHANNEL = 'inspector:event'

/** The bridge the preload exposes with contextBridge (`window.inspector`). */
export interface InspectorBridge {
  /** Calls a procedure; the main process answers with the dispatcher's envelope, never a throw. */
  invoke: (procedure: string, input: unknown) => Promise<Result<unknown>>
  /** Delivers events one by one until the returned function is called. */
  onEvent: (listener: (event: InspectorEvent) => void) => () => void
}
