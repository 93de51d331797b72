/** Raw body bytes: decoding base64 and telling text from binary. */
import { looksLikeText } from '@shared/text-sniff'

/** `Uint8Array.fromBase64` (Chromium 140+, so Electron 45 too): native, no binary string in between. */
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: (base64: string) => Uint8Array }).fromBase64

export function base64ToBytes(base64: string): Uint8Array {
  // A 10 MB body costs seconds of UI thread through atob and a loop; the native decoder, milliseconds.
  if (nativeFromBase64 !== undefined) return nativeFromBase64.call(Uint8Array, base64)
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

/** `Uint8Array.prototype.toBase64`, the native encoder beside `fromBase64` (same browsers). */
type NativeToBase64 = { toBase64?: () => string }

/** Base64 of any size: natively where the browser can, else in slices (a spread of millions of arguments would overflow the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as unknown as NativeToBase64).toBase64
  if (native !== undefined) return native.call(bytes)
  let binary = ''
  const slice = 0x8000
  for (let start = 0; start < bytes.length; start += slice) binary += String.fromCharCode(...bytes.subarray(start, start + slice))
  return btoa(binary)
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const lenientUtf8 = new TextDecoder('utf-8')

/** The body as UTF-8 text, or `null` when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return null
  }
}

/** Invalid sequences become U+FFFD; for showing non-UTF-8 text, never for copying it. */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes)
}

/**
 * Valid UTF-8 can still be binary (NUL bytes, control characters): such text reads better as hex.
 * The project's one text rule (shared/text-sniff), as a viewer applies it: the first 8 K characters,
 * forgiving up to 2% stray controls (an ANSI escape in a log line still reads as text).
 */
export function looksBinary(text: string): boolean {
  return !looksLikeText(text, { sampleChars: 8192, tolerance: 0.02 })
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/** The `charset` parameter of a content type, lower-cased, if any (the one rule: shared/body-charset.ts). */
export { declaredCharset } from '@shared/body-charset'
