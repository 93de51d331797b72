/**
 * Paddle Billing (developer.paddle.com/webhooks/about/signature-verification):
 *   `Paddle-Signature: ts=<unix seconds>;h1=<hex>` where
 *   h1 = hex(HMAC-SHA256(notification destination's secret key "pdl_ntfset_…" as-is, ts + ":" + rawBody)).
 * The header holds at least one `h1` (more during a secret rotation); a delivery is valid when any
 * `h1` matches and the timestamp is at most the tolerance old. Paddle's SDKs use five seconds
 * (`@paddle/paddle-node-sdk` `WebhooksValidator.MAX_VALID_TIME_DIFFERENCE`), and the docs ask manual
 * implementations to do the same. Paddle Classic (a `p_signature` form field, RSA) is another
 * product and is not this scheme.
 */
import { headerValue, setHeader } from '../../shared/http-message'
import type { RetrySchedule } from '../../shared/deliveries'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import { at, firstText, isObject, prop, text, type JsonObject, type JsonValue } from './body'
import { keyFingerprint } from '../keys/describe-key'
import { EMPTY_200, is2xx } from './module-parts'
import type { AcknowledgementProfile, ProviderModule, ResignContext, RuleMatch } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { ALPHANUMERIC, hmacHeaderSimulation, randomFrom } from './simulation'
import { emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import {
  parseTimestampedHeader,
  signTimestampedHeader,
  timestampedSignedBytes,
  verifyTimestampedHeader,
  type TimestampedHmacScheme,
} from './timestamped-hmac-header'
import type { Delivery, VerifyOptions, VerifyResult } from './verification'

/** The header Paddle signs every webhook in. */
export const PADDLE_SIGNATURE_HEADER = 'Paddle-Signature'
/** The tolerance of Paddle's own SDK helpers (`WebhooksValidator.MAX_VALID_TIME_DIFFERENCE`, seconds). */
export const PADDLE_DEFAULT_TOLERANCE_SECONDS = 5
/** Every notification destination's secret key starts with this (`endpoint_secret_key` in the API). */
export const PADDLE_SECRET_PREFIX = 'pdl_ntfset_'

export const PADDLE_SCHEME: TimestampedHmacScheme = {
  scheme: 'paddle-h1',
  formula: 'hex(HMAC-SHA256(secret key "pdl_ntfset_…" as-is, ts + ":" + rawBody)), any h1 matches, now − ts ≤ tolerance',
  headerName: PADDLE_SIGNATURE_HEADER,
  providerName: 'Paddle',
  separator: ';',
  timestampName: 'ts',
  signatureName: 'h1',
  article: 'an',
  signedSeparator: ':',
  defaultToleranceSeconds: PADDLE_DEFAULT_TOLERANCE_SECONDS,
  clock: 'max-age-exact',
  library: "Paddle's SDK",
  ignoredBecause: "as Paddle's SDKs do",
  notesRotation: true,
  noKey: {
    message: "no Paddle secret key (pdl_ntfset_…, the notification destination's) configured for this endpoint",
    attemptDetail: 'no secret key configured: nothing to compute',
  },
  toleranceSource: ", Paddle's SDK default",
  secretPrefixNote: {
    prefix: PADDLE_SECRET_PREFIX,
    note: `a configured key does not start with ${PADDLE_SECRET_PREFIX}: Paddle signs with the whole endpoint secret key, prefix included`,
  },
}

export interface PaddleSignatureHeader {
  timestamp: number | null
  h1: string[]
  /** Parts other than `ts` and `h1` (a future scheme), ignored. */
  ignored: string[]
}

/** Splits on `;` then on the first `=`, as Paddle's SDKs do; every `h1` is kept (rotation). */
export function parsePaddleSignatureHeader(value: string): PaddleSignatureHeader {
  const { timestamp, signatures, ignored } = parseTimestampedHeader(PADDLE_SCHEME, value)
  return { timestamp, h1: signatures, ignored }
}

/** The bytes Paddle signs: the timestamp, a colon, then the raw body. */
export function paddleSignedBytes(timestamp: number, body: Buffer | string): Buffer {
  return timestampedSignedBytes(PADDLE_SCHEME, timestamp, body)
}

/** A `Paddle-Signature` value for a body, as Paddle would send it. */
export function signPaddle(input: { secret: string; body: Buffer | string; timestamp: number }): { header: string; signature: string; signedMessage: string } {
  return signTimestampedHeader(PADDLE_SCHEME, input)
}

type HmacSecretKey = Extract<ProviderKey, { kind: 'hmac-secret' }>

/** The endpoint's Paddle secret keys, in configuration order (from its keys, or the keys a resend signs with). */
export function paddleSecrets(keys: readonly SigningKey[]): HmacSecretKey[] {
  return keys.filter((key): key is HmacSecretKey => key.kind === 'hmac-secret' && key.provider === 'paddle')
}

export function verifyPaddle(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  return verifyTimestampedHeader(PADDLE_SCHEME, delivery, paddleSecrets(keys), options)
}

// ---------------------------------------------------------------------------------------------
// Recognition

/** The `Paddle-Signature` header: Paddle Billing signs every webhook. */
export function recognisePaddleByHeader(delivery: Delivery): string | null {
  return headerValue(delivery.headers, PADDLE_SIGNATURE_HEADER) === undefined ? null : 'Paddle-Signature header'
}

/**
 * An unsigned copy (a resend through a tool that dropped the header): Paddle's event envelope,
 * `event_id` "evt_…", `notification_id` "ntf_…", `event_type` and `data`.
 */
export function recognisePaddleByBody(json: JsonValue | undefined): string | null {
  if (!isObject(json)) return null
  const eventId = text(json.event_id)
  const notificationId = text(json.notification_id)
  if (eventId?.startsWith('evt_') && notificationId?.startsWith('ntf_') && text(json.event_type) !== null && isObject(json.data))
    return 'Paddle event body (event_id, notification_id, event_type, data)'
  return null
}

// ---------------------------------------------------------------------------------------------
// Summary

/** Summary of a Paddle event: the entity in `data` (a transaction, subscription, adjustment, payout…). */
export function parsePaddle(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'Paddle event', summariseEvent)
}

