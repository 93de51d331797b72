/**
 * IXOPAY (JSON API v3 and legacy XML API): parsing, verification and signing.
 *
 * Signature (php-ixopay `CurlClient::createSignature`, `Client::validateCallback`):
 *   message = "POST\n" + hex(hash(body)) + "\n" + Content-Type + "\n" + Date + "\n" + requestUri
 *   X-Signature = base64(HMAC-SHA512(sharedSecret, message))
 * The body hash is SHA-512 (current) or MD5 (legacy, still accepted by the SDK). The legacy XML API
 * puts an empty line before the URI and sends `Authorization: Gateway <apiKey>:<signature>`.
 * The SDK validates with a fixed Content-Type and reads `Date`, falling back to `X-Date`; proxies
 * sometimes rewrite either, so every combination is tried and the one that matched is reported.
 */
import { createHash, randomBytes } from 'node:crypto'
import { headerValue, setHeader, type HeaderPairs } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey, TimestampCheck } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop, text } from './body'
import { decodeBase64Strict } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { checkHmacVariants } from './hmac-check'
import { decimalAmount, emptySummary, maskCard, pushField, unreadableSummary } from './summary'
import {
  hmacMismatch,
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
  judgeRepeatedHeaders,
  repeatedHeaders,
} from './verification'
import { xmlElementText, xmlRootIs } from './xml'
import type { RetrySchedule } from '../../shared/deliveries'
import { hasHeader, textAnswer, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule, VerifyContext } from './provider-module'
import { signedWithSecret, simulationSecret } from './simulation'
import type { SigningKey } from '../../shared/replay'
import { CHIP_SIGNATURE_BYTES, resignChipSignature } from './chip'
import { isMercadoPagoSignatureValue } from './mercadopago'
import { httpDate, type SigningDraft } from './signing-draft'
import { hmacSecretFor, privateKeyFor, type HmacKey } from './signing-keys'

/** The Content-Type the official SDK hard-codes when validating JSON callbacks. */
export const IXOPAY_JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
/** The Content-Type of legacy XML callbacks, as signed. */
export const IXOPAY_XML_CONTENT_TYPE = 'text/xml; charset=utf-8'
/** IXOPAY signatures are base64 of a 64-byte HMAC-SHA512: 88 characters. */
export const IXOPAY_SIGNATURE_BYTES = 64
/** Inspector policy (not a provider rule): warn when the signed Date is this far from the clock. */
export const IXOPAY_DATE_SKEW_WARNING_SECONDS = 15 * 60

export type IxopayBodyHash = 'sha512' | 'md5'

/** `Authorization: Gateway <apiKey>:<sig>` (also `IxoPay <apiKey>:<sig>`), as sent by the legacy XML API. */
export const IXOPAY_AUTHORIZATION_PATTERN = /^(Gateway|IxoPay)\s+([^:\s]+):(\S+)$/

export function ixopayAuthorizationHeader(headers: HeaderPairs): { headerName: string; value: string } | null {
  for (const headerName of ['Authorization', 'X-Authorization']) {
    const value = headerValue(headers, headerName)
    if (value !== undefined && IXOPAY_AUTHORIZATION_PATTERN.test(value.trim())) return { headerName, value: value.trim() }
  }
  return null
}

export interface IxopayMessageParts {
  bodyHashHex: string
  contentType: string
  date: string
  requestUri: string
  legacyXml: boolean
}

/** The exact string IXOPAY signs. */
export function ixopaySignedMessage(parts: IxopayMessageParts): string {
  const lines = ['POST', parts.bodyHashHex, parts.contentType, parts.date]
  if (parts.legacyXml) lines.push('')
  lines.push(parts.requestUri)
  return lines.join('\n')
}

function bodyHashHex(algorithm: IxopayBodyHash, body: Buffer): string {
  return createHash(algorithm).update(body).digest('hex')
}

export interface IxopaySignInput {
  secret: string
  body: Buffer | string
  /** Sent verbatim in the Date header, e.g. "Tue, 21 Jul 2020 13:15:03 UTC". */
  date: string
  /** Path and query of the callback URL. */
  requestUri: string
  contentType?: string
  bodyHash?: IxopayBodyHash
}

