/**
 * The scheme most providers sign with: one header holding the HMAC of the raw body, hex or base64,
 * maybe after a prefix ("sha256="), maybe several of them (rotation). GitHub, Shopify, Mollie
 * next-gen, Razorpay, Paystack, Checkout.com and Adyen's platform webhooks differ only in the
 * settings of `BodyHmacHeaderScheme`: this module reads the header, compares in constant time with
 * every configured secret (hmac-check.ts), and says why a delivery fails, in one place.
 */
import { headerValues, setHeader } from '../../shared/http-message'
import type { HmacProviderId, ProviderKey } from '../../shared/providers'
import { bytesEqual, decodeBase64Strict, decodeHexStrict } from '../crypto/bytes'
import { hmacSecretsFor } from '../keys/key-lookups'
import { checkHmacCandidates, type HmacSecretCandidate } from './hmac-check'
import type { ProviderSimulation } from './provider-module'
import { hmacHeaderSimulation, type GeneratedSecret } from './simulation'
import {
  BODY_HMAC_MISMATCH,
  bodyAsLibraryText,
  decodedBodyNote,
  decodedBodyRefusal,
  hmacBytes,
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type Delivery,
  type HmacAlgorithm,
  type VerifyResult,
} from './verification'

/** What one provider's body-HMAC header is: everything else is this module's. */
export interface BodyHmacHeaderScheme {
  /** Scheme id shown in the Signature panel, e.g. `github-hmac-sha256`. */
  scheme: string
  /** The formula shown in the panel, e.g. `base64(HMAC-SHA256(client secret, rawBody))`. */
  formula: string
  /** The header as the provider's docs spell it. */
  headerName: string
  algorithm: HmacAlgorithm
  encoding: 'hex' | 'base64'
  /** A text before the MAC (GitHub's `sha256=`): `required` refuses a value without it, else it is optional (Mollie). */
  prefix?: { text: string; required: boolean }
  /**
   * The header may come more than once, each copy one signature (Mollie's validator takes the
   * PSR-7 request's values of the header, one per header line). A value is not split on commas:
   * no PSR-7 implementation splits one, so `sha256=<a>, sha256=<b>` is one text that no MAC equals.
   */
  list?: boolean
  /** Surrounding whitespace is part of the value (GitHub's libraries compare the whole text). */
  keepWhitespace?: boolean
  /** Names the check in the attempts and the valid verdict, e.g. `HMAC-SHA256 base64`. */
  variant: string
  /** The verdict's message when no received value is a MAC of the scheme (`text`: the value as read, trimmed unless `keepWhitespace`). */
  malformed: (text: string) => string
  /** Said when no secret is configured; `attempt` records a try that computed nothing (the panel still shows what is signed). */
  noKey: { message: string; attempt?: { variant: string; detail: string; showSignedBody: boolean } }
  /**
   * Hex schemes whose verifiers compare the lower-case text (`upperCaseHexMessage`): the right MAC
   * in upper case is a wrong encoding, with this message. Absent: hex of either case is the MAC.
   */
  upperCaseHex?: string
  /** Base64 schemes: the right MAC hex-encoded is a wrong encoding, with this message (Shopify). */
  hexInsteadOfBase64?: string
  /**
   * Base64 schemes whose verifiers compare the base64 text (Shopify's examples): the right MAC spelled
   * otherwise (without its `=` padding) is a wrong encoding, with this message. Absent: any spelling
   * that decodes to the MAC is the MAC.
   */
  paddedBase64?: string
  /** Said when no configured secret matches (which secret signs, rotation rules). */
  mismatchNotes?: readonly string[]
  /** Decodes one value instead of the strict hex/base64 reading (Adyen notes a non-canonical base64 text). */
  decode?: (text: string, notes: string[]) => Buffer | null
  /**
   * The provider's library decodes the body to a string before hashing it (razorpay-node's
   * `body.toString()`): that text is what is checked, and a match on the raw bytes alone says why it refuses.
   */
  decodesBody?: { library: string; providerName: string }
}

const MAC_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 }

/**
 * Said when a header holds the right MAC in upper-case hex for a provider that sends lower case
 * and whose own verifiers compare the hex text (stripe-node, @octokit/webhooks-methods,
 * mollie-api-php, Paddle's SDKs, razorpay-node, Paystack's example): the provider's check would
 * refuse it, so the inspector does not call it valid.
 */
export function upperCaseHexMessage(headerName: string, providerName: string): string {
  return `encoding mismatch: ${headerName} holds the right HMAC in upper-case hex; ${providerName} sends lower-case and its verifiers compare the text exactly`
}

/** A new explanation for the scheme (before the header is read). */
export function bodyHmacHeaderExplanation(scheme: BodyHmacHeaderScheme): ReturnType<typeof newExplanation> {
  return newExplanation(scheme.scheme, scheme.formula, `${scheme.headerName} header`)
}

