/**
 * The timestamped scheme Stripe and Paddle share: one header `t=<unix seconds>,v1=<hex>[,v1=…]`
 * (Paddle: `ts=…;h1=…`), where each signature is hex(HMAC-SHA256(secret as-is, t + "." + rawBody))
 * (Paddle: ":"). Valid when any signature matches and the timestamp is at most the tolerance old;
 * a timestamp in the future is accepted, as both providers' libraries do. Their libraries compare
 * the hex text, so the right MAC in upper case is a wrong encoding. Other parts of the header
 * (Stripe's v0) are listed and ignored. A provider module only configures `TimestampedHmacScheme`.
 */
import { headerValues } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { bytesEqual, decodeHexStrict } from '../crypto/bytes'
import { upperCaseHexMessage } from './body-hmac-header'
import { checkHmacCandidates } from './hmac-check'
import { signatureHeaderParts } from './module-parts'
import {
  ARRIVAL_UNKNOWN_TIMING,
  hmacMismatch,
  bodyAsLibraryText,
  checkTimestamp,
  decodedBodyNote,
  decodedBodyRefusal,
  concatBytes,
  describeSkew,
  hmacBytes,
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
} from './verification'

type HmacSecretKey = Extract<ProviderKey, { kind: 'hmac-secret' }>

/** What one provider's timestamped header is. */
export interface TimestampedHmacScheme {
  /** Scheme id shown in the Signature panel, e.g. `stripe-v1`. */
  scheme: string
  /** The formula shown in the panel. */
  formula: string
  headerName: string
  /** "Stripe", for messages. */
  providerName: string
  /** Between the header's parts. */
  separator: ',' | ';'
  /** The part holding the Unix timestamp: `t`, `ts`. */
  timestampName: string
  /** The parts holding signatures: `v1`, `h1`. */
  signatureName: string
  /** The article before the signature's name in messages ("a v1", "an h1"). */
  article: 'a' | 'an'
  /** Between the timestamp and the body in the signed bytes: `.`, `:`. */
  signedSeparator: string
  /** The provider library's default tolerance, seconds. */
  defaultToleranceSeconds: number
  /** How its library compares the timestamp with the clock (verification.ts `checkTimestamp`). */
  clock: 'max-age' | 'max-age-exact'
  /** The library whose reading of the header the verdict follows, for messages: "stripe-node". */
  library: string
  /**
   * The library decodes the body as UTF-8 text before computing (stripe-node's TextDecoder: a leading
   * byte order mark is dropped, bytes that are not UTF-8 become U+FFFD), so that text is what it checks.
   */
  decodesBody?: boolean
  /** Why other parts are ignored, after "only v1 is checked, ": "as Stripe does". */
  ignoredBecause: string
  /** Notes several signatures as a secret rotation (Paddle sends one per active secret). */
  notesRotation: boolean
  /** Said when no secret is configured; `attemptDetail` is the recorded attempt's detail. */
  noKey: { message: string; attemptDetail: string }
  /** Added after "tolerance N s" of the default tolerance when a matching signature is too old: ", Paddle's SDK default" (an endpoint's own tolerance is said as such). */
  toleranceSource: string
  /** The secrets' documented prefix, signed as part of the secret: a note when a configured secret lacks it and nothing matches. */
  secretPrefixNote?: { prefix: string; note: string }
}

/** A header split into its timestamp, its signatures and the parts ignored. */
export interface TimestampedHeader {
  /** `null` when there is no timestamp part of 1 to 12 digits. */
  timestamp: number | null
  signatures: string[]
  /** Other parts (another scheme), whole. */
  ignored: string[]
}

/**
 * Splits on the separator, then each part on its first `=`, trimming names and values; every
 * signature is kept. A lenient reading, for re-signing and for explaining a refused header:
 * `verifyTimestampedHeader` reads the header as the providers' libraries do (`libraryReading`).
 */
export function parseTimestampedHeader(scheme: TimestampedHmacScheme, value: string): TimestampedHeader {
  const parsed: TimestampedHeader = { timestamp: null, signatures: [], ignored: [] }
  for (const { name, content, raw } of signatureHeaderParts(value, scheme.separator)) {
    if (name === null) continue
    if (name === scheme.timestampName) parsed.timestamp = /^\d{1,12}$/.test(content) ? Number(content) : null
    else if (name === scheme.signatureName) parsed.signatures.push(content)
    else parsed.ignored.push(raw)
  }
  return parsed
}

/**
 * The header as stripe-node's `parseHeader` and Paddle's `extractHeader` read it: split on the
 * separator, each part on every `=` (the value is what lies between the first and the second), names
 * compared exactly (no trimming: `t=1, v1=…` has no `v1` for them), the timestamp read by `parseInt`
 * (the last one wins). `spaced` lists the parts they skip only because of whitespace around a name.
 */
