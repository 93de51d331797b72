/**
 * Loads a capture for the detail view off the UI thread. For a 10 MB body that is a 13 MB JSON
 * envelope to parse, 13 MB of base64 to decode, 10 MB of bytes to decode as text and, for JSON,
 * the JSON view's parse: each stalled the window for 50-200 ms when the UI thread did it.
 *
 * What the UI thread receives comes in short tasks: `capture` (the detail), its base64 in pieces,
 * `text` (the bodies' bytes, transferred, not copied, and their texts: the capture is complete),
 * then a `json` per body whose JSON view is parsed here. Then it closes.
 */
import type { CaptureDetail } from '@shared/views'
import { errorMessage, type ApiError } from '@shared/errors'
import type { LosslessJsonResult } from '@shared/lossless-json'
import { base64ToBytes } from '../lib/bytes'
import { decodeContentCoding, type ContentDecoding } from '../lib/content-coding'
import { parseForJsonView, transferableParse } from '../lib/json-view-parse'
import { bodySourceOf, contentBytes, isJsonParsedInWorker, readBodyText, type BodySource, type BodyText } from '../lib/prepared-body'
import { ApiCallError, invokeOverHttp, type ClientErrorCode } from './http-invoke'

/**
 * The detail's base64 crosses in pieces of this many characters, which the UI thread appends
 * into a rope that is only copied if something reads it: receiving a message costs it a task as
 * long as copying the message, and 13 MB of base64 in one made the longest task of the load.
 */
const BASE64_PIECE_CHARS = 1 << 20

export type { BodySource }

export type CaptureDetailRequest =
  /** Headless: call `getCapture` from here, so the UI thread never holds the envelope's JSON text. */
  | { kind: 'fetch'; authorization: string; id: string }
  /** Electron: the detail came over IPC; prepare its bodies. `isIntact`: false for a damaged capture, whose body is never shown. */
  | { kind: 'decode'; request: BodySource; response: BodySource; isIntact: boolean }

export type BodyRole = 'request' | 'response'

export type CaptureDetailMessage =
  /** The API answered `getCapture` with an error. */
  | { kind: 'refused'; error: ApiError }
  /** No answer to `getCapture` (unreachable, or not an envelope). */
  | { kind: 'unreachable'; code: ClientErrorCode; message: string }
  /** This worker failed (a bug): the caller loads the capture the way it would without a worker. */
  | { kind: 'crashed'; message: string }
  /** `fetch` only: the detail with its bodies' base64 empty; the base64 follows in pieces. */
  | { kind: 'capture'; detail: CaptureDetail }
  /** The next piece of a body's base64, in order. */
  | { kind: 'base64-piece'; body: BodyRole; piece: string }
  /**
   * The bodies' bytes, their content decompressed (both transferred, not copied) and their texts:
   * the capture is complete. `parsesJson`: a `json` follows for that body.
   */
  | {
      kind: 'text'
      bytes: Record<BodyRole, Uint8Array>
      content: Record<BodyRole, ContentDecoding>
      text: Record<BodyRole, BodyText>
      parsesJson: Record<BodyRole, boolean>
    }
  | { kind: 'json'; body: BodyRole; result: LosslessJsonResult }

interface WorkerScope {
  onmessage: ((event: MessageEvent<CaptureDetailRequest>) => void) | null
  postMessage(message: CaptureDetailMessage, transfer?: Transferable[]): void
  close(): void
}

const scope = self as unknown as WorkerScope
const ROLES: readonly BodyRole[] = ['request', 'response']

scope.onmessage = (event) => {
  load(event.data)
    .catch((error: unknown) => scope.postMessage({ kind: 'crashed', message: errorMessage(error) }))
    .finally(() => scope.close())
}

async function load(request: CaptureDetailRequest): Promise<void> {
  let sources: Record<BodyRole, BodySource>
  let isIntact: boolean
  if (request.kind === 'fetch') {
    const detail = await fetchCapture(request.authorization, request.id)
    if (detail === null) return
    sources = {
      request: bodySourceOf(detail.request.bodyBase64, detail.request.headers),
      response: bodySourceOf(detail.responseBodyBase64, detail.response.headers),
    }
    isIntact = detail.damage === null
    // Sent before decoding, so the UI thread receives the pieces while this thread decodes.
    scope.postMessage({ kind: 'capture', detail: { ...detail, request: { ...detail.request, bodyBase64: '' }, responseBodyBase64: '' } })
    for (const role of ROLES) {
      const { base64 } = sources[role]
      for (let start = 0; start < base64.length; start += BASE64_PIECE_CHARS) {
        scope.postMessage({ kind: 'base64-piece', body: role, piece: base64.slice(start, start + BASE64_PIECE_CHARS) })
      }
    }
  } else {
    sources = { request: request.request, response: request.response }
    isIntact = request.isIntact
  }

  const bytes = { request: base64ToBytes(sources.request.base64), response: base64ToBytes(sources.response.base64) }
  const content = {
    request: await decodeContentCoding(bytes.request, sources.request.contentEncoding),
    response: await decodeContentCoding(bytes.response, sources.response.contentEncoding),
  }
  const readable = { request: contentBytes(bytes.request, content.request), response: contentBytes(bytes.response, content.response) }
  const texts = {
    request: readBodyText(readable.request, sources.request.contentType),
    response: readBodyText(readable.response, sources.response.contentType),
  }
  const parsesJson = {
    request: isIntact && isJsonParsedInWorker(readable.request, sources.request.contentType, texts.request.decoded),
    response: isIntact && isJsonParsedInWorker(readable.response, sources.response.contentType, texts.response.decoded),
  }
  const transfer = new Set([bytes.request.buffer, bytes.response.buffer, readable.request.buffer, readable.response.buffer])
  scope.postMessage({ kind: 'text', bytes, content, text: texts, parsesJson }, [...transfer])
  for (const role of ROLES) {
    const text = texts[role].decoded.text
    if (!parsesJson[role] || text === null) continue
    const { message, transfer } = transferableParse(parseForJsonView(text))
    scope.postMessage({ kind: 'json', body: role, result: message }, transfer)
  }
}

/** The capture, or `null` once the failure is posted. */
async function fetchCapture(authorization: string, id: string): Promise<CaptureDetail | null> {
  try {
    const result = await invokeOverHttp(authorization, 'getCapture', { id })
    if (result.ok) return result.value as CaptureDetail
    scope.postMessage({ kind: 'refused', error: result.error })
  } catch (error: unknown) {
    if (!(error instanceof ApiCallError)) throw error
    scope.postMessage({ kind: 'unreachable', code: error.code, message: error.message })
  }
  return null
}