export interface IxopaySignature {
  signature: string
  signedMessage: string
  /** Headers to send with the body (Content-Type, Date and the signature header). */
  headers: HeaderPairs
}

/** Signs a JSON API callback the way the gateway does (for re-signed replays and the simulator). */
export function signIxopayJson(input: IxopaySignInput): IxopaySignature {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body
  const contentType = input.contentType ?? IXOPAY_JSON_CONTENT_TYPE
  const signedMessage = ixopaySignedMessage({
    bodyHashHex: bodyHashHex(input.bodyHash ?? 'sha512', body),
    contentType,
    date: input.date,
    requestUri: input.requestUri,
    legacyXml: false,
  })
  const signature = hmacBytes('sha512', input.secret, [signedMessage]).toString('base64')
  return {
    signature,
    signedMessage,
    headers: [
      ['Content-Type', contentType],
      ['Date', input.date],
      ['X-Signature', signature],
    ],
  }
}

/** Signs a legacy XML API callback: `Authorization: Gateway <apiKey>:<signature>`. */
export function signIxopayLegacyXml(input: IxopaySignInput & { apiKey: string; scheme?: 'Gateway' | 'IxoPay' }): IxopaySignature & { authorization: string } {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body
  const contentType = input.contentType ?? IXOPAY_XML_CONTENT_TYPE
  const signedMessage = ixopaySignedMessage({
    bodyHashHex: bodyHashHex(input.bodyHash ?? 'md5', body),
    contentType,
    date: input.date,
    requestUri: input.requestUri,
    legacyXml: true,
  })
  const signature = hmacBytes('sha512', input.secret, [signedMessage]).toString('base64')
  const authorization = `${input.scheme ?? 'Gateway'} ${input.apiKey}:${signature}`
  return {
    signature,
    signedMessage,
    authorization,
    headers: [
      ['Content-Type', contentType],
      ['Date', input.date],
      ['Authorization', authorization],
    ],
  }
}

/** True when the delivery uses the legacy XML API (Authorization header or an XML callback body). */
export function isIxopayLegacyXml(delivery: Delivery): boolean {
  if (ixopayAuthorizationHeader(delivery.headers)) return true
  return headerValue(delivery.headers, 'X-Signature') === undefined && /<callback[\s>]/.test(delivery.body.subarray(0, 4096).toString('latin1'))
}

/** Verifies an IXOPAY callback (JSON API or legacy XML), trying every accepted variant. */
export function verifyIxopay(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions, context: Pick<VerifyContext, 'pinned'>): VerifyResult {
  const legacy = isIxopayLegacyXml(delivery)
  const outcome = legacy ? verifyLegacy(delivery, keys, options) : verifyJson(delivery, keys, options, context.pinned)
  // The headers the SDK reads: the signature (X-Signature, or Authorization else X-Authorization) and Date, else X-Date.
  const present = (name: string): boolean => headerValue(delivery.headers, name) !== undefined
  const signatureHeader = legacy ? (present('Authorization') ? 'Authorization' : 'X-Authorization') : 'X-Signature'
  const repeated = repeatedHeaders(delivery.headers, [signatureHeader, present('Date') ? 'Date' : 'X-Date'])
  return judgeRepeatedHeaders(
    outcome,
    repeated,
    signatureHeader,
    `IXOPAY's PHP SDK reads them from $_SERVER, where Apache and nginx hand the copies over joined with ", ", so it ${repeated.some(({ name }) => name === signatureHeader) ? 'compares the joined text with the one signature it computes' : 'signs the joined text'} and refuses the callback; the check here reads the first copy of each`,
  )
}

interface Candidate {
  variant: string
  message: string
  bodyHash: { algorithm: string; hex: string }
}