export function libraryReading(scheme: TimestampedHmacScheme, value: string): TimestampedHeader & { spaced: string[] } {
  const parsed: TimestampedHeader & { spaced: string[] } = { timestamp: null, signatures: [], ignored: [], spaced: [] }
  for (const part of value.split(scheme.separator)) {
    const [name, content = ''] = part.split('=')
    if (name === undefined || !part.includes('=')) continue
    if (name === scheme.timestampName) {
      const digits = /^\s*(\d{1,12})/.exec(content)
      parsed.timestamp = digits?.[1] !== undefined ? Number(digits[1]) : null
    } else if (name === scheme.signatureName) parsed.signatures.push(content)
    else if (name.trim() === scheme.timestampName || name.trim() === scheme.signatureName) parsed.spaced.push(part)
    else parsed.ignored.push(part.trim())
  }
  return parsed
}

/** The bytes signed: the timestamp, the separator, then the raw body. */
export function timestampedSignedBytes(scheme: TimestampedHmacScheme, timestamp: number, body: Buffer | string): Buffer {
  return concatBytes([`${timestamp}${scheme.signedSeparator}`, body])
}

/** The header a provider sends for a body at `timestamp`, with the signature and the signed text. */
export function signTimestampedHeader(
  scheme: TimestampedHmacScheme,
  input: { secret: string; body: Buffer | string; timestamp: number },
): { header: string; signature: string; signedMessage: string } {
  const signed = timestampedSignedBytes(scheme, input.timestamp, input.body)
  const signature = hmacBytes('sha256', input.secret, [signed]).toString('hex')
  return {
    header: `${scheme.timestampName}=${input.timestamp}${scheme.separator}${scheme.signatureName}=${signature}`,
    signature,
    signedMessage: signed.toString('utf8'),
  }
}

const SHA256_BYTES = 32
/**
 * The verdict on a delivery, checked with `secrets` (the provider's hmac-secret keys, tried in order).
 * The header is read as the provider's library reads it (`libraryReading`); a header that came more
 * than once is read as Node's http server hands it to that library, its values joined with ", ". When
 * that reading fails but a lenient one (spaces trimmed) matches, the verdict says so instead of
 * calling the delivery valid: the integrator's check would refuse it.
 */
export function verifyTimestampedHeader(
  scheme: TimestampedHmacScheme,
  delivery: Delivery,
  secrets: readonly HmacSecretKey[],
  options: VerifyOptions,
): VerifyResult {
  const { headerName, timestampName, signatureName: name } = scheme
  const values = headerValues(delivery.headers, headerName)
  if (values.length === 0)
    return result(invalidVerdict('missing-header', `no ${headerName} header`), newExplanation(scheme.scheme, scheme.formula, `${headerName} header`))
  const header = values.join(', ')
  const repeated =
    values.length > 1
      ? `${headerName} came ${values.length} times: read as one value joined with ", ", as Node's http server hands it to ${scheme.library}`
      : null
  const library = libraryReading(scheme, header)
  const strict = verifyParsed(scheme, library, delivery, secrets, options)
  if (repeated) strict.explanation.notes.unshift(repeated)
  for (const part of library.spaced)
    strict.explanation.notes.push(`${JSON.stringify(part)} is not read: ${scheme.library} compares part names exactly, and this one has spaces around it`)
  if (strict.verdict.status === 'valid' || library.spaced.length === 0) return strict
  const lenient = verifyParsed(scheme, parseTimestampedHeader(scheme, header), delivery, secrets, options)
  const lenientMatches = lenient.verdict.status === 'valid' || (lenient.verdict.status === 'invalid' && lenient.verdict.reason === 'stale-timestamp')
  if (!lenientMatches) return strict
  if (repeated) lenient.explanation.notes.unshift(repeated)
  return result(
    invalidVerdict(
      'malformed-signature',
      `${headerName} has spaces around its ${timestampName} or ${name} part (${library.spaced.map((part) => JSON.stringify(part)).join(', ')}): ${scheme.library} splits on "${scheme.separator}" and "=" without trimming and finds no ${library.timestamp === null ? timestampName : name} to use; the ${name} signature matches once the spaces are removed`,
    ),
    lenient.explanation,
  )
}

