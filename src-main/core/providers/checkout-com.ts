/**
 * Checkout.com webhooks (checkout.com/docs/developer-resources/webhooks/manage-webhooks/set-up-your-webhook-receiver):
 *   `Cko-Signature: hex(HMAC-SHA256(the webhook's signature key, rawBody))`
 * sent when the webhook has a signature key. A webhook may also carry an authorization header key,
 * which Checkout.com sends as-is in the `Authorization` header: a shared secret, not a signature.
 * The endpoint holds both on one key: `value` is the signature key, `apiKey` the authorization
 * header key (either may be all the webhook uses). `checkout-sdk-node` publishes no verifier (only
 * JSON parsing helpers), so the tests check this one against WebCrypto and the OpenSSL CLI.
 */
import { randomBytes } from 'node:crypto'
import { headerValue, setHeader } from '../../shared/http-message'
import type { RetrySchedule } from '../../shared/deliveries'
import type { DeliverySummary, MoneyAmount, ProviderKey } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import { at, firstText, isObject, prop, text, type JsonObject, type JsonValue } from './body'
import { bytesEqual } from '../crypto/bytes'
import { bodyHmacHeaderExplanation, bodyHmacHeaderTexts, signBodyHmacHeader, verifyBodyHmacHeader, type BodyHmacHeaderScheme } from './body-hmac-header'
import type { HmacSecretCandidate } from './hmac-check'
import { keyFingerprint } from '../keys/describe-key'
import { COMMON_URL_RULES, HOUR, MINUTE, fromPrevious, generic2xx } from './module-parts'
import type { ProviderModule, RuleMatch } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacHeaderSimulation } from './simulation'
import { emptySummary, maskCard, pushField, summariseJsonObject, wholeMinorUnits } from './summary'
import { invalidVerdict, result, validVerdict, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

/** The header Checkout.com puts its HMAC in. */
export const CKO_SIGNATURE_HEADER = 'Cko-Signature'

/** `Cko-Signature`: hex HMAC-SHA256 with the signature key as UTF-8 bytes; the docs say "hex-encoded (Base16)", so either case is hex. */
export const CKO_SCHEME: BodyHmacHeaderScheme = {
  scheme: 'checkout-com-hmac-sha256',
  formula: 'hex(HMAC-SHA256(signature key, rawBody))',
  headerName: CKO_SIGNATURE_HEADER,
  algorithm: 'sha256',
  encoding: 'hex',
  variant: 'HMAC-SHA256 hex',
  malformed: () => 'Cko-Signature is not a 64-character hex HMAC-SHA256',
  noKey: {
    message: 'no Checkout.com signature key configured for this endpoint',
    attempt: { variant: 'HMAC-SHA256 hex', detail: 'no signature key configured: nothing to compute', showSignedBody: false },
  },
}

/** The `Cko-Signature` value for a body. */
export function signCheckoutCom(signatureKey: string, body: Buffer | string): string {
  return signBodyHmacHeader(CKO_SCHEME, signatureKey, body)
}

type HmacSecretKey = Extract<ProviderKey, { kind: 'hmac-secret' }>

/** The endpoint's Checkout.com keys, in configuration order (from its keys, or the keys a resend signs with). */
export function checkoutComKeys(keys: readonly SigningKey[]): HmacSecretKey[] {
  return keys.filter((key): key is HmacSecretKey => key.kind === 'hmac-secret' && key.provider === 'checkout-com')
}

/** The key that signs re-sent and simulated events: the first whose signature key is not empty (one may hold only the authorization header key). */
function signingKeyOf(keys: readonly SigningKey[]): HmacSecretKey | undefined {
  return checkoutComKeys(keys).find((key) => key.value !== '')
}

/**
 * The authorization header check: `null` when no key has an authorization header key, else whether
 * the received `Authorization` equals one (constant time). The value is a secret: it is never put
 * in the explanation, only which key matched.
 */
function checkAuthorization(delivery: Delivery, keys: readonly HmacSecretKey[]): { matched: HmacSecretKey | null; present: boolean } | null {
  const withAuthorization = keys.filter((key) => key.apiKey !== undefined && key.apiKey !== '')
  if (withAuthorization.length === 0) return null
  const received = headerValue(delivery.headers, 'Authorization')
  if (received === undefined) return { matched: null, present: false }
  const receivedBytes = Buffer.from(received.trim(), 'utf8')
  let matched: HmacSecretKey | null = null
  for (const key of withAuthorization) {
    // Every key is compared, so the time taken does not say which one matched.
    if (bytesEqual(Buffer.from(key.apiKey ?? '', 'utf8'), receivedBytes) && matched === null) matched = key
  }
  return { matched, present: true }
}

export function verifyCheckoutCom(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(CKO_SCHEME)
  const configured = checkoutComKeys(keys)
  const authorization = checkAuthorization(delivery, configured)
  if (authorization !== null) {
    explanation.notes.push(
      authorization.matched
        ? `the Authorization header equals the authorization header key of ${authorization.matched.label ?? `key ${keyFingerprint(authorization.matched)}`}`
        : authorization.present
          ? 'the Authorization header does not equal any configured authorization header key'
          : 'an authorization header key is configured but the request has no Authorization header',
    )
  }
  const texts = bodyHmacHeaderTexts(CKO_SCHEME, delivery, explanation.notes)
  if (texts.length === 0) {
    if (authorization?.matched) {
      explanation.matchedVariant = 'Authorization header key'
      explanation.keyFingerprint = keyFingerprint(authorization.matched)
      return result(
        validVerdict('Authorization header key', 'no Cko-Signature (the webhook has no signature key); the Authorization header matches the configured key'),
        explanation,
      )
    }
    if (authorization !== null)
      return result(invalidVerdict('signature-mismatch', 'no Cko-Signature, and the Authorization header does not match the configured key'), explanation)
    return result(invalidVerdict('missing-header', 'no Cko-Signature header (Checkout.com signs only when the webhook has a signature key)'), explanation)
  }
  const candidates = (): HmacSecretCandidate[] => configured.filter((key) => key.value !== '').map((key) => ({ key, secret: key.value }))
  const checked = verifyBodyHmacHeader(CKO_SCHEME, texts, delivery.body, candidates, explanation)
  if (checked.verdict.status !== 'valid') return checked
  if (authorization !== null && authorization.matched === null)
    return result(
      invalidVerdict('signature-mismatch', 'Cko-Signature matches, but the Authorization header does not match the configured authorization header key'),
      explanation,
    )
  return authorization?.matched ? result(validVerdict(CKO_SCHEME.variant, 'Cko-Signature matches, and so does the Authorization header'), explanation) : checked
}

// ---------------------------------------------------------------------------------------------
// Recognition

/** The `Cko-Signature` header: sent whenever the webhook has a signature key. */
export function recogniseCheckoutComByHeader(delivery: Delivery): string | null {
  return headerValue(delivery.headers, CKO_SIGNATURE_HEADER) === undefined ? null : 'Cko-Signature header'
}

/**
 * An unsigned webhook (no signature key, perhaps an Authorization key): Checkout.com's event
 * envelope, `id` "evt_…", `type`, `created_on`, `data` and `_links`. Stripe's events also have
 * `evt_` ids but `created` and `object: "event"`, never `created_on` and `_links`.
 */
export function recogniseCheckoutComByBody(json: JsonValue | undefined): string | null {
  if (!isObject(json)) return null
  const id = text(json.id)
  if (id?.startsWith('evt_') && text(json.type) !== null && text(json.created_on) !== null && isObject(json.data) && isObject(json._links))
    return 'Checkout.com event body (id evt_…, type, created_on, data, _links)'
  return null
}

// ---------------------------------------------------------------------------------------------
// Summary

// Checkout.com's own table (checkout.com/docs/payments/accept-payments/format-the-amount-value),
// which is not ISO 4217's: CLP, CLF and UYI amounts are in hundredths there, ISK and UGX in units.
const CHECKOUT_COM_FULL_VALUE = new Set(['BIF', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VUV', 'VND', 'XAF', 'XOF', 'XPF'])
const CHECKOUT_COM_THOUSANDTHS = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'])

/** Decimal places of an amount in Checkout.com's minor units for a currency. */
export function checkoutComExponent(currency: string | null): number {
  if (currency === null) return 2
  const code = currency.toUpperCase()
  if (CHECKOUT_COM_FULL_VALUE.has(code)) return 0
  return CHECKOUT_COM_THOUSANDTHS.has(code) ? 3 : 2
}

/** An amount as Checkout.com sends it (an integer in its minor units): "GBP 10.00" for 1000. */
export function checkoutComAmount(value: unknown, currency: unknown): MoneyAmount | null {
  const raw = text(value)
  if (raw === null || raw === '') return null
  const codeText = text(currency)
  const code = codeText !== null && /^[A-Za-z]{3}$/.test(codeText) ? codeText.toUpperCase() : null
  const minor = wholeMinorUnits(raw)
  if (!Number.isSafeInteger(minor))
    return { amountMinor: null, amountDisplay: code ? `${code} ${raw} (minor units)` : `${raw} (minor units)`, currency: code, raw, unit: 'minor' }
  const exponent = checkoutComExponent(code)
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0')
  const major = `${minor < 0 ? '-' : ''}${exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`}`
  return { amountMinor: minor, amountDisplay: code ? `${code} ${major}` : major, currency: code, raw, unit: 'minor' }
}

/** Summary of a Checkout.com event: the payment (or dispute, payout…) in `data`. */
export function parseCheckoutCom(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'Checkout.com event', summariseEvent)
}

/** `true` for the sandbox API host, `false` for production, `null` when the links say neither. */
function sandboxFromLinks(links: JsonValue | undefined): boolean | null {
  const href = firstText(at(links, 'self', 'href'), at(links, 'payment', 'href'))
  if (href === null) return null
  let host: string
  try {
    host = new URL(href).hostname
  } catch (error: unknown) {
    if (error instanceof TypeError) return null
    throw error
  }
  if (host === 'api.sandbox.checkout.com' || host.endsWith('.sandbox.checkout.com')) return true
  return host === 'api.checkout.com' || host.endsWith('.api.checkout.com') ? false : null
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const data = prop(event, 'data')
  const source = prop(data, 'source')
  summary.eventType = firstText(event.type)
  summary.eventId = firstText(event.id)
  summary.providerObjectId = firstText(prop(data, 'id'))
  summary.merchantReference = firstText(prop(data, 'reference'))
  summary.status = firstText(prop(data, 'status'), prop(data, 'response_summary'))
  summary.amount = checkoutComAmount(prop(data, 'amount'), prop(data, 'currency'))
  summary.paymentMethod = firstText(prop(source, 'scheme'), prop(source, 'type'), prop(data, 'payment_type'))
  summary.maskedCard = maskCard(prop(source, 'bin'), prop(source, 'last4'))
  const responseCode = firstText(prop(data, 'response_code'))
  // 10000-series codes are approvals; anything else is a decline or a risk block (Checkout.com's response codes).
  if (responseCode !== null && !responseCode.startsWith('10')) {
    summary.errorCode = responseCode
    summary.errorMessage = firstText(prop(data, 'response_summary'))
  }
  summary.isTest = sandboxFromLinks(prop(event, '_links'))
  if (!isObject(data)) summary.problems.push('the event has no data object')
  const fields = summary.fields
  pushField(fields, 'Event id', event.id)
  pushField(fields, 'Event type', event.type)
  pushField(fields, 'Version', event.version)
  pushField(fields, 'Created on', event.created_on)
  pushField(fields, 'Object id', prop(data, 'id'))
  pushField(fields, 'Action id', prop(data, 'action_id'))
  pushField(fields, 'Reference', prop(data, 'reference'))
  pushField(fields, 'Amount', summary.amount ? `${summary.amount.amountDisplay} (${summary.amount.raw} in Checkout.com minor units)` : null)
  pushField(fields, 'Response', responseCode === null ? null : `${responseCode} ${firstText(prop(data, 'response_summary')) ?? ''}`.trim())
  pushField(fields, 'Auth code', prop(data, 'auth_code'))
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Customer', at(data, 'customer', 'id'))
  pushField(fields, 'Processed on', prop(data, 'processed_on'))
  pushField(fields, 'Environment', summary.isTest === null ? null : summary.isTest ? 'sandbox (from the _links host)' : 'production (from the _links host)')
  return summary
}

// ---------------------------------------------------------------------------------------------
// Keys

/** A fresh signature key for the simulator (Checkout.com lets the merchant choose any string). */
export function generateCheckoutComSecret(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * Refuses what cannot be a signature key: Checkout.com's API keys (`sk_…`, `pk_…`) are not it,
 * and surrounding spaces would be part of the HMAC key.
 */
export function checkCheckoutComSecret(value: string, _warnings: string[]): string | null {
  if (value !== value.trim()) return 'the signature key has spaces or line breaks around it: paste exactly the key set on the webhook'
  if (/^(?:sk|pk)_(?:sbox_|test_)?[A-Za-z0-9-]{20,}$/.test(value)) return "this looks like a Checkout.com API key; use the webhook's signature key"
  return null
}

// ---------------------------------------------------------------------------------------------
// The module

// checkout.com/docs/previous/reporting-and-insights/webhooks: "acknowledge each one with a 2xx HTTP
// status code within 10 seconds" (today's pages say "acknowledge the webhook" without a figure).
const CHECKOUT_COM_TIMEOUT_MS = 10_000

// checkout.com/docs/workflows: resent up to eight times, each after the attempt before, at 5 min,
// 10 min, 15 min, 30 min, 1 h, 4 h, 12 h and 12 h; then the webhook is cancelled.
const CHECKOUT_COM_RETRIES: RetrySchedule = {
  provider: 'checkout-com',
  title: 'Checkout.com',
  kind: 'published-times',
  description:
    'Resent up to 8 times, each after the attempt before: 5 min, 10 min, 15 min, 30 min, 1 h, 4 h, 12 h and 12 h (30 h in all); then the webhook is cancelled. Sent at least once, not necessarily in order.',
  successRule: 'any 2xx within 10 s',
  retries: [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 4 * HOUR, 12 * HOUR, 12 * HOUR].map(fromPrevious),
  sourceUrl: 'https://www.checkout.com/docs/workflows',
  sourceTitle: 'Checkout.com: receive webhooks (automatic retries)',
  confirmed: true,
  caveat: 'The 10 s answer time is from the previous platform’s webhook page; the current pages give none.',
}

/** A new `Cko-Signature` over the body being sent; the `Authorization` header key does not depend on the body and is sent as captured. */
function resignCheckoutCom(draft: SigningDraft, keys: readonly SigningKey[]): void {
  if (draft.header(CKO_SIGNATURE_HEADER) === undefined) return
  const key = signingKeyOf(keys)
  if (!key) {
    draft.noKey('checkout-com-hmac-sha256', 'checkout-com', 'Checkout.com signature key')
    return
  }
  draft.setHeader(CKO_SIGNATURE_HEADER, signCheckoutCom(key.value, draft.body), {
    scheme: 'checkout-com-hmac-sha256',
    provider: 'checkout-com',
    keyFingerprint: keyFingerprint(key),
  })
}

/**
 * Signs a simulated event with the endpoint's signature key, or a fresh one; a key with an
 * authorization header key also sends it, as Checkout.com does on every notification.
 */
const checkoutComSimulation = hmacHeaderSimulation({
  provider: 'checkout-com',
  generate: generateCheckoutComSecret,
  pick: signingKeyOf,
  signHeaders: (secret, body, input) => {
    if (secret.apiKey) setHeader(input.headers, 'Authorization', secret.apiKey)
    setHeader(input.headers, CKO_SIGNATURE_HEADER, signCheckoutCom(secret.value, body))
  },
})

const asWebhook = (detectedBy: string | null): RuleMatch | null => (detectedBy === null ? null : { variant: 'webhook', detectedBy })

export const checkoutComProvider: ProviderModule<'checkout-com'> = {
  id: 'checkout-com',
  rules: {
    signatureHeader: ({ delivery }) => asWebhook(recogniseCheckoutComByHeader(delivery)),
    eventBody: ({ json }) => asWebhook(recogniseCheckoutComByBody(json)),
  },
  variantOf: () => 'webhook',
  parse: parseCheckoutCom,
  verify: verifyCheckoutCom,
  acknowledgement: () => generic2xx('Checkout.com', 'and resend it (up to 8 times over 30 hours)', CHECKOUT_COM_TIMEOUT_MS),
  // Checkout.com takes http:// and https:// endpoint URLs alike.
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Checkout.com' },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: checkCheckoutComSecret, generate: generateCheckoutComSecret },
  deliveryIdentity: {
    label: 'event id',
    // The event id (evt_…) is the same on every resend of the event.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  resign: { signatureHeader: { scheme: 'checkout-com-hmac-sha256', apply: (draft, keys) => resignCheckoutCom(draft, keys) } },
  simulate: checkoutComSimulation,
  retrySchedule: () => CHECKOUT_COM_RETRIES,
}
