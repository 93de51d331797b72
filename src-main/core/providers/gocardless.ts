/**
 * GoCardless webhooks (developer.gocardless.com/getting-started/stay-up-to-date-with-webhooks-v2,
 * api-reference "Webhooks"):
 *   Webhook-Signature = hex(HMAC-SHA256(webhook endpoint secret, rawBody))
 * The body is a batch, `{"events":[…], "meta":{"webhook_id":"WB…"}}`: events need not have
 * anything in common. The official SDK (`gocardless-nodejs` `webhooks.parse`) computes the same
 * HMAC and compares it in constant time with the hex-decoded header.
 *
 * GoCardless's header has the same name as Standard Webhooks' `webhook-signature` (header names
 * ignore case): it is told apart by its value (64 hex characters, where Standard Webhooks sends
 * `v1,<base64>` entries) and the absence of `webhook-id` / `webhook-timestamp`, so its
 * recognition rule must run before the Standard Webhooks one.
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue, setHeader } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { firstText, isObject, parseJsonBody, prop, text, type JsonObject, type JsonValue } from './body'
import { decodeHexStrict } from '../crypto/bytes'
import { keyFingerprint } from '../keys/describe-key'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderTexts,
  signBodyHmacHeader,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { generic2xx, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacHeaderSimulation } from './simulation'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { emptySummary, pushField, unreadableSummary } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyResult } from './verification'

export const GOCARDLESS_SIGNATURE_HEADER = 'Webhook-Signature'
/** GoCardless says where a webhook comes from in `Origin`: live or sandbox. */
export const GOCARDLESS_ORIGINS: Readonly<Record<string, 'live' | 'sandbox'>> = {
  'https://api.gocardless.com': 'live',
  'https://api-sandbox.gocardless.com': 'sandbox',
}
/** Events of a batch listed one per field, up to this many (GoCardless batches up to 250 per webhook). */
const SHOWN_EVENTS = 20
const SHA256_HEX = /^[0-9a-fA-F]{64}$/

/** A GoCardless webhook endpoint secret as the verifier needs it. */
/**
 * `Webhook-Signature: hex(HMAC-SHA256(webhook endpoint secret, rawBody))`. GoCardless's libraries
 * decode the hex before comparing, so either case is the signature.
 */
export const GOCARDLESS_SCHEME: BodyHmacHeaderScheme = {
  scheme: 'gocardless-hmac-sha256',
  formula: 'hex(HMAC-SHA256(webhook endpoint secret, rawBody))',
  headerName: GOCARDLESS_SIGNATURE_HEADER,
  algorithm: 'sha256',
  encoding: 'hex',
  variant: 'HMAC-SHA256 hex',
  // gocardless-nodejs decodes Buffer.from(header, 'hex'): the hex up to the first other character
  // (a header sent twice reaches it as "<hex>, <hex>", and the first counts).
  decode: (text, notes) => {
    const strict = decodeHexStrict(text)
    if (strict) return strict
    const leading = /^(?:[0-9a-fA-F]{2})+/.exec(text)?.[0]
    if (leading === undefined) return null
    notes.push(
      `Webhook-Signature holds more than hex: gocardless-nodejs reads the hex up to the first other character (the first ${leading.length}), as here, and ignores the rest`,
    )
    return Buffer.from(leading, 'hex')
  },
  malformed: () => 'Webhook-Signature is not 64 hex characters (a hex HMAC-SHA256)',
  noKey: { message: 'no GoCardless webhook endpoint secret configured for this endpoint' },
  mismatchNotes: ['GoCardless asks for 498 Token Invalid when a signature does not match'],
}

/** The `Webhook-Signature` value for a body. */
export function signGocardless(secret: string, body: Buffer | string): string {
  return signBodyHmacHeader(GOCARDLESS_SCHEME, secret, body)
}

