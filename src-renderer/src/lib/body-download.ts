/** Saving a body to a file: the exact bytes, under a name whose extension matches the content. */
import { mediaType } from './bytes'
import type { ContentDecoding } from './content-coding'

const EXTENSIONS: Record<string, string> = {
  'application/json': 'json',
  'text/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/x-www-form-urlencoded': 'txt',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/octet-stream': 'bin',
}

/** Suffixes for a body saved as received under its Content-Encoding: a gzip-encoded JSON body is `.json.gz`. */
const CODING_EXTENSIONS: Record<string, string> = { gzip: 'gz', 'x-gzip': 'gz', deflate: 'zz', br: 'br' }

/**
 * `json` for JSON (also `+json` types, or an undeclared body shown as JSON), `bin` when unknown;
 * `json.gz` when the bytes saved are that JSON gzip-compressed.
 */
export function bodyFileExtension(contentType: string | null, isJson: boolean, isText: boolean, content: ContentDecoding = { kind: 'identity' }): string {
  const extension = contentExtension(contentType, isJson, isText)
  if (content.kind === 'identity') return extension
  return [extension, ...content.codings.map((coding) => CODING_EXTENSIONS[coding] ?? 'bin')].join('.')
}

function contentExtension(contentType: string | null, isJson: boolean, isText: boolean): string {
  const type = mediaType(contentType)
  const known = EXTENSIONS[type]
  if (known !== undefined) return known
  if (type.endsWith('+json') || isJson) return 'json'
  if (type.endsWith('+xml')) return 'xml'
  if (type.startsWith('text/') || isText) return 'txt'
  return 'bin'
}

/** Keeps file names portable: letters, digits, dot, dash and underscore only. */
export function safeFileStem(stem: string): string {
  const cleaned = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '')
  return cleaned.slice(0, 100) || 'body'
}

/**
 * Starts a browser download of the bytes as they are (no charset conversion, no newline change);
 * given in parts, the file is those parts one after another (never copied into one array).
 */
export function downloadBytes(bytes: Uint8Array | readonly Uint8Array[], fileName: string): void {
  const parts = bytes instanceof Uint8Array ? [bytes] : bytes
  const blob = new Blob(
    parts.map((part) => part.slice().buffer),
    { type: 'application/octet-stream' },
  )
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own reference to the blob once started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
