/**
 * The one rule for turning body bytes into text, shared by the body viewer (renderer) and the
 * search (core/search/searchable-body.ts), so what a search finds is what the view shows:
 *
 * 1. a UTF-16 byte order mark decides (FF FE little-endian, FE FF big-endian);
 * 2. else the declared charset: UTF-8; ISO-8859-1 byte for byte (the Encoding standard reads the
 *    label as windows-1252, which differs in 0x80-0x9F); windows-1252; UTF-16LE/BE; `utf-16`
 *    without a mark is big-endian as RFC 2781 says, unless the second byte is a NUL (ASCII in
 *    little-endian); any other label TextDecoder knows, as it reads it;
 * 3. else, or for a label nobody knows, UTF-8 (saying the declared one was unknown).
 *
 * Zod-free and free of Node APIs: the renderer bundles it.
 */

/** How the bytes are read: the encoding (as people write it) and why it was chosen. */
export interface BodyEncoding {
  /** `UTF-8`, `ISO-8859-1`, `windows-1252`, `UTF-16LE`, `UTF-16BE`, or another TextDecoder encoding's name. */
  encoding: string
  /** The label to give TextDecoder (ISO-8859-1 and windows-1252 are decoded by hand: see `decodeWithEncoding`). */
  decoderLabel: string
  source: 'declared' | 'byte order mark' | 'default'
  /** A charset was declared but no decoder knows it; the text is read as UTF-8 instead. */
  unknownDeclared: string | null
}

export interface DecodedBody extends BodyEncoding {
  /** The text, or `null` when the bytes do not decode (not valid in the chosen encoding). */
  text: string | null
}

const LATIN1_NAMES = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1', 'iso_8859-1', 'iso-ir-100', 'cp819', 'ibm819', 'csisolatin1'])
const WINDOWS_1252_NAMES = new Set(['windows-1252', 'cp1252', 'x-cp1252'])
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8'])

/** The `charset` parameter of a Content-Type, lower-cased and unquoted; `null` without one. */
export function declaredCharset(contentType: string | null | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')
  return match?.[1]?.toLowerCase() ?? null
}

/**
 * The charset a body declares: its Content-Type's `charset`, else the `encoding` of an XML
 * declaration the body starts with (`<?xml version="1.0" encoding="ISO-8859-1"?>`: RFC 7303 §4.3
 * reads it when the media type names no charset, and older XML senders rely on it). Before, such a
 * body opened in Hex as "not valid UTF-8", and its text was searched as UTF-8.
 */
export function bodyCharset(contentType: string | null | undefined, bytes: Uint8Array): string | null {
  return declaredCharset(contentType) ?? xmlDeclaredEncoding(bytes)
}

/** Read in the first bytes only, as ASCII: a declaration is short, and its pattern bounded. */
const XML_DECLARATION_BYTES = 256
const XML_DECLARATION = /^<\?xml\s[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']/

function xmlDeclaredEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] !== 0x3c || bytes[1] !== 0x3f) return null
  let head = ''
  for (let index = 0; index < Math.min(bytes.length, XML_DECLARATION_BYTES); index++) head += String.fromCharCode(bytes[index] as number)
  const encoding = XML_DECLARATION.exec(head)?.[1]?.toLowerCase() ?? null
  // Readable as ASCII, the declaration cannot be in UTF-16 or UTF-32, whatever it says.
  return encoding !== null && /^utf-?(16|32)/.test(encoding) ? null : encoding
}

/** The UTF-16 byte order of a BOM, if the body starts with one. */
function utf16Bom(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE'
  return null
}

/** UTF-16 without a BOM: RFC 2781 says big-endian, but a NUL in the second byte means ASCII in LE. */
function guessUtf16Order(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' {
  return bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0 ? 'UTF-16LE' : 'UTF-16BE'
}

const utf8 = (source: BodyEncoding['source'], unknownDeclared: string | null = null): BodyEncoding => ({
  encoding: 'UTF-8',
  decoderLabel: 'utf-8',
  source,
  unknownDeclared,
})

