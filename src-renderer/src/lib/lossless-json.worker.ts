/**
 * Parses a large JSON body off the UI thread. The document's columns come back as transferred
 * buffers (no copy); the text is not sent back, the caller already has it.
 */
import { parseLosslessJson, type LosslessJsonResult } from '@shared/lossless-json'

export interface JsonParseRequest {
  text: string
  maxNodes: number
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<JsonParseRequest>) => void) | null
  postMessage(message: LosslessJsonResult, transfer: Transferable[]): void
}

const scope = self as unknown as WorkerScope

scope.onmessage = (event) => {
  const result = parseLosslessJson(event.data.text, { maxNodes: event.data.maxNodes })
  if (!result.ok) {
    scope.postMessage(result, [])
    return
  }
  const { document } = result
  const columns = [
    document.kind,
    document.start,
    document.end,
    document.keyStart,
    document.keyEnd,
    document.parent,
    document.depth,
    document.subtreeEnd,
    document.childCount,
    document.flags,
  ]
  scope.postMessage(
    { ok: true, document: { ...document, text: '' } },
    columns.map((column) => column.buffer),
  )
}
