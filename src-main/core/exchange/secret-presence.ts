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
}

export function secretForms(secrets: readonly string[]): SecretForms {
  const usable = secrets.filter((secret) => secret.length >= 6)
  const utf8 = usable.map((secret) => Buffer.from(secret, 'utf8').toString('latin1'))
  const plus = [...usable, ...utf8].filter((form) => form.includes(' ')).map((form) => form.replaceAll(' ', '+'))
  const written = [...new Set([...usable, ...utf8, ...plus])]
  const base64 = [...new Set(written.flatMap((form) => base64Cores(Buffer.from(form, 'latin1'))).filter((core) => core.length >= MIN_BASE64_FORM_LENGTH))]
  return { written, base64, longest: Math.max(0, ...written.map((form) => form.length), ...base64.map((form) => form.length)) }
}

/** Whether `text` (characters, or bytes as latin1) holds one of the secrets in a readable form. */
export function holdsSecret(text: string, forms: SecretForms): boolean {
  if (forms.written.length === 0) return false
  if (spellsWritten(text, forms) || spellsBase64(text, forms)) return true
  // Each further reading only where the text has something for it to read, and only for the
  // secret as written: the escapes a base64 value can hold are read by spellsBase64 already.
  if (text.includes('%') && spellsWritten(readPercentEscapes(text), forms)) return true
  return text.includes('\\') && spellsWritten(readJsonEscapes(text), forms)
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

/** A line break (as written, or as a JSON escape) between two base64 characters: a wrapped value. */
const WRAPPED_BASE64 = /[A-Za-z0-9+/=](?:\\[nr]|[\r\n])+[A-Za-z0-9+/]/

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
  if (base64.includes('%')) base64 = base64.replace(/%(?:2[BbFf]|3[Dd])/g, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)))
  if (WRAPPED_BASE64.test(base64)) base64 = base64.replace(/\\[nr]|[\r\n]/g, '')
  return forms.base64.some((form) => base64.includes(form))
}
