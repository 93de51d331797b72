/**
 * Byte-level helpers shared by every scheme: strict decoding of received signatures, constant-time
 * comparison, key fingerprints and CRC-32 (PayPal). They sit below both providers/ and keys/
 * (both use them), so neither has to import the other for them.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** Length of a key fingerprint shown to users: 16 hex characters (of SHA-256, or for secrets of keys/fingerprint-key.ts's HMAC). */
export const FINGERPRINT_HEX_CHARS = 16

/**
 * Constant-time equality of two byte strings. `timingSafeEqual` throws on unequal lengths, and a
 * length difference is not secret (signature lengths are fixed by the scheme), so it short-cuts.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  return timingSafeEqual(a, b)
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*={0,2}$/
const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/

/**
 * Decodes standard base64 (padding optional), or returns `null` when the text is not base64.
 * Node's decoder silently skips invalid characters, which would let a corrupted header look like a
 * shorter valid one; this checks the alphabet and the length. `canonical` is false when the last
 * character's unused low bits are not zero: RFC 4648 (3.5) has encoders zero them and lets decoders
 * ignore them, as Node's does, so such a text decodes to the same bytes as the canonical one.
 */
export function decodeBase64WithPadBits(text: string): { bytes: Buffer; canonical: boolean } | null {
  if (text.length === 0 || !BASE64_PATTERN.test(text)) return null
  const unpadded = text.replace(/=+$/, '')
  if (unpadded.length % 4 === 1) return null
  const bytes = Buffer.from(unpadded, 'base64')
  return { bytes, canonical: bytes.toString('base64').replace(/=+$/, '') === unpadded }
}

/** `decodeBase64WithPadBits`, refusing a text that is not the canonical spelling of its bytes. */
export function decodeBase64Strict(text: string): Buffer | null {
  const decoded = decodeBase64WithPadBits(text)
  return decoded?.canonical ? decoded.bytes : null
}

/** Like `decodeBase64Strict` for the URL-safe alphabet. */
export function decodeBase64UrlStrict(text: string): Buffer | null {
  if (text.length === 0 || !BASE64URL_PATTERN.test(text)) return null
  const unpadded = text.replace(/=+$/, '')
  const bytes = Buffer.from(unpadded, 'base64url')
  if (bytes.toString('base64url') !== unpadded) return null
  return bytes
}

/** Decodes hex (either case), or `null` when the text is not an even-length hex string. */
export function decodeHexStrict(text: string): Buffer | null {
  if (text.length === 0 || !HEX_PATTERN.test(text)) return null
  return Buffer.from(text, 'hex')
}

/** First 16 hex characters of SHA-256 over the given material: identifies a key without revealing it. */
export function fingerprintOf(material: Uint8Array | string): string {
  return createHash('sha256').update(material).digest('hex').slice(0, FINGERPRINT_HEX_CHARS)
}

/**
 * CRC-32 (IEEE 802.3), as an unsigned integer: node's own (node:zlib, Node 20.15+). PayPal signs
 * the unsigned decimal form; a signed CRC (Java's `(int) crc.getValue()`) is a classic bug that
 * breaks verification.
 */
export { crc32 } from 'node:zlib'