function verifyJson(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions, pinned: boolean): VerifyResult {
  const explanation = newExplanation(
    'ixopay-hmac-sha512',
    'base64(HMAC-SHA512(sharedSecret, "POST\\n" + hex(SHA512|MD5(body)) + "\\n" + Content-Type + "\\n" + Date + "\\n" + requestUri))',
    'X-Signature header',
  )
  const header = headerValue(delivery.headers, 'X-Signature')
  if (header === undefined) return result(invalidVerdict('missing-header', 'no X-Signature header'), explanation)
  explanation.receivedSignatures.push(header)
  const received = decodeBase64Strict(header.trim())
  const malformed = (): string =>
    `X-Signature is not base64 of a 64-byte HMAC-SHA512 (88 characters); got ${header.length} characters${received ? ` decoding to ${received.length} bytes` : ' that are not base64'}`
  // Recognised (not pinned) without a Date, the delivery is IXOPAY's by its body alone (the
  // xSignature rule): IXOPAY always sends the Date it signs, so the missing Date is the finding
  // (a proxy removed it), and it is never called valid. Pinned, it is checked as the SDK checks
  // it, with an empty Date.
  if (!pinned && !hasHeader(delivery, 'Date') && !hasHeader(delivery, 'X-Date')) {
    return result(
      invalidVerdict(
        'missing-header',
        `no Date or X-Date header: IXOPAY signs the Date header it sends, and this callback came without one (a proxy may have removed it)${received?.length === IXOPAY_SIGNATURE_BYTES ? '' : `; also, ${malformed()}`}`,
      ),
      explanation,
    )
  }
  if (!received || received.length !== IXOPAY_SIGNATURE_BYTES) return result(invalidVerdict('malformed-signature', malformed()), explanation)
  const timestamp: { check: TimestampCheck | null } = { check: null }
  const candidates = buildCandidates(delivery, options, false, ['sha512', 'md5'], explanation.notes, timestamp)
  explanation.timestamp = timestamp.check
  return checkCandidates(candidates, { bytes: received, text: header.trim() }, keys, explanation, 'X-Signature')
}

function verifyLegacy(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'ixopay-legacy-xml',
    'base64(HMAC-SHA512(sharedSecret, "POST\\n" + hex(MD5(body)) + "\\n" + Content-Type + "\\n" + Date + "\\n\\n" + requestUri))',
    'Authorization header (Gateway <apiKey>:<signature>)',
  )
  const authorization = ixopayAuthorizationHeader(delivery.headers)
  if (!authorization) {
    const raw = headerValue(delivery.headers, 'Authorization') ?? headerValue(delivery.headers, 'X-Authorization')
    if (raw === undefined)
      return result(invalidVerdict('missing-header', 'no Authorization header (legacy XML callbacks carry "Gateway <apiKey>:<signature>")'), explanation)
    explanation.receivedSignatures.push(raw)
    return result(
      invalidVerdict('malformed-signature', 'the Authorization header is not "Gateway <apiKey>:<signature>" or "IxoPay <apiKey>:<signature>"'),
      explanation,
    )
  }
  const [, scheme = 'Gateway', apiKey = '', signatureText = ''] = IXOPAY_AUTHORIZATION_PATTERN.exec(authorization.value) ?? []
  explanation.receivedSignatures.push(signatureText)
  explanation.notes.push(`${authorization.headerName}: scheme ${scheme}, API key ${apiKey}`)
  const received = decodeBase64Strict(signatureText)
  if (!received || received.length !== IXOPAY_SIGNATURE_BYTES) {
    return result(invalidVerdict('malformed-signature', `the signature in ${authorization.headerName} is not base64 of a 64-byte HMAC-SHA512`), explanation)
  }
  for (const key of hmacSecretsFor(keys, 'ixopay')) {
    if (key.apiKey && key.apiKey !== apiKey) explanation.notes.push(`the configured API key (${key.apiKey}) differs from the one in the header (${apiKey})`)
  }
  // "IxoPay" headers always use the MD5 body hash; "Gateway" may use either (the SDK accepts both).
  const hashes: IxopayBodyHash[] = scheme === 'IxoPay' ? ['md5'] : ['md5', 'sha512']
  const timestamp: { check: TimestampCheck | null } = { check: null }
  const candidates = buildCandidates(delivery, options, true, hashes, explanation.notes, timestamp)
  explanation.timestamp = timestamp.check
  return checkCandidates(candidates, { bytes: received, text: signatureText }, keys, explanation, authorization.headerName)
}

/** The signed strings a delivery could have been signed as, and what they cover in words. */
interface Candidates {
  list: Candidate[]
  missingDate: boolean
  /** e.g. "SHA-512 and MD5 body hashes, Date, received and canonical Content-Type"; worded only for a mismatch (most deliveries match). */
  tried: () => string
}

