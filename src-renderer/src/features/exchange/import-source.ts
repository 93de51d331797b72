/** Turning what the user gives the import dialog into the bytes the import reads. */
import { HTTP_TOKEN_PATTERN } from '@shared/answer-catalog'
import { MAX_IMPORT_FILE_BYTES } from '@shared/exchange'
import { formatBytes } from '../../lib/format'

/**
 * Why a chosen file cannot be imported as it is, as a sentence shown under the file field, or
 * null. Checked before reading it: a file over the limit would only be refused by the app after
 * its bytes crossed over, and an empty one would come back as a message about base64.
 */
export function importFileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `“${file.name}” is empty: there is nothing in it to import.`
  if (file.size > MAX_IMPORT_FILE_BYTES)
    return `“${file.name}” is ${formatBytes(file.size)}: an import reads at most ${formatBytes(MAX_IMPORT_FILE_BYTES)}. Export fewer captures, or gzip the file.`
  return null
}

/**
 * Why pasted text cannot be imported, as a sentence, or null: nothing but spaces, or more UTF-8
 * bytes than an import reads. Checked before sending: a 200 MB paste was encoded, turned into
 * base64 and handed to the app whole, only to be refused there.
 */
export function importPasteProblem(text: string): string | null {
  if (!/\S/.test(text)) return 'Paste something to import'
  if (isUtf8Over(text, MAX_IMPORT_FILE_BYTES))
    return `The pasted text is larger than an import reads (${formatBytes(MAX_IMPORT_FILE_BYTES)} as UTF-8). Save it to a file and gzip it, or paste less.`
  return null
}

/**
 * Whether the text's UTF-8 is longer than `limit` bytes: each character is at least one byte and
 * at most three (a surrogate pair four), so it is counted only when its length does not settle it.
 */
function isUtf8Over(text: string, limit: number): boolean {
  if (text.length > limit) return true
  if (text.length * 3 <= limit) return false
  let bytes = 0
  for (let index = 0; index < text.length && bytes <= limit; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      index++
    } else bytes += 3
  }
  return bytes > limit
}

export interface PastedBody {
  method: string
  /** Path and query, e.g. `/default/notify?x=1`. */
  path: string
  /** "Name: value" lines. */
  headers: string
  text: string
}

/**
 * A raw HTTP/1.1 request from a pasted body: the request line, the given header lines in order
 * (a Content-Length is added when none is given), and the body as UTF-8. A problem comes back
 * as a sentence.
 */
export function rawRequestBytes(body: PastedBody): Uint8Array | string {
  const method = body.method.trim().toUpperCase()
  if (!HTTP_TOKEN_PATTERN.test(method)) return 'The method is not an HTTP method'
  const path = body.path.trim()
  if (!path.startsWith('/') || /\s/.test(path)) return 'The path starts with / and has no spaces'
  const lines = body.headers.split(/\r?\n/).filter((line) => line.trim() !== '')
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(':')
    if (colon <= 0 || !HTTP_TOKEN_PATTERN.test(line.slice(0, colon))) return `Header line ${index + 1} is not "Name: value"`
    // Header bytes are single bytes on the wire.
    if (/[^\x20-\x7e\xa0-\xff\t]/.test(line)) return `Header line ${index + 1} has characters a header cannot carry`
  }
  const bodyBytes = new TextEncoder().encode(body.text)
  const hasLength = lines.some((line) => /^(content-length|transfer-encoding)\s*:/i.test(line))
  const head = `${method} ${path} HTTP/1.1\r\n${lines.map((line) => `${line}\r\n`).join('')}${hasLength ? '' : `Content-Length: ${bodyBytes.length}\r\n`}\r\n`
  const headBytes = Uint8Array.from(head, (char) => char.charCodeAt(0))
  const out = new Uint8Array(headBytes.length + bodyBytes.length)
  out.set(headBytes)
  out.set(bodyBytes, headBytes.length)
  return out
}

/**
 * The list query that finds the captures imported from a file: `from:"merchant.har"` (the file's
 * name as the app keeps it in each capture's `importedFrom`, its first 200 characters; a quote or
 * backslash in it escaped as a phrase needs). The import's outcome offers it, so the `from:` term
 * is found where it is needed.
 */
export function importedFromQuery(sourceName: string): string {
  return `from:"${sourceName.slice(0, 200).replace(/["\\]/g, '\\$&')}"`
}
