/** IPC channel names shared by the Electron main process and the preload bridge. */
export const INVOKE_CHANNEL = 'inspector:invoke'
export const EVENT_CHANNEL = 'inspector:event'