function buildCandidates(
  delivery: Delivery,
  options: VerifyOptions,
  legacyXml: boolean,
  hashes: IxopayBodyHash[],
  notes: string[],
  timestamp: { check: TimestampCheck | null },
): Candidates {
  const dates: Array<[string, string]> = []
  for (const name of ['Date', 'X-Date']) {
    const value = headerValue(delivery.headers, name)
    if (value !== undefined) dates.push([name, value])
  }
  const missingDate = dates.length === 0
  if (missingDate) dates.push(['no Date', ''])
  timestamp.check = dateSkew(dates[0]?.[1] ?? '', options.now, notes)

  const canonical = legacyXml ? IXOPAY_XML_CONTENT_TYPE : IXOPAY_JSON_CONTENT_TYPE
  const receivedType = headerValue(delivery.headers, 'Content-Type')
  const contentTypes: Array<[string, string]> = []
  if (receivedType !== undefined) contentTypes.push(['received', receivedType])
  if (receivedType !== canonical) contentTypes.push(['canonical', canonical])

  const requestUri = options.signedPathOverride ?? delivery.target
  notes.push(
    options.signedPathOverride !== undefined
      ? `signed request target taken from the endpoint setting: ${requestUri} (received ${delivery.target})`
      : `signed request target as received: ${requestUri}`,
  )
  if (delivery.method.toUpperCase() !== 'POST') notes.push(`received as ${delivery.method}; IXOPAY signs callbacks as POST`)

  const list: Candidate[] = []
  for (const hash of hashes) {
    const hex = bodyHashHex(hash, delivery.body)
    for (const [dateName, date] of dates) {
      for (const [typeName, contentType] of contentTypes) {
        list.push({
          variant: `${hash === 'sha512' ? 'SHA-512' : 'MD5'} body hash, ${dateName}${dateName === 'no Date' ? '' : ' header'}, ${typeName} Content-Type`,
          message: ixopaySignedMessage({ bodyHashHex: hex, contentType, date, requestUri, legacyXml }),
          bodyHash: { algorithm: hash, hex },
        })
      }
    }
  }
  // What a mismatch says was tried: only what this delivery offered (no X-Date it did not send).
  const tried = (): string =>
    [
      `${hashes.map((hash) => (hash === 'sha512' ? 'SHA-512' : 'MD5')).join(' and ')} body ${hashes.length > 1 ? 'hashes' : 'hash'}`,
      dates.map(([name]) => name).join(' and '),
      `${contentTypes.map(([name]) => name).join(' and ')} Content-Type`,
    ].join(', ')
  return { list, missingDate, tried }
}

/** Skew of the signed Date: shown, never enforced (IXOPAY has no tolerance; a large skew gets a note). */
function dateSkew(date: string, now: Date, notes: string[]): TimestampCheck | null {
  const signedAt = Date.parse(date)
  if (!Number.isFinite(signedAt)) return null
  const skewSeconds = Math.round((now.getTime() - signedAt) / 1000)
  if (Math.abs(skewSeconds) > IXOPAY_DATE_SKEW_WARNING_SECONDS) {
    notes.push(`the signed Date is ${describeSkew(skewSeconds)}; IXOPAY does not bound it, but a replayed or delayed callback looks like this`)
  }
  return { signedAt: new Date(signedAt).toISOString(), skewSeconds, toleranceSeconds: null, withinTolerance: true }
}