/** The verdict on one reading of the header. */
function verifyParsed(
  scheme: TimestampedHmacScheme,
  parsed: TimestampedHeader,
  delivery: Delivery,
  secrets: readonly HmacSecretKey[],
  options: VerifyOptions,
): VerifyResult {
  const { headerName, timestampName, signatureName: name } = scheme
  const explanation = newExplanation(scheme.scheme, scheme.formula, `${headerName} header`)
  explanation.receivedSignatures.push(...parsed.signatures)
  if (parsed.ignored.length > 0) explanation.notes.push(`ignored: ${parsed.ignored.join(', ')} (only ${name} is checked, ${scheme.ignoredBecause})`)
  if (scheme.notesRotation && parsed.signatures.length > 1)
    explanation.notes.push(`${parsed.signatures.length} ${name} signatures (a secret rotation): any one may match`)
  if (parsed.timestamp === null) return result(invalidVerdict('malformed-signature', `${headerName} has no valid ${timestampName}=<unix seconds>`), explanation)
  const received = parsed.signatures.map(decodeHexStrict).filter((bytes): bytes is Buffer => bytes !== null && bytes.length === SHA256_BYTES)
  if (received.length === 0)
    return result(
      invalidVerdict(
        'malformed-signature',
        parsed.signatures.length === 0 ? `${headerName} has no ${name} signature` : `no ${name} value is a 64-character hex HMAC-SHA256`,
      ),
      explanation,
    )

  const tolerance = options.toleranceSeconds ?? scheme.defaultToleranceSeconds
  // Both providers' libraries reject only timestamps older than the tolerance, not ones in the future.
  const timestamp = checkTimestamp(parsed.timestamp, options.now, options.arrivalUnknown ? null : tolerance, scheme.clock)
  explanation.timestamp = timestamp
  const body = scheme.decodesBody ? bodyAsLibraryText(delivery.body, 'text-decoder') : delivery.body
  if (body !== delivery.body) explanation.notes.push(decodedBodyNote(scheme.library, 'text-decoder', scheme.providerName))
  const signed = timestampedSignedBytes(scheme, parsed.timestamp, body)
  if (secrets.length === 0) {
    explanation.attempts.push(makeAttempt({ variant: name, matched: false, ...signedStringFields(signed), detail: scheme.noKey.attemptDetail }))
    return result(noKeyVerdict(scheme.noKey.message), explanation)
  }

  const { matched, computed } = checkHmacCandidates({
    candidates: secrets.map((key) => ({ key, secret: key.value })),
    algorithm: 'sha256',
    signed,
    received,
    encode: (mac) => mac.toString('hex'),
    variant: `${name} (${received.length} signature${received.length === 1 ? '' : 's'} in the header)`,
    explanation,
  })
  const matchingMac = computed[computed.length - 1]
  if (matched && matchingMac && !parsed.signatures.some((text) => text === matchingMac.toString('hex')))
    return result(invalidVerdict('wrong-encoding', upperCaseHexMessage(headerName, scheme.providerName)), explanation)
  const age = describeSkew(timestamp.skewSeconds)
  // A timestamp ahead of the arrival passes: "(tolerance 300 s)" beside "600 s in the future" read as a contradiction.
  const bound =
    timestamp.skewSeconds < 0
      ? `${scheme.library} bounds only its age (at most ${tolerance} s old), so it accepts a timestamp ahead of the arrival: the sender's clock is ahead of this machine's`
      : `tolerance ${tolerance} s`
  if (matched && options.arrivalUnknown)
    return result(validVerdict(name, `${scheme.article} ${name} signature matches; ${ARRIVAL_UNKNOWN_TIMING}`), explanation)
  if (matched && timestamp.withinTolerance)
    return result(validVerdict(name, `${scheme.article} ${name} signature matches; timestamp ${age} (${bound})`), explanation)
  if (matched)
    return result(
      invalidVerdict(
        'stale-timestamp',
        `timestamp outside tolerance: ${scheme.timestampName}=${parsed.timestamp}, signed ${age}, tolerance ${tolerance} s${tolerance === scheme.defaultToleranceSeconds ? scheme.toleranceSource : ", the endpoint's setting"} (the signature itself matches)`,
      ),
      explanation,
    )
  if (body !== delivery.body) {
    const raw = timestampedSignedBytes(scheme, parsed.timestamp, delivery.body)
    const rawMatches = secrets.some((key) => received.some((mac) => bytesEqual(hmacBytes('sha256', key.value, [raw]), mac)))
    if (rawMatches) return result(decodedBodyRefusal(name, scheme.library), explanation)
  }
  const prefix = scheme.secretPrefixNote
  if (prefix && secrets.some((key) => !key.value.startsWith(prefix.prefix))) explanation.notes.push(prefix.note)
  return result(
    invalidVerdict(
      'signature-mismatch',
      `${hmacMismatch(`the body, the timestamp (${scheme.timestampName}=${parsed.timestamp})`)} (no ${name} signature matches)${timestamp.withinTolerance ? '' : `; the timestamp is also outside tolerance (${age})`}`,
    ),
    explanation,
  )
}
