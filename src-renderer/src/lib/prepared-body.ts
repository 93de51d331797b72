/**
 * A body made ready for the body viewer: its bytes, its text (by the one charset rule) and, for a
 * large JSON body, the JSON view's parse under way. The capture loader prepares a capture's bodies
 * in a worker (api/capture-detail.worker.ts), so opening a 10 MB capture neither decodes nor
 * parses on the UI thread; the viewer does the same work itself for a body that comes without it.
 */
import { headerValue, type HeaderPairs } from '@shared/http-message'
import type { LosslessJsonResult } from '@shared/lossless-json'
import { decodeBody, type DecodedBody } from './body-charset'
import { analyseBody } from './body-views'
import { decodeUtf8Lenient } from './bytes'
import type { ContentDecoding } from './content-coding'
import { SYNC_PARSE_MAX_CHARS } from './json-view-parse'

export interface BodyText {
  decoded: DecodedBody
  /** What the Raw view shows of bytes that do not decode: UTF-8 with U+FFFD. `null` when they decode. */
  lenientText: string | null
}

export interface PreparedBody extends BodyText {
  /** The bytes received. */
  bytes: Uint8Array
  /** Its `Content-Encoding` undone (then the text is the decompressed content's), or why it could not be. */
  content: ContentDecoding
  /** The JSON view's parse of the text, when the body opens as JSON and is too long to parse at once; else `null`. */
  json: JsonParseJob | null
}

/** A parse running in a worker, for views that may stop waiting for it. */
export interface JsonParseJob {
  /**
   * Calls `onDone` once, later, with the parse, or with `null` when it failed or was stopped (the
   * view then parses the text itself). Returns the function that stops waiting: when no view
   * waits any more, the parse stops.
   */
  watch(onDone: (result: LosslessJsonResult | null) => void): () => void
}

/** A body as the core sends it, and how it is declared: what the capture worker needs to prepare it. */
export interface BodySource {
  base64: string
  contentType: string | null
  /** Undone (gzip, deflate) before the text is read. */
  contentEncoding: string | null
}

export function bodySourceOf(base64: string, headers: HeaderPairs): BodySource {
  return { base64, contentType: headerValue(headers, 'content-type') ?? null, contentEncoding: headerValue(headers, 'content-encoding') ?? null }
}

/** The bytes the text is read from: the content decompressed, else the bytes received. */
export function contentBytes(bytes: Uint8Array, content: ContentDecoding): Uint8Array {
  return content.kind === 'decoded' ? content.bytes : bytes
}

/** The text the viewer shows for these bytes: what {@link BodyViewer} would decode itself. */
export function readBodyText(bytes: Uint8Array, contentType: string | null): BodyText {
  const decoded = decodeBody(bytes, contentType)
  return { decoded, lenientText: decoded.text === null ? decodeUtf8Lenient(bytes) : null }
}

/** Whether the viewer will show this body as JSON and parse it in a worker (the rule of body-views and useLosslessJson). */
export function isJsonParsedInWorker(bytes: Uint8Array, contentType: string | null, decoded: DecodedBody): boolean {
  return decoded.text !== null && decoded.text.length > SYNC_PARSE_MAX_CHARS && analyseBody(bytes, contentType, decoded).views.includes('json')
}
