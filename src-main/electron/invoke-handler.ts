/**
 * What the main process does with each call the window makes over IPC (`INVOKE_CHANNEL`): only the
 * app's own top-level window may call; the call goes through the dispatcher like any client's;
 * the answer is made one value that IPC's structured clone carries whole. Kept out of the Electron
 * shell (main.ts registers it with `ipcMain.handle`) so that it runs, and is tested, in plain Node:
 * Electron's binary cannot start in the test environment.
 *
 * A large export crosses as its pieces (`exportCaptures` with `delivery: "pieces"`, then one
 * `readExportPiece` per call): one IPC message holding a 70 MB base64 string is serialised on the
 * main thread in one go while the receiver waits (see core/exchange/pending-exports.ts).
 */
import type { Dispatch } from '../api/dispatch'
import { joinPiecedTexts } from '../core/pieced-text'
import type { Result } from '../shared/errors'

/** What the check reads of the calling frame (Electron's WebFrameMain). */
export interface CallingFrame {
  readonly url: string
  /** `null` for a top-level frame. */
  readonly parent: unknown
}

export type InvokeHandler = (frame: CallingFrame | null, procedure: unknown, input: unknown) => Promise<Result<unknown>>

export function createInvokeHandler(dispatch: Dispatch, rendererUrl: string): InvokeHandler {
  return async (frame, procedure, input) => {
    if (!isTrustedFrame(frame, rendererUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'calls are only accepted from the app window' } }
    }
    const result = await dispatch(String(procedure), input)
    // IPC hands over one value: text given in pieces is joined (in one step; the window reads a
    // large export with delivery "pieces" instead, a piece per call, so it never comes to that).
    return result.ok ? { ok: true, value: joinPiecedTexts(result.value) } : result
  }
}

/** Only our own top-level renderer may call the core (pattern from httptoolkit-desktop). */
export function isTrustedFrame(frame: CallingFrame | null, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false
  try {
    const url = new URL(frame.url)
    const expected = new URL(rendererUrl)
    return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname
  } catch {
    return false
  }
}
