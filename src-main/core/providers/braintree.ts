/**
 * Braintree webhooks: recognition, parsing, verification and signing.
 *
 * A notification is a form POST with two parameters (developer.paypal.com/braintree/docs/guides/webhooks/parse):
 *   bt_payload   = base64 of an XML `<notification>` (kind, timestamp, subject), possibly with newlines
 *   bt_signature = "<public key>|<hex HMAC-SHA1>" pairs joined by "&"
 * The HMAC is keyed with the raw SHA-1 digest of the private key and computed over bt_payload as
 * sent, or bt_payload followed by a newline (braintree npm `WebhookNotificationGateway.validateSignature`,
 * `Digest.Sha1hexdigest`). The pair to check is the first whose public key is the configured one,
 * so verification needs the key pair: the public key picks the pair, the private key checks it.
 * The stored body stays the truth; the decoded XML is a view derived from it.
 */
import { createHash, randomBytes } from 'node:crypto'
import { decodeBraintreePayload } from '../../shared/braintree-payload'
import type { RetrySchedule } from '../../shared/deliveries'
import type { DeliverySummary, MoneyAmount, ProviderKey } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import { isObject } from './body'
import { upperCaseHexMessage } from './body-hmac-header'
import { bytesEqual, decodeHexStrict } from '../crypto/bytes'
import { parseXmlTree, xmlChild, xmlChildText, type XmlElement } from './braintree-xml'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { COMMON_URL_RULES, HOUR, fromPrevious, generic2xx } from './module-parts'
import type { ProviderModule, ProviderSimulation } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { randomFrom, signedWithSecret, simulationSecret } from './simulation'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { decimalAmount, emptySummary, maskCard, pushField, unreadableSummary } from './summary'
import {
  hmacMismatch,
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  hmacBytes,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
} from './verification'

export const BRAINTREE_SIGNATURE_PARAM = 'bt_signature'
export const BRAINTREE_PAYLOAD_PARAM = 'bt_payload'
const SHA1_BYTES = 20
/** What the SDK accepts in bt_payload: base64 and newlines (anything else is refused before the HMAC). */
const PAYLOAD_ALPHABET = /^[A-Za-z0-9+=/\n]*$/

/** A Braintree API key pair as the verifier needs it; the private key is never shown, only fingerprinted. */
export interface BraintreeKeyPair {
  publicKey: string
  privateKey: string
  /** Identifies the pair in explanations (a fingerprint of the private key). */
  fingerprint: string
  label: string
}

/** The two form parameters as received (form-decoded), each `null` when absent. */
export interface BraintreeForm {
  signature: string | null
  payload: string | null
}

/** One `<public key>|<signature>` pair of bt_signature. */
export interface BraintreeSignaturePair {
  publicKey: string
  signature: string
}

/**
 * Reads bt_signature and bt_payload from a form body (the first of each, as form readers do), or
 * `null` when the body is not a form carrying either.
 */
export function readBraintreeForm(body: Buffer): BraintreeForm | null {
  if (body.length === 0 || body.length > 16 * 1024 * 1024) return null
  // Every delivery of an unrecognised sender reaches this rule, so the others are turned away
  // cheaply (the receiver's throughput depends on it): a JSON or XML body by its first byte, then
  // a byte search, without copying the body into a string.
  if (startsLikeJsonOrXml(body)) return null
  if (body.indexOf(`${BRAINTREE_SIGNATURE_PARAM}=`) === -1 && body.indexOf(`${BRAINTREE_PAYLOAD_PARAM}=`) === -1) return null
  const params = new URLSearchParams(body.toString('utf8'))
  const signature = params.get(BRAINTREE_SIGNATURE_PARAM)
  const payload = params.get(BRAINTREE_PAYLOAD_PARAM)
  if (signature === null && payload === null) return null
  return { signature, payload }
}

/** A form body starts with a parameter name; `{`, `[` or `<` (after white space) is JSON or XML. */
function startsLikeJsonOrXml(body: Buffer): boolean {
  for (let index = 0; index < body.length; index++) {
    const byte = body[index]
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue
    return byte === 0x7b || byte === 0x5b || byte === 0x3c
  }
  return false
}

/** True for a Braintree notification: a form body with both bt_signature and bt_payload. */
export function looksLikeBraintree(delivery: Delivery): boolean {
  const form = readBraintreeForm(delivery.body)
  return form !== null && form.signature !== null && form.payload !== null
}

