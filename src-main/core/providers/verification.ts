/**
 * Shared shapes and helpers for the scheme verifiers: verdict constructors, explanation builders,
 * HMAC computation over raw bytes and timestamp checks.
 */
import { isUtf8 } from 'node:buffer'
import { createHmac } from 'node:crypto'
import type { InvalidReason, SignatureExplanation, SignatureVerdict, TimestampCheck, VerificationAttempt } from '../../shared/providers'
import type { HeaderPairs } from '../../shared/http-message'
import { displayBytes } from './body'
import { roughDuration } from '../../shared/rough-duration'

/** A delivery as captured: the raw request the verifier works on. */
export interface Delivery {
  method: string
  /** Path and query exactly as received. */
  target: string
  headers: HeaderPairs
  body: Buffer
}

export interface VerifyOptions {
  /** Injected clock for time-bound schemes. */
  now: Date
  /** Overrides a scheme's default tolerance (Stripe, Standard Webhooks). */
  toleranceSeconds?: number
  /**
   * `now` is not when the delivery arrived (an import whose source records no time: curl, raw
   * HTTP, a pasted body): a time-bound scheme then checks no tolerance (ARRIVAL_UNKNOWN_TIMING).
   */
  arrivalUnknown?: boolean
  /** IXOPAY: the original callback path and query when a proxy or endpoint prefix changed it. */
  signedPathOverride?: string
}

export interface VerifyResult {
  verdict: SignatureVerdict
  explanation: SignatureExplanation
}

/**
 * Said whenever an HMAC does not match: an HMAC cannot tell which of its inputs differs, so the
 * message names them all, as the scheme signs them (`signedInputs`: "the body", "the body, the
 * timestamp (t=)"): never an input the scheme does not sign.
 */
export function hmacMismatch(signedInputs: string, key = 'the key'): string {
  return `signature mismatch: ${signedInputs} or ${key} differ`
}

/** For a scheme whose signed inputs the user configured (a generic HMAC scheme). */
export const HMAC_MISMATCH = hmacMismatch('the body, signed headers')

/** A scheme that signs the body's bytes alone (one header holding the HMAC of the body). */
export const BODY_HMAC_MISMATCH = `${hmacMismatch('the body')} (only the body's bytes are signed: a body changed on the way, or another secret, gives this)`

export function newExplanation(scheme: string | null, algorithm: string | null, signatureLocation: string | null): SignatureExplanation {
  return {
    scheme,
    algorithm,
    signatureLocation,
    receivedSignatures: [],
    attempts: [],
    matchedVariant: null,
    keyFingerprint: null,
    timestamp: null,
    notes: [],
  }
}

export function makeAttempt(fields: Partial<VerificationAttempt> & { variant: string; matched: boolean }): VerificationAttempt {
  return {
    keyFingerprint: null,
    keyLabel: null,
    signedString: null,
    signedStringTruncated: false,
    bodyHash: null,
    computedSignature: null,
    detail: null,
    ...fields,
  }
}

/** Signed bytes as display text for the panel (cut at the display limit). */
export function signedStringFields(signed: Buffer): Pick<VerificationAttempt, 'signedString' | 'signedStringTruncated'> {
  const display = displayBytes(signed)
  return { signedString: display.text, signedStringTruncated: display.truncated }
}

export function validVerdict(variant: string, message: string): SignatureVerdict {
  return { status: 'valid', variant, message }
}

export function invalidVerdict(reason: InvalidReason, message: string): SignatureVerdict {
  return { status: 'invalid', reason, message }
}

export function noKeyVerdict(message: string): SignatureVerdict {
  return { status: 'no-key', message }
}

export function result(verdict: SignatureVerdict, explanation: SignatureExplanation): VerifyResult {
  return { verdict, explanation }
}

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512'

/** HMAC over the concatenation of the parts, each string taken as UTF-8. */
export function hmacBytes(algorithm: HmacAlgorithm, key: Buffer | string, parts: ReadonlyArray<Buffer | string>): Buffer {
  const mac = createHmac(algorithm, key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/** Concatenation of parts as bytes (strings as UTF-8). */
export function concatBytes(parts: ReadonlyArray<Buffer | string>): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)))
}

/**
 * Compares a signed Unix timestamp with the clock the way the provider's own library does, so a
 * delivery at the boundary gets the library's verdict (the clock has milliseconds, the timestamp not):
 * - `max-age` (stripe-node): whole seconds, `floor(now) − t ≤ tolerance`; a timestamp in the future passes.
 * - `symmetric` (the standardwebhooks libraries): whole seconds, `|floor(now) − t| ≤ tolerance`.
 * - `max-age-exact` (Paddle's SDKs): `now − t ≤ tolerance` to the millisecond (5.4 s old is past 5 s).
 * `skewSeconds` is the difference the library compares (to the millisecond for `max-age-exact`).
 */
