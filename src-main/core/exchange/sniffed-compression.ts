/**
 * A body whose bytes are compressed data though no Content-Encoding says so (a `.gz` upload, a
 * sender that forgot the header): a reader of an exported file may recognise and expand it as
 * easily as the app, so the secret scrub and the last check look inside it too.
 */
import { constants, gunzipSync } from 'node:zlib'
import { decodeContentCoding, MAX_DECODED_BODY_BYTES } from '../content-coding'

/** gzip (1f 8b) or zlib (a deflate header whose check bits hold) by the first bytes, or `null`. */
export function sniffedCoding(bytes: Buffer): 'gzip' | 'deflate' | null {
  if (bytes.length < 2) return null
  const [first, second] = [bytes[0]!, bytes[1]!]
  if (first === 0x1f && second === 0x8b) return 'gzip'
  if ((first & 0x0f) === 8 && first >> 4 <= 7 && ((first << 8) | second) % 31 === 0) return 'deflate'
  return null
}

/**
 * The expanded bytes of a body that looks compressed, or `null` when it does not or does not
 * expand. A truncated gzip member is read as far as it goes, as a lenient reader would.
 */
export function expandSniffed(bytes: Buffer): { coding: 'gzip' | 'deflate'; expanded: Buffer } | null {
  const coding = sniffedCoding(bytes)
  if (coding === null) return null
  let expanded = decodeContentCoding(bytes, coding)
  if (expanded === null && coding === 'gzip') {
    try {
      expanded = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_DECODED_BODY_BYTES })
    } catch {
      expanded = null
    }
  }
  return expanded === null ? null : { coding, expanded }
}
