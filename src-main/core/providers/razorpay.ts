/**
 * Razorpay: `X-Razorpay-Signature: hex(HMAC-SHA256(webhook secret, rawBody))`, lower-case hex
 * (razorpay.com/docs/webhooks/validate-test; razorpay-node `validateWebhookSignature`). The
 * secret is optional in the Dashboard: a webhook without one is delivered unsigned.
 * `X-Razorpay-Event-Id` is the same on every retry of one event (Razorpay's duplicate check).
 *
 * Bodies are events: `{"entity":"event","account_id":…,"event":"payment.captured",
 * "contains":["payment"],"payload":{"payment":{"entity":{…}}},"created_at":…}`; amounts are
 * integers in the currency's subunit (paise for INR; none for JPY, thousandths for KWD, BHD, OMR).
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue } from '../../shared/http-message'
import type { ConfirmHint, DeliverySummary, ProviderKey } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop, text, type JsonObject, type JsonValue } from './body'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderSimulation,
  bodyHmacHeaderTexts,
  lowerCaseHexBodyScheme,
  signBodyHmacHeader,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { generic2xx, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule, RecognitionRule } from './provider-module'
import { resignHmacHeader } from './signing-draft'
import { hmacSecretFor } from './signing-keys'
import { emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import { isoFromSeconds, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export const RAZORPAY_SIGNATURE_HEADER = 'X-Razorpay-Signature'
export const RAZORPAY_EVENT_ID_HEADER = 'X-Razorpay-Event-Id'
const RAZORPAY_API_URL = 'https://api.razorpay.com'

export const RAZORPAY_SCHEME: BodyHmacHeaderScheme = {
  // razorpay-node's validateWebhookSignature hashes body.toString(): bytes that are not UTF-8 become U+FFFD.
  decodesBody: { library: 'razorpay-node', providerName: 'Razorpay' },
  ...lowerCaseHexBodyScheme({
    scheme: 'razorpay-hmac-sha256',
    algorithm: 'sha256',
    headerName: RAZORPAY_SIGNATURE_HEADER,
    providerName: 'Razorpay',
    secretName: 'webhook secret',
    mismatchNotes: [
      'the key is the webhook secret entered when the webhook was set up, not the API key secret',
      'after a secret change, events created before it stay signed with the old secret (Razorpay docs): keep both configured while retries drain',
    ],
  }),
}

/** Value for X-Razorpay-Signature (what razorpay-node's `validateWebhookSignature` accepts). */
export function signRazorpay(secret: string, body: Buffer | string): string {
  return signBodyHmacHeader(RAZORPAY_SCHEME, secret, body)
}

/** Recognition rules, most specific first: the signature header, the event id header, the event body. */
export const razorpayRules: Readonly<Record<string, RecognitionRule>> = {
  signatureHeader: ({ delivery }) =>
    headerValue(delivery.headers, RAZORPAY_SIGNATURE_HEADER) === undefined ? null : { variant: 'webhook', detectedBy: `${RAZORPAY_SIGNATURE_HEADER} header` },
  eventIdHeader: ({ delivery }) =>
    headerValue(delivery.headers, RAZORPAY_EVENT_ID_HEADER) === undefined
      ? null
      : { variant: 'webhook', detectedBy: `${RAZORPAY_EVENT_ID_HEADER} header (unsigned: the webhook has no secret)` },
  eventBody: ({ json }) =>
    isRazorpayEvent(json) ? { variant: 'webhook', detectedBy: 'a Razorpay event body: entity "event", account_id acc_…, contains[] and payload{}' } : null,
}

/** `{"entity":"event","account_id":"acc_…","contains":[…],"payload":{…}}`: Razorpay's event envelope. */
export function isRazorpayEvent(json: JsonValue | undefined): boolean {
  return (
    isObject(json) &&
    json.entity === 'event' &&
    typeof json.account_id === 'string' &&
    json.account_id.startsWith('acc_') &&
    Array.isArray(json.contains) &&
    isObject(json.payload)
  )
}

export function verifyRazorpay(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(RAZORPAY_SCHEME)
  const [header] = bodyHmacHeaderTexts(RAZORPAY_SCHEME, delivery, explanation.notes)
  if (header === undefined) {
    const hint = confirmHintFor(parseJsonBody(delivery.body))
    explanation.scheme = null
    return result(
      {
        status: 'unsigned',
        confirmHint: hint,
        message: `no ${RAZORPAY_SIGNATURE_HEADER} header: Razorpay signs only webhooks that have a secret (set one in the Dashboard's webhook settings)${hint ? `; until then confirm with ${hint.display}` : ''}`,
      },
      explanation,
    )
  }
  return verifyBodyHmacHeader(RAZORPAY_SCHEME, [header], delivery.body, utf8SecretCandidates(keys, 'razorpay'), explanation)
}