/**
 * The recognition rule: a `Webhook-Signature` header with GoCardless's shape (64 hex characters,
 * or sent from GoCardless's `Origin` / `User-Agent`) and without the Standard Webhooks headers.
 * Returns what recognised it, or `null`.
 */
export function recogniseGocardless(delivery: Delivery): string | null {
  const signature = headerValue(delivery.headers, GOCARDLESS_SIGNATURE_HEADER)
  if (signature === undefined) return null
  if (headerValue(delivery.headers, 'webhook-id') !== undefined || headerValue(delivery.headers, 'webhook-timestamp') !== undefined) return null
  if (SHA256_HEX.test(signature.trim())) return 'Webhook-Signature of 64 hex characters (HMAC-SHA256), no webhook-id/webhook-timestamp'
  const origin = headerValue(delivery.headers, 'Origin')
  if (origin !== undefined && GOCARDLESS_ORIGINS[origin.trim()] !== undefined) return `Webhook-Signature header from Origin ${origin.trim()}`
  if ((headerValue(delivery.headers, 'User-Agent') ?? '').startsWith('gocardless-webhook-service'))
    return 'Webhook-Signature header from gocardless-webhook-service'
  return null
}

/** GoCardless has one callback format. */
export function gocardlessVariant(): Extract<ProviderVariant, 'webhook'> {
  return 'webhook'
}

export function verifyGocardless(delivery: Delivery, keys: readonly ProviderKey[]): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(GOCARDLESS_SCHEME)
  const texts = bodyHmacHeaderTexts(GOCARDLESS_SCHEME, delivery, explanation.notes)
  if (texts.length === 0) return result(invalidVerdict('missing-header', 'no Webhook-Signature header (GoCardless signs every webhook)'), explanation)
  return verifyBodyHmacHeader(GOCARDLESS_SCHEME, texts, delivery.body, utf8SecretCandidates(keys, 'gocardless'), explanation)
}

/** The events of a webhook body: the `events` array (a lone event object is read as one). */
export function gocardlessEvents(json: JsonValue | undefined): JsonObject[] | null {
  if (!isObject(json)) return null
  const events = json.events
  if (Array.isArray(events)) return events.filter(isObject)
  return isObject(events) ? [events] : null
}

/** `payments` + `confirmed` → `payments.confirmed`. */
function eventName(event: JsonObject): string | null {
  const resource = text(event.resource_type)
  const action = text(event.action)
  if (resource && action) return `${resource}.${action}`
  return resource ?? action
}

/** The id of the resource an event is about: `links.<resource_type without its s>`, else its only link. */
export function gocardlessLinkedId(event: JsonObject): string | null {
  const links = event.links
  if (!isObject(links)) return null
  const resource = text(event.resource_type)
  const own = resource ? text(links[resource.replace(/s$/, '')]) : null
  if (own) return own
  const values = Object.values(links)
  return values.length === 1 ? text(values[0]) : null
}

/**
 * Summary of a webhook: one event reads like any provider's (type, action, the resource's id);
 * a batch names its distinct event types and counts, and lists each event as a field. The id that
 * stays the same on every retry is the webhook's (`meta.webhook_id`), else the events' ids.
 */
