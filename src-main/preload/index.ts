/**
 * The renderer's only way into the app: two functions on `window.inspector`. Sandboxed preloads
 * must be CommonJS, so this stays one small file with no imports beyond electron.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc-channels'

contextBridge.exposeInMainWorld('inspector', {
  invoke: (procedure: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(INVOKE_CHANNEL, procedure, input),
  // Functions lose identity across contextBridge (electron/electron#33328), so the caller gets
  // its own unsubscribe instead of having to pass the same listener back.
  onEvent: (listener: (event: unknown) => void): (() => void) => {
    // The main process sends events in batches (arrays); listeners get them one by one.
    const forward = (_event: IpcRendererEvent, batch: unknown): void => {
      if (Array.isArray(batch)) for (const event of batch) listener(event)
    }
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.off(EVENT_CHANNEL, forward)
    }
  },
})
