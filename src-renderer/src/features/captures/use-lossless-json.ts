import { useEffect, useMemo, useState } from 'react'
import type { JsonSyntaxError, LosslessJsonDocument, LosslessJsonResult } from '@shared/lossless-json'
import { parseForJsonView, SYNC_PARSE_MAX_CHARS, withParsedText } from '../../lib/json-view-parse'
import type { JsonParseRequest } from '../../lib/lossless-json.worker'
import type { JsonParseJob } from '../../lib/prepared-body'

export { MAX_JSON_TREE_NODES } from '../../lib/json-view-parse'

export type JsonParseState = { status: 'parsing' } | { status: 'ok'; document: LosslessJsonDocument } | { status: 'error'; error: JsonSyntaxError }

/**
 * The lossless parse of a body's text: synchronous for small bodies, in a Web Worker for large
 * ones so the UI thread never stalls. `job`: that parse already under way in the capture loader's
 * worker (the text never has to be copied to another one); if it fails or stops, this parses
 * itself. `null` text (or `enabled` false) parses nothing.
 */
export function useLosslessJson(text: string | null, enabled: boolean, job: JsonParseJob | null = null): JsonParseState | null {
  const isSync = text !== null && enabled && text.length <= SYNC_PARSE_MAX_CHARS
  const syncState = useMemo(() => (isSync ? toState(parseForJsonView(text)) : null), [isSync, text])
  const [asyncState, setAsyncState] = useState<{ text: string; state: JsonParseState } | null>(null)

  useEffect(() => {
    if (text === null || !enabled || isSync) return
    let isCurrent = true
    const deliver = (result: LosslessJsonResult) => {
      if (isCurrent) setAsyncState({ text, state: toState(withParsedText(result, text)) })
    }
    let stopOwnParse: (() => void) | null = null
    const stopWatching = job?.watch((result) => {
      if (result !== null) deliver(result)
      else if (isCurrent) stopOwnParse = parseOffThread(text, deliver)
    })
    if (stopWatching === undefined) stopOwnParse = parseOffThread(text, deliver)
    return () => {
      isCurrent = false
      stopWatching?.()
      stopOwnParse?.()
    }
  }, [text, enabled, isSync, job])

  if (text === null || !enabled) return null
  if (syncState !== null) return syncState
  return asyncState !== null && asyncState.text === text ? asyncState.state : { status: 'parsing' }
}

/** Parses in a worker of its own; returns the function that stops it. */
function parseOffThread(text: string, deliver: (result: LosslessJsonResult) => void): () => void {
  let worker: Worker | null = null
  try {
    worker = new Worker(new URL('../../lib/lossless-json.worker.ts', import.meta.url), { type: 'module' })
  } catch {
    worker = null
  }
  if (worker === null) {
    // No worker (a restrictive policy): parse after this paint, so the raw text shows first.
    const timer = setTimeout(() => deliver(parseForJsonView(text)), 0)
    return () => clearTimeout(timer)
  }
  worker.onmessage = (event: MessageEvent<LosslessJsonResult>) => deliver(event.data)
  worker.onerror = () => deliver(parseForJsonView(text))
  const request: JsonParseRequest = { text }
  worker.postMessage(request)
  return () => worker.terminate()
}

function toState(result: LosslessJsonResult): JsonParseState {
  return result.ok ? { status: 'ok', document: result.document } : { status: 'error', error: result.error }
}