export function parseGocardless(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  const events = gocardlessEvents(json)
  if (!isObject(json) || events === null) return unreadableSummary(delivery.body, 'the body is not a GoCardless webhook {"events":[…]}')
  const summary = emptySummary('json')
  const webhookId = firstText(prop(json.meta, 'webhook_id'))
  const ids = events.map((event) => text(event.id)).filter((id): id is string => id !== null)
  summary.eventId = webhookId ?? (ids.length > 0 ? ids.join(',') : null)
  const origin = headerValue(delivery.headers, 'Origin')?.trim()
  const environment = origin === undefined ? undefined : GOCARDLESS_ORIGINS[origin]
  summary.isTest = environment === undefined ? null : environment === 'sandbox'

  const names = events.map(eventName)
  const first = events[0]
  if (events.length === 1 && first) {
    summary.eventType = names[0] ?? null
    summary.status = text(first.action)
    summary.providerObjectId = gocardlessLinkedId(first)
    summary.errorCode = firstText(prop(first.details, 'reason_code'))
    summary.errorMessage = isFailure(text(first.action)) ? firstText(prop(first.details, 'description')) : null
  } else {
    summary.eventType = describeBatch(names)
    const actions = new Set(events.map((event) => text(event.action)))
    summary.status = actions.size === 1 ? text(first?.action) : null
    const linked = new Set(events.map(gocardlessLinkedId))
    summary.providerObjectId = linked.size === 1 ? ([...linked][0] ?? null) : null
  }
  if (events.length === 0) summary.problems.push('the webhook holds no events')
  events.forEach((event, index) => {
    if (text(event.id) === null || text(event.resource_type) === null || text(event.action) === null)
      summary.problems.push(`event ${index + 1} lacks id, resource_type or action`)
  })

  const fields = summary.fields
  pushField(fields, 'Webhook id', webhookId)
  pushField(fields, 'Events', String(events.length))
  pushField(fields, 'Environment', environment === undefined || origin === undefined ? origin : `${environment} (${origin})`)
  if (events.length === 1 && first) {
    pushField(fields, 'Event id', first.id)
    pushField(fields, 'Resource', first.resource_type)
    pushField(fields, 'Action', first.action)
    pushField(fields, 'Resource id', summary.providerObjectId)
    pushField(fields, 'Cause', prop(first.details, 'cause'))
    pushField(fields, 'Description', prop(first.details, 'description'))
    pushField(fields, 'Origin', prop(first.details, 'origin'))
    pushField(fields, 'Scheme', prop(first.details, 'scheme'))
    pushField(fields, 'Reason code', prop(first.details, 'reason_code'))
    pushField(fields, 'Created', first.created_at)
  } else {
    events.slice(0, SHOWN_EVENTS).forEach((event, index) => {
      const parts = [text(event.id), names[index], gocardlessLinkedId(event), firstText(prop(event.details, 'cause'))].filter((part) => part !== null)
      pushField(fields, `Event ${index + 1}`, parts.join(' · '))
    })
    if (events.length > SHOWN_EVENTS) pushField(fields, 'More events', `${events.length - SHOWN_EVENTS} not listed`)
  }
  return summary
}

/** Actions after which the event's description says what went wrong. */
function isFailure(action: string | null): boolean {
  return (
    action !== null &&
    /^(failed|cancelled|charged_back|late_failure_settled|expired|disabled|chargeback_settled|bounced|funds_returned|failed_to_verify)$/.test(action)
  )
}

/** "payments.confirmed ×2, mandates.active" for a batch, distinct names in order of first appearance. */
function describeBatch(names: ReadonlyArray<string | null>): string | null {
  if (names.length === 0) return null
  const counts = new Map<string, number>()
  for (const name of names) counts.set(name ?? '(unnamed)', (counts.get(name ?? '(unnamed)') ?? 0) + 1)
  const listed = [...counts].slice(0, 5).map(([name, count]) => (count > 1 ? `${name} ×${count}` : name))
  const more = counts.size > 5 ? `, +${counts.size - 5} more` : ''
  return `${names.length} events: ${listed.join(', ')}${more}`
}

// ---------------------------------------------------------------------------------------------
// The module

/** GoCardless waits this long for a 2xx (support.gocardless.com "Webhook retries / failures"). */
const GOCARDLESS_TIMEOUT_MS = 10_000