/**
 * The received texts: the header's value, or for a list scheme the value of every such header.
 * Empty when absent. A single-value header that came more than once is read as Node's http server
 * (and most servers) hands it to the verifying code: its values joined with ", ", which no single
 * MAC equals; `notes` gets a line saying so.
 */
export function bodyHmacHeaderTexts(scheme: BodyHmacHeaderScheme, delivery: Delivery, notes?: string[]): string[] {
  const values = headerValues(delivery.headers, scheme.headerName)
  if (!scheme.list) {
    if (values.length > 1) notes?.push(repeatedHeaderNote(scheme.headerName, values.length))
    return values.length === 0 ? [] : [values.join(', ')]
  }
  return values.map((value) => value.trim()).filter(Boolean)
}

/** Said when a single-value signature header came more than once. */
export function repeatedHeaderNote(headerName: string, count: number): string {
  return `${headerName} came ${count} times: read as one value joined with ", ", as Node's http server (and most others) hands it to the verifying code; the provider sends it once`
}

/** The header value the provider sends for a body: prefix and encoded MAC, with the secret as UTF-8. */
export function signBodyHmacHeader(scheme: BodyHmacHeaderScheme, secret: string, body: Buffer | string): string {
  const mac = hmacBytes(scheme.algorithm, secret, [typeof body === 'string' ? Buffer.from(body, 'utf8') : body])
  return `${scheme.prefix?.text ?? ''}${mac.toString(scheme.encoding)}`
}

/** The endpoint's `hmac-secret` keys for one provider, as HMAC candidates (the secret as UTF-8). */
export function utf8SecretCandidates(keys: readonly ProviderKey[], provider: HmacProviderId): () => HmacSecretCandidate[] {
  return () => hmacSecretsFor(keys, provider).map((key) => ({ key, secret: key.value }))
}

/** The value as compared: trimmed unless the scheme keeps whitespace. */
const asRead = (scheme: BodyHmacHeaderScheme, text: string): string => (scheme.keepWhitespace ? text : text.trim())

/** The encoded MAC of a value: after the prefix (`null` when a required one is missing). */
function encodedPart(scheme: BodyHmacHeaderScheme, text: string): string | null {
  if (!scheme.prefix) return text
  if (text.startsWith(scheme.prefix.text)) return text.slice(scheme.prefix.text.length)
  return scheme.prefix.required ? null : text
}

/** The MAC in one received value, or `null` when it is not one of the scheme's size and encoding. */
function receivedMac(scheme: BodyHmacHeaderScheme, text: string, notes: string[]): Buffer | null {
  const encoded = encodedPart(scheme, text)
  if (encoded === null) return null
  const bytes = scheme.decode ? scheme.decode(encoded, notes) : scheme.encoding === 'hex' ? decodeHexStrict(encoded) : decodeBase64Strict(encoded)
  return bytes !== null && bytes.length === MAC_BYTES[scheme.algorithm] ? bytes : null
}

/**
 * The verdict for the received texts (non-empty; from `bodyHmacHeaderTexts`): malformed, wrong
 * encoding, no key, mismatch or valid. Every configured secret is tried against every received MAC.
 * `candidatesOf` is asked once, after the header is read (a provider may note unusable keys there).
 */
export function verifyBodyHmacHeader(
  scheme: BodyHmacHeaderScheme,
  texts: readonly string[],
  raw: Buffer,
  candidatesOf: () => readonly HmacSecretCandidate[],
  explanation = bodyHmacHeaderExplanation(scheme),
): VerifyResult {
  explanation.receivedSignatures.push(...texts)
  const body = scheme.decodesBody ? bodyAsLibraryText(raw, 'to-string') : raw
  if (body !== raw && scheme.decodesBody) explanation.notes.push(decodedBodyNote(scheme.decodesBody.library, 'to-string', scheme.decodesBody.providerName))
  const read = texts.map((text) => asRead(scheme, text))
  const received = read.map((text) => receivedMac(scheme, text, explanation.notes)).filter((bytes): bytes is Buffer => bytes !== null)
  let candidates: readonly HmacSecretCandidate[] | undefined
  const configured = (): readonly HmacSecretCandidate[] => (candidates ??= candidatesOf())
  if (received.length === 0) {
    const wrongEncoding = scheme.hexInsteadOfBase64 !== undefined && hexEncodedRightMac(scheme, read, body, configured())
    return result(
      wrongEncoding
        ? invalidVerdict('wrong-encoding', scheme.hexInsteadOfBase64 ?? '')
        : invalidVerdict('malformed-signature', scheme.malformed(read[0] ?? '')),
      explanation,
    )
  }
  if (configured().length === 0) {
    const attempt = scheme.noKey.attempt
    if (attempt)
      explanation.attempts.push(
        makeAttempt({ variant: attempt.variant, matched: false, ...(attempt.showSignedBody ? signedStringFields(body) : {}), detail: attempt.detail }),
      )
    return result(noKeyVerdict(scheme.noKey.message), explanation)
  }
  const { matched, computed } = checkHmacCandidates({
    candidates: [...configured()],
    algorithm: scheme.algorithm,
    signed: body,
    received,
    encode: (mac) => `${scheme.prefix?.text ?? ''}${mac.toString(scheme.encoding)}`,
    variant: scheme.variant,
    explanation,
  })
  if (matched && scheme.upperCaseHex !== undefined && !sentInLowerCase(scheme, read, computed[computed.length - 1])) {
    return result(invalidVerdict('wrong-encoding', scheme.upperCaseHex), explanation)
  }
  if (matched && scheme.paddedBase64 !== undefined && !sentAsEncoded(scheme, read, computed[computed.length - 1])) {
    return result(invalidVerdict('wrong-encoding', scheme.paddedBase64), explanation)
  }
  if (matched) return result(validVerdict(scheme.variant, `${scheme.headerName} matches`), explanation)
  if (
    body !== raw &&
    scheme.decodesBody &&
    configured().some((candidate) => received.some((mac) => bytesEqual(hmacBytes(scheme.algorithm, candidate.secret, [raw]), mac)))
  )
    return result(decodedBodyRefusal(scheme.variant, scheme.decodesBody.library), explanation)
  explanation.notes.push(...(scheme.mismatchNotes ?? []))
  return result(invalidVerdict('signature-mismatch', BODY_HMAC_MISMATCH), explanation)
}