/**
 * The amount of a Paddle entity, a string in the currency's lowest denomination ("1099" USD is
 * $10.99): a transaction's grand total, an adjustment's total, a payout's amount. Subscriptions
 * carry no amount of their own (their items' prices are not what is charged).
 */
function paddleAmount(data: JsonValue | undefined): ReturnType<typeof minorAmount> {
  const currency = firstText(prop(data, 'currency_code'), at(data, 'details', 'totals', 'currency_code'), at(data, 'totals', 'currency_code'))
  const transactionTotal = at(data, 'details', 'totals', 'grand_total') ?? at(data, 'details', 'totals', 'total')
  if (transactionTotal !== undefined) return minorAmount(transactionTotal, currency)
  const adjustmentTotal = at(data, 'totals', 'total')
  if (adjustmentTotal !== undefined) return minorAmount(adjustmentTotal, currency)
  const amount = prop(data, 'amount')
  return amount === undefined ? null : minorAmount(amount, currency)
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const data = prop(event, 'data')
  // The last payment attempt says how it was paid and why it failed (transaction.payment_failed).
  const payments = prop(data, 'payments')
  const lastPayment = Array.isArray(payments) && payments.length > 0 ? payments[payments.length - 1] : undefined
  const method = prop(lastPayment, 'method_details')
  const card = prop(method, 'card')
  summary.eventType = firstText(event.event_type)
  // Retries of one notification keep its ntf_ id; a replay is a new notification of the same event.
  summary.eventId = firstText(event.notification_id, event.event_id)
  summary.status = firstText(prop(data, 'status'))
  summary.providerObjectId = firstText(prop(data, 'id'))
  summary.merchantReference = firstText(at(data, 'custom_data', 'order_id'), at(data, 'custom_data', 'reference'), prop(data, 'invoice_number'))
  summary.amount = paddleAmount(data)
  summary.paymentMethod = firstText(prop(card, 'type'), prop(method, 'type'))
  summary.maskedCard = maskCard(null, prop(card, 'last4'))
  summary.errorCode = firstText(prop(lastPayment, 'error_code'))
  if (!isObject(data)) summary.problems.push('the event has no data object')
  const fields = summary.fields
  pushField(fields, 'Event id', event.event_id)
  pushField(fields, 'Notification id', event.notification_id)
  pushField(fields, 'Event type', event.event_type)
  pushField(fields, 'Occurred at', event.occurred_at)
  pushField(fields, 'Entity id', prop(data, 'id'))
  pushField(fields, 'Status', prop(data, 'status'))
  pushField(fields, 'Amount', summary.amount ? `${summary.amount.amountDisplay} (${summary.amount.raw} in the lowest denomination)` : null)
  pushField(fields, 'Origin', prop(data, 'origin'))
  pushField(fields, 'Action', prop(data, 'action'))
  pushField(fields, 'Customer', prop(data, 'customer_id'))
  pushField(fields, 'Subscription', prop(data, 'subscription_id'))
  pushField(fields, 'Transaction', prop(data, 'transaction_id'))
  pushField(fields, 'Invoice number', prop(data, 'invoice_number'))
  pushField(fields, 'Collection mode', prop(data, 'collection_mode'))
  pushField(fields, 'Next billed at', prop(data, 'next_billed_at'))
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Payment error', summary.errorCode)
  return summary
}

// ---------------------------------------------------------------------------------------------
// Keys

const ULID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** A fresh secret in Paddle's format, `pdl_ntfset_<26-character id>_<32 characters>` (for the simulator). */
export function generatePaddleSecret(): string {
  return `${PADDLE_SECRET_PREFIX}${randomFrom(ULID_ALPHABET, 26)}_${randomFrom(ALPHANUMERIC, 32)}`
}

