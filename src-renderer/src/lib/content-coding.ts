/**
 * Undoing a body's `Content-Encoding` for the body viewer, with the browser's DecompressionStream
 * (in the capture worker, or in the viewer for a body that came without it). The same layers and
 * output cap as the core's decoder for search (src-main/core/content-coding.ts), so a gzip bomb
 * cannot take the window down; the stored bytes are never changed. Brotli (`br`) is not in
 * DecompressionStream: such a body is shown as the bytes received, and the viewer says why.
 */
import { formatBytes } from './format'

/** A body that inflates to more than this is not decompressed: past it, it is a bomb, not a callback. */
export const MAX_DECODED_BODY_BYTES = 16 * 1024 * 1024

/** Content-Encoding layers undone at most (`gzip, gzip` is legal; twenty layers are an attack). */
const MAX_ENCODING_LAYERS = 3

export type ContentDecoding =
  /** No coding, or only `identity`: the bytes are the content. */
  | { kind: 'identity' }
  /** `codings` as listed in the header (the order they were applied), `bytes` the content with all of them undone. */
  | { kind: 'decoded'; codings: string[]; bytes: Uint8Array }
  /** `reason` says, for a person, why the content cannot be shown decompressed. */
  | { kind: 'failed'; codings: string[]; reason: string }

/** The codings a `Content-Encoding` header lists, lower-cased, in the order they were applied; `identity` left out. */
export function contentCodingsOf(contentEncoding: string | null): string[] {
  if (contentEncoding === null) return []
  return contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
}

/** The body with every listed coding undone (the last applied first), or why it cannot be. */
export async function decodeContentCoding(bytes: Uint8Array, contentEncoding: string | null, maxBytes = MAX_DECODED_BODY_BYTES): Promise<ContentDecoding> {
  const codings = contentCodingsOf(contentEncoding)
  if (codings.length === 0) return { kind: 'identity' }
  const failed = (reason: string): ContentDecoding => ({ kind: 'failed', codings, reason })
  if (codings.length > MAX_ENCODING_LAYERS) return failed(`${codings.length} layers of Content-Encoding (at most ${MAX_ENCODING_LAYERS} are undone)`)
  let current = bytes
  for (const coding of [...codings].reverse()) {
    const inflated = await inflateLayer(current, coding, maxBytes)
    if (typeof inflated === 'string') return failed(inflated)
    current = inflated
  }
  return { kind: 'decoded', codings, bytes: current }
}

/** One layer undone, or why not. */
async function inflateLayer(bytes: Uint8Array, coding: string, maxBytes: number): Promise<Uint8Array | string> {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return inflate(bytes, 'gzip', maxBytes, coding)
    case 'deflate': {
      // "deflate" is zlib-wrapped by the RFC; some senders send raw deflate instead.
      const zlib = await inflate(bytes, 'deflate', maxBytes, coding)
      return typeof zlib === 'string' && !zlib.startsWith(TOO_LARGE) ? inflate(bytes, 'deflate-raw', maxBytes, coding) : zlib
    }
    case 'br':
      return 'Brotli (br) cannot be decompressed here'
    default:
      return `"${coding}" is not a coding the viewer can undo`
  }
}

const TOO_LARGE = 'it decompresses to more than'

async function inflate(bytes: Uint8Array, format: 'gzip' | 'deflate' | 'deflate-raw', maxBytes: number, coding: string): Promise<Uint8Array | string> {
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(format)).getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        return `${TOO_LARGE} ${formatBytes(maxBytes)}`
      }
      chunks.push(value)
    }
  } catch {
    return `the bytes are not valid ${coding} data (corrupt or cut short)`
  }
  if (chunks.length === 1) return chunks[0]!
  const joined = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    joined.set(chunk, offset)
    offset += chunk.byteLength
  }
  return joined
}