/** True when some received value holding the matching MAC is written in lower case, as the provider sends it. */
function sentInLowerCase(scheme: BodyHmacHeaderScheme, read: readonly string[], mac: Buffer | undefined): boolean {
  return read.some((text) => {
    const bytes = receivedMac(scheme, text, [])
    return bytes !== null && mac !== undefined && bytesEqual(bytes, mac) && text === text.toLowerCase()
  })
}

/** True when some received value is the matching MAC exactly as the scheme encodes it (prefix, then the encoder's text). */
function sentAsEncoded(scheme: BodyHmacHeaderScheme, read: readonly string[], mac: Buffer | undefined): boolean {
  return mac !== undefined && read.some((text) => encodedPart(scheme, text) === mac.toString(scheme.encoding))
}

/** True when a value is the hex of the right MAC (a base64 scheme's value written in the wrong encoding). */
function hexEncodedRightMac(scheme: BodyHmacHeaderScheme, read: readonly string[], body: Buffer, candidates: readonly HmacSecretCandidate[]): boolean {
  return read.some((text) => {
    const hex = decodeHexStrict(text)
    if (!hex || hex.length !== MAC_BYTES[scheme.algorithm]) return false
    return candidates.some((candidate) => bytesEqual(hmacBytes(scheme.algorithm, candidate.secret, [body]), hex))
  })
}

/** The simulator's signer: the header holds the MAC of the body as the template writes it. */
export function bodyHmacHeaderSimulation(provider: HmacProviderId, scheme: BodyHmacHeaderScheme, generateSecret: () => GeneratedSecret): ProviderSimulation {
  return hmacHeaderSimulation({
    provider,
    generate: generateSecret,
    signHeaders: (secret, body, input) => {
      setHeader(input.headers, scheme.headerName, signBodyHmacHeader(scheme, secret.value, body))
      return undefined
    },
  })
}

/** A scheme of one lower-case hex MAC of the body, compared as text by the provider's verifiers (Razorpay, Paystack). */
export function lowerCaseHexBodyScheme(spec: {
  scheme: string
  algorithm: 'sha256' | 'sha512'
  headerName: string
  /** "Razorpay", for messages. */
  providerName: string
  /** What the key is called: "webhook secret". */
  secretName: string
  mismatchNotes: readonly string[]
}): BodyHmacHeaderScheme {
  const name = `HMAC-${spec.algorithm.toUpperCase()}`
  const hexChars = MAC_BYTES[spec.algorithm] * 2
  return {
    scheme: spec.scheme,
    formula: `lower-case hex(${name}(${spec.secretName}, rawBody))`,
    headerName: spec.headerName,
    algorithm: spec.algorithm,
    encoding: 'hex',
    variant: `${name} hex`,
    malformed: (text) =>
      `${spec.headerName} is not ${hexChars} hex characters (hex of an ${name}); ${text.length === 0 ? 'it is empty' : `it has ${text.length} character${text.length === 1 ? '' : 's'}`}`,
    noKey: {
      message: `no ${spec.providerName} ${spec.secretName} configured for this endpoint`,
      attempt: { variant: 'body', detail: 'no secret configured: nothing to compute', showSignedBody: true },
    },
    upperCaseHex: upperCaseHexMessage(spec.headerName, spec.providerName),
    mismatchNotes: spec.mismatchNotes,
  }
}