/** The entity an event is about: `payload[name].entity`, by the event's name (`payment.dispute.created` → `dispute`). */
export function razorpayPrimaryEntity(event: JsonValue | undefined): { name: string; entity: JsonObject } | null {
  const payload = prop(event, 'payload')
  if (!isObject(payload)) return null
  const eventName = text(prop(event, 'event')) ?? ''
  const segments = eventName.split('.')
  const withoutAction = segments.slice(0, -1)
  const contains = prop(event, 'contains')
  const candidates = [
    withoutAction.join('.'),
    withoutAction.at(-1) ?? '',
    segments[0] ?? '',
    ...(Array.isArray(contains) ? contains.map((name) => text(name) ?? '') : []),
    ...Object.keys(payload),
  ]
  for (const name of candidates) {
    const entity = at(payload, name, 'entity')
    if (name !== '' && isObject(entity)) return { name, entity }
  }
  return null
}

/** API collections of the entities an unsigned event can be confirmed with (`GET /v1/<collection>/<id>`). */
const COLLECTION_BY_ENTITY: Readonly<Record<string, string>> = {
  payment: 'payments',
  order: 'orders',
  refund: 'refunds',
  payment_link: 'payment_links',
  subscription: 'subscriptions',
  invoice: 'invoices',
  settlement: 'settlements',
  dispute: 'disputes',
  payout: 'payouts',
  transfer: 'transfers',
  virtual_account: 'virtual_accounts',
  qr_code: 'payments/qr_codes',
}

function confirmHintFor(event: JsonValue | undefined): ConfirmHint | null {
  const primary = razorpayPrimaryEntity(event)
  const id = primary ? firstText(primary.entity.id) : null
  const collection = primary ? COLLECTION_BY_ENTITY[primary.name] : undefined
  if (!id || !collection) return null
  const path = `/v1/${collection}/${encodeURIComponent(id)}`
  const url = `${RAZORPAY_API_URL}${path}`
  return {
    method: 'GET',
    path,
    url,
    display: `GET ${url}`,
    alternativeUrls: [],
    note: 'an unsigned delivery proves nothing about its sender: fetch the entity with your API key id and secret (Basic auth; test and live keys use the same host) and act on its status',
  }
}

/** Summary of a Razorpay event: event, entity id and status, amount in the currency's subunit, card, error. */
export function parseRazorpay(delivery: Delivery): DeliverySummary {
  const summary = summariseJsonObject(delivery.body, 'event', summariseEvent)
  const eventId = headerValue(delivery.headers, RAZORPAY_EVENT_ID_HEADER)?.trim()
  if (eventId) {
    summary.eventId = eventId
    summary.fields.splice(1, 0, { label: 'Event id (x-razorpay-event-id)', value: eventId })
  }
  return summary
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const primary = razorpayPrimaryEntity(event)
  const entity = primary?.entity
  const payment = at(event, 'payload', 'payment', 'entity')
  const order = at(event, 'payload', 'order', 'entity')
  summary.eventType = firstText(event.event)
  summary.status = firstText(prop(entity, 'status'))
  summary.providerObjectId = firstText(prop(entity, 'id'))
  summary.merchantReference = firstText(prop(order, 'receipt'), prop(entity, 'receipt'))
  summary.amount = minorAmount(prop(entity, 'amount'), prop(entity, 'currency'))
  summary.paymentMethod = firstText(prop(payment, 'method'))
  summary.maskedCard = maskCard(at(payment, 'card', 'iin'), at(payment, 'card', 'last4'))
  summary.errorCode = firstText(prop(payment, 'error_code'), prop(entity, 'error_code'))
  summary.errorMessage = firstText(prop(payment, 'error_description'), prop(entity, 'error_description'))
  const createdAt = event.created_at
  const fields = summary.fields
  pushField(fields, 'Event', event.event)
  pushField(fields, 'Account', event.account_id)
  pushField(fields, 'Contains', Array.isArray(event.contains) ? event.contains.map((name) => text(name) ?? '?').join(', ') : null)
  pushField(fields, 'Entity', primary?.name)
  pushField(fields, 'Id', summary.providerObjectId)
  pushField(fields, 'Status', summary.status)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Method', summary.paymentMethod)
  pushField(fields, 'Order', firstText(prop(payment, 'order_id'), prop(order, 'id')))
  pushField(fields, 'Receipt', summary.merchantReference)
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Card network', at(payment, 'card', 'network'))
  pushField(fields, 'Error', [summary.errorCode, summary.errorMessage].filter(Boolean).join(': '))
  pushField(fields, 'Created', typeof createdAt === 'number' ? isoFromSeconds(createdAt) : null)
  return summary
}