function checkCandidates(
  { list: candidates, missingDate, tried }: Candidates,
  /** The received signature: decoded, and as written (the SDK compares the text). */
  received: { bytes: Buffer; text: string },
  keys: readonly ProviderKey[],
  explanation: VerifyResult['explanation'],
  headerName: string,
): VerifyResult {
  const secrets = hmacSecretsFor(keys, 'ixopay')
  if (secrets.length === 0) {
    const first = candidates[0]
    if (first)
      explanation.attempts.push(
        makeAttempt({
          variant: first.variant,
          matched: false,
          ...signedStringFields(Buffer.from(first.message)),
          bodyHash: first.bodyHash,
          detail: 'no shared secret configured: nothing to compute',
        }),
      )
    return result(noKeyVerdict('no IXOPAY shared secret configured for this endpoint'), explanation)
  }
  const { match } = checkHmacVariants({
    keys: secrets.map((key) => ({ secret: key.value, fingerprint: keyFingerprint(key), label: keyLabel(key) })),
    variants: candidates.map((candidate) => ({ variant: candidate.variant, signed: Buffer.from(candidate.message, 'utf8'), bodyHash: candidate.bodyHash })),
    algorithm: 'sha512',
    received: [received.bytes],
    encode: (mac) => mac.toString('base64'),
    explanation,
  })
  if (match) {
    // php-ixopay compares the base64 text: the same bytes written without their padding fail there.
    if (received.text !== match.mac.toString('base64'))
      return result(
        invalidVerdict(
          'wrong-encoding',
          `encoding mismatch: ${headerName} holds the right HMAC but not as IXOPAY writes it (88 base64 characters ending in '=='); the IXOPAY SDK compares the text, so it refuses it`,
        ),
        explanation,
      )
    return result(validVerdict(match.variant.variant, `${headerName} matches (${match.variant.variant}; key ${match.key.fingerprint})`), explanation)
  }
  if (missingDate)
    return result(invalidVerdict('missing-header', 'no Date or X-Date header: IXOPAY signs the Date header, and no variant matched without it'), explanation)
  return result(
    invalidVerdict(
      'signature-mismatch',
      `${hmacMismatch('the body, the Content-Type and Date headers, the request path (with its query)')} (tried ${tried()}). If a proxy or endpoint prefix changed the path or query, set the original callback path.`,
    ),
    explanation,
  )
}

// ---------------------------------------------------------------------------------------------
// Parsing

const TRANSACTION_RESULTS = new Set(['OK', 'PENDING', 'ERROR', 'INVALID_REQUEST'])

/** Summary of an IXOPAY callback (JSON API or legacy XML). */
export function parseIxopay(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  if (isObject(json)) return parseJson(json)
  const xml = delivery.body.toString('utf8')
  if (/<callback[\s>]/.test(xml.slice(0, 4096))) return parseXml(xml)
  return unreadableSummary(delivery.body, 'the body is neither IXOPAY JSON nor a legacy XML <callback>')
}

function parseJson(body: Record<string, unknown>): DeliverySummary {
  const summary = emptySummary('json')
  summary.status = text(body.result)
  summary.eventType = firstText(body.transactionType)
  summary.providerObjectId = firstText(body.uuid)
  summary.merchantReference = firstText(body.merchantTransactionId)
  summary.amount = decimalAmount(body.amount, body.currency)
  summary.paymentMethod = firstText(body.paymentMethod)
  summary.errorCode = firstText(body.code, body.errorCode, body.adapterCode)
  summary.errorMessage = firstText(body.message, body.errorMessage, body.adapterMessage)
  const returnData = body.returnData
  if (at(returnData, '_TYPE') === 'cardData') {
    summary.maskedCard = maskCard(firstText(prop(returnData, 'firstSixDigits'), prop(returnData, 'binDigits')), prop(returnData, 'lastFourDigits'))
  }
  if (summary.status !== null && !TRANSACTION_RESULTS.has(summary.status)) summary.problems.push(`result "${summary.status}" is not one of OK, PENDING, ERROR`)
  if (summary.providerObjectId === null) summary.problems.push('no uuid')

  const fields = summary.fields
  pushField(fields, 'Result', body.result)
  pushField(fields, 'Transaction type', body.transactionType)
  pushField(fields, 'Transaction sub-type', body.transactionSubType)
  pushField(fields, 'UUID', body.uuid)
  pushField(fields, 'Merchant transaction id', body.merchantTransactionId)
  pushField(fields, 'Purchase id', body.purchaseId)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Payment method', body.paymentMethod)
  pushField(fields, 'Code', body.code)
  pushField(fields, 'Message', body.message)
  pushField(fields, 'Adapter code', body.adapterCode)
  pushField(fields, 'Adapter message', body.adapterMessage)
  pushField(fields, 'Merchant metadata', body.merchantMetaData)
  pushField(fields, 'Return data type', at(returnData, '_TYPE'))
  for (const key of [
    'type',
    'cardHolder',
    'expiryMonth',
    'expiryYear',
    'threeDSecure',
    'eci',
    'binBrand',
    'binBank',
    'binType',
    'binCountry',
    'iban',
    'bic',
    'accountOwner',
    'bankName',
    'phoneNumber',
    'walletType',
    'walletOwner',
  ]) {
    pushField(fields, `returnData.${key}`, prop(returnData, key))
  }
  pushField(fields, 'Masked card', summary.maskedCard)
  for (const [group, keys] of [
    ['chargebackData', ['originalUuid', 'originalMerchantTransactionId', 'amount', 'currency', 'reason', 'chargebackDateTime']],
    ['chargebackReversalData', ['originalUuid', 'originalMerchantTransactionId', 'chargebackUuid', 'amount', 'currency', 'reason', 'reversalDateTime']],
    ['scheduleData', ['scheduleId', 'scheduleStatus', 'scheduledAt']],
    ['customerProfileData', ['profileGuid', 'customerIdentification']],
  ] as const) {
    for (const key of keys) pushField(fields, `${group}.${key}`, at(body[group], key))
  }
  const extraData = body.extraData
  if (isObject(extraData)) for (const key of Object.keys(extraData).slice(0, 20)) pushField(fields, `extraData.${key}`, extraData[key])
  return summary
}