/** Splits bt_signature on `&`, keeps the parts holding `|`, and reads each as `public key|signature`, as the SDK does. */
export function parseBraintreeSignature(value: string): BraintreeSignaturePair[] {
  return value
    .split('&')
    .filter((pair) => pair.includes('|'))
    .map((pair) => {
      const [publicKey = '', signature = ''] = pair.split('|')
      return { publicKey, signature }
    })
}

/** The HMAC key: the raw SHA-1 digest of the private key (its characters taken as bytes, as the SDK does). */
function hmacKey(privateKey: string): Buffer {
  return createHash('sha1').update(Buffer.from(privateKey, 'latin1')).digest()
}

/** hex(HMAC-SHA1(SHA1(private key), payload)). */
export function braintreePayloadMac(privateKey: string, payload: string): string {
  return hmacBytes('sha1', hmacKey(privateKey), [Buffer.from(payload, 'latin1')]).toString('hex')
}

/** The bt_signature value for a payload: `<public key>|<hex HMAC-SHA1>`. */
export function signBraintreePayload(pair: { publicKey: string; privateKey: string }, payload: string): string {
  return `${pair.publicKey}|${braintreePayloadMac(pair.privateKey, payload)}`
}

/** bt_payload for an XML notification: base64 and a final newline, as the SDK's sample notifications. */
export function braintreePayloadFor(xml: string): string {
  return `${Buffer.from(xml, 'utf8').toString('base64')}\n`
}

/** A whole notification body, `bt_signature=…&bt_payload=…`, for an XML notification (the simulator). */
export function braintreeNotificationBody(pair: { publicKey: string; privateKey: string }, xml: string): Buffer {
  const payload = braintreePayloadFor(xml)
  const signature = signBraintreePayload(pair, payload)
  return Buffer.from(`${BRAINTREE_SIGNATURE_PARAM}=${encodeURIComponent(signature)}&${BRAINTREE_PAYLOAD_PARAM}=${encodeURIComponent(payload)}`, 'latin1')
}

/**
 * The body with bt_signature recomputed over its bt_payload under this key pair (re-signed
 * resends). Every other byte stays as it was, bt_payload included; `null` when the body has no
 * bt_payload to sign.
 */
export function resignBraintreeBody(body: Buffer, pair: { publicKey: string; privateKey: string }): Buffer | null {
  const form = readBraintreeForm(body)
  if (form === null || form.payload === null) return null
  const signature = `${BRAINTREE_SIGNATURE_PARAM}=${encodeURIComponent(signBraintreePayload(pair, form.payload))}`
  const parts = body.toString('latin1').split('&')
  const at = parts.findIndex((part) => part.startsWith(`${BRAINTREE_SIGNATURE_PARAM}=`))
  if (at < 0) parts.unshift(signature)
  else parts[at] = signature
  return Buffer.from(parts.join('&'), 'latin1')
}