// support.gocardless.com/hc/en-nz/articles/360000989989 "Webhook retries / failures": a failed
// webhook is retried up to 8 times at increasing intervals, "e.g. 1 minute, 2 minutes, 10 minutes
// etc."; the full list is not published.
const GOCARDLESS_RETRIES: RetrySchedule = {
  provider: 'gocardless',
  title: 'GoCardless',
  kind: 'outline',
  description:
    'A failed webhook (no 2xx within 10 s, or a redirect, which is not followed) is retried up to 8 times at increasing intervals, for example after 1 minute, 2 minutes, 10 minutes. It can also be retried by hand from the Dashboard or the API.',
  successRule: 'a 2xx within 10 s (498 for an invalid signature, 204 for unknown events)',
  retries: [],
  sourceUrl: 'https://support.gocardless.com/hc/en-nz/articles/360000989989-Webhook-retries-failures',
  sourceTitle: 'GoCardless: webhook retries / failures',
  confirmed: true,
  caveat: 'GoCardless gives three example intervals, not the full list: later attempts are shown as they arrive.',
}

/** Recomputes `Webhook-Signature` over the body sent, when it is GoCardless's (Standard Webhooks shares the header name). */
function resignGocardless(draft: SigningDraft, key: HmacKey | undefined): void {
  if (recogniseGocardless({ method: draft.request.method, target: draft.target, headers: draft.headers, body: draft.body }) === null) return
  if (!key) {
    draft.noKey('gocardless-hmac-sha256', 'gocardless', 'GoCardless webhook endpoint secret')
    return
  }
  draft.setHeader(GOCARDLESS_SIGNATURE_HEADER, signGocardless(key.value, draft.body), {
    scheme: 'gocardless-hmac-sha256',
    provider: 'gocardless',
    keyFingerprint: keyFingerprint(key),
  })
}

/** A fresh webhook endpoint secret (GoCardless shows a long random token). */
const generateGocardlessSecret = (): string => randomBytes(30).toString('base64url')

const gocardlessSimulation = hmacHeaderSimulation({
  provider: 'gocardless',
  generate: generateGocardlessSecret,
  signHeaders: (secret, body, input) => {
    setHeader(input.headers, GOCARDLESS_SIGNATURE_HEADER, signGocardless(secret.value, body))
  },
})

export const gocardlessProvider: ProviderModule<'gocardless'> = {
  id: 'gocardless',
  rules: {
    signatureHeader: ({ delivery }) => {
      const detectedBy = recogniseGocardless(delivery)
      return detectedBy === null ? null : { variant: 'webhook', detectedBy }
    },
  },
  variantOf: gocardlessVariant,
  parse: parseGocardless,
  verify: (delivery, keys) => verifyGocardless(delivery, keys),
  acknowledgement: () => ({
    ...generic2xx('GoCardless', 'and retry (up to 8 times at increasing intervals)', GOCARDLESS_TIMEOUT_MS),
    explainStatus: (status) => {
      const expects = `it expects a 2xx answer within ${GOCARDLESS_TIMEOUT_MS / 1000} s`
      if (status === 498)
        return `GoCardless will treat this as a failure and retry: 498 Token Invalid is what it asks receivers to answer to a webhook whose signature does not match; ${expects}`
      if (status >= 300 && status <= 399) return `GoCardless will treat this as a failure and retry: it does not follow redirects; ${expects}`
      return null
    },
  }),
  publicUrl: {
    // API reference, Webhooks: "You must use SSL/TLS for webhook URLs. Unsecured webhook URLs are only allowed in the sandbox environment."
    rules: { https: { severity: 'recommended', why: 'GoCardless accepts plain http webhook URLs in the sandbox only' }, ports: null, isIpv4Only: false },
    senderName: 'GoCardless',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: generateGocardlessSecret },
  deliveryIdentity: {
    label: 'webhook id (meta.webhook_id)',
    // The webhook's id is kept when GoCardless retries it; a body without one is identified by its events' ids.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  simulate: gocardlessSimulation,
  resign: {
    signatureHeader: { scheme: 'gocardless-hmac-sha256', apply: (draft, keys) => resignGocardless(draft, hmacSecretFor(keys, 'gocardless')) },
  },
  retrySchedule: () => GOCARDLESS_RETRIES,
}
