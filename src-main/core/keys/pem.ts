/**
 * PEM text as users paste it: normalised before it is validated, stored or fingerprinted, and
 * loaded as a public key by the verifiers (CHIP) and the key descriptions alike.
 */
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto'

/**
 * Accepts CHIP's `GET /public_key/` response body, a JSON string holding the PEM with `\n`
 * escapes, as well as a plain PEM (with any line endings).
 */
export function normalisePublicKeyInput(input: string): string {
  const trimmed = input.trim()
  if (trimmed.startsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(trimmed)
      if (typeof decoded === 'string') return normalisePemText(decoded)
    } catch (error: unknown) {
      if (!(error instanceof SyntaxError)) throw error
    }
  }
  // A PEM pasted with literal "\n" sequences (copied out of JSON without the quotes).
  return normalisePemText(trimmed.includes('\\n') ? trimmed.replace(/\\n/g, '\n') : trimmed)
}

/** PEM text with `\n` line endings, trimmed, ending in one newline. */
export function normalisePemText(pem: string): string {
  return `${pem.replace(/\r\n?/g, '\n').trim()}\n`
}

/** A public key from a PEM public key (SPKI or PKCS#1) or a certificate. Throws when it does not parse. */
export function loadPublicKey(pem: string): KeyObject {
  if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey
  return createPublicKey({ key: pem, format: 'pem' })
}