/** Verifies bt_signature with the configured key pairs (the first whose public key is in the signature). */
export function verifyBraintree(delivery: Delivery, pairs: readonly BraintreeKeyPair[], _options?: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'braintree-hmac-sha1',
    'hex(HMAC-SHA1(SHA1(private key), bt_payload)), bt_payload as sent or with a final newline; the pair is chosen by public key',
    'bt_signature form parameter',
  )
  const form = readBraintreeForm(delivery.body)
  if (form === null || form.signature === null) {
    return result(invalidVerdict('missing-header', 'no bt_signature form parameter (Braintree posts bt_signature and bt_payload as a form)'), explanation)
  }
  explanation.receivedSignatures.push(form.signature)
  if (form.payload === null)
    return result(invalidVerdict('malformed-body', 'no bt_payload form parameter: there is nothing the signature could cover'), explanation)
  const payload = form.payload
  if (!PAYLOAD_ALPHABET.test(payload)) {
    return result(
      invalidVerdict(
        'malformed-body',
        `bt_payload holds characters other than base64 and newlines${payload.includes(' ') ? " (a '+' sent unencoded in the form reads as a space)" : ''}; the Braintree SDKs refuse it before checking the signature`,
      ),
      explanation,
    )
  }
  const received = parseBraintreeSignature(form.signature)
  if (received.length === 0) return result(invalidVerdict('malformed-signature', 'bt_signature holds no "<public key>|<signature>" pair'), explanation)
  const signedPublicKeys = received.map((pair) => pair.publicKey)
  explanation.notes.push(`signed for public key${signedPublicKeys.length === 1 ? '' : 's'} ${signedPublicKeys.join(', ')}`)

  const variants: Array<{ variant: string; signed: string }> = [
    { variant: 'bt_payload as sent', signed: payload },
    { variant: 'bt_payload with a final newline', signed: `${payload}\n` },
  ]
  if (pairs.length === 0) {
    explanation.attempts.push(
      makeAttempt({
        variant: variants[0]?.variant ?? '',
        matched: false,
        ...signedStringFields(Buffer.from(payload, 'latin1')),
        detail: 'no key pair configured: nothing to compute',
      }),
    )
    return result(noKeyVerdict('no Braintree key pair (public and private key) configured for this endpoint'), explanation)
  }

  let checked = 0
  for (const pair of pairs) {
    // The SDK checks only the first pair signed for its public key.
    const signed = received.find((candidate) => candidate.publicKey === pair.publicKey)
    if (!signed) continue
    checked++
    const signature = decodeHexStrict(signed.signature)
    const key = hmacKey(pair.privateKey)
    for (const { variant, signed: data } of variants) {
      const mac = hmacBytes('sha1', key, [Buffer.from(data, 'latin1')])
      const matched = signature !== null && signature.length === SHA1_BYTES && bytesEqual(mac, signature)
      explanation.attempts.push(
        makeAttempt({
          variant,
          matched,
          keyFingerprint: pair.fingerprint,
          keyLabel: pair.label,
          ...signedStringFields(Buffer.from(data, 'latin1')),
          computedSignature: `${pair.publicKey}|${mac.toString('hex')}`,
        }),
      )
      if (matched) {
        explanation.matchedVariant = variant
        explanation.keyFingerprint = pair.fingerprint
        // The SDKs compare the hex text (secureCompare): the right MAC in upper case fails there.
        if (signed.signature !== signed.signature.toLowerCase())
          return result(invalidVerdict('wrong-encoding', upperCaseHexMessage('bt_signature', 'Braintree')), explanation)
        return result(validVerdict(variant, `bt_signature matches for public key ${pair.publicKey} (${variant}; key ${pair.fingerprint})`), explanation)
      }
    }
  }
  if (checked === 0) {
    return result(
      invalidVerdict(
        'wrong-key',
        `bt_signature is signed for public key ${signedPublicKeys.join(', ')}, and no configured key pair has that public key (configured: ${pairs.map((pair) => pair.publicKey).join(', ')})`,
      ),
      explanation,
    )
  }
  explanation.keyFingerprint = pairs.length === 1 ? (pairs[0]?.fingerprint ?? null) : null
  return result(
    invalidVerdict('signature-mismatch', `${hmacMismatch('bt_payload', 'the private key')} (the public key named in bt_signature is the configured one)`),
    explanation,
  )
}

// ---------------------------------------------------------------------------------------------
// The summary (the derived XML view is shared/braintree-payload.ts)

export { decodeBraintreePayload, type BraintreePayloadView } from '../../shared/braintree-payload'

/**
 * The subject's amount exactly as sent. A subscription's is the amount of its newest transaction
 * (the charge a `subscription_charged_*` notification is about; Braintree lists it first), else
 * its price; a dispute's is the disputed amount. Subscriptions carry no currency.
 */
function amountOf(object: XmlElement | undefined): MoneyAmount | null {
  if (!object) return null
  switch (object.name.replace(/_/g, '-')) {
    case 'subscription':
      return decimalAmount(xmlChildText(xmlChild(object, 'transactions')?.children[0], 'amount') ?? xmlChildText(object, 'price'), null)
    case 'dispute':
      return decimalAmount(xmlChildText(object, 'amount-disputed') ?? xmlChildText(object, 'amount'), xmlChildText(object, 'currency-iso-code'))
    default:
      return decimalAmount(xmlChildText(object, 'amount'), xmlChildText(object, 'currency-iso-code'))
  }
}

/**
 * Summary of a Braintree notification: kind, timestamp, the subject's id and status, and its
 * amount exactly as sent (decimal strings such as `49.99` or `100`).
 */
