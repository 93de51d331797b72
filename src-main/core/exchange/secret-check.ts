/**
 * The export's last check on each capture, as the files are written from it (after redaction and
 * the secret scrub): does any of it still hold a configured secret in a form a reader can decode?
 * The check on the file's bytes (export-output.ts) sees what the formats write, so it cannot look
 * into a compressed body (a bundle writes it as base64 of the compressed bytes). Here every string
 * of the capture is read (a field added later too), and every body as a reader of it would:
 * expanded by its Content-Encoding, and expanded when its bytes are gzip or zlib data whatever
 * its headers say (sniffed-compression.ts), as latin1 bytes and, when it is UTF-16 text, as that
 * text.
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { declaredCharset } from '../../shared/body-charset'
import { InspectorError } from '../../shared/errors'
import { decodeContentCoding } from '../content-coding'
import type { ExchangeCapture, Redaction } from './exchange-capture'
import { holdsSecret, type SecretForms } from './secret-presence'
import { expandSniffed } from './sniffed-compression'

/** The error every last check throws: it names where, never what. */
export function secretLeftError(where: string): InspectorError {
  return new InspectorError('INTERNAL', `the export still held a configured secret after redaction (${where}), so nothing was exported`)
}

/** Throws when the capture, its list of changes or the file's name still holds a secret. */
export function checkNoSecretLeft(capture: ExchangeCapture, position: number, forms: SecretForms): void {
  if (forms.written.length === 0) return
  const where = secretLocation(capture, forms)
  if (where !== null) throw secretLeftError(`capture ${position + 1}, ${where}`)
}

/** Throws when the list of changes or the file's name (shown and saved) holds a secret. */
export function checkNoSecretInLabels(fileName: string, redactions: readonly Redaction[], forms: SecretForms): void {
  if (forms.written.length === 0) return
  if (holdsSecret(fileName, forms)) throw secretLeftError('the file name')
  for (const redaction of redactions) if (holdsSecret(`${redaction.location}\n${redaction.action}`, forms)) throw secretLeftError('the list of changes')
}

/** Where in the capture a secret is still readable, or `null`. */
export function secretLocation(capture: ExchangeCapture, forms: SecretForms): string | null {
  if (bodyHoldsSecret(capture.body, capture.headers, forms)) return 'body'
  const { body: _body, ...rest } = capture
  return valueLocation(rest, forms, 'capture')
}

/** Every string (keys too) of a JSON-shaped value; a `bodyBase64` as a body described by the `headers` beside it. */
function valueLocation(value: unknown, forms: SecretForms, path: string): string | null {
  if (typeof value === 'string') return holdsSecret(value, forms) ? path : null
  if (Buffer.isBuffer(value)) return bodyHoldsSecret(value, [], forms) ? path : null
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = valueLocation(item, forms, `${path}[${index}]`)
      if (found !== null) return found
    }
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const record = value as Record<string, unknown>
  for (const [key, item] of Object.entries(record)) {
    if (holdsSecret(key, forms)) return `${path} (a field name)`
    const where = `${path}.${key}`
    if (key === 'bodyBase64' && typeof item === 'string') {
      if (bodyHoldsSecret(Buffer.from(item, 'base64'), isHeaderPairs(record.headers) ? record.headers : [], forms)) return where
      continue
    }
    const found = valueLocation(item, forms, where)
    if (found !== null) return found
  }
  return null
}

function bodyHoldsSecret(body: Buffer, headers: HeaderPairs, forms: SecretForms): boolean {
  if (body.length === 0) return false
  return readingsOf(body, headers).some((bytes) => holdsSecret(bytes.toString('latin1'), forms) || utf16HoldsSecret(bytes, headers, forms))
}

/** The body as received, expanded by its Content-Encoding, and expanded as the gzip or zlib data its bytes look like. */
function readingsOf(body: Buffer, headers: HeaderPairs): Buffer[] {
  const readings = [body]
  const encoding = headerValue(headers, 'content-encoding')
  if (encoding !== undefined) {
    const expanded = decodeContentCoding(body, encoding)
    if (expanded !== null && expanded !== body) readings.push(expanded)
  }
  const sniffed = expandSniffed(body)
  if (sniffed !== null) readings.push(sniffed.expanded)
  return readings
}

function utf16HoldsSecret(bytes: Buffer, headers: HeaderPairs, forms: SecretForms): boolean {
  const hasBom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  const charset = declaredCharset(headerValue(headers, 'content-type') ?? null)
  if (!hasBom && !charset?.startsWith('utf-16')) return false
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2))
  const swapped = Buffer.from(even).swap16()
  return holdsSecret(even.toString('utf16le'), forms) || holdsSecret(swapped.toString('utf16le'), forms)
}

function isHeaderPairs(value: unknown): value is HeaderPairs {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string')
}
