/**
 * Undoing a body's `Content-Encoding` (gzip, deflate, br, in layers) with a hard output cap: a
 * gzip bomb must not take the app down. The one rule for every part of the core that reads a
 * compressed body: search (core/search/searchable-body.ts) and redacted exports.
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'

/** A body that inflates to more than this is refused: past it, it is a bomb, not a callback. */
export const MAX_DECODED_BODY_BYTES = 16 * 1024 * 1024

/** Content-Encoding layers undone at most (`gzip, gzip` is legal; twenty layers are an attack). */
const MAX_ENCODING_LAYERS = 3

/**
 * The body with every listed coding undone (the last applied first), or `null` when a coding is
 * unknown, the data is corrupt or truncated, there are too many layers, or the output would pass
 * MAX_DECODED_BODY_BYTES. `null` or an `identity`-only header gives the bytes back unchanged.
 */
export function decodeContentCoding(bytes: Uint8Array, contentEncoding: string | null): Buffer | null {
  const decoded = decodeContentCodingWithin(bytes, contentEncoding, MAX_DECODED_BODY_BYTES)
  return decoded === 'too-large' ? null : decoded
}

/**
 * `decodeContentCoding` with a smaller output cap, saying when the output passed it
 * (`'too-large'`): inflating stops there, so a caller that can use only `maxBytes` (Compare diffs
 * 1 MB) does not inflate 16 MiB on the event loop first.
 */
export function decodeContentCodingWithin(bytes: Uint8Array, contentEncoding: string | null, maxBytes: number): Buffer | 'too-large' | null {
  if (contentEncoding === null) return bufferOf(bytes)
  const layers = contentEncoding
    .split(',')
    .map((layer) => layer.trim().toLowerCase())
    .filter((layer) => layer !== '' && layer !== 'identity')
  if (layers.length > MAX_ENCODING_LAYERS) return null
  let current = bytes
  // Encodings are listed in the order they were applied (RFC 9110 section 8.4): undo the last first.
  for (const layer of layers.reverse()) {
    const inflated = inflateLayer(current, layer, Math.min(maxBytes, MAX_DECODED_BODY_BYTES))
    if (inflated === null || inflated === 'too-large') return inflated
    current = inflated
  }
  return bufferOf(current)
}

const bufferOf = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))

function inflateLayer(bytes: Uint8Array, encoding: string, maxBytes: number): Uint8Array | 'too-large' | null {
  const options = { maxOutputLength: maxBytes }
  try {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(bytes, options)
      case 'deflate':
        // "deflate" is zlib-wrapped by the RFC; some senders send raw deflate instead.
        try {
          return inflateSync(bytes, options)
        } catch (error: unknown) {
          if (isOverflow(error)) return 'too-large'
          return inflateRawSync(bytes, options)
        }
      case 'br':
        return brotliDecompressSync(bytes, options)
      default:
        return null
    }
  } catch (error: unknown) {
    // Over the cap, or corrupt or truncated.
    return isOverflow(error) ? 'too-large' : null
  }
}

function isOverflow(error: unknown): boolean {
  return error instanceof RangeError || (error instanceof Error && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
}
