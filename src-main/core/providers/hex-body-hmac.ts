/**
 * The scheme Razorpay and Paystack share: one header holding the lower-case hex HMAC of the raw
 * body, keyed with a secret taken as UTF-8 text (Razorpay: SHA-256 and the webhook secret;
 * Paystack: SHA-512 and the secret API key). Their SDKs and documented examples compare the hex
 * text exactly, so an upper-case copy of the right MAC is reported as a wrong encoding, not valid.
 */
import { setHeader } from '../../shared/http-message'
import type { HmacProviderId, ProviderKey } from '../../shared/providers'
import { decodeHexStrict } from '../crypto/bytes'
import { checkHmacCandidates, type HmacSecretCandidate } from './hmac-check'
import { hmacSecretsFor } from '../keys/key-lookups'
import type { ProviderSimulation } from './provider-module'
import { hmacHeaderSimulation } from './simulation'
import {
  HMAC_MISMATCH,
  hmacBytes,
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type VerifyResult,
} from './verification'

/** What differs between the providers that use the scheme. */
export interface HexBodyHmacScheme {
  /** Scheme id shown in the Signature panel, e.g. `razorpay-hmac-sha256`. */
  scheme: string
  algorithm: 'sha256' | 'sha512'
  /** The header as the provider's docs spell it, e.g. `X-Razorpay-Signature`. */
  headerName: string
  /** Provider name for messages: "Razorpay". */
  providerName: string
  /** What the key is called, for messages: "webhook secret". */
  secretName: string
  /** Said when no configured secret matches (rotation rules, which secret signs). */
  mismatchNotes: readonly string[]
}

const MAC_BYTES = { sha256: 32, sha512: 64 } as const

/** The header value: lower-case hex of the HMAC of the raw body. */
export function signHexBodyHmac(algorithm: HexBodyHmacScheme['algorithm'], secret: string, body: Buffer | string): string {
  return hmacBytes(algorithm, secret, [typeof body === 'string' ? Buffer.from(body, 'utf8') : body]).toString('hex')
}

/** The endpoint's `hmac-secret` keys for one provider, as HMAC candidates (the secret as UTF-8). */
export function hexBodyHmacCandidates(keys: readonly ProviderKey[], provider: HmacProviderId): HmacSecretCandidate[] {
  return hmacSecretsFor(keys, provider).map((key) => ({ key, secret: key.value }))
}

/** A new explanation for the scheme (before the header is read). */
export function hexBodyHmacExplanation(scheme: HexBodyHmacScheme): ReturnType<typeof newExplanation> {
  return newExplanation(scheme.scheme, `lower-case hex(HMAC-${scheme.algorithm.toUpperCase()}(${scheme.secretName}, rawBody))`, `${scheme.headerName} header`)
}

/**
 * The verdict for a received header value: malformed, no key, wrong encoding (upper-case hex),
 * mismatch or valid. Every configured secret is tried (rotation).
 */
export function verifyHexBodyHmac(
  scheme: HexBodyHmacScheme,
  header: string,
  body: Buffer,
  candidates: readonly HmacSecretCandidate[],
  explanation = hexBodyHmacExplanation(scheme),
): VerifyResult {
  explanation.receivedSignatures.push(header)
  const signature = header.trim()
  const received = decodeHexStrict(signature)
  const expectedBytes = MAC_BYTES[scheme.algorithm]
  if (!received || received.length !== expectedBytes) {
    return result(
      invalidVerdict(
        'malformed-signature',
        `${scheme.headerName} is not ${expectedBytes * 2} hex characters (hex of an HMAC-${scheme.algorithm.toUpperCase()}); it has ${signature.length} character(s)`,
      ),
      explanation,
    )
  }
  if (candidates.length === 0) {
    explanation.attempts.push(makeAttempt({ variant: 'body', matched: false, ...signedStringFields(body), detail: 'no secret configured: nothing to compute' }))
    return result(noKeyVerdict(`no ${scheme.providerName} ${scheme.secretName} configured for this endpoint`), explanation)
  }
  const { matched } = checkHmacCandidates({
    candidates: [...candidates],
    algorithm: scheme.algorithm,
    signed: body,
    received: [received],
    encode: (mac) => mac.toString('hex'),
    variant: `HMAC-${scheme.algorithm.toUpperCase()} hex`,
    explanation,
  })
  if (matched && signature !== signature.toLowerCase()) {
    return result(
      invalidVerdict(
        'wrong-encoding',
        `encoding mismatch: ${scheme.headerName} holds the right HMAC in upper-case hex; ${scheme.providerName} sends lower-case and its verifiers compare the text exactly`,
      ),
      explanation,
    )
  }
  if (matched) return result(validVerdict(`HMAC-${scheme.algorithm.toUpperCase()} hex`, `${scheme.headerName} matches`), explanation)
  explanation.notes.push(...scheme.mismatchNotes)
  return result(invalidVerdict('signature-mismatch', HMAC_MISMATCH), explanation)
}

/** The simulator's signer for such a provider: the header holds the hex HMAC of the body as the template writes it. */
export function hexBodyHmacSimulation(
  provider: HmacProviderId,
  scheme: Pick<HexBodyHmacScheme, 'algorithm' | 'headerName'>,
  generateSecret: () => string,
): ProviderSimulation {
  return hmacHeaderSimulation({
    provider,
    generate: generateSecret,
    signHeaders: (secret, body, input) => {
      setHeader(input.headers, scheme.headerName, signHexBodyHmac(scheme.algorithm, secret.value, body))
    },
  })
}
