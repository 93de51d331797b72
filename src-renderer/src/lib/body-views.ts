/** Chooses how a body can be shown, from its content type and its bytes. */
import { decodeBody, decodeWithEncoding, type BodyEncoding, type DecodedBody } from './body-charset'
import { looksBinary, mediaType } from './bytes'
import { looksLikeXml, MAX_PRETTY_XML_CHARS } from './xml-pretty'
import { declaresJson } from '@shared/json-media-type'

export type BodyViewKind = 'json' | 'form' | 'xml' | 'text' | 'hex'

export interface BodyAnalysis {
  bytes: Uint8Array
  /** The body decoded as {@link decoded} says; `null` when the bytes do not decode. */
  text: string | null
  decoded: DecodedBody
  isBinary: boolean
  views: BodyViewKind[]
  preferred: BodyViewKind | null
  /**
   * The content type says JSON: a body that does not parse keeps the JSON view, which shows where
   * the syntax error is. Undeclared bodies that merely start with `{` or `[` lose it instead.
   */
  isJsonDeclared: boolean
  /** Why a content type's natural view is missing, e.g. text that does not decode. */
  notice: string | null
}

/** `decoded`: the bytes already decoded by {@link decodeBody} (off the UI thread, for a large capture). */
export function analyseBody(bytes: Uint8Array, contentType: string | null, decoded: DecodedBody = decodeBody(bytes, contentType)): BodyAnalysis {
  const type = mediaType(contentType)
  const isJsonDeclared = declaresJson(contentType)
  const base = { bytes, decoded, text: decoded.text, isBinary: false, isJsonDeclared, notice: null }
  if (bytes.length === 0) return { ...base, views: [], preferred: null }
  const { text } = decoded
  if (text === null) {
    return {
      ...base,
      isBinary: true,
      views: ['hex', 'text'],
      preferred: 'hex',
      notice: isTextualType(type) ? `Declared as ${type}, but the bytes are not valid ${decoded.encoding}.` : null,
    }
  }
  // A declared charset says "this is text" (B9); without one, control characters suggest binary.
  if (looksBinary(text) && (decoded.source !== 'declared' || text.includes('\u0000'))) {
    return { ...base, isBinary: true, views: ['hex', 'text'], preferred: 'hex' }
  }

  const trimmed = text.slice(0, 1024).trimStart()
  if (isJsonDeclared || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return { ...base, views: ['json', 'text', 'hex'], preferred: 'json' }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { ...base, views: ['form', 'text', 'hex'], preferred: 'form' }
  }
  // HTML is shown as raw text: re-indenting it as XML would mislead more than help.
  if (type.endsWith('/xml') || type.endsWith('+xml') || (type !== 'text/html' && looksLikeXml(text))) {
    if (text.length > MAX_PRETTY_XML_CHARS) {
      return {
        ...base,
        views: ['text', 'hex'],
        preferred: 'text',
        notice: 'XML this large is shown as raw text: formatting it would take too long.',
      }
    }
    return { ...base, views: ['xml', 'text', 'hex'], preferred: 'xml' }
  }
  return { ...base, views: ['text', 'hex'], preferred: 'text' }
}

/** The same analysis for a body that turned out not to be JSON: its next best view. */
export function withoutJsonView(analysis: BodyAnalysis): BodyAnalysis {
  const views = analysis.views.filter((kind) => kind !== 'json')
  return { ...analysis, views, preferred: views[0] ?? null }
}

function isTextualType(type: string): boolean {
  return type.startsWith('text/') || type.endsWith('json') || type.endsWith('xml') || type === 'application/x-www-form-urlencoded'
}

export interface FormFields {
  /** The first fields, in body order, duplicates kept; names and values decoded the way servers decode them. */
  fields: Array<[name: string, value: string]>
  /** How many fields the body holds in all. */
  total: number
  /**
   * Escapes read as UTF-8 that are not UTF-8 (`%FC` in a form sent without a charset): their
   * bytes show as U+FFFD, which the Form view says rather than passing it off as what was sent.
   */
  invalidUtf8Escapes?: true
}

/**
 * The first `maxFields` form fields and how many there are. Only those are decoded: decoding every
 * field of an 8 MB body (190,000 of them) held the UI thread for over a second to show 2,000.
 */
export function parseFormFields(text: string, maxFields: number = Number.POSITIVE_INFINITY, encoding: BodyEncoding | null = null): FormFields {
  let total = 0
  let shownEnd = 0
  for (let start = 0; start <= text.length;) {
    const separator = text.indexOf('&', start)
    const end = separator < 0 ? text.length : separator
    // Empty pieces (`a=1&&b=2`) are not fields.
    if (end > start && ++total <= maxFields) shownEnd = end
    start = end + 1
  }
  const shown = text.slice(0, shownEnd)
  // Escapes are bytes in the form's charset: URLSearchParams reads them as UTF-8 only, so a form
  // sent as ISO-8859-1 (`name=M%FCller`) showed "M�ller". A UTF-16 form's escapes are UTF-8, as
  // browsers write them (the search decodes them the same way: core/search/searchable-body.ts).
  if (encoding === null || encoding.decoderLabel === 'utf-8' || encoding.decoderLabel.startsWith('utf-16')) {
    // URLSearchParams drops a `?` that starts its input (a query string's); in a form body that `?`
    // belongs to the first name, and the leading `&` keeps it.
    const fields = [...new URLSearchParams(`&${shown}`)]
    // U+FFFD where the text has none: escapes that are no UTF-8.
    const replaced = !shown.includes('\ufffd') && fields.some(([name, value]) => name.includes('\ufffd') || value.includes('\ufffd'))
    return replaced ? { fields, total, invalidUtf8Escapes: true } : { fields, total }
  }
  const fields: FormFields['fields'] = []
  for (const piece of shown.split('&')) {
    if (piece === '') continue
    const equals = piece.indexOf('=')
    const name = equals === -1 ? piece : piece.slice(0, equals)
    fields.push([decodeFormComponent(name, encoding), equals === -1 ? '' : decodeFormComponent(piece.slice(equals + 1), encoding)])
  }
  return { fields, total }
}

/** `+` as a space and each run of escapes as bytes in the encoding; a `%` without two hex digits stays. */
function decodeFormComponent(text: string, encoding: BodyEncoding): string {
  return text.replaceAll('+', ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3)
    for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(run.slice(index * 3 + 1, index * 3 + 3), 16)
    return decodeWithEncoding(bytes, encoding, { fatal: false }) ?? run
  })
}
