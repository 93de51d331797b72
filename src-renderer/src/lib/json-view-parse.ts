/**
 * The JSON view's parse: lossless, capped at what the tree can hold, and shipped between threads
 * without copying its columns. Free of React and the DOM, so the workers import it too.
 */
import { parseLosslessJson, type LosslessJsonResult } from '@shared/lossless-json'

/** Above this many values the tree's columns would cost hundreds of MB; the raw text is shown. */
export const MAX_JSON_TREE_NODES = 2_000_000
/** Up to this length the parse takes a few milliseconds: done at once, with no "reading" flash; longer text is parsed in a worker. */
export const SYNC_PARSE_MAX_CHARS = 64 * 1024

export function parseForJsonView(text: string): LosslessJsonResult {
  return parseLosslessJson(text, { maxNodes: MAX_JSON_TREE_NODES })
}

/**
 * A parse result ready for `postMessage`: without its text (the receiver has it already; copying
 * megabytes would cost it as much as the parse saved) and with the columns' buffers to transfer.
 */
export function transferableParse(result: LosslessJsonResult): { message: LosslessJsonResult; transfer: ArrayBuffer[] } {
  if (!result.ok) return { message: result, transfer: [] }
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
  return { message: { ok: true, document: { ...document, text: '' } }, transfer: columns.map((column) => column.buffer as ArrayBuffer) }
}

/** A parse result received from a worker, given back the text its offsets point into. */
export function withParsedText(result: LosslessJsonResult, text: string): LosslessJsonResult {
  return result.ok ? { ok: true, document: { ...result.document, text } } : result
}