/** Which encoding the rule chooses for these bytes and this declared charset (see the top of this file). */
export function bodyEncodingOf(bytes: Uint8Array, charset: string | null): BodyEncoding {
  const bom = utf16Bom(bytes)
  if (bom !== null) return { encoding: bom, decoderLabel: bom.toLowerCase(), source: 'byte order mark', unknownDeclared: null }
  if (charset === null) return utf8('default')
  if (UTF8_NAMES.has(charset)) return utf8('declared')
  if (LATIN1_NAMES.has(charset)) return { encoding: 'ISO-8859-1', decoderLabel: 'iso-8859-1', source: 'declared', unknownDeclared: null }
  if (WINDOWS_1252_NAMES.has(charset)) return { encoding: 'windows-1252', decoderLabel: 'windows-1252', source: 'declared', unknownDeclared: null }
  if (charset === 'utf-16' || charset === 'utf-16le' || charset === 'utf-16be') {
    const order = charset === 'utf-16' ? guessUtf16Order(bytes) : charset === 'utf-16le' ? 'UTF-16LE' : 'UTF-16BE'
    return { encoding: order, decoderLabel: order.toLowerCase(), source: 'declared', unknownDeclared: null }
  }
  let encoding: string | null
  try {
    encoding = new TextDecoder(charset).encoding
  } catch {
    encoding = null
  }
  // `replacement` is what the standard maps dangerous legacy labels to: nothing readable.
  if (encoding === null || encoding === 'replacement') return utf8('default', charset)
  return { encoding: displayName(encoding), decoderLabel: encoding, source: 'declared', unknownDeclared: null }
}

function displayName(encoding: string): string {
  if (encoding.startsWith('windows-')) return encoding
  return encoding.toUpperCase()
}

/**
 * The bytes as text in the chosen encoding. `fatal` (the viewer): `null` when the bytes are not
 * valid in it; otherwise (the search) invalid bytes become U+FFFD. A leading byte order mark of
 * the encoding is dropped.
 */
export function decodeWithEncoding(bytes: Uint8Array, choice: BodyEncoding, options: { fatal: boolean }): string | null {
  if (choice.decoderLabel === 'iso-8859-1') return decodeLatin1(bytes)
  if (choice.decoderLabel === 'windows-1252') return decodeWindows1252(bytes)
  try {
    return new TextDecoder(choice.decoderLabel, { fatal: options.fatal }).decode(bytes)
  } catch {
    return null
  }
}

/** The viewer's decoding: strict, and says which encoding and why. */
export function decodeBody(bytes: Uint8Array, contentType: string | null): DecodedBody {
  const choice = bodyEncodingOf(bytes, bodyCharset(contentType, bytes))
  return { ...choice, text: decodeWithEncoding(bytes, choice, { fatal: true }) }
}

/**
 * ISO-8859-1 maps each byte to the code point of the same number. Decoded by hand: the Encoding
 * standard reads the label `iso-8859-1` as windows-1252, which differs in 0x80-0x9F.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  const chunks: string[] = []
  const step = 0x8000
  for (let offset = 0; offset < bytes.length; offset += step) {
    chunks.push(String.fromCharCode(...bytes.subarray(offset, offset + step)))
  }
  return chunks.join('')
}

/** windows-1252 differs from ISO-8859-1 only in 0x80-0x9F; 0 marks its five unassigned bytes. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
  0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
]

/**
 * windows-1252 by hand, as the Encoding standard defines it (unassigned bytes map to the C1 code
 * point of the same number): some runtimes' decoders treat the label as ISO-8859-1.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = decodeLatin1(bytes)
  let hasHigh = false
  for (const byte of bytes) {
    if (byte >= 0x80 && byte <= 0x9f) {
      hasHigh = true
      break
    }
  }
  if (!hasHigh) return latin1
  return latin1.replace(/[\u0080-\u009f]/g, (character) => {
    const mapped = WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80] as number
    return mapped === 0 ? character : String.fromCharCode(mapped)
  })
}

/** "decoded as ISO-8859-1 (the declared charset)", for the view's label. */
export function decodedAsLabel(decoded: BodyEncoding): string {
  switch (decoded.source) {
    case 'declared':
      return `decoded as ${decoded.encoding} (the declared charset)`
    case 'byte order mark':
      return `decoded as ${decoded.encoding} (from its byte order mark)`
    case 'default':
      return decoded.unknownDeclared !== null
        ? `decoded as UTF-8: the declared charset "${decoded.unknownDeclared}" is not one this viewer knows`
        : 'decoded as UTF-8'
    default: {
      const unknown: never = decoded.source
      return unknown
    }
  }
}
