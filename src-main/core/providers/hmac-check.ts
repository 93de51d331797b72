/**
 * The loop every HMAC scheme shares: compute the MAC of each signed variant with each configured
 * secret (rotation), compare in constant time with each received signature, and record every try
 * for the Signature panel.
 */
import type { ProviderKey, SignatureExplanation } from '../../shared/providers'
import { bytesEqual } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { hmacBytes, makeAttempt, signedStringFields, type HmacAlgorithm } from './verification'

export interface HmacSecretCandidate {
  key: ProviderKey
  /** The HMAC key bytes (a secret may be decoded first: Adyen hex, Standard Webhooks base64). */
  secret: Buffer | string
}

/** A secret as the loop reads it, with how the panel names it (keys a provider reads into its own shape: Square, Mercado Pago). */
export interface HmacKeyCandidate {
  secret: Buffer | string
  fingerprint: string
  label: string | null
}

/** One way a delivery may have been signed: the exact signed bytes, named for the panel. */
export interface SignedVariant {
  variant: string
  signed: Buffer
  bodyHash?: { algorithm: string; hex: string } | null
}

export interface HmacVariantsInput<Key extends HmacKeyCandidate> {
  keys: readonly Key[]
  /** Tried in order for each key (IXOPAY's body hashes and dates, Square's notification URLs). */
  variants: readonly SignedVariant[]
  algorithm: HmacAlgorithm
  /** Decoded received signatures (several when a header lists some). */
  received: readonly Buffer[]
  /** How the scheme writes a MAC (for the panel). */
  encode: (mac: Buffer) => string
  explanation: SignatureExplanation
}

/**
 * The loop every HMAC scheme shares: each key (rotation) against each signed variant, every
 * received signature compared in constant time, one attempt recorded per try, stopping at the
 * first match. On a match the explanation names its variant and key; otherwise, with one key
 * configured, that key. `computed` holds every MAC computed, the matching one last.
 */
export function checkHmacVariants<Key extends HmacKeyCandidate>(
  input: HmacVariantsInput<Key>,
): { match: { key: Key; variant: SignedVariant; mac: Buffer } | null; computed: Buffer[] } {
  const computed: Buffer[] = []
  for (const key of input.keys) {
    for (const variant of input.variants) {
      const mac = hmacBytes(input.algorithm, key.secret, [variant.signed])
      computed.push(mac)
      // Compare against every received signature without stopping early on the first mismatch.
      let matched = false
      for (const signature of input.received) matched = bytesEqual(mac, signature) || matched
      input.explanation.attempts.push(
        makeAttempt({
          variant: variant.variant,
          matched,
          keyFingerprint: key.fingerprint,
          keyLabel: key.label,
          ...signedStringFields(variant.signed),
          bodyHash: variant.bodyHash ?? null,
          computedSignature: input.encode(mac),
        }),
      )
      if (matched) {
        input.explanation.matchedVariant = variant.variant
        input.explanation.keyFingerprint = key.fingerprint
        return { match: { key, variant, mac }, computed }
      }
    }
  }
  const only = input.keys.length === 1 ? input.keys[0] : undefined
  if (only) input.explanation.keyFingerprint = only.fingerprint
  return { match: null, computed }
}

export interface HmacCheckInput {
  candidates: HmacSecretCandidate[]
  algorithm: HmacAlgorithm
  /** The exact bytes that are signed. */
  signed: Buffer
  /** Decoded received signatures (several when a header lists some). */
  received: Buffer[]
  /** How the scheme writes a MAC (for the panel). */
  encode: (mac: Buffer) => string
  variant: string
  explanation: SignatureExplanation
  bodyHash?: { algorithm: string; hex: string }
}

/** `checkHmacVariants` for one signed variant and the endpoint's keys: returns the key that matched, or `null`. */
export function checkHmacCandidates(input: HmacCheckInput): { matched: ProviderKey | null; computed: Buffer[] } {
  const { match, computed } = checkHmacVariants({
    keys: input.candidates.map((candidate) => ({
      secret: candidate.secret,
      fingerprint: keyFingerprint(candidate.key),
      label: keyLabel(candidate.key),
      key: candidate.key,
    })),
    variants: [{ variant: input.variant, signed: input.signed, bodyHash: input.bodyHash ?? null }],
    algorithm: input.algorithm,
    received: input.received,
    encode: input.encode,
    explanation: input.explanation,
  })
  return { matched: match?.key.key ?? null, computed }
}
