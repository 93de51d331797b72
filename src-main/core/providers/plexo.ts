/**
 * Plexo: the REST API's unsigned PaymentDto callbacks, and the legacy signed envelope of the
 * plexouy SDKs.
 *
 * Legacy envelope (plexouy/plexo-dotnet `SignatureHelper.cs`, plexouy/PHPClient `SignedMessage.php`):
 *   {"Object": {"Fingerprint": <SHA-1 thumbprint of Plexo's cert>, "Object": {...}, "UTCUnixTimeExpiration": n},
 *    "Signature": base64(RSA PKCS#1 v1.5 SHA-512 over canonicalJson(Object))}
 * canonicalJson: keys sorted recursively, no whitespace, null members omitted, slashes and non-ASCII
 * not escaped (but U+2028 and U+2029 are): plexo-signed-text.ts, with each SDK's own way of writing
 * numbers, member order and dates (plexo-local-dates.ts).
 */
import { errorMessage } from '../../shared/errors'
import { sign as rsaSign, type KeyObject } from 'node:crypto'
import { parsedCertificate } from './parsed-certificates'
import type { ConfirmHint, DeliverySummary, ProviderKey } from '../../shared/providers'
import {
  at,
  firstText,
  isObject,
  parseJsonBody,
  parseRawJson,
  lastRawMember,
  prop,
  rawMember,
  text,
  type JsonObject,
  type JsonValue,
  type RawJson,
} from './body'
import { decodeBase64Strict } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { roughDuration } from '../../shared/rough-duration'
import { certificatesFor } from '../keys/key-lookups'
import { certificateCheckDetail, rsaPkcs1Checker, telltaleRsaFailure, type RsaCheck } from './rsa'
import { decimalAmount, emptySummary, maskCard, maskPans, pushField, unreadableSummary } from './summary'
import {
  invalidVerdict,
  isoFromSeconds,
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
import { COMMON_URL_RULES, EMPTY_200, generic2xx, is2xx, unsignedResult } from './module-parts'
import type { ProviderModule } from './provider-module'
import { UNSIGNED_SIMULATION } from './simulation'
import type { RsaPrivateKey } from '../../shared/replay'
import { jsonRecord, parseJsonText, roundTripText, scalarText, type SigningDraft } from './signing-draft'
import { privateKeyFingerprint, privateKeyFor } from './signing-keys'
import { plexoCanonicalJson, type PlexoTextOptions } from './plexo-signed-text'
import { plexoPhpSignedTexts } from './plexo-php-text'
import { MAX_LOCAL_DATE_FORMS, localDateForms, type LocalDateForm } from './plexo-local-dates'

/** PaymentDto.status values (plexo.gitbook.io/rest-api/core-concepts/transaction-lifecycle). */
export const PLEXO_PAYMENT_STATUSES = [
  'created',
  'pending',
  'authorized',
  'approved',
  'denied',
  'cancelled',
  'refunded',
  'partially-refunded',
  'expired',
  'failed',
] as const

export const PLEXO_API_URL = 'https://api.plexo.com.uy'
export const PLEXO_TESTING_API_URL = 'https://api.testing.plexo.com.uy'

const PLEXO_VARIANT = 'RSA SHA-512 over canonical JSON'

/** SHA-1 thumbprint of a certificate, upper-case hex without separators (Plexo's `Fingerprint`). */
export function certificateThumbprint(pem: string): string {
  return parsedCertificate(pem).fingerprint.replace(/:/g, '').toUpperCase()
}

export interface PlexoEnvelopeInput {
  /** The inner object (e.g. a TransactionCallback, or `{Client, ResultCode: 0}` for a response). */
  object: JsonValue
  /** SHA-1 thumbprint of the signer's certificate. */
  fingerprint: string
  /** Unix seconds after which the envelope is stale (the SDK default is now + 600 s). */
  expiresAt: number
  privateKey: string | KeyObject
}

/** Builds and signs a legacy envelope (a callback for the simulator, or a ClientSignedResponse). */
export function signPlexoEnvelope(input: PlexoEnvelopeInput): { body: string; signature: string; signedMessage: string } {
  const inner = { Fingerprint: input.fingerprint, Object: input.object, UTCUnixTimeExpiration: input.expiresAt }
  const raw = parseRawJson(JSON.stringify(inner))
  if (!raw) throw new Error('the object does not serialise to JSON')
  const signedMessage = plexoCanonicalJson(raw)
  const signature = rsaSign('sha512', Buffer.from(signedMessage, 'utf8'), input.privateKey).toString('base64')
  return { body: JSON.stringify({ Object: inner, Signature: signature }), signature, signedMessage }
}

/**
 * True for the legacy envelope shape `{"Object":{"Fingerprint":...},"Signature":...}`. The shape
 * is the `Object` with its certificate `Fingerprint`; the `Signature` is what verification checks,
 * so an envelope whose signature was removed is still an envelope, and invalid ("signature
 * missing"), never mistaken for an unsigned-by-design REST callback.
 */
export function isPlexoEnvelope(json: JsonValue | undefined): boolean {
  return isObject(json) && isObject(json.Object) && prop(json.Object, 'Fingerprint') !== undefined
}

/** True for the REST PaymentDto shape: id, a documented lower-case status, transactions[], amount{total,currency}. */
export function isPlexoPaymentDto(json: JsonValue | undefined): boolean {
  if (!isObject(json)) return false
  const status = text(json.status)
  return (
    typeof json.id === 'string' &&
    status !== null &&
    (PLEXO_PAYMENT_STATUSES as readonly string[]).includes(status) &&
    Array.isArray(json.transactions) &&
    isObject(json.amount) &&
    json.amount.total !== undefined &&
    json.amount.currency !== undefined
  )
}

/** One text the envelope's Object may have been signed as. */
interface PlexoForm {
  name: string
  signed: Buffer
  /** The local-time dates this text carries (plexo-dotnet's), if it rewrote any. */
  localDates?: LocalDateForm
}

interface LoadedCertificate {
  key: ProviderKey
  thumbprint: string
  publicKey: KeyObject | null
  loadError: string
}

interface PlexoOutcome {
  key: ProviderKey
  thumbprint: string
  check: RsaCheck
  variant: string
  localDates?: LocalDateForm
}

function loadCertificate(key: Extract<ProviderKey, { kind: 'certificate' }>): LoadedCertificate {
  try {
    const certificate = parsedCertificate(key.pem)
    return { key, thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(), publicKey: certificate.publicKey, loadError: '' }
  } catch (error: unknown) {
    return { key, thumbprint: '(unparseable)', publicKey: null, loadError: `the certificate does not load: ${errorMessage(error)}` }
  }
}

/**
 * Checks the signature over each form with one certificate, up to the first that verifies. Records
 * an attempt for each form (`each`), or, for the many local-time forms, only the one that verifies
 * or else one for them all (`matched-or-summary`), so the list stays readable.
 */
function checkForms(
  certificate: LoadedCertificate,
  forms: readonly PlexoForm[],
  signature: Buffer,
  explanation: VerifyResult['explanation'],
  record: 'each' | 'matched-or-summary',
): PlexoOutcome[] {
  const { key, thumbprint, publicKey, loadError } = certificate
  const outcomes: PlexoOutcome[] = []
  const attempt = (form: PlexoForm, check: RsaCheck, variant: string, detail: string) =>
    explanation.attempts.push(
      makeAttempt({
        variant: `${variant}, certificate ${thumbprint}`,
        matched: check.outcome === 'valid',
        keyFingerprint: keyFingerprint(key),
        keyLabel: keyLabel(key),
        ...signedStringFields(form.signed),
        detail,
      }),
    )
  // Opened once for every form: a form costs a hash, and only one whose digest was signed an RSA check.
  const checkForm = publicKey === null ? null : rsaPkcs1Checker(publicKey, 'sha512', signature)
  for (const form of forms) {
    const check: RsaCheck = checkForm === null ? { outcome: 'wrong-key', detail: loadError } : checkForm(form.signed)
    outcomes.push({ key, thumbprint, check, variant: form.name, localDates: form.localDates })
    if (record === 'each' || check.outcome === 'valid') attempt(form, check, form.name, certificateCheckDetail(check, 'other bytes'))
    // One attempt for a certificate that does not load: no reading of the numbers changes that.
    if (check.outcome === 'valid' || publicKey === null) break
  }
  const first = forms[0]
  if (record === 'matched-or-summary' && first && !outcomes.some((outcome) => outcome.check.outcome === 'valid')) {
    const check = outcomes[0]!.check
    attempt(
      first,
      check,
      `${PLEXO_VARIANT}, dates in the signer's local time (${forms.length} form(s); shown: ${first.localDates ? describeLocalDates(first.localDates) : ''})`,
      publicKey === null ? loadError : `none of the ${forms.length} local-time form(s) verifies: ${certificateCheckDetail(check, 'other bytes')}`,
    )
  }
  return outcomes
}

/** Every string value in a parsed body (not member names): where dates can be. */
function stringValues(value: RawJson): string[] {
  switch (value.type) {
    case 'string':
      return [value.value]
    case 'array':
      return value.items.flatMap(stringValues)
    case 'object':
      return value.entries.flatMap(([, member]) => stringValues(member))
    default:
      return []
  }
}

/** "UTC-03:00, as in America/Montevideo and 3 other zones". */
function describeLocalDates(form: LocalDateForm): string {
  const offsets = [...new Set(form.offsets)].map((offset) => `UTC${offset}`).join(' and ')
  const others = form.zoneCount - 1
  return `${offsets}, as in ${form.zone}${others > 0 ? ` and ${others} other zone${others === 1 ? '' : 's'}` : ''}`
}

/** What a verdict says of dates that verified in local time: which form, with one date as the body and the signed text write it. */
function localDatesSentence(form: LocalDateForm): string {
  const [example] = [...form.written].filter(([body, signed]) => body !== signed)
  const shown = example ? `: the body's "${example[0]}" was signed as "${example[1]}"` : ''
  return `plexo-dotnet signed the dates in its machine's local time (${describeLocalDates(form)})${shown}`
}

/** Verifies a legacy envelope with the configured Plexo certificate(s). */
export function verifyPlexoLegacy(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'plexo-legacy-rsa-sha512',
    'base64(RSA PKCS#1 v1.5 SHA-512 over canonicalJson(envelope.Object)), certificate thumbprint = Fingerprint, now ≤ UTCUnixTimeExpiration',
    'Signature field of the JSON envelope',
  )
  const raw = delivery.body.length > 0 ? parseRawJson(delivery.body.toString('utf8').replace(/^\uFEFF/, '')) : null
  // As the SDKs decode the envelope: a member written twice is its last copy.
  const inner = lastRawMember(raw, 'Object')
  if (!raw || !inner || inner.type !== 'object')
    return result(invalidVerdict('malformed-body', 'the body is not a Plexo envelope {"Object":{...},"Signature":"..."}'), explanation)
  const signatureNode = lastRawMember(raw, 'Signature')
  if (!signatureNode) return result(invalidVerdict('missing-header', 'signature missing: the envelope has no Signature field'), explanation)
  if (signatureNode.type !== 'string') return result(invalidVerdict('malformed-signature', 'the envelope Signature is not a string'), explanation)
  explanation.receivedSignatures.push(signatureNode.value)
  const signature = decodeBase64Strict(signatureNode.value)
  if (!signature) return result(invalidVerdict('malformed-signature', 'the envelope Signature is not base64'), explanation)

  const fingerprintNode = lastRawMember(inner, 'Fingerprint')
  const envelopeFingerprint = fingerprintNode?.type === 'string' ? fingerprintNode.value.replace(/[:\s]/g, '').toUpperCase() : ''
  const expiryNode = lastRawMember(inner, 'UTCUnixTimeExpiration')
  const expiresAt = expiryNode?.type === 'number' ? Number(expiryNode.lexeme) : Number.NaN
  // The SDKs compare whole seconds: plexo-dotnet's (long)(UtcNow - epoch).TotalSeconds > expiration.
  const nowSeconds = Math.floor(options.now.getTime() / 1000)
  if (Number.isFinite(expiresAt)) {
    explanation.timestamp = {
      signedAt: isoFromSeconds(expiresAt),
      skewSeconds: nowSeconds - expiresAt,
      toleranceSeconds: 0,
      withinTolerance: nowSeconds <= expiresAt,
    }
    explanation.notes.push(`UTCUnixTimeExpiration ${expiresAt} (${isoFromSeconds(expiresAt)}); the timestamp above is the expiry, not the signing time`)
  } else explanation.notes.push('the envelope has no numeric UTCUnixTimeExpiration')
  explanation.notes.push(`envelope Fingerprint: ${envelopeFingerprint || '(none)'}`)

  // The text the SDKs sign and check; then, when they differ, the same members in .NET's order, and the body's own digits and separators (a signer that kept them).
  const asRead = plexoCanonicalJson(inner)
  const asWritten = plexoCanonicalJson(inner, { reading: 'as-written' })
  // Members in the order plexo-dotnet sorts them (its culture's), when that differs from ordinal.
  const cultureOrder = plexoCanonicalJson(inner, { order: 'dotnet-culture' })
  const variants: PlexoForm[] = [{ name: PLEXO_VARIANT, signed: Buffer.from(asRead, 'utf8') }]
  if (cultureOrder !== asRead) variants.push({ name: `${PLEXO_VARIANT}, member names in .NET's culture order`, signed: Buffer.from(cultureOrder, 'utf8') })
  // A dictionary's null values, which Newtonsoft writes (a class's null properties it leaves out).
  const nullsKept = plexoCanonicalJson(inner, { order: 'dotnet-culture', keepNulls: true })
  if (nullsKept !== cultureOrder)
    variants.push({
      name: `${PLEXO_VARIANT}, member names in .NET's culture order, null members kept (a dictionary's)`,
      signed: Buffer.from(nullsKept, 'utf8'),
    })
  // Doubles as Newtonsoft writes them on .NET Framework (1E+15 where .NET Core writes 1000000000000000.0).
  const framework = plexoCanonicalJson(inner, { order: 'dotnet-culture', runtime: 'dotnet-framework' })
  if (framework !== cultureOrder)
    variants.push({
      name: `${PLEXO_VARIANT}, member names in .NET's culture order, numbers as .NET Framework writes them`,
      signed: Buffer.from(framework, 'utf8'),
    })
  if (asWritten !== asRead)
    variants.push({ name: `${PLEXO_VARIANT}, numbers and line separators as the body writes them`, signed: Buffer.from(asWritten, 'utf8') })
  // As plexouy/PHPClient writes it: PHP's key order and lists, its doubles, null members kept.
  for (const { comparison, text } of plexoPhpSignedTexts(inner)) {
    if (variants.some((variant) => variant.signed.toString('utf8') === text)) continue
    const order = comparison === 'php-8' ? "PHP 8's" : "PHP 7's"
    variants.push({ name: `${PLEXO_VARIANT} as PHPClient writes it (${order} key order)`, signed: Buffer.from(text, 'utf8') })
  }
  const certificates = certificatesFor(keys, 'plexo')
  if (certificates.length === 0) {
    explanation.attempts.push(
      makeAttempt({
        variant: PLEXO_VARIANT,
        matched: false,
        ...signedStringFields(variants[0]!.signed),
        detail: 'no Plexo certificate configured',
      }),
    )
    return result(noKeyVerdict(`no Plexo certificate configured (the envelope names thumbprint ${envelopeFingerprint || '(none)'})`), explanation)
  }

  const loaded = certificates.map(loadCertificate)
  const outcomes: PlexoOutcome[] = []
  for (const certificate of loaded) outcomes.push(...checkForms(certificate, variants, signature, explanation, 'each'))
  // Only a signature a certificate's key made over SHA-512 can verify once the dates are
  // rewritten: one that opened under a certificate to a SHA-512 digest of other bytes (an outcome
  // `digest-differs`). A forged one (random bytes, another key) is not worth a pass over every
  // time zone, which took 11-13 ms a delivery, so a flood of them cannot hold the receiver.
  const signedByACertificate = outcomes.some((outcome) => outcome.check.outcome === 'digest-differs')
  const verifiedAlready = outcomes.some((outcome) => outcome.check.outcome === 'valid')
  if (!verifiedAlready && !signedByACertificate)
    explanation.notes.push(
      "the dates were not tried in the signer's local time: the signature does not open under any certificate to a SHA-512 digest, so no way of writing them can make it verify",
    )
  if (!verifiedAlready && signedByACertificate) {
    // Only now, as it costs a pass over every time zone: the dates as plexo-dotnet writes them in its machine's local time.
    const { forms, truncated } = localDateForms(stringValues(inner))
    // With each of plexo-dotnet's other choices the body leaves open (a dictionary's nulls, .NET Framework's doubles), where they change the text.
    const dotnetChoices: Array<{ label: string; options: PlexoTextOptions }> = [{ label: '', options: {} }]
    if (nullsKept !== cultureOrder) dotnetChoices.push({ label: ', null members kept', options: { keepNulls: true } })
    if (framework !== cultureOrder) dotnetChoices.push({ label: ', numbers as .NET Framework writes them', options: { runtime: 'dotnet-framework' } })
    const dateVariants = dotnetChoices.flatMap(({ label, options }) =>
      forms.map((form) => ({
        name: `${PLEXO_VARIANT}, member names in .NET's culture order${label}, dates in the signer's local time (${describeLocalDates(form)})`,
        signed: Buffer.from(
          plexoCanonicalJson(inner, { ...options, order: 'dotnet-culture', rewriteString: (text) => form.written.get(text) ?? null }),
          'utf8',
        ),
        localDates: form,
      })),
    )
    for (const certificate of loaded) outcomes.push(...checkForms(certificate, dateVariants, signature, explanation, 'matched-or-summary'))
    if (forms.length > 0)
      explanation.notes.push(
        `the dates were also tried as plexo-dotnet writes them in local time: ${forms.length} form(s), one per UTC offset a time zone gives them${truncated ? ` (the first ${MAX_LOCAL_DATE_FORMS}; more zones write them otherwise)` : ''}`,
      )
  }

  const verified = outcomes.find((outcome) => outcome.check.outcome === 'valid')
  if (verified) {
    explanation.keyFingerprint = keyFingerprint(verified.key)
    if (envelopeFingerprint !== verified.thumbprint) {
      return result(
        invalidVerdict(
          'fingerprint-mismatch',
          `the signature verifies with certificate ${verified.thumbprint}, but the envelope names ${envelopeFingerprint || '(none)'}`,
        ),
        explanation,
      )
    }
    // The rule is now ≤ UTCUnixTimeExpiration: an envelope that gives no time cannot pass it.
    // plexo-dotnet reads a missing member as 0 (long), so the SDKs call it expired.
    if (expiryNode === undefined) {
      return result(
        invalidVerdict('expired', 'the envelope has no UTCUnixTimeExpiration (the SDKs read it as 0: expired); the signature itself verifies'),
        explanation,
      )
    }
    if (!Number.isFinite(expiresAt)) {
      return result(
        invalidVerdict(
          'malformed-body',
          `UTCUnixTimeExpiration is ${expiryNode.type === 'string' ? 'a string' : `a JSON ${expiryNode.type}`}, not the number of seconds the SDKs compare with the clock: the expiry cannot be checked; the signature itself verifies`,
        ),
        explanation,
      )
    }
    if (nowSeconds > expiresAt) {
      const rough = roughDuration(nowSeconds - expiresAt)
      return result(
        invalidVerdict(
          'expired',
          `the envelope expired at ${isoFromSeconds(expiresAt)} (UTCUnixTimeExpiration ${expiryNode?.type === 'number' ? expiryNode.lexeme : expiresAt}, ${nowSeconds - expiresAt} s before the check${rough === null ? '' : `, about ${rough}`}); the signature itself verifies`,
        ),
        explanation,
      )
    }
    explanation.matchedVariant = verified.variant
    const dates = verified.localDates ? `; ${localDatesSentence(verified.localDates)}` : ''
    return result(validVerdict(verified.variant, `Signature verifies with certificate ${verified.thumbprint}${dates}`), explanation)
  }
  const telltale = telltaleRsaFailure(outcomes)
  if (telltale?.kind === 'data-changed') {
    explanation.keyFingerprint = keyFingerprint(telltale.failure.key)
    return result(
      invalidVerdict(
        'body-changed',
        `signature mismatch: certificate ${telltale.failure.thumbprint} signed a different object (tampered, or canonicalised differently by the sender's serialiser: .NET dates and PHP floats can differ)`,
      ),
      explanation,
    )
  }
  if (telltale?.kind === 'other-digest')
    return result(invalidVerdict('digest-mismatch', `the signature was made with ${telltale.signedWith}, Plexo signs with SHA-512`), explanation)
  if (!outcomes.some((outcome) => outcome.thumbprint === envelopeFingerprint)) {
    return result(
      invalidVerdict(
        'fingerprint-mismatch',
        `the envelope names certificate ${envelopeFingerprint || '(none)'}; configured: ${outcomes.map((outcome) => outcome.thumbprint).join(', ')}`,
      ),
      explanation,
    )
  }
  return result(invalidVerdict('wrong-key', 'the signature was not made with the configured Plexo certificate'), explanation)
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** The confirm request for a REST callback: `GET /v1/payments/{id}`. */
export function plexoConfirmHint(paymentId: string): ConfirmHint {
  const path = `/v1/payments/${encodeURIComponent(paymentId)}`
  return {
    method: 'GET',
    path,
    url: `${PLEXO_API_URL}${path}`,
    display: `GET ${path}`,
    alternativeUrls: [`${PLEXO_TESTING_API_URL}${path}`],
    note: 'Plexo REST callbacks are unsigned by design: fetch the payment (Basic auth) and act on its status',
  }
}

/** Summary of a Plexo REST PaymentDto or a legacy envelope. */
export function parsePlexo(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  if (!isObject(json)) return unreadableSummary(delivery.body, 'the body is not a JSON object')
  // Amounts are shown as written: the parsed numbers would print "100.50" as "100.5".
  const raw = parseRawJson(delivery.body.toString('utf8').replace(/^\uFEFF/, ''))
  return isPlexoEnvelope(json) ? parseEnvelope(json, raw) : parsePaymentDto(json, raw)
}

/** A number or string member exactly as the body wrote it (a number's own digits), else `null`. */
function writtenScalar(node: RawJson | undefined): string | null {
  if (node?.type === 'number') return node.lexeme
  if (node?.type === 'string') return node.value
  return null
}

/**
 * `card.name` as the card to show: Plexo writes the number masked ("555555XXXXXX4444"), but a
 * number written whole (a sandbox, a processor that does not mask) must not be shown whole either.
 */
function maskedCardName(name: string | null): string | null {
  if (name === null || !/^[0-9Xx*•]{12,19}$/.test(name)) return name === null ? null : maskPans(name)
  const digits = name.replace(/[Xx•]/g, '*')
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`
}

function parsePaymentDto(body: JsonObject, raw: RawJson | null): DeliverySummary {
  const summary = emptySummary('json')
  summary.status = firstText(body.status)
  summary.providerObjectId = firstText(body.id)
  summary.merchantReference = firstText(body.referenceId)
  const transactions = Array.isArray(body.transactions) ? body.transactions : []
  const last = transactions[transactions.length - 1]
  summary.eventType = firstText(prop(last, 'type'))
  // PaymentDto amounts are decimal major units ("total": 100 is 100 pesos), as in ActiveMerchant's fixture.
  summary.amount = decimalAmount(writtenScalar(rawMember(rawMember(raw, 'amount'), 'total')), at(body, 'amount', 'currency'))
  summary.paymentMethod = firstText(at(body, 'paymentMethod', 'name'), at(body, 'paymentMethod', 'id'))
  const card = at(body, 'paymentMethod', 'card')
  summary.maskedCard = maskCard(prop(card, 'bin'), prop(card, 'last4')) ?? maskedCardName(firstText(prop(card, 'name')))
  if (summary.status === 'denied' || summary.status === 'failed') {
    summary.errorCode = firstText(prop(last, 'resultCode'))
    summary.errorMessage = firstText(prop(last, 'resultMessage'))
  }
  if (summary.providerObjectId) summary.signalOnly = plexoConfirmHint(summary.providerObjectId)

  const status = summary.status
  if (status === null || !(PLEXO_PAYMENT_STATUSES as readonly string[]).includes(status)) {
    summary.problems.push(`status not in {${PLEXO_PAYMENT_STATUSES.join(',')}}`)
  }
  if (!Array.isArray(body.transactions)) summary.problems.push('missing transactions[]')
  if (!isObject(body.amount)) summary.problems.push('missing amount{total,currency}')

  const fields = summary.fields
  pushField(fields, 'Status', body.status)
  pushField(fields, 'Payment id', body.id)
  pushField(fields, 'Reference id', body.referenceId)
  pushField(fields, 'Invoice number', body.invoiceNumber)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Installments', body.installments)
  pushField(fields, 'Payment method', summary.paymentMethod)
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Issuer', at(body, 'paymentMethod', 'issuer', 'name'))
  pushField(fields, 'Processed at', body.processedAt)
  transactions.slice(0, 20).forEach((transaction, index) => {
    const parts = [prop(transaction, 'type'), prop(transaction, 'status'), prop(transaction, 'resultCode'), prop(transaction, 'resultMessage')]
      .map(text)
      .filter(Boolean)
    pushField(fields, `Transaction ${index + 1}`, parts.join(' · '))
  })
  return summary
}

/**
 * `Transaction.CurrentState`, a `TransactionType` (plexouy/plexo-dotnet-models
 * `Transactions/TransactionType.cs`): serialised as its number by default, as its name by a
 * string-enum serialiser.
 */
const PLEXO_TRANSACTION_STATES = ['Reserve', 'Purchase', 'Cancel', 'Refund'] as const

/** `IntrumentCallback.Action`, an `ActionType` of flags (`Sessions/ActionType.cs`). */
const PLEXO_INSTRUMENT_ACTIONS: ReadonlyArray<[number, string]> = [
  [1, 'SelectInstrument'],
  [2, 'RegisterInstrument'],
  [4, 'DeleteInstrument'],
  [8, 'SessionExtendAmount'],
  [16, 'ClientExtendAmount'],
  [32, 'AskForTemporaryItems'],
  [64, 'ExpressCheckout'],
]

/**
 * `Currency.CurrencyId` as the plexouy SDKs define it (PHPClient `Type/CurrencyType.php`); the
 * currency's ISO code itself is never serialised (`ISOCode` is `[JsonIgnore]` in Plexo.Models).
 */
const PLEXO_CURRENCY_CODES: Readonly<Record<string, string>> = { '1': 'UYU', '2': 'USD', '3': 'ARS', '4': 'EUR', '5': 'BRL' }

/** The `TransactionType` name of a state sent as its number, or as its name; else `null`. */
function transactionState(written: string | null): string | null {
  if (written === null) return null
  if (/^\d+$/.test(written)) return PLEXO_TRANSACTION_STATES[Number(written)] ?? null
  return (PLEXO_TRANSACTION_STATES as readonly string[]).includes(written) ? written : null
}

/** The flags of an `ActionType` by name ("SelectInstrument, RegisterInstrument"), else `null`. */
function instrumentActions(written: string | null): string | null {
  if (written === null) return null
  // A string-enum serialiser writes flags as their names, comma-separated.
  if (!/^\d+$/.test(written)) return written.split(/,\s*/).every((part) => PLEXO_INSTRUMENT_ACTIONS.some(([, name]) => name === part)) ? written : null
  const flags = Number(written)
  const names = PLEXO_INSTRUMENT_ACTIONS.filter(([flag]) => (flags & flag) !== 0).map(([, name]) => name)
  const known = PLEXO_INSTRUMENT_ACTIONS.reduce((all, [flag]) => all | flag, 0)
  return flags !== 0 && (flags & ~known) === 0 ? names.join(', ') : null
}

/**
 * A legacy callback's state as the SDKs name it ("Reserve", "RegisterInstrument"), however it was
 * sent or stored. Captures stored before the summary named the state kept the number ("0"): their
 * delivery key must still be the named one, or a payment's attempts split into two deliveries
 * across the upgrade. A state the SDKs do not define stays as it came.
 */
function namedLegacyState(eventType: string | null, status: string | null): string | null {
  if (eventType === 'TransactionCallback') return transactionState(status) ?? status
  if (eventType === 'InstrumentCallback') return instrumentActions(status) ?? status
  return status
}

/** The number an SDK's state name is sent as (`TransactionType`'s index, `ActionType`'s flags), else `null`. */
function numberedLegacyState(eventType: string | null, state: string): string | null {
  if (eventType === 'TransactionCallback') {
    const index = (PLEXO_TRANSACTION_STATES as readonly string[]).indexOf(state)
    return index === -1 ? null : String(index)
  }
  if (eventType !== 'InstrumentCallback' || /^\d+$/.test(state)) return null
  let flags = 0
  for (const name of state.split(/,\s*/)) {
    const flag = PLEXO_INSTRUMENT_ACTIONS.find(([, known]) => known === name)?.[0]
    if (flag === undefined) return null
    flags |= flag
  }
  return String(flags)
}

/**
 * The delivery identities earlier versions gave a legacy callback's delivery: the state as its
 * number ("0" for "Reserve"). The store's index still holds their keys' hashes for the captures
 * those versions stored, so a delivery's attempts are looked up under both.
 */
export function formerPlexoDeliveryParts(parts: readonly string[]): string[][] {
  const [paymentId, eventType, state] = parts
  if (paymentId === undefined || eventType === undefined || state === undefined) return []
  const numbered = numberedLegacyState(eventType, state)
  return numbered === null ? [] : [[paymentId, eventType, numbered]]
}

/**
 * The amount of a legacy callback: `Amount` (a .NET decimal, major units) as written, with the ISO
 * code its `CurrencyId` stands for. A currency the SDKs do not number keeps the name it was sent with.
 */
function envelopeAmount(object: RawJson | undefined, summary: DeliverySummary): void {
  const amount = writtenScalar(rawMember(object, 'Amount'))
  const currency = rawMember(object, 'Currency')
  const currencyId = writtenScalar(rawMember(currency, 'CurrencyId'))
  const name = writtenScalar(rawMember(currency, 'Name'))
  const symbol = writtenScalar(rawMember(currency, 'Symbol'))
  const code = currencyId === null ? undefined : PLEXO_CURRENCY_CODES[currencyId]
  if (currencyId !== null && code === undefined) {
    summary.problems.push(
      `Currency.CurrencyId ${currencyId} is not one the plexouy SDKs define (${Object.entries(PLEXO_CURRENCY_CODES)
        .map(([id, iso]) => `${id} ${iso}`)
        .join(', ')})`,
    )
  }
  const received = [
    currencyId === null ? null : `CurrencyId ${currencyId}`,
    name === null ? null : `Name ${JSON.stringify(name)}`,
    symbol === null ? null : `Symbol ${JSON.stringify(symbol)}`,
  ].filter((part) => part !== null)
  if (received.length > 0) pushField(summary.fields, 'Currency', `${code ?? '(unknown code)'} (${received.join(', ')})`)
  const money = decimalAmount(amount, code ?? null)
  summary.amount = money && code === undefined && name !== null ? { ...money, amountDisplay: `${money.raw} ${name}` } : money
  pushField(summary.fields, 'Amount', summary.amount?.amountDisplay)
}

function parseEnvelope(body: JsonObject, raw: RawJson | null): DeliverySummary {
  const summary = emptySummary('json')
  const inner = body.Object
  const object = prop(inner, 'Object')
  const rawObject = lastRawMember(lastRawMember(raw, 'Object'), 'Object')
  summary.providerObjectId = firstText(prop(object, 'TransactionId'), prop(object, 'SessionId'))
  summary.merchantReference = firstText(prop(object, 'InvoiceNumber'))
  const isTransaction = prop(object, 'TransactionId') !== undefined
  summary.eventType = isTransaction ? 'TransactionCallback' : prop(object, 'Action') !== undefined ? 'InstrumentCallback' : null
  // The state as the word the SDKs name it ("Purchase"), not the number it is sent as.
  const stateWritten = writtenScalar(rawMember(rawObject, isTransaction ? 'CurrentState' : 'Action'))
  const state = isTransaction ? transactionState(stateWritten) : instrumentActions(stateWritten)
  summary.status = state ?? stateWritten
  if (stateWritten !== null && state === null) {
    summary.problems.push(
      isTransaction
        ? `CurrentState ${stateWritten} is not a TransactionType the plexouy SDKs define (${PLEXO_TRANSACTION_STATES.map((name, index) => `${index} ${name}`).join(', ')})`
        : `Action ${stateWritten} is not an ActionType the plexouy SDKs define`,
    )
  }
  summary.paymentMethod = firstText(prop(object, 'InstrumentName'))
  const fields = summary.fields
  pushField(fields, 'Client', prop(object, 'Client'))
  pushField(fields, 'Transaction id', prop(object, 'TransactionId'))
  pushField(fields, 'Invoice number', prop(object, 'InvoiceNumber'))
  if (stateWritten !== null)
    pushField(fields, isTransaction ? 'Current state' : 'Action', state === null || state === stateWritten ? stateWritten : `${state} (${stateWritten})`)
  envelopeAmount(rawObject, summary)
  pushField(fields, 'Instrument', prop(object, 'InstrumentName'))
  pushField(fields, 'Installments', writtenScalar(rawMember(rawObject, 'Installments')))
  pushField(fields, 'Fingerprint', prop(inner, 'Fingerprint'))
  const expiry = prop(inner, 'UTCUnixTimeExpiration')
  if (typeof expiry === 'number') pushField(fields, 'Expires', `${text(expiry) ?? ''} (${isoFromSeconds(expiry)})`)
  fields.push({
    label: 'Response required',
    value: 'a ClientSignedResponse envelope {Object:{Fingerprint,Object:{Client,ResultCode:0},UTCUnixTimeExpiration},Signature} signed with the merchant key',
  })
  return summary
}

/**
 * How Plexo takes a 2xx answer to a legacy callback, by its shape: a ClientSignedResponse
 * `{"Object":{"Fingerprint","Object":{"Client","ResultCode":0},"UTCUnixTimeExpiration"},"Signature"}`
 * acknowledges it; one with another ResultCode reports an error (PHPClient's callback example
 * answers an exception so); anything else is not what Plexo asked for. Its signature and expiry
 * cannot be checked here: that needs the merchant's certificate and the time Plexo reads it.
 */
function judgeClientSignedResponse(body: string): 'success' | 'failure' | 'uncertain' {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    // Not JSON, so not the envelope.
    return 'uncertain'
  }
  const envelope = jsonRecord(parsed)
  const inner = jsonRecord(envelope?.Object)
  const response = jsonRecord(inner?.Object)
  if (typeof envelope?.Signature !== 'string' || typeof inner?.Fingerprint !== 'string' || typeof inner.UTCUnixTimeExpiration !== 'number' || !response)
    return 'uncertain'
  if (typeof response.ResultCode !== 'number') return 'uncertain'
  return response.ResultCode === 0 ? 'success' : 'failure'
}

/** How long a re-signed Plexo envelope stays valid: the plexouy SDKs' default. */
export const PLEXO_ENVELOPE_LIFETIME_SECONDS = 600

type PlexoObject = PlexoEnvelopeInput['object']

/** Re-signs a Plexo legacy envelope with the user's private key and a fresh expiry. */
function resignPlexoEnvelope(draft: SigningDraft, key: RsaPrivateKey | undefined, expiresAt: number): void {
  const text = roundTripText(draft.body)
  if (text === null || !text.includes('"Signature"')) return
  const envelope = jsonRecord(parseJsonText(text.replace(/^\uFEFF/, '')))
  const inner = jsonRecord(envelope?.Object)
  if (!envelope || !inner || inner.Fingerprint === undefined || envelope.Signature === undefined) return
  if (!key) {
    draft.skip(
      'plexo-legacy-rsa-sha512',
      'plexo',
      'no Plexo private key supplied: Plexo signs with its own certificate, so a re-signed envelope only verifies against the certificate of the key you supply',
    )
    return
  }
  const fingerprint = scalarText(inner.Fingerprint)
  const signed = signPlexoEnvelope({ object: inner.Object as PlexoObject, fingerprint, expiresAt, privateKey: key.pem })
  const keyId = privateKeyFingerprint(key)
  draft.setBody(Buffer.from(signed.body, 'utf8'), [
    {
      scheme: 'plexo-legacy-rsa-sha512',
      provider: 'plexo',
      location: 'body',
      name: 'Object.UTCUnixTimeExpiration',
      before: inner.UTCUnixTimeExpiration === undefined ? null : scalarText(inner.UTCUnixTimeExpiration),
      after: String(expiresAt),
      keyFingerprint: keyId,
    },
    {
      scheme: 'plexo-legacy-rsa-sha512',
      provider: 'plexo',
      location: 'body',
      name: 'Signature',
      before: typeof envelope.Signature === 'string' ? envelope.Signature : null,
      after: signed.signature,
      keyFingerprint: keyId,
    },
  ])
  draft.notes.push('the Plexo envelope was serialised anew to re-sign it: its formatting (whitespace, member order) differs from the capture')
}

export const plexoProvider: ProviderModule<'plexo'> = {
  id: 'plexo',
  rules: {
    envelope: ({ json }) =>
      isPlexoEnvelope(json) ? { variant: 'legacy-envelope', detectedBy: 'JSON envelope {"Object":{"Fingerprint":…},"Signature":…}' } : null,
    rest: ({ json }) =>
      isPlexoPaymentDto(json) ? { variant: 'rest', detectedBy: 'PaymentDto shape: id, Plexo status, transactions[], amount{total,currency}' } : null,
  },
  variantOf: (delivery) => (isPlexoEnvelope(parseJsonBody(delivery.body)) ? 'legacy-envelope' : 'rest'),
  parse: parsePlexo,
  verify: (delivery, keys, options, { variant, summary }) => {
    if (variant === 'legacy-envelope') return verifyPlexoLegacy(delivery, keys, options)
    const hint = summary.providerObjectId ? plexoConfirmHint(summary.providerObjectId) : null
    return unsignedResult(hint, `Plexo REST callbacks are unsigned by design${hint ? `; confirm with ${hint.display}` : ''}`)
  },
  acknowledgement: (variant) =>
    variant === 'legacy-envelope' || variant === 'legacy'
      ? {
          subject: 'Plexo (legacy signed API)',
          // Short: it is one entry of the provider-default list, which a short window must still fit
          // above the form (e2e/ui-answers-short-window.spec.ts). docs/providers/plexo.md has the shape.
          expects:
            "a ClientSignedResponse (ResultCode 0) signed for each callback with the merchant's private key, which the inspector does not hold: " +
            'it answers 200 with an empty body; test the signed answer from your own server',
          consequence: '',
          acknowledgement: EMPTY_200,
          timeoutMs: null,
          judge: (status, body) => (!is2xx(status) ? 'failure' : judgeClientSignedResponse(body)),
        }
      : // The REST API's acknowledgement and retries are undocumented; 2xx is the usual contract.
        { ...generic2xx('Plexo', ''), judge: (status) => (is2xx(status) ? 'success' : 'uncertain') },
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Plexo' },
  keyKinds: ['certificate'],
  deliveryIdentity: {
    label: 'payment id, event and status',
    // The payment id; a new status is a new callback. A legacy state is named as the SDKs name it, however it was stored.
    parts: ({ summary }) => (summary.objectId === null ? null : [summary.objectId, summary.eventType, namedLegacyState(summary.eventType, summary.status)]),
  },
  resign: {
    // Rebuilt by signPlexoEnvelope, which serialises the envelope anew: the summary says its formatting changed.
    envelope: {
      scheme: 'plexo-legacy-rsa-sha512',
      apply: (draft, keys, { nowSeconds, plexoLifetimeSeconds }) => resignPlexoEnvelope(draft, privateKeyFor(keys, 'plexo'), nowSeconds + plexoLifetimeSeconds),
    },
  },
  // Unsigned by design (the REST callbacks): the receiver confirms by fetching the payment.
  simulate: UNSIGNED_SIMULATION,
  // Plexo publishes no retry policy.
  retrySchedule: () => null,
}