export function checkTimestamp(
  signedAtSeconds: number,
  now: Date,
  toleranceSeconds: number | null,
  mode: 'max-age' | 'symmetric' | 'max-age-exact',
): TimestampCheck {
  const skewSeconds = mode === 'max-age-exact' ? Math.round(now.getTime() - signedAtSeconds * 1000) / 1000 : Math.floor(now.getTime() / 1000) - signedAtSeconds
  let withinTolerance = true
  if (toleranceSeconds !== null) {
    withinTolerance = mode === 'symmetric' ? Math.abs(skewSeconds) <= toleranceSeconds : skewSeconds <= toleranceSeconds
  }
  return { signedAt: isoFromSeconds(signedAtSeconds), skewSeconds, toleranceSeconds, withinTolerance }
}

/**
 * What a time-bound verdict says of its timestamp when the arrival is unknown: an import's age
 * (counted from the import) would blame the sender for how long the evidence took to reach the app.
 */
export const ARRIVAL_UNKNOWN_TIMING = 'timestamp not checked: when it arrived is not known (its source records no time), so no tolerance applies'

export function isoFromSeconds(seconds: number): string {
  const date = new Date(seconds * 1000)
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(seconds)
}

/**
 * "301 s old" / "12 s in the future" for messages; an hour or more also in words, since "signed
 * 96644058 s old" read as noise: "96644058 s old, about 3.1 years". The exact seconds stay.
 */
export function describeSkew(skewSeconds: number): string {
  const seconds = Math.abs(skewSeconds)
  const rough = roughDuration(seconds)
  return `${seconds} s ${skewSeconds >= 0 ? 'old' : 'in the future'}${rough === null ? '' : `, about ${rough}`}`
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The body as a provider's JavaScript library hashes it when it decodes the bytes to a string
 * first: `text-decoder` (stripe-node's TextDecoder, which also drops a leading byte order mark) or
 * `to-string` (Buffer#toString: the standardwebhooks package, razorpay-node). Bytes that are not
 * UTF-8 become U+FFFD either way. The same buffer when decoding changes nothing, which is nearly
 * always (providers send UTF-8 JSON): one pass over the bytes.
 */
export function bodyAsLibraryText(body: Buffer, decoder: 'text-decoder' | 'to-string'): Buffer {
  const dropsMark = decoder === 'text-decoder' && body.subarray(0, 3).equals(BYTE_ORDER_MARK)
  if (isUtf8(body) && !dropsMark) return body
  return Buffer.from(decoder === 'text-decoder' ? new TextDecoder('utf-8').decode(body) : body.toString('utf8'), 'utf8')
}

/** The note when a library's decoding changed the body checked. */
export function decodedBodyNote(library: string, decoder: 'text-decoder' | 'to-string', providerName: string): string {
  return `${library} decodes the body as UTF-8 text before computing (${decoder === 'text-decoder' ? 'a leading byte order mark is dropped, ' : ''}bytes that are not UTF-8 become U+FFFD), so that text is what is checked; ${providerName} sends UTF-8${decoder === 'text-decoder' ? ' without a byte order mark' : ''}`
}

/** The verdict when the raw bytes match but the library's decoded text does not. */
export function decodedBodyRefusal(signatureName: string, library: string): SignatureVerdict {
  return invalidVerdict(
    'malformed-body',
    `the ${signatureName} signature matches the raw bytes, but ${library} checks the body decoded as UTF-8 text (see notes), so it refuses this delivery`,
  )
}

/** A header that came as more than one line. */
export interface RepeatedHeader {
  name: string
  count: number
}

/** Which of `names` came as more than one header line (names in any case), in the order given. */
export function repeatedHeaders(headers: HeaderPairs, names: readonly string[]): RepeatedHeader[] {
  return names.flatMap((name) => {
    const lower = name.toLowerCase()
    const count = headers.filter(([candidate]) => candidate.toLowerCase() === lower).length
    return count > 1 ? [{ name, count }] : []
  })
}

/**
 * The verdict for a delivery whose signature header, or a header its signature covers, came more
 * than once. The provider sends each once, and which copy a check reads depends on the receiving
 * code (`howRead` says what the provider's libraries do), so such a delivery is never valid: a
 * verdict reached on the first copies becomes invalid, saying so; any other verdict stays, and the
 * notes name the repetition. The attempts still show the first copies' check.
 */
export function judgeRepeatedHeaders(outcome: VerifyResult, repeated: readonly RepeatedHeader[], signatureHeader: string, howRead: string): VerifyResult {
  if (repeated.length === 0) return outcome
  const which = repeated.map(({ name, count }) => `${name} came ${count} times`).join(', ')
  outcome.explanation.notes.push(`${which}, as separate header lines: ${howRead}`)
  const { verdict } = outcome
  if (verdict.status === 'valid') {
    outcome.explanation.matchedVariant = null
    const signatureRepeated = repeated.some(({ name }) => name.toLowerCase() === signatureHeader.toLowerCase())
    return result(
      invalidVerdict(
        signatureRepeated ? 'malformed-signature' : 'signature-mismatch',
        `${which}: the first copies verify (${verdict.variant}), but the sender sends each once and which copy a check reads depends on the receiving code (see notes), so this delivery is not valid as received`,
      ),
      outcome.explanation,
    )
  }
  if (verdict.status === 'invalid') return result(invalidVerdict(verdict.reason, `${verdict.message} (${which}: see notes)`), outcome.explanation)
  return outcome
}