function parseXml(xml: string): DeliverySummary {
  const summary = emptySummary('xml')
  const read = (name: string): string | null => xmlElementText(xml, name)
  summary.status = read('result')
  summary.eventType = read('transactionType')
  summary.providerObjectId = read('referenceId')
  summary.merchantReference = read('transactionId')
  summary.amount = decimalAmount(read('amount'), read('currency'))
  summary.paymentMethod = read('paymentMethod')
  summary.errorCode = read('errorCode') ?? read('code')
  summary.errorMessage = read('errorMessage') ?? read('message')
  const fields = summary.fields
  pushField(fields, 'Result', summary.status)
  pushField(fields, 'Transaction type', summary.eventType)
  pushField(fields, 'Reference id (gateway)', summary.providerObjectId)
  pushField(fields, 'Transaction id (merchant)', summary.merchantReference)
  pushField(fields, 'Purchase id', read('purchaseId'))
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Payment method', summary.paymentMethod)
  pushField(fields, 'Error code', summary.errorCode)
  pushField(fields, 'Error message', summary.errorMessage)
  pushField(fields, 'Adapter code', read('adapterCode'))
  pushField(fields, 'Adapter message', read('adapterMessage'))
  if (summary.status === null) summary.problems.push('no <result> element')
  return summary
}

// IXOPAY, https://documentation.ixopay.com/docs/reference/integration/callbacks/response-handling:
// asks for HTTP 200 with body "OK"; no public copy of the page gives retry intervals.
const IXOPAY_RETRIES: RetrySchedule = {
  provider: 'ixopay',
  title: 'IXOPAY',
  kind: 'not-published',
  description: 'IXOPAY retries callbacks that are not acknowledged, but publishes no intervals: attempts are shown as they arrive, without expected times.',
  successRule: 'HTTP 200 with the body OK',
  retries: [],
  sourceUrl: 'https://documentation.ixopay.com/docs/reference/integration/callbacks/response-handling',
  sourceTitle: 'IXOPAY: callback response handling',
  confirmed: true,
  caveat: null,
}

/**
 * `X-Signature` is IXOPAY's HMAC or CHIP's RSA signature; its size (or the keys at hand) tells
 * which. One step for both, so the header is signed once, by the provider it belongs to.
 */
