/**
 * The loop every HMAC scheme shares: compute the MAC of the signed bytes with each configured
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

/** Returns the key that matched, or `null`; records one attempt per key. */
export function checkHmacCandidates(input: HmacCheckInput): { matched: ProviderKey | null; computed: Buffer[] } {
  const computed: Buffer[] = []
  for (const candidate of input.candidates) {
    const mac = hmacBytes(input.algorithm, candidate.secret, [input.signed])
    computed.push(mac)
    // Compare against every received signature without stopping early on the first mismatch.
    let matched = false
    for (const signature of input.received) matched = bytesEqual(mac, signature) || matched
    const fingerprint = keyFingerprint(candidate.key)
    input.explanation.attempts.push(
      makeAttempt({
        variant: input.variant,
        matched,
        keyFingerprint: fingerprint,
        keyLabel: keyLabel(candidate.key),
        ...signedStringFields(input.signed),
        bodyHash: input.bodyHash ?? null,
        computedSignature: input.encode(mac),
      }),
    )
    if (matched) {
      input.explanation.matchedVariant = input.variant
      input.explanation.keyFingerprint = fingerprint
      return { matched: candidate.key, computed }
    }
  }
  const only = input.candidates.length === 1 ? input.candidates[0] : undefined
  if (only) input.explanation.keyFingerprint = keyFingerprint(only.key)
  return { matched: null, computed }
}
