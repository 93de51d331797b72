/**
 * The renderer's only way into the app: two functions on `window.inspector`, checked against
 * `InspectorBridge`. Sandboxed preloads must be CommonJS, so this stays one small file with no
 * imports beyond electron and the IPC channel names (bundled in).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, INVOKE_CHANNEL, type InspectorBridge } from '../shared/ipc-channels'

// The parameters take their types from InspectorBridge through `satisfies`.
const bridge = {
  // The main process answers every call with the dispatcher's envelope (electron/main.ts).
  invoke: (procedure, input) => ipcRenderer.invoke(INVOKE_CHANNEL, procedure, input),
  // Functions lose identity across contextBridge (electron/electron#33328), so the caller gets
  // its own unsubscribe instead of having to pass the same listener back.
  onEvent: (listener) => {
    // The main process sends the core's events in batches (arrays); listeners get them one by one.
    type Event = Parameters<typeof listener>[0]
    const forward = (_event: IpcRendererEvent, batch: unknown): void => {
      if (Array.isArray(batch)) for (const event of batch as Event[]) listener(event)
    }
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.off(EVENT_CHANNEL, forward)
    }
  },
} satisfies InspectorBridge

contextBridge.exposeInMainWorld('inspector', bridge)