function resignXSignature(draft: SigningDraft, keys: readonly SigningKey[], now: Date): void {
  const current = draft.header('X-Signature')
  // Mercado Pago's X-Signature (ts=…,v1=…) is its own step's to re-sign.
  if (current === undefined || isMercadoPagoSignatureValue(current)) return
  const ixopayKey = hmacSecretFor(keys, 'ixopay')
  const chipKey = privateKeyFor(keys, 'chip')
  const size = decodedSize(current)
  const isIxopay = size === IXOPAY_SIGNATURE_BYTES || (!CHIP_SIGNATURE_BYTES.has(size) && ixopayKey !== undefined)
  if (isIxopay) {
    if (!ixopayKey) {
      draft.noKey('ixopay-hmac-sha512', 'ixopay', 'IXOPAY shared secret')
      return
    }
    const date = httpDate(now)
    const change = { scheme: 'ixopay-hmac-sha512', provider: 'ixopay' as const, keyFingerprint: keyFingerprint(ixopayKey) }
    // IXOPAY signs the Date header (X-Date when a proxy ate Date); both get the fresh value.
    const hasXDate = draft.header('X-Date') !== undefined
    if (draft.header('Date') !== undefined || !hasXDate) draft.setHeader('Date', date, change)
    if (hasXDate) draft.setHeader('X-Date', date, change)
    const signed = signIxopayJson({
      secret: ixopayKey.value,
      body: draft.body,
      date,
      requestUri: draft.target,
      contentType: draft.header('Content-Type') ?? IXOPAY_JSON_CONTENT_TYPE,
      bodyHash: 'sha512',
    })
    const contentType = draft.header('Content-Type')
    if (contentType === undefined) draft.notes.push(`no Content-Type header: IXOPAY was signed with ${IXOPAY_JSON_CONTENT_TYPE}`)
    // Signed as sent, which an integration that reads the header verifies; IXOPAY's own SDK does not read it.
    else if (contentType !== IXOPAY_JSON_CONTENT_TYPE)
      draft.notes.push(
        `IXOPAY was signed with the Content-Type sent, "${contentType}": IXOPAY's PHP SDK verifies with "${IXOPAY_JSON_CONTENT_TYPE}" whatever was sent, so an integration using it rejects this resend`,
      )
    draft.setHeader('X-Signature', signed.signature, change)
    return
  }
  resignChipSignature(draft, chipKey)
}

/** Decoded size of a base64 signature, -1 when it is not base64. */
function decodedSize(signature: string): number {
  const trimmed = signature.trim()
  return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64').length : -1
}

function resignIxopayLegacy(draft: SigningDraft, key: HmacKey | undefined, now: Date): void {
  const headerName = ['Authorization', 'X-Authorization'].find((name) => IXOPAY_AUTHORIZATION_PATTERN.test(draft.header(name)?.trim() ?? ''))
  if (headerName === undefined) return
  if (!key) {
    draft.noKey('ixopay-legacy-xml', 'ixopay', 'IXOPAY shared secret')
    return
  }
  const [, scheme = 'Gateway', apiKey = ''] = IXOPAY_AUTHORIZATION_PATTERN.exec(draft.header(headerName)?.trim() ?? '') ?? []
  const date = httpDate(now)
  const change = { scheme: 'ixopay-legacy-xml', provider: 'ixopay' as const, keyFingerprint: keyFingerprint(key) }
  draft.setHeader('Date', date, change)
  const signed = signIxopayLegacyXml({
    secret: key.value,
    body: draft.body,
    date,
    requestUri: draft.target,
    contentType: draft.header('Content-Type') ?? IXOPAY_XML_CONTENT_TYPE,
    apiKey: key.apiKey ?? apiKey,
    scheme: scheme === 'IxoPay' ? 'IxoPay' : 'Gateway',
    bodyHash: 'md5',
  })
  draft.setHeader(headerName, signed.authorization, change)
}

/** A JSON API callback body beyond doubt: a `result` IXOPAY sends, its `uuid`, and its transaction fields. */
function isIxopayResultBody(json: unknown): boolean {
  return (
    isObject(json) &&
    typeof json.result === 'string' &&
    ['OK', 'PENDING', 'ERROR'].includes(json.result) &&
    typeof json.uuid === 'string' &&
    typeof json.transactionType === 'string' &&
    typeof json.merchantTransactionId === 'string'
  )
}

