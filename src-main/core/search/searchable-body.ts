/**
 * The text a search looks for in a body: derived for search only, never shown or stored as the
 * body. Text-like bodies (JSON, form, XML, text, and bytes that are plainly text) are decoded in
 * their declared charset, gzip/deflate/brotli content is inflated with a hard output cap (a gzip
 * bomb must not take the search down), and a second, decoded copy is appended where the wire
 * form hides what a person would type: form fields (`name=Alex+Smith` → `name=alex smith`), JSON
 * string escapes (`M\u00fcller` → `müller`), XML character references. Each copy is folded (case
 * folded, NFC) and without JSON spacing (shared/search-text-form.ts), the form phrases are looked
 * for in. Binary bodies give `null`: they are never matched.
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { bodyCharset, bodyEncodingOf, declaredCharset, decodeWithEncoding } from '../../shared/body-charset'
import { decodeContentCoding, MAX_DECODED_BODY_BYTES } from '../content-coding'
import { looksLikeText } from '../../shared/text-sniff'
import { assertNever } from '../../shared/assert-never'
import { foldForSearch, withoutJsonSpacing } from '../../shared/search-text-form'

/**
 * A compressed body that inflates to more than this is not searched: past it, it is a bomb, not a
 * callback. The one cap of core/content-coding.ts, which decodes for search and for redaction alike.
 */
export const MAX_INFLATED_BODY_BYTES = MAX_DECODED_BODY_BYTES

/** What decides how a body is read: the request's `Content-Type` and `Content-Encoding`. */
export interface BodyDescription {
  contentType: string | null
  contentEncoding: string | null
}

/** The `Content-Type` and `Content-Encoding` of a request's headers. */
export function bodyDescriptionOf(headers: HeaderPairs): BodyDescription {
  return { contentType: headerValue(headers, 'content-type') ?? null, contentEncoding: headerValue(headers, 'content-encoding') ?? null }
}

/**
 * The body as searchable text (folded, without JSON spacing), or `null` when there is nothing to
 * search: empty, binary, compressed in an unknown way, undecodable, or inflating past
 * MAX_INFLATED_BODY_BYTES.
 */
export function searchableBodyText(described: BodyDescription | { headers: HeaderPairs }, bytes: Uint8Array): string | null {
  const { contentType, contentEncoding } = 'headers' in described ? bodyDescriptionOf(described.headers) : described
  if (bytes.length === 0) return null
  const decoded = decodeContentCoding(bytes, contentEncoding)
  if (decoded === null || decoded.length === 0) return null
  const type = parseContentType(contentType)
  const declared = declaredKind(type.mediaType)
  if (declared === 'binary') return null
  // Undeclared or some other type: text only if the bytes plainly are.
  // As the body viewer reads it (shared/body-charset.ts): the declared charset, or an XML declaration's.
  const charset = bodyCharset(contentType, decoded)
  const read = declared === 'unknown' ? sniffText(decoded) : { kind: declared, text: decodeText(decoded, charset) }
  if (read === null || read.text === null) return null
  return withDecodedForms(read.text, read.kind, charset)
}

type TextKind = 'json' | 'form' | 'xml' | 'text'

// ---- Content-Type and charset -------------------------------------------------------------------

function parseContentType(contentType: string | null): { mediaType: string | null; charset: string | null } {
  if (contentType === null) return { mediaType: null, charset: null }
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase()
  // The charset as the body viewer reads it (shared/body-charset.ts): one rule for both.
  return { mediaType: mediaType || null, charset: declaredCharset(contentType) }
}

/** How a declared media type is read: as one kind of text, as binary, or `unknown` (look at the bytes). */
function declaredKind(mediaType: string | null): TextKind | 'binary' | 'unknown' {
  if (mediaType === null) return 'unknown'
  if (mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'application/jsonl' || mediaType === 'application/x-ndjson')
    return 'json'
  if (mediaType === 'application/x-www-form-urlencoded') return 'form'
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml')) return 'xml'
  if (
    mediaType.startsWith('text/') ||
    mediaType === 'application/javascript' ||
    mediaType === 'application/graphql' ||
    mediaType === 'application/x-yaml' ||
    mediaType === 'application/yaml'
  )
    return 'text'
  if (BINARY_TYPE_PREFIXES.some((prefix) => mediaType.startsWith(prefix)) || BINARY_TYPES.has(mediaType)) return 'binary'
  return 'unknown'
}

const BINARY_TYPE_PREFIXES = ['image/', 'audio/', 'video/', 'font/']
const BINARY_TYPES = new Set([
  'application/octet-stream',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-protobuf',
  'application/protobuf',
  'application/grpc',
  'application/cbor',
  'application/msgpack',
])

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes of no declared text type: text if UTF-16 with a byte-order mark, or valid UTF-8 without control characters. */
function sniffText(bytes: Uint8Array): { kind: TextKind; text: string | null } | null {
  let text: string
  if (hasUtf16Bom(bytes)) {
    text = decodeText(bytes, null) ?? ''
  } else {
    try {
      text = strictUtf8.decode(bytes)
    } catch {
      return null
    }
  }
  // One control character other than whitespace and it is not text a person wrote (shared rule).
  if (!looksLikeText(text)) return null
  const first = text.trimStart()[0]
  return { kind: first === '{' || first === '[' ? 'json' : first === '<' ? 'xml' : 'text', text }
}

