import type { InvalidReason, SignatureVerdict } from '@shared/providers'

/**
 * An invalid verdict's reason in words, for the Signature panel's headline. The codes
 * (`stale-timestamp`, `signed-data-changed`…) are the API's; the panel read "Invalid:
 * stale-timestamp" until these. A Record, so a reason added to the contract must be named here.
 */
export const INVALID_REASON_WORDS: Record<InvalidReason, string> = {
  'missing-header': 'signature missing',
  'malformed-signature': 'signature malformed',
  'signature-mismatch': 'signature mismatch',
  'body-changed': 'body changed after signing',
  'signed-data-changed': 'signed data changed',
  'wrong-key': 'signed with another key',
  'digest-mismatch': 'wrong digest',
  'wrong-encoding': 'wrong encoding',
  'stale-timestamp': 'timestamp outside tolerance',
  expired: 'expired',
  'fingerprint-mismatch': 'certificate fingerprint mismatch',
  'malformed-body': 'body unreadable as the provider reads it',
  'unsupported-algorithm': 'unsupported algorithm',
  'unusable-key': 'key unusable',
}

/** The Signature panel's first words for a verdict; its message follows. */
export function verdictHeadline(verdict: SignatureVerdict): string {
  switch (verdict.status) {
    case 'valid':
      return `Valid (${verdict.variant})`
    case 'invalid':
      return `Invalid: ${INVALID_REASON_WORDS[verdict.reason]}`
    case 'no-key':
      return 'No key configured'
    case 'unsigned':
      return 'Unsigned by design'
    case 'not-applicable':
      return 'Not applicable'
    default: {
      const unknown: never = verdict
      return String(unknown)
    }
  }
}
