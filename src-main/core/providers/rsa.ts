/**
 * RSA PKCS#1 v1.5 signature checks with a diagnosis.
 *
 * Unlike an HMAC, an RSA signature can be opened with the public key: the result is the padded
 * DigestInfo the signer hashed. That tells apart "the key is right but other bytes were signed"
 * (`body-changed`), "signed with another digest" (`digest-mismatch`, e.g. CHIP Send's SHA-512 checked
 * as CHIP Collect's SHA-256) and "not this key at all" (`wrong-key`). `crypto.verify` stays the
 * authority for validity; the diagnosis only explains a failure.
 */
import { errorMessage } from '../../shared/errors'
import { constants, createHash, publicDecrypt, verify, type KeyObject } from 'node:crypto'

export type RsaDigest = 'sha1' | 'sha256' | 'sha384' | 'sha512'

/** DER prefixes of DigestInfo for each digest (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO_PREFIXES: Record<RsaDigest, string> = {
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
}

export type RsaCheck =
  | { outcome: 'valid' }
  | { outcome: 'digest-differs'; signedDigestHex: string; computedDigestHex: string }
  | { outcome: 'digest-mismatch'; signedWith: RsaDigest }
  | { outcome: 'wrong-key'; detail: string }

export function digestLabel(digest: RsaDigest): string {
  return digest.replace('sha', 'SHA-')
}

/** Verifies `signature` over `message` with `digest`, and diagnoses a failure. */
export function checkRsaPkcs1(publicKey: KeyObject, digest: RsaDigest, message: Buffer, signature: Buffer): RsaCheck {
  let isValid: boolean
  try {
    isValid = verify(digest, message, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature)
  } catch (error: unknown) {
    return { outcome: 'wrong-key', detail: `the signature cannot be checked with this key: ${errorMessage(error)}` }
  }
  if (isValid) return { outcome: 'valid' }
  return diagnosis(openRsaPkcs1(publicKey, signature), digest, message)
}

/**
 * `checkRsaPkcs1` for many candidate messages under one signature and key (Plexo's forms: a few
 * hundred when the dates are tried in every time zone's offsets). The signature is opened once,
 * and `crypto.verify`, still the authority, runs only for a candidate whose digest is the one
 * signed: any other candidate costs a hash instead of two RSA operations. A flood of forged
 * deliveries then costs a hash per form, not milliseconds each. The verdict for each candidate
 * is `checkRsaPkcs1`'s.
 */
export function rsaPkcs1Checker(publicKey: KeyObject, digest: RsaDigest, signature: Buffer): (message: Buffer) => RsaCheck {
  let opened: OpenedSignature | undefined
  return (message) => {
    opened ??= openRsaPkcs1(publicKey, signature)
    if (opened.outcome !== 'opened' || opened.signedWith !== digest) return diagnosis(opened, digest, message)
    const computedDigestHex = createHash(digest).update(message).digest('hex')
    if (computedDigestHex === opened.signedDigestHex) return checkRsaPkcs1(publicKey, digest, message, signature)
    return { outcome: 'digest-differs', signedDigestHex: opened.signedDigestHex, computedDigestHex }
  }
}

/** What a signature opens to under a public key, whatever message it is checked against. */
type OpenedSignature = { outcome: 'opened'; signedWith: RsaDigest; signedDigestHex: string } | { outcome: 'wrong-key'; detail: string }

/** Opens `signature` under `publicKey` (RSA without padding, then the PKCS#1 v1.5 block): the DigestInfo the signer hashed, or why it does not open. */
function openRsaPkcs1(publicKey: KeyObject, signature: Buffer): OpenedSignature {
  const modulusBytes = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
  if (modulusBytes > 0 && signature.length !== modulusBytes) {
    return {
      outcome: 'wrong-key',
      detail: `the signature is ${signature.length} bytes; this ${modulusBytes * 8}-bit key makes ${modulusBytes}-byte signatures`,
    }
  }
  let encoded: Buffer
  try {
    encoded = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature)
  } catch (error: unknown) {
    return { outcome: 'wrong-key', detail: `the signature does not open under this key: ${errorMessage(error)}` }
  }
  const digestInfo = unpadPkcs1Type1(encoded)
  if (!digestInfo) {
    return { outcome: 'wrong-key', detail: 'the signature does not open under this key to a PKCS#1 v1.5 block: it was made with another key (or is corrupted)' }
  }
  const hex = digestInfo.toString('hex')
  for (const candidate of Object.keys(DIGEST_INFO_PREFIXES) as RsaDigest[]) {
    const prefix = DIGEST_INFO_PREFIXES[candidate]
    if (hex.startsWith(prefix)) return { outcome: 'opened', signedWith: candidate, signedDigestHex: hex.slice(prefix.length) }
  }
  return { outcome: 'wrong-key', detail: 'the signature opens to an unknown DigestInfo' }
}

/** Why a signature that `crypto.verify` refused does not cover `message`. */
function diagnosis(opened: OpenedSignature, digest: RsaDigest, message: Buffer): Exclude<RsaCheck, { outcome: 'valid' }> {
  if (opened.outcome === 'wrong-key') return opened
  if (opened.signedWith !== digest) return { outcome: 'digest-mismatch', signedWith: opened.signedWith }
  return { outcome: 'digest-differs', signedDigestHex: opened.signedDigestHex, computedDigestHex: createHash(digest).update(message).digest('hex') }
}

/** EMSA-PKCS1-v1_5: 0x00 0x01 0xFF... 0x00 DigestInfo. Returns the DigestInfo or `null`. */
function unpadPkcs1Type1(block: Buffer): Buffer | null {
  if (block.length < 11 || block[0] !== 0x00 || block[1] !== 0x01) return null
  let index = 2
  while (index < block.length && block[index] === 0xff) index++
  if (index < 10 || block[index] !== 0x00) return null
  return block.subarray(index + 1)
}

/** An attempt's detail for a certificate's check (PayPal, Plexo); `otherSigned` says what a signature opening to another digest covered. */
export function certificateCheckDetail(check: RsaCheck, otherSigned: string): string {
  switch (check.outcome) {
    case 'valid':
      return 'verifies'
    case 'wrong-key':
      return check.detail
    case 'digest-mismatch':
      return `made with ${check.signedWith}`
    case 'digest-differs':
      return `opens under this certificate to a digest of ${otherSigned}`
    default: {
      const exhaustive: never = check
      return String(exhaustive)
    }
  }
}

/**
 * The failed check that explains a failure best (PayPal, Plexo): one that opened to a digest of
 * other bytes (that certificate is the signer's, the signed data changed), else one made with
 * another digest; `null` when every check says the key is not the signer's.
 */
export function telltaleRsaFailure<Failure extends { check: RsaCheck }>(
  failures: readonly Failure[],
): { kind: 'data-changed'; failure: Failure } | { kind: 'other-digest'; failure: Failure; signedWith: RsaDigest } | null {
  const opened = failures.find((failure) => failure.check.outcome === 'digest-differs')
  if (opened) return { kind: 'data-changed', failure: opened }
  for (const failure of failures)
    if (failure.check.outcome === 'digest-mismatch') return { kind: 'other-digest', failure, signedWith: failure.check.signedWith }
  return null
}