/**
 * Refuses what cannot be a Paddle secret key; warns on what is unusual. Paddle signs with the
 * whole `pdl_ntfset_…` string, so a key pasted without its prefix never verifies.
 */
export function checkPaddleSecret(value: string, warnings: string[]): string | null {
  if (value !== value.trim()) return 'the secret key has spaces or line breaks around it: paste exactly the endpoint secret key'
  if (!value.startsWith(PADDLE_SECRET_PREFIX)) {
    if (value.startsWith('ntfset_')) return `this is a notification destination id (ntfset_…), not its secret key (${PADDLE_SECRET_PREFIX}…)`
    if (/^(?:pdl_(?:sdbx|live)_apikey_|apikey_)/.test(value))
      return `this is a Paddle API key, not the notification destination's secret key (${PADDLE_SECRET_PREFIX}…)`
    warnings.push(`Paddle endpoint secret keys start with ${PADDLE_SECRET_PREFIX}; Paddle signs with the whole key, prefix included`)
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// The module

// developer.paddle.com/webhooks/about/respond-to-webhooks: "Returns 200 within five seconds".
const PADDLE_TIMEOUT_MS = 5_000

// The same page: live accounts retry up to 60 times over 3 days with exponential backoff; no times.
const PADDLE_RETRIES: RetrySchedule = {
  provider: 'paddle',
  title: 'Paddle Billing',
  kind: 'outline',
  description:
    'Live accounts: retried up to 60 times over 3 days with exponential backoff. Paddle gives no per-attempt times. A delivered or failed notification can also be replayed, as a new notification (new ntf_ id) of the same event.',
  successRule: 'HTTP 200 within 5 s',
  retries: [],
  sourceUrl: 'https://developer.paddle.com/webhooks/about/respond-to-webhooks',
  sourceTitle: 'Paddle: handle webhook delivery',
  confirmed: true,
  caveat: 'The sandbox figures were not in the copies of the page available: a sandbox account may retry less.',
}

const PADDLE_ACKNOWLEDGEMENT: AcknowledgementProfile = {
  subject: 'Paddle',
  expects: 'HTTP 200 within 5 s',
  consequence: 'and retry (up to 60 times over 3 days in a live account)',
  acknowledgement: EMPTY_200,
  timeoutMs: PADDLE_TIMEOUT_MS,
  // The page names 200 only: another 2xx is documented neither way.
  judge: (status) => (status === 200 ? 'success' : is2xx(status) ? 'uncertain' : 'failure'),
}

/**
 * A new `ts` and `h1` over the body being sent. A captured header is never kept: its `ts` is
 * stale within seconds, and Paddle's SDKs allow five.
 */
function resignPaddle(draft: SigningDraft, keys: readonly SigningKey[], context: ResignContext): void {
  if (draft.header(PADDLE_SIGNATURE_HEADER) === undefined) return
  const key = paddleSecrets(keys)[0]
  if (!key) {
    draft.skip(
      'paddle-h1',
      'paddle',
      "no Paddle secret key configured: the captured signature is sent unchanged, and Paddle's SDKs reject it once its ts is more than 5 s old",
    )
    return
  }
  const signed = signPaddle({ secret: key.value, body: draft.body, timestamp: context.nowSeconds })
  draft.setHeader(PADDLE_SIGNATURE_HEADER, signed.header, { scheme: 'paddle-h1', provider: 'paddle', keyFingerprint: keyFingerprint(key) })
}

/** Signs a simulated event with the endpoint's Paddle secret key, or a fresh one in Paddle's format. */
const paddleSimulation = hmacHeaderSimulation({
  provider: 'paddle',
  generate: generatePaddleSecret,
  signHeaders: (secret, body, input) => {
    setHeader(input.headers, PADDLE_SIGNATURE_HEADER, signPaddle({ secret: secret.value, body, timestamp: Math.floor(input.now.getTime() / 1000) }).header)
  },
})

const asWebhook = (detectedBy: string | null): RuleMatch | null => (detectedBy === null ? null : { variant: 'webhook', detectedBy })

export const paddleProvider: ProviderModule<'paddle'> = {
  id: 'paddle',
  rules: {
    signatureHeader: ({ delivery }) => asWebhook(recognisePaddleByHeader(delivery)),
    eventBody: ({ json }) => asWebhook(recognisePaddleByBody(json)),
  },
  variantOf: () => 'webhook',
  parse: parsePaddle,
  verify: verifyPaddle,
  acknowledgement: () => PADDLE_ACKNOWLEDGEMENT,
  publicUrl: {
    rules: { https: { severity: 'required', why: 'Paddle delivers webhooks to https endpoints only' }, ports: null, isIpv4Only: false },
    senderName: 'Paddle',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: checkPaddleSecret, generate: generatePaddleSecret },
  deliveryIdentity: {
    label: 'notification id (ntf_…)',
    // Retries keep the notification id; a replay is a new notification of the same event.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  resign: { signatureHeader: { scheme: 'paddle-h1', apply: resignPaddle } },
  simulate: paddleSimulation,
  retrySchedule: () => PADDLE_RETRIES,
}