const hasUtf16Bom = (bytes: Uint8Array): boolean => bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))

/**
 * The bytes as text, in the encoding the body viewer uses for them (shared/body-charset.ts: a
 * byte order mark, the declared charset, else UTF-8), invalid bytes as U+FFFD. UTF-8 and
 * ISO-8859-1 go through Buffer, twice TextDecoder's speed, with the same result: every search
 * decodes thousands of bodies.
 */
function decodeText(bytes: Uint8Array, charset: string | null): string | null {
  const choice = bodyEncodingOf(bytes, charset)
  if (choice.decoderLabel === 'utf-8') return decodeUtf8(bytes)
  if (choice.decoderLabel === 'iso-8859-1') return bufferOf(bytes).toString('latin1')
  return decodeWithEncoding(bytes, choice, { fatal: false })
}

/** UTF-8 with replacement characters for invalid bytes, like TextDecoder (a leading byte order mark dropped). */
function decodeUtf8(bytes: Uint8Array): string {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return bufferOf(bytes).toString('utf8', start)
}

const bufferOf = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))

// ---- decoded copies -----------------------------------------------------------------------------

/**
 * The text, and after it the decoded form of whatever escapes it uses, so both spellings match;
 * each in the searched form, apart, so no whitespace between them is dropped.
 */
function withDecodedForms(text: string, kind: TextKind, charset: string | null): string {
  let decoded: string | null
  switch (kind) {
    case 'form':
      decoded = decodeForm(text, charset)
      break
    case 'json':
      decoded = text.includes('\\') ? decodeJsonEscapes(text) : null
      break
    case 'xml':
      decoded = text.includes('&') ? decodeXmlReferences(text) : null
      break
    case 'text':
      decoded = null
      break
    default:
      return assertNever(kind)
  }
  const searched = searchedForm(text)
  return decoded === null || decoded === text ? searched : `${searched}\n${searchedForm(decoded)}`
}

const searchedForm = (text: string): string => withoutJsonSpacing(foldForSearch(text))

/**
 * `a=Alex+Smith&b=%C3%BC` → `a=Alex Smith\nb=ü`: one field a line. Escapes are ASCII in any
 * charset a form is sent in, so they are found in the decoded text and each run of them is decoded
 * as bytes in the declared charset (UTF-8 without one); a `%` without two hex digits stays.
 */
function decodeForm(text: string, charset: string | null): string {
  const spaced = text.replaceAll('+', ' ').replaceAll('&', '\n')
  if (!spaced.includes('%')) return spaced
  // A UTF-16 form's escapes still stand for UTF-8 bytes: that is how browsers encode them.
  const label = bodyEncodingOf(new Uint8Array(0), charset).decoderLabel
  const escapes = label.startsWith('utf-16') ? 'utf-8' : charset
  // indexOf jumps from escape to escape (a regex scan of every character costs several times more).
  let decoded = ''
  let copiedUpTo = 0
  let at = spaced.indexOf('%')
  while (at !== -1) {
    let end = at
    while (end + 2 < spaced.length && spaced.charCodeAt(end) === 0x25 && isHex(spaced.charCodeAt(end + 1)) && isHex(spaced.charCodeAt(end + 2))) end += 3
    if (end > at) {
      const bytes = new Uint8Array((end - at) / 3)
      for (let index = 0; index < bytes.length; index++)
        bytes[index] = hexValue(spaced.charCodeAt(at + index * 3 + 1)) * 16 + hexValue(spaced.charCodeAt(at + index * 3 + 2))
      decoded += spaced.slice(copiedUpTo, at) + (decodeText(bytes, escapes) ?? spaced.slice(at, end))
      copiedUpTo = end
    }
    at = spaced.indexOf('%', Math.max(end, at + 1))
  }
  return decoded + spaced.slice(copiedUpTo)
}

const isHex = (code: number): boolean => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)

const hexValue = (code: number): number => (code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57)

const JSON_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g
const JSON_SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** JSON string escapes decoded wherever they appear (surrogate pairs come out as one character). */
function decodeJsonEscapes(text: string): string {
  return text.replace(JSON_ESCAPE, (_escape, hex: string | undefined, simple: string | undefined) =>
    hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : (JSON_SIMPLE_ESCAPES[simple as string] ?? ''),
  )
}

const XML_REFERENCE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g
const XML_NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** XML's predefined entities and character references decoded. */
function decodeXmlReferences(text: string): string {
  return text.replace(XML_REFERENCE, (reference, decimal: string | undefined, hex: string | undefined, named: string | undefined) => {
    if (named !== undefined) return XML_NAMED[named] ?? reference
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex as string, 16)
    return code <= 0x10ffff ? String.fromCodePoint(code) : reference
  })
}
