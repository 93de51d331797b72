/** Chooses how a body can be shown, from its content type and its bytes. */
import { decodeUtf8Strict, looksBinary, mediaType } from './bytes'
import { looksLikeXml } from './xml-pretty'

export type BodyViewKind = 'json' | 'form' | 'xml' | 'text' | 'hex'

/** Above this, the collapsible tree would cost too much to build; pretty text is shown instead. */
export const MAX_JSON_TREE_BYTES = 2 * 1024 * 1024

export interface BodyAnalysis {
  bytes: Uint8Array
  /** Strict UTF-8 decoding; `null` when the bytes are not valid UTF-8. */
  text: string | null
  isBinary: boolean
  views: BodyViewKind[]
  preferred: BodyViewKind | null
  json: { ok: true; value: unknown } | { ok: false; message: string } | null
  /** Why a content type's natural view is missing, e.g. a JSON content type that does not parse. */
  notice: string | null
}

export function analyseBody(bytes: Uint8Array, contentType: string | null): BodyAnalysis {
  const type = mediaType(contentType)
  const base = { bytes, text: null, isBinary: false, json: null, notice: null }
  if (bytes.length === 0) return { ...base, views: [], preferred: null }
  const text = decodeUtf8Strict(bytes)
  if (text === null) {
    return {
      ...base,
      isBinary: true,
      views: ['hex', 'text'],
      preferred: 'hex',
      notice: isTextualType(type) ? `Declared as ${type}, but the bytes are not valid UTF-8.` : null,
    }
  }
  if (looksBinary(text)) return { ...base, text, isBinary: true, views: ['hex', 'text'], preferred: 'hex' }

  const isJsonType = type === 'application/json' || type.endsWith('+json') || type === 'text/json'
  const trimmed = text.trimStart()
  if (isJsonType || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = parseJson(text)
    if (json.ok) return { ...base, text, json, views: ['json', 'text', 'hex'], preferred: 'json' }
    if (isJsonType) {
      return { ...base, text, json, views: ['text', 'hex'], preferred: 'text', notice: `Not valid JSON: ${json.message}` }
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { ...base, text, views: ['form', 'text', 'hex'], preferred: 'form' }
  }
  // HTML is shown as raw text: re-indenting it as XML would mislead more than help.
  if (type.endsWith('/xml') || type.endsWith('+xml') || (type !== 'text/html' && looksLikeXml(text))) {
    return { ...base, text, views: ['xml', 'text', 'hex'], preferred: 'xml' }
  }
  return { ...base, text, views: ['text', 'hex'], preferred: 'text' }
}

function isTextualType(type: string): boolean {
  return (
    type.startsWith('text/') ||
    type.endsWith('json') ||
    type.endsWith('xml') ||
    type === 'application/x-www-form-urlencoded'
  )
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error: unknown) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) }
  }
}

/** Form fields in body order, duplicates kept; values decoded the way servers decode them. */
export function parseFormFields(text: string): Array<[name: string, value: string]> {
  return [...new URLSearchParams(text)]
}
