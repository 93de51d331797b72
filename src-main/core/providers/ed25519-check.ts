/**
 * The ed25519 counterpart of `hmac-check.ts`: check the received signatures with each configured
 * public key (rotation) and record every try for the Signature panel.
 *
 * An ed25519 signature cannot be recomputed without the private key, so an attempt shows no
 * computed signature, and a failure cannot tell "other bytes were signed" from "another key
 * signed" (unlike RSA, whose signature opens to the signed digest). node:crypto's `verify` does
 * the comparison; it works on public data only, so it needs no constant-time care here.
 */
import { errorMessage } from '../../shared/errors'
import { verify, type KeyObject } from 'node:crypto'
import type { ProviderKey, SignatureExplanation } from '../../shared/providers'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { makeAttempt, signedStringFields } from './verification'

export interface Ed25519Candidate {
  key: ProviderKey
  publicKey: KeyObject
}

export interface Ed25519CheckInput {
  candidates: Ed25519Candidate[]
  /** The exact bytes that are signed. */
  signed: Buffer
  /** Decoded received signatures (64 bytes each). */
  received: Buffer[]
  variant: string
  explanation: SignatureExplanation
}

/** Returns the key whose public key verifies one of the signatures, or `null`; records one attempt per key. */
export function checkEd25519Candidates(input: Ed25519CheckInput): { matched: ProviderKey | null } {
  for (const candidate of input.candidates) {
    const outcome = verifiesAny(candidate.publicKey, input.signed, input.received)
    const fingerprint = keyFingerprint(candidate.key)
    const matched = outcome.index !== null
    input.explanation.attempts.push(
      makeAttempt({
        variant: input.variant,
        matched,
        keyFingerprint: fingerprint,
        keyLabel: keyLabel(candidate.key),
        ...signedStringFields(input.signed),
        detail:
          outcome.error ??
          (matched
            ? `signature ${(outcome.index ?? 0) + 1} of ${input.received.length} verifies with this public key`
            : `none of the ${input.received.length} signature(s) verifies with this public key: the id, the timestamp, the body or the signing key differ`),
      }),
    )
    if (matched) {
      input.explanation.matchedVariant = input.variant
      input.explanation.keyFingerprint = fingerprint
      return { matched: candidate.key }
    }
  }
  const only = input.candidates.length === 1 ? input.candidates[0] : undefined
  if (only) input.explanation.keyFingerprint = keyFingerprint(only.key)
  return { matched: null }
}

function verifiesAny(publicKey: KeyObject, signed: Buffer, signatures: Buffer[]): { index: number | null; error: string | null } {
  try {
    const index = signatures.findIndex((signature) => verify(null, signed, publicKey, signature))
    return { index: index < 0 ? null : index, error: null }
  } catch (error: unknown) {
    return { index: null, error: `the signature cannot be checked with this key: ${errorMessage(error)}` }
  }
}
