import { useEffect, useMemo, useState } from 'react'
import { parseLosslessJson, type JsonSyntaxError, type LosslessJsonDocument, type LosslessJsonResult } from '@shared/lossless-json'
import type { JsonParseRequest } from '../../lib/lossless-json.worker'

/** Below this the parse takes a few milliseconds: done at once, with no "reading" flash. */
const SYNC_PARSE_MAX_CHARS = 64 * 1024
/** Above this many values the tree's columns would cost hundreds of MB; the raw text is shown. */
export const MAX_JSON_TREE_NODES = 2_000_000

export type JsonParseState = { status: 'parsing' } | { status: 'ok'; document: LosslessJsonDocument } | { status: 'error'; error: JsonSyntaxError }

/**
 * The lossless parse of a body's text: synchronous for small bodies, in a Web Worker for large
 * ones so the UI thread never stalls. `null` text (or `enabled` false) parses nothing.
 */
export function useLosslessJson(text: string | null, enabled: boolean): JsonParseState | null {
  const isSync = text !== null && enabled && text.length <= SYNC_PARSE_MAX_CHARS
  const syncState = useMemo(() => (isSync ? toState(parseLosslessJson(text, { maxNodes: MAX_JSON_TREE_NODES }), text) : null), [isSync, text])
  const [asyncState, setAsyncState] = useState<{ text: string; state: JsonParseState } | null>(null)

  useEffect(() => {
    if (text === null || !enabled || isSync) return
    let isCurrent = true
    const deliver = (result: LosslessJsonResult) => {
      if (isCurrent) setAsyncState({ text, state: toState(result, text) })
    }
    let worker: Worker | null = null
    try {
      worker = new Worker(new URL('../../lib/lossless-json.worker.ts', import.meta.url), { type: 'module' })
    } catch {
      worker = null
    }
    if (worker === null) {
      // No worker (a restrictive policy): parse after this paint, so the raw text shows first.
      const timer = setTimeout(() => deliver(parseLosslessJson(text, { maxNodes: MAX_JSON_TREE_NODES })), 0)
      return () => {
        isCurrent = false
        clearTimeout(timer)
      }
    }
    worker.onmessage = (event: MessageEvent<LosslessJsonResult>) => deliver(event.data)
    worker.onerror = () => deliver(parseLosslessJson(text, { maxNodes: MAX_JSON_TREE_NODES }))
    const request: JsonParseRequest = { text, maxNodes: MAX_JSON_TREE_NODES }
    worker.postMessage(request)
    return () => {
      isCurrent = false
      worker.terminate()
    }
  }, [text, enabled, isSync])

  if (text === null || !enabled) return null
  if (syncState !== null) return syncState
  return asyncState !== null && asyncState.text === text ? asyncState.state : { status: 'parsing' }
}

function toState(result: LosslessJsonResult, text: string): JsonParseState {
  // The worker does not send the text back; the document's offsets point into this one.
  return result.ok ? { status: 'ok', document: { ...result.document, text } } : { status: 'error', error: result.error }
}
