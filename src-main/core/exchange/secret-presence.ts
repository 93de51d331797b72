/**
 * Whether a text still holds a configured secret in a form a reader of it can decode: the export's
 * last checks (export-output.ts on the file's bytes, secret-check.ts on each capture as the files
 * are written from it). A second, plainer implementation of what secret-scrub.ts removes: it only
 * has to say yes or no, so it reads the whole text in each way instead of mapping spans back.
 *
 * Readings: the text as it is, with its percent-escapes read, and with its JSON escapes read (one
 * level: a HAR file writes a JSON body's `\u002F` as `\\u002F`). In each, the secret as written
 * (its characters, its UTF-8 bytes as latin1, a space also as `+`), and the strings its base64 or
 * base64url encoding always holds (base64Cores) once a base64 value's own escapes are read (`\/`,
 * `\uXXXX`, `%2F`, `%2B`, `%3D`, line breaks). Linear in the text: a few replaces and substring
 * searches.
 */
import { base64Cores } from './secret-scrub'

/**
 * The shortest base64 form of a secret searched for: shorter ones (12 characters, 72 bits) turn
 * up by chance in large files of ordinary base64.
 */
export const MIN_BASE64_FORM_LENGTH = 12

/** Each secret in the forms searched for. */
export interface SecretForms {
  /** As written: characters, UTF-8 bytes as latin1 characters, spaces as `+`. */
  written: readonly string[]
  /** The strings their base64 and base64url encodings always hold (12 characters or more). */
  base64: readonly string[]
  /** The longest form, in characters. */
  longest: number
  /** Some secret holds a character JSON writes as a two-character escape (`"`, `\\`, a control character). */
  hasJsonEscapedCharacter: boolean
}

export function secretForms(secrets: readonly string[]): SecretForms {
  const usable = secrets.filter((secret) => secret.length >= 6)
  const utf8 = usable.map((secret) => Buffer.from(secret, 'utf8').toString('latin1'))
  const plus = [...usable, ...utf8].filter((form) => form.includes(' ')).map((form) => form.replaceAll(' ', '+'))
  const written = [...new Set([...usable, ...utf8, ...plus])]
  const base64 = [...new Set(written.flatMap((form) => base64Cores(Buffer.from(form, 'latin1'))).filter((core) => core.length >= MIN_BASE64_FORM_LENGTH))]
  return {
    written,
    base64,
    longest: Math.max(0, ...written.map((form) => form.length), ...base64.map((form) => form.length)),
    hasJsonEscapedCharacter: usable.some((secret) => JSON.stringify(secret).length !== secret.length + 2 || secret.includes('/')),
  }
}

/** Whether `text` (characters, or bytes as latin1) holds one of the secrets in a readable form. */
export function holdsSecret(text: string, forms: SecretForms): boolean {
  if (forms.written.length === 0) return false
  if (spellsWritten(text, forms) || spellsBase64(text, forms)) return true
  // Each further reading only where the text has something for it to read, and only for the
  // secret as written: the escapes a base64 value can hold are read by spellsBase64 already.
  if (text.includes('%') && spellsWritten(readPercentEscapes(text), forms)) return true
  // Every JSON text escapes its quotes: the escapes are read only where one could spell a secret's character.
  const mayBeEscaped = text.includes('\\u') || (forms.hasJsonEscapedCharacter && text.includes('\\'))
  return mayBeEscaped && spellsWritten(readJsonEscapes(text), forms)
}

/** `%XX` as the byte it names (a latin1 character). */
function readPercentEscapes(text: string): string {
  return text.replace(/%[0-9a-fA-F]{2}/g, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)))
}

/** JSON's escapes read, one level (anything that is not one stays as it is). */
export function readJsonEscapes(text: string): string {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_escape, hex: string | undefined, simple: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : JSON_SIMPLE_ESCAPES[simple!]!,
  )
}

const JSON_SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

function spellsWritten(reading: string, forms: SecretForms): boolean {
  return forms.written.some((form) => reading.includes(form))
}

/**
 * Whether a line break (as written, or as a JSON escape; CRLF too) stands between two base64
 * characters: the text may hold a wrapped value. Found by the line breaks, not by trying a pattern
 * at every character; pretty JSON's breaks are followed by indentation.
 */
function mayHoldWrappedBase64(text: string): boolean {
  for (const lineBreak of ['\n', '\\n', '\r', '\\r']) {
    for (let at = text.indexOf(lineBreak); at >= 0; at = text.indexOf(lineBreak, at + 1)) {
      let before = at - 1
      const isLineFeed = lineBreak === '\n' || lineBreak === '\\n'
      // CRLF: the character before the line feed's carriage return.
      if (isLineFeed && text[before] === '\r') before -= 1
      else if (isLineFeed && text.startsWith('\\r', before - 1)) before -= 2
      if (before >= 0 && isBase64Character(text.charCodeAt(before)) && isBase64Character(text.charCodeAt(at + lineBreak.length))) return true
    }
  }
  return false
}

function isBase64Character(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2f || code === 0x3d
}

/**
 * A base64 value as it may be written inside other text (see BASE64_RUN in secret-scrub.ts), its
 * escapes read only where the text holds any: a file of pretty JSON has line breaks everywhere
 * and a few escapes, and this runs over every megabyte of an export.
 */
function spellsBase64(reading: string, forms: SecretForms): boolean {
  if (forms.base64.length === 0) return false
  let base64 = reading
  if (base64.includes('\\u')) base64 = base64.replace(/\\u([0-9a-fA-F]{4})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  if (base64.includes('\\/')) base64 = base64.replaceAll('\\/', '/')
  if (base64.includes('%2') || base64.includes('%3'))
    base64 = base64.replace(/%(?:2[BbFf]|3[Dd])/g, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)))
  if (mayHoldWrappedBase64(base64)) base64 = base64.replace(/\\[nr]|[\r\n]/g, '')
  return forms.base64.some((form) => base64.includes(form))
}