export const ixopayProvider: ProviderModule<'ixopay'> = {
  id: 'ixopay',
  rules: {
    // X-Signature is CHIP's header too: IXOPAY's is 64 bytes (HMAC-SHA512) beside a Date and a result/uuid body.
    xSignature: ({ delivery, json }) => {
      const signature = headerValue(delivery.headers, 'X-Signature')
      if (signature === undefined) return null
      const dated = hasHeader(delivery, 'Date') || hasHeader(delivery, 'X-Date')
      const bytes = decodeBase64Strict(signature.trim())?.length ?? 0
      if (dated && bytes === IXOPAY_SIGNATURE_BYTES) {
        if (!isObject(json) || !['result', 'uuid'].some((key) => Object.hasOwn(json, key))) return null
        return { variant: 'json-api', detectedBy: 'X-Signature of 64 bytes (HMAC-SHA512), Date header, result/uuid in the body' }
      }
      // A signature of another size (hex, cut short, an HMAC-SHA256), or one whose Date a proxy
      // removed, beside a whole IXOPAY body is IXOPAY's: recognised, so the verdict says what is
      // wrong ("not base64 of a 64-byte HMAC-SHA512", "no Date or X-Date header"), where "unknown
      // sender" said nothing. CHIP's RSA sizes stay CHIP's; a body that is not plainly IXOPAY's stays unknown.
      if (CHIP_SIGNATURE_BYTES.has(bytes) || !isIxopayResultBody(json)) return null
      if (!dated) return { variant: 'json-api', detectedBy: 'X-Signature and an IXOPAY result body, without the Date header IXOPAY signs' }
      return { variant: 'json-api', detectedBy: 'X-Signature (not the 88 characters IXOPAY writes), Date header, an IXOPAY result body' }
    },
    legacyXml: ({ delivery }) => {
      const authorization = ixopayAuthorizationHeader(delivery.headers)
      if (!authorization) return null
      const signature = authorization.value.slice(authorization.value.lastIndexOf(':') + 1)
      if (signature.length !== 88 || !xmlRootIs(delivery.body.subarray(0, 4096).toString('utf8'), 'callback')) return null
      return {
        variant: 'legacy-xml',
        detectedBy: `${authorization.headerName}: ${authorization.value.split(' ')[0] ?? ''} <apiKey>:<signature> with an XML <callback> body`,
      }
    },
  },
  variantOf: (delivery) => (isIxopayLegacyXml(delivery) ? 'legacy-xml' : 'json-api'),
  parse: parseIxopay,
  verify: verifyIxopay,
  acknowledgement: () => ({
    subject: 'IXOPAY',
    expects: 'HTTP 200 with body OK',
    consequence: 'and retry',
    acknowledgement: textAnswer(200, 'OK'),
    timeoutMs: null,
    // The SDK example prints exactly "OK"; surrounding whitespace is allowed here (a trailing
    // newline from `echo`-style code is common), which the docs neither allow nor forbid.
    judge: (status, body) => (status === 200 && body.trim() === 'OK' ? 'success' : 'failure'),
  }),
  publicUrl: {
    // The callback documentation (see IXOPAY_RETRIES): http or https, port 80 or 443, a host whose
    // IPv4 address is not private or reserved.
    rules: {
      https: { severity: 'recommended', why: 'IXOPAY accepts http or https, but http sends callbacks in clear text' },
      ports: [80, 443],
      isIpv4Only: true,
    },
    senderName: 'IXOPAY',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: () => randomBytes(24).toString('hex') },
  deliveryIdentity: {
    label: 'transaction id, type and result',
    // The gateway's transaction id; one transaction can report PENDING then OK (two deliveries).
    parts: ({ summary }) => {
      const transaction = summary.objectId ?? summary.reference
      return transaction === null ? null : [transaction, summary.eventType, summary.status]
    },
  },
  resign: {
    xSignature: { scheme: 'x-signature', apply: (draft, keys, { now }) => resignXSignature(draft, keys, now) },
    legacyXml: { scheme: 'ixopay-legacy-xml', apply: (draft, keys, { now }) => resignIxopayLegacy(draft, hmacSecretFor(keys, 'ixopay'), now) },
  },
  simulate: {
    keyKinds: ['hmac-secret'],
    sign: (input) => {
      const secret = simulationSecret(input.keys, 'ixopay', ixopayProvider.hmacSecret.generate)
      const body = input.serialise(input.body)
      const signed = signIxopayJson({ secret: secret.key.value, body, date: httpDate(input.now), requestUri: input.target })
      for (const [name, value] of signed.headers) setHeader(input.headers, name, value)
      return signedWithSecret(secret, body)
    },
  },
  retrySchedule: () => IXOPAY_RETRIES,
}