/** "All webhook responses must return a status code in the range 2XX within a window of 5 seconds." */
const RAZORPAY_TIMEOUT_MS = 5_000

// Razorpay, https://razorpay.com/docs/webhooks/best-practices/ (Delivery Attempts and Retries,
// Disable Logic): exponential back-off for 24 hours after the event was created, then the webhook
// is disabled; no per-attempt times.
const RAZORPAY_RETRIES: RetrySchedule = {
  provider: 'razorpay',
  title: 'Razorpay',
  kind: 'outline',
  description:
    'Retried with exponential back-off for 24 hours after the event was created; when deliveries keep failing for 24 hours the webhook is disabled and the alert e-mail address is told. Razorpay gives no per-attempt times.',
  successRule: 'any 2xx within 5 s',
  retries: [],
  sourceUrl: 'https://razorpay.com/docs/webhooks/best-practices/',
  sourceTitle: 'Razorpay: webhooks best practices (delivery attempts and retries)',
  confirmed: true,
  caveat: null,
}

// https://razorpay.com/docs/webhooks/validate-test/ (Blacklisted Domains): webhook URLs on these
// domains are refused, among them the tunnel services ngrok.io and loca.lt.
const RAZORPAY_BLOCKED_HOST_SUFFIXES = [
  'burpcollaborator.net',
  'oast.pro',
  'interact.sh',
  'canarytokens.com',
  'requestbin.com',
  'webhook.site',
  'hookbin.com',
  'beeceptor.com',
  'mockbin.org',
  'ngrok.io',
  'loca.lt',
  'metadata.google.internal',
  'localhost',
  'localhost.localdomain',
  'onion',
  'local',
  'internal',
  'corp',
] as const

/** A fresh secret in the provider's format (the simulator signs with it). */
const generateRazorpaySecret = () => randomBytes(24).toString('base64url')

export const razorpayProvider: ProviderModule<'razorpay'> = {
  id: 'razorpay',
  rules: razorpayRules,
  variantOf: () => 'webhook',
  parse: parseRazorpay,
  verify: verifyRazorpay,
  acknowledgement: () => generic2xx('Razorpay', 'and retry (with back-off for 24 hours, then disable the webhook)', RAZORPAY_TIMEOUT_MS),
  publicUrl: {
    rules: {
      https: { severity: 'recommended', why: 'Razorpay recommends an https URL and speaks TLS 1.2 or newer only' },
      // https://razorpay.com/docs/webhooks/: "Webhook URLs must use ports 80 or 443 only."
      ports: [80, 443],
      isIpv4Only: false,
      blockedHostSuffixes: {
        suffixes: RAZORPAY_BLOCKED_HOST_SUFFIXES,
        why: 'Razorpay refuses webhook URLs on tunnel and request-bin domains (ngrok.io, loca.lt, …) and local names; use a tunnel on another domain (Razorpay suggests zrok)',
      },
    },
    senderName: 'Razorpay',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: generateRazorpaySecret },
  deliveryIdentity: {
    label: 'event id (x-razorpay-event-id)',
    // "The value for this header is unique per event": Razorpay's own duplicate check.
    parts: ({ headers, summary }) => {
      const id = headerValue(headers, RAZORPAY_EVENT_ID_HEADER)?.trim() || summary.eventId
      return id ? [id] : null
    },
  },
  simulate: bodyHmacHeaderSimulation('razorpay', RAZORPAY_SCHEME, generateRazorpaySecret),
  resign: {
    signatureHeader: {
      scheme: RAZORPAY_SCHEME.scheme,
      // Only a delivery that carries the header is re-signed (an unsigned one stays unsigned).
      apply: (draft, keys) =>
        resignHmacHeader(draft, RAZORPAY_SIGNATURE_HEADER, RAZORPAY_SCHEME.scheme, 'razorpay', hmacSecretFor(keys, 'razorpay'), (secret) =>
          signRazorpay(secret, draft.body),
        ),
    },
  },
  retrySchedule: () => RAZORPAY_RETRIES,
}