export function parseBraintree(delivery: Delivery): DeliverySummary {
  const view = decodeBraintreePayload(delivery.body)
  if (!view.ok) return unreadableSummary(delivery.body, `not a Braintree notification: ${view.problem}`)
  const tree = parseXmlTree(view.xml)
  if (!tree.ok) {
    const summary = emptySummary('form')
    summary.problems.push(`the XML in bt_payload is not well-formed: ${tree.message}`)
    return summary
  }
  const notification = tree.root
  const summary = emptySummary('form')
  if (notification.name !== 'notification') summary.problems.push(`the XML's root is <${notification.name}>, not <notification>`)
  const subject = xmlChild(notification, 'subject')
  const object: XmlElement | undefined = subject?.children[0]
  const kind = xmlChildText(notification, 'kind')
  summary.eventType = kind
  summary.providerObjectId = xmlChildText(object, 'id')
  summary.status = xmlChildText(object, 'status')
  summary.merchantReference = xmlChildText(object, 'order-id')
  summary.paymentMethod = xmlChildText(object, 'payment-instrument-type')
  summary.maskedCard = maskCard(xmlChildText(object, 'credit-card', 'bin'), xmlChildText(object, 'credit-card', 'last-4'))
  summary.errorCode = xmlChildText(object, 'processor-response-code') ?? xmlChildText(object, 'gateway-rejection-reason')
  summary.errorMessage = xmlChildText(object, 'processor-response-text')
  summary.amount = amountOf(object)
  if (kind === null) summary.problems.push('no <kind> element')
  if (!subject) summary.problems.push('no <subject> element')

  const fields = summary.fields
  pushField(fields, 'Payload', 'bt_payload decoded from base64: a view derived from the stored body')
  pushField(fields, 'Kind', kind)
  pushField(fields, 'Timestamp', xmlChildText(notification, 'timestamp'))
  pushField(fields, 'Source merchant id', xmlChildText(notification, 'source-merchant-id'))
  pushField(fields, 'Subject', object?.name)
  for (const name of [
    'id',
    'status',
    'type',
    'kind',
    'reason',
    'amount',
    'amount-disputed',
    'price',
    'balance',
    'currency-iso-code',
    'plan-id',
    'next-billing-date',
    'billing-period-end-date',
    'order-id',
    'merchant-account-id',
    'payment-instrument-type',
    'processor-response-code',
    'processor-response-text',
    'reply-by-date',
  ]) {
    pushField(fields, name, xmlChildText(object, name))
  }
  pushField(fields, 'Card', summary.maskedCard)
  const transactions = xmlChild(object, 'transactions')
  transactions?.children.slice(0, 5).forEach((transaction, index) => {
    pushField(
      fields,
      `transactions[${index}]`,
      [xmlChildText(transaction, 'id'), xmlChildText(transaction, 'status'), xmlChildText(transaction, 'amount')].filter(Boolean).join(' · '),
    )
  })
  return summary
}

// ---------------------------------------------------------------------------------------------
// The provider module

/** Braintree waits this long for an answer. */
export const BRAINTREE_TIMEOUT_MS = 30_000
const BRAINTREE_PRIVATE_KEY = /^[a-z0-9]{32}$/

// Braintree, https://developer.paypal.com/braintree/docs/guides/webhooks/parse (Retries): an answer
// slower than 30 s is a timeout; notifications are sent again every hour until a 2xx, for up to 3
// hours in the sandbox and 24 hours in production.
const BRAINTREE_RETRIES: RetrySchedule = {
  provider: 'braintree',
  title: 'Braintree',
  kind: 'published-times',
  description: 'Sent again every hour until it gets a 2xx within 30 s: for up to 24 hours in production, 3 hours in the sandbox.',
  successRule: 'any 2xx within 30 s',
  retries: Array.from({ length: 24 }, () => fromPrevious(HOUR)),
  sourceUrl: 'https://developer.paypal.com/braintree/docs/guides/webhooks/parse',
  sourceTitle: 'Braintree: parse webhooks (retries)',
  confirmed: true,
  caveat: 'The sandbox stops after 3 hours (3 retries). The page does not say whether each hour counts from the first attempt or from the one before.',
}

/**
 * The endpoint's Braintree key pairs: an `hmac-secret` whose value is the private key and whose
 * `apiKey` is the public key of the same pair.
 */
function keyPairsOf(keys: readonly ProviderKey[]): { pairs: BraintreeKeyPair[]; withoutPublicKey: number } {
  const secrets = hmacSecretsFor(keys, 'braintree')
  const pairs: BraintreeKeyPair[] = []
  for (const key of secrets) {
    if (key.apiKey) pairs.push({ publicKey: key.apiKey, privateKey: key.value, fingerprint: keyFingerprint(key), label: keyLabel(key) })
  }
  return { pairs, withoutPublicKey: secrets.length - pairs.length }
}

/**
 * Re-signs a resend: `bt_signature` recomputed over the `bt_payload` being sent, with the
 * endpoint's key pair; every other byte of the form stays as it is.
 */
