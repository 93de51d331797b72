/**
 * Ed25519 keys for Standard Webhooks `v1a` signatures, in the forms users meet them:
 *
 * - the spec's serialisation (standard-webhooks `spec/standard-webhooks.md`, "secret
 *   serialization"): `whpk_` + base64 of the 32-byte raw public key, and `whsk_` + base64 of the
 *   32-byte private seed (the reference Go library reads it with `ed25519.NewKeyFromSeed`);
 * - PEM, as OpenSSL and node:crypto write it: SPKI (`-----BEGIN PUBLIC KEY-----`) and PKCS#8
 *   (`-----BEGIN PRIVATE KEY-----`).
 *
 * Parsing never throws: it says, in words meant for the user, why a text is not the key expected.
 * The most common mistakes get their own message: a private key pasted where the public key
 * belongs (and the reverse), and the symmetric `whsec_` secret pasted as either.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { errorMessage } from '../../shared/errors'
import { decodeBase64Strict, fingerprintOf } from '../crypto/bytes'

export const WHPK_PREFIX = 'whpk_'
export const WHSK_PREFIX = 'whsk_'

const ED25519_KEY_BYTES = 32
/**
 * DER headers that wrap 32 raw bytes as an ed25519 SPKI public key and PKCS#8 private key
 * (RFC 8410 sections 4 and 7): node:crypto imports raw ed25519 keys only in these containers.
 */
const SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex')

const PEM_LABEL = /^-----BEGIN ([A-Z0-9 ]+)-----/

const PUBLIC_FORMS = 'whpk_<base64> or a PEM public key (-----BEGIN PUBLIC KEY-----)'
const PRIVATE_FORMS = 'whsk_<base64> or a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----)'
const HMAC_SECRET_PASTED =
  'this is a v1 HMAC secret (whsec_...): add it as a Standard Webhooks HMAC shared secret; v1a (ed25519) keys start with whpk_ (public) or whsk_ (private)'

export type Ed25519KeyParse = { ok: true; key: KeyObject } | { ok: false; message: string }

/** A Standard Webhooks public key from `whpk_<base64>` or a PEM SPKI public key. */
export function parseEd25519PublicKey(text: string): Ed25519KeyParse {
  const input = text.trim()
  if (input.startsWith(WHPK_PREFIX)) {
    const raw = decodeBase64Strict(input.slice(WHPK_PREFIX.length))
    if (!raw) return { ok: false, message: `the part after ${WHPK_PREFIX} must be base64` }
    if (raw.length !== ED25519_KEY_BYTES)
      return { ok: false, message: `${WHPK_PREFIX} holds the 32-byte ed25519 public key; this one decodes to ${raw.length} bytes` }
    return importKey(() => createPublicKey({ key: Buffer.concat([SPKI_HEADER, raw]), format: 'der', type: 'spki' }), 'the public key')
  }
  if (input.startsWith(WHSK_PREFIX) || pemLabel(input)?.includes('PRIVATE KEY')) {
    return { ok: false, message: `this is a private key: verification needs only the sender's public key, ${PUBLIC_FORMS}; a private key is for signing` }
  }
  if (input.startsWith('whsec_')) return { ok: false, message: HMAC_SECRET_PASTED }
  const label = pemLabel(input)
  if (label === undefined) return { ok: false, message: `not a Standard Webhooks public key: paste ${PUBLIC_FORMS}` }
  if (label !== 'PUBLIC KEY') return { ok: false, message: `a PEM ${label} is not a public key: paste ${PUBLIC_FORMS}` }
  // Only after the label check: createPublicKey would also derive a public key from a private one.
  return importKey(() => createPublicKey({ key: normalisePem(input), format: 'pem' }), 'the public key')
}

/**
 * A Standard Webhooks private key from `whsk_<base64>` or a PEM PKCS#8 private key. `whsk_` holds the
 * 32-byte seed; the 64-byte libsodium form (seed followed by the public key) is accepted too when its
 * two halves belong together.
 */
export function parseEd25519PrivateKey(text: string): Ed25519KeyParse {
  const input = text.trim()
  if (input.startsWith(WHSK_PREFIX)) {
    const raw = decodeBase64Strict(input.slice(WHSK_PREFIX.length))
    if (!raw) return { ok: false, message: `the part after ${WHSK_PREFIX} must be base64` }
    if (raw.length !== ED25519_KEY_BYTES && raw.length !== 2 * ED25519_KEY_BYTES) {
      return { ok: false, message: `${WHSK_PREFIX} holds the 32-byte ed25519 seed; this one decodes to ${raw.length} bytes` }
    }
    const parsed = importKey(
      () => createPrivateKey({ key: Buffer.concat([PKCS8_HEADER, raw.subarray(0, ED25519_KEY_BYTES)]), format: 'der', type: 'pkcs8' }),
      'the private key',
    )
    if (parsed.ok && raw.length === 2 * ED25519_KEY_BYTES && !rawPublicKey(parsed.key).equals(raw.subarray(ED25519_KEY_BYTES))) {
      return { ok: false, message: `this 64-byte ${WHSK_PREFIX} key's second half is not the public key of its first half: it is corrupted` }
    }
    return parsed
  }
  if (input.startsWith(WHPK_PREFIX) || pemLabel(input) === 'PUBLIC KEY') {
    return { ok: false, message: `this is a public key: signing needs the private key, ${PRIVATE_FORMS}` }
  }
  if (input.startsWith('whsec_')) return { ok: false, message: HMAC_SECRET_PASTED }
  const label = pemLabel(input)
  if (label === undefined) return { ok: false, message: `not an ed25519 private key: paste ${PRIVATE_FORMS}` }
  if (label !== 'PRIVATE KEY') return { ok: false, message: `a PEM ${label} is not an unencrypted PKCS#8 private key: paste ${PRIVATE_FORMS}` }
  return importKey(() => createPrivateKey({ key: normalisePem(input), format: 'pem' }), 'the private key')
}

/** The public key as the spec serialises it: `whpk_<base64 of the 32 raw bytes>`. Takes either half of a pair. */
export function toWhpk(key: KeyObject): string {
  return `${WHPK_PREFIX}${rawPublicKey(key).toString('base64')}`
}

/**
 * Fingerprint of an ed25519 key: SHA-256 over the SPKI DER of its public half, first 16 hex. A key
 * entered as `whpk_` or as PEM, and the private key that made it, all show the same fingerprint.
 */
export function ed25519Fingerprint(key: KeyObject): string {
  return fingerprintOf(spkiDer(key))
}

function spkiDer(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return publicKey.export({ type: 'spki', format: 'der' })
}

function rawPublicKey(key: KeyObject): Buffer {
  return spkiDer(key).subarray(SPKI_HEADER.length)
}

function importKey(load: () => KeyObject, what: string): Ed25519KeyParse {
  let key: KeyObject
  try {
    key = load()
  } catch (error: unknown) {
    return { ok: false, message: `${what} does not parse: ${errorMessage(error)}` }
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return { ok: false, message: `Standard Webhooks v1a signs with ed25519; this key is ${key.asymmetricKeyType?.toUpperCase() ?? 'of another type'}` }
  }
  return { ok: true, key }
}

function pemLabel(text: string): string | undefined {
  return PEM_LABEL.exec(text)?.[1]
}

function normalisePem(pem: string): string {
  return `${pem.replace(/\r\n?/g, '\n')}\n`
}
