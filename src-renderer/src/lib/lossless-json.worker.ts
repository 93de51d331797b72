/**
 * Parses a large JSON body off the UI thread. The document's columns come back as transferred
 * buffers (no copy); the text is not sent back, the caller already has it.
 */
import { parseForJsonView, transferableParse } from './json-view-parse'

export interface JsonParseRequest {
  text: string
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<JsonParseRequest>) => void) | null
  postMessage(message: unknown, transfer: Transferable[]): void
}

const scope = self as unknown as WorkerScope

scope.onmessage = (event) => {
  const { message, transfer } = transferableParse(parseForJsonView(event.data.text))
  scope.postMessage(message, transfer)
}