function resignBraintree(draft: SigningDraft, key: HmacKey | undefined): void {
  const form = readBraintreeForm(draft.body)
  if (form === null || form.signature === null) return
  if (!key) {
    draft.noKey('braintree-hmac-sha1', 'braintree', 'Braintree key pair')
    return
  }
  if (!key.apiKey) {
    draft.skip('braintree-hmac-sha1', 'braintree', 'the Braintree key has no public key: the captured bt_signature is sent unchanged')
    return
  }
  const body = resignBraintreeBody(draft.body, { publicKey: key.apiKey, privateKey: key.value })
  if (body === null) {
    draft.skip('braintree-hmac-sha1', 'braintree', 'the form has no bt_payload to sign: bt_signature is sent unchanged')
    return
  }
  const after = readBraintreeForm(body)?.signature ?? ''
  draft.setBody(body, [
    {
      scheme: 'braintree-hmac-sha1',
      provider: 'braintree',
      location: 'body',
      name: BRAINTREE_SIGNATURE_PARAM,
      before: form.signature,
      after,
      keyFingerprint: keyFingerprint(key),
    },
  ])
}

/** A template's XML notification: its one form field `bt_payload_xml`, placeholders filled. */
const TEMPLATE_XML_FIELD = 'bt_payload_xml'
const PUBLIC_KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh pair: the private key (the HMAC secret) and the public key that names the pair in bt_signature. */
function generateBraintreeKeyPair(): { value: string; apiKey: string } {
  return { value: randomBytes(16).toString('hex'), apiKey: randomFrom(PUBLIC_KEY_ALPHABET, 16) }
}

/** The endpoint's key, when it has its public key: a private key alone cannot make a signature Braintree's SDKs would pick. */
function pairedKeyOf(keys: readonly SigningKey[]): HmacKey | undefined {
  const given = hmacSecretFor(keys, 'braintree')
  return given?.apiKey ? given : undefined
}

/**
 * Signs a simulated notification: the template's XML becomes bt_payload (base64 and a final
 * newline, as the SDK's samples), signed with the endpoint's key pair, else a generated one whose
 * public key is returned beside the secret.
 */
const braintreeSimulation: ProviderSimulation = {
  keyKinds: ['hmac-secret'],
  sign: (input) => {
    const xml = isObject(input.body) ? input.body[TEMPLATE_XML_FIELD] : undefined
    if (typeof xml !== 'string') throw new Error(`a Braintree template's body is {"${TEMPLATE_XML_FIELD}": "<notification>…</notification>"}`)
    const secret = simulationSecret(input.keys, 'braintree', generateBraintreeKeyPair, pairedKeyOf)
    const pair = { publicKey: secret.key.apiKey ?? '', privateKey: secret.key.value }
    const signed = signedWithSecret(secret, braintreeNotificationBody(pair, xml))
    return { ...signed, key: { ...signed.key, publicKeyId: pair.publicKey } }
  },
}

export const braintreeProvider: ProviderModule<'braintree'> = {
  id: 'braintree',
  rules: {
    form: ({ delivery }) => (looksLikeBraintree(delivery) ? { variant: 'webhook', detectedBy: 'bt_signature and bt_payload form parameters' } : null),
  },
  variantOf: () => 'webhook',
  parse: parseBraintree,
  verify: (delivery, keys, options) => {
    const { pairs, withoutPublicKey } = keyPairsOf(keys)
    const checked = verifyBraintree(delivery, pairs, options)
    if (checked.verdict.status === 'no-key' && withoutPublicKey > 0) {
      // A private key alone cannot pick the signature pair: say what is missing.
      checked.verdict = { status: 'no-key', message: 'the Braintree key has no public key: add the key again with the public key of the same pair' }
    }
    return checked
  },
  acknowledgement: () => generic2xx('Braintree', 'and send it again every hour (for up to 24 h in production, 3 h in the sandbox)', BRAINTREE_TIMEOUT_MS),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Braintree' },
  keyKinds: ['hmac-secret'],
  hmacSecret: {
    check: (value, warnings, publicKey) => {
      if (!BRAINTREE_PRIVATE_KEY.test(value))
        warnings.push('Braintree private keys are 32 lower-case letters and digits; this one is not (it is used exactly as entered)')
      // Kept (the public key can be added later), but said now: without it no signature can be checked.
      if (publicKey === undefined || publicKey.trim() === '')
        warnings.push(
          'no public key: bt_signature names the pair by its public key, so Braintree captures stay "no key" until the pair is added with its public key',
        )
      return null
    },
    generate: () => generateBraintreeKeyPair().value,
  },
  // No deliveryIdentity: a retry resends the same signed form, so the body's bytes identify it.
  resign: { signatureForm: { scheme: 'braintree-hmac-sha1', apply: (draft, keys) => resignBraintree(draft, hmacSecretFor(keys, 'braintree')) } },
  simulate: braintreeSimulation,
  retrySchedule: () => BRAINTREE_RETRIES,
}
