/**
 * Square webhooks (developer.squareup.com/docs/webhooks/step3validate):
 *   x-square-hmacsha256-signature = base64(HMAC-SHA256(subscription signature key, notificationUrl + rawBody))
 * `notificationUrl` is the URL the subscription was created with, exactly as typed in the
 * Developer Console (scheme, host, path, query, trailing slash): it is not sent with the request,
 * so the receiver must know it. Behind the tunnel Square calls the public URL, and the receiver
 * sees the public `Host` but its own path, so the verifier tries, in order, the notification URLs
 * the user configured, then the URL rebuilt from the `Host` header and the request target. The
 * official SDK (`square` `WebhooksHelper.verifySignature`) computes the same HMAC over the same
 * concatenation. Older subscriptions also send `x-square-signature`, the same construction with
 * HMAC-SHA1; it is checked only when the SHA-256 header is absent.
 */
import { randomBytes } from 'node:crypto'
import { headerValue, headerValues, setHeader } from '../../shared/http-message'
import type { RetrySchedule } from '../../shared/deliveries'
import type { DeliverySummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { at, firstText, isObject, prop, text, type JsonObject, type JsonValue } from './body'
import { repeatedHeaderNote } from './body-hmac-header'
import { checkHmacVariants } from './hmac-check'
import { decodeBase64Strict } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { fromPrevious, generic2xx, HOUR, MINUTE, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacHeaderSimulation } from './simulation'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import { concatBytes, hmacBytes, invalidVerdict, newExplanation, noKeyVerdict, result, validVerdict, type Delivery, type VerifyResult } from './verification'

/** The current signature header (HMAC-SHA256). */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature'
/** The older header (HMAC-SHA1 over the same bytes), still sent beside the SHA-256 one by older subscriptions. */
export const SQUARE_LEGACY_SIGNATURE_HEADER = 'x-square-signature'
/** Square's idempotency value: the same on every retry of one notification. */
export const SQUARE_EVENT_ID_FIELD = 'event_id'

const DIGEST_BYTES: Record<'sha256' | 'sha1', number> = { sha256: 32, sha1: 20 }

/** A Square signature key as the verifier needs it: never shown, identified by its fingerprint. */
export interface SquareSigningKey {
  /** The subscription's signature key, used as UTF-8 bytes (as the SDK does). */
  signatureKey: string
  /** The notification URL of the subscription this key belongs to, when the user said which. */
  notificationUrl: string | null
  fingerprint: string
  label: string | null
}

/** Where a candidate notification URL came from, for the Signature panel. */
export type SquareUrlSource = 'configured' | 'host-header'

export interface SquareUrlCandidate {
  url: string
  source: SquareUrlSource
}

/** The bytes Square signs: the notification URL (UTF-8) followed directly by the raw body. */
export function squareSignedBytes(notificationUrl: string, body: Buffer | string): Buffer {
  return concatBytes([notificationUrl, body])
}

/** The `x-square-hmacsha256-signature` value for a body sent to `notificationUrl`. */
export function signSquare(input: { signatureKey: string; notificationUrl: string; body: Buffer | string }): { signature: string; signedMessage: string } {
  const signed = squareSignedBytes(input.notificationUrl, input.body)
  return { signature: hmacBytes('sha256', input.signatureKey, [signed]).toString('base64'), signedMessage: signed.toString('utf8') }
}

/** True when a delivery carries one of Square's signature headers: the recognition rule. */
export function hasSquareSignature(delivery: Delivery): boolean {
  return headerValue(delivery.headers, SQUARE_SIGNATURE_HEADER) !== undefined || headerValue(delivery.headers, SQUARE_LEGACY_SIGNATURE_HEADER) !== undefined
}

/** Square has one callback format: its v2 event notifications. */
export function squareVariant(): Extract<ProviderVariant, 'webhook'> {
  return 'webhook'
}

/**
 * The URL a request was sent to, rebuilt from its `Host` header and target: `https://` first
 * (Square only accepts https notification URLs), then `http://` (a local sender, the simulator
 * or a resend to the receiver itself). Empty without a usable `Host`.
 */
export function urlsFromHostHeader(delivery: Delivery): string[] {
  const host = headerValue(delivery.headers, 'Host')?.trim()
  // A Host is a name or address and an optional port: anything else is not rebuilt into a URL.
  if (!host || !/^[A-Za-z0-9.\-:[\]]{1,300}$/.test(host) || !delivery.target.startsWith('/')) return []
  return [`https://${host}${delivery.target}`, `http://${host}${delivery.target}`]
}

/** Configured URLs, then the rebuilt ones, each once, in that order. */
export function squareUrlCandidates(configured: readonly string[], delivery: Delivery): SquareUrlCandidate[] {
  const seen = new Set<string>()
  const candidates: SquareUrlCandidate[] = []
  const add = (url: string, source: SquareUrlSource): void => {
    if (url === '' || seen.has(url)) return
    seen.add(url)
    candidates.push({ url, source })
  }
  for (const url of configured) add(url, 'configured')
  for (const url of urlsFromHostHeader(delivery)) add(url, 'host-header')
  return candidates
}

/**
 * Verifies a Square notification with each key against each candidate notification URL.
 * Verdicts: `valid` (which key and which URL); `no-key` when no signature key is configured, or
 * when the key is there but no notification URL is configured and the one rebuilt from `Host`
 * does not match (the URL Square signed is unknown, so a mismatch proves nothing);
 * `invalid` otherwise, with the configured URLs compared against where the request arrived.
 */
export function verifySquare(delivery: Delivery, keys: readonly SquareSigningKey[]): VerifyResult {
  // A header that came more than once reaches the integrator's code joined with ", " (Node's http server).
  const sha256Values = headerValues(delivery.headers, SQUARE_SIGNATURE_HEADER)
  const sha1Values = headerValues(delivery.headers, SQUARE_LEGACY_SIGNATURE_HEADER)
  const sha256Header = sha256Values.length > 0 ? sha256Values.join(', ') : undefined
  const sha1Header = sha1Values.length > 0 ? sha1Values.join(', ') : undefined
  const useLegacy = sha256Header === undefined && sha1Header !== undefined
  const algorithm: 'sha256' | 'sha1' = useLegacy ? 'sha1' : 'sha256'
  const headerName = useLegacy ? SQUARE_LEGACY_SIGNATURE_HEADER : SQUARE_SIGNATURE_HEADER
  const explanation = newExplanation(
    useLegacy ? 'square-hmac-sha1' : 'square-hmac-sha256',
    `base64(HMAC-${algorithm.toUpperCase()}(signature key, notification URL + rawBody))`,
    `${headerName} header`,
  )
  const header = sha256Header ?? sha1Header
  if (header === undefined)
    return result(invalidVerdict('missing-header', `no ${SQUARE_SIGNATURE_HEADER} header (Square signs every notification)`), explanation)
  explanation.receivedSignatures.push(header)
  const count = (useLegacy ? sha1Values : sha256Values).length
  if (count > 1) explanation.notes.push(repeatedHeaderNote(headerName, count))
  if (useLegacy) explanation.notes.push(`only the older ${SQUARE_LEGACY_SIGNATURE_HEADER} (HMAC-SHA1) is present; Square documents ${SQUARE_SIGNATURE_HEADER}`)
  const received = decodeBase64Strict(header.trim())
  if (!received || received.length !== DIGEST_BYTES[algorithm])
    return result(
      invalidVerdict('malformed-signature', `${headerName} is not base64 of a ${DIGEST_BYTES[algorithm]}-byte HMAC-${algorithm.toUpperCase()}`),
      explanation,
    )
  if (keys.length === 0)
    return result(
      noKeyVerdict('no Square signature key configured for this endpoint (Developer Console > Webhooks > Subscriptions > Signature key)'),
      explanation,
    )

  const rebuilt = urlsFromHostHeader(delivery)
  const configured = keys.flatMap((key) => (key.notificationUrl ? [key.notificationUrl] : []))
  for (const key of keys) {
    const candidates = squareUrlCandidates(key.notificationUrl ? [key.notificationUrl] : [], delivery)
    // Each key with its own URLs: one variant per URL (a key is tried only with its subscription's URL).
    const variants = candidates.map((candidate) => ({ variant: describeUrl(candidate), signed: squareSignedBytes(candidate.url, delivery.body) }))
    const { match } = checkHmacVariants({
      keys: [{ secret: key.signatureKey, fingerprint: key.fingerprint, label: key.label }],
      variants,
      algorithm,
      received: [received],
      encode: (mac) => mac.toString('base64'),
      explanation,
    })
    const url = match ? candidates[variants.indexOf(match.variant)] : undefined
    if (match && url) {
      // Square's SDK compares the base64 text: the right MAC spelled otherwise (no padding) fails there.
      if (header.trim() !== match.mac.toString('base64'))
        return result(
          invalidVerdict(
            'wrong-encoding',
            `encoding mismatch: ${headerName} holds the right HMAC but not as Square writes it (padded base64); Square's SDK compares the text, so it refuses it`,
          ),
          explanation,
        )
      explanation.matchedVariant = `HMAC-${algorithm.toUpperCase()}, ${describeUrl(url)}`
      if (url.source === 'host-header')
        explanation.notes.push(
          `the notification URL was rebuilt from the Host header and the request target (${url.url}); enter it in the endpoint's Square settings if a proxy ever rewrites either`,
        )
      return result(validVerdict(explanation.matchedVariant, `${headerName} matches for notification URL ${url.url}`), explanation)
    }
  }
  explanation.keyFingerprint = keys.length === 1 ? (keys[0]?.fingerprint ?? null) : null
  const tried =
    rebuilt.length > 0 ? ` (tried ${rebuilt.join(' and ')}, rebuilt from the Host header)` : ' (the request has no usable Host header to rebuild it from)'
  if (configured.length === 0)
    return result(
      noKeyVerdict(
        `notification URL unknown: the signature matches no URL it can be checked with${tried}. Square signs the subscription's notification URL with the body, and none is configured for this endpoint, so either Square signed another URL or the body or signature was changed; enter the notification URL exactly as in the Square subscription to tell which`,
      ),
      explanation,
    )
  for (const note of describeUrlMismatches(configured, delivery)) explanation.notes.push(note)
  return result(
    invalidVerdict(
      'signature-mismatch',
      `signature mismatch: the body, the notification URL or the signature key differ (no configured notification URL matches${rebuilt.length > 0 ? ', nor the one rebuilt from the Host header' : ''})`,
    ),
    explanation,
  )
}

function describeUrl(candidate: SquareUrlCandidate): string {
  return candidate.source === 'configured' ? `configured notification URL ${candidate.url}` : `notification URL ${candidate.url} (from the Host header)`
}

/**
 * Says how each configured notification URL differs from where the request arrived, since an
 * HMAC cannot tell a wrong URL from a changed body: a different path is expected when a proxy or
 * the endpoint prefix rewrote it, a different host when the tunnel's subdomain changed.
 */
export function describeUrlMismatches(configured: readonly string[], delivery: Delivery): string[] {
  const notes: string[] = []
  const host = headerValue(delivery.headers, 'Host')?.trim().toLowerCase()
  for (const url of new Set(configured)) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error
      notes.push(`configured notification URL "${url}" is not an absolute URL`)
      continue
    }
    const differences: string[] = []
    if (host && parsed.host.toLowerCase() !== host) differences.push(`host ${parsed.host} ≠ Host header ${host}`)
    const receivedPath = delivery.target
    if (`${parsed.pathname}${parsed.search}` !== receivedPath) differences.push(`path ${parsed.pathname}${parsed.search} ≠ received target ${receivedPath}`)
    if (parsed.protocol !== 'https:') differences.push('Square only accepts https notification URLs')
    notes.push(
      differences.length === 0
        ? `configured notification URL ${url} matches where the request arrived: the body or the signature key differ`
        : `configured notification URL ${url}: ${differences.join('; ')} (fine if a proxy rewrote it; Square signs the URL it was configured with)`,
    )
  }
  return notes
}

/** Summary of a Square event notification. */
export function parseSquare(delivery: Delivery): DeliverySummary {
  const summary = summariseJsonObject(delivery.body, 'Square event', summariseEvent)
  const environment = headerValue(delivery.headers, 'square-environment')
  if (environment !== undefined)
    summary.isTest = environment.trim().toLowerCase() === 'sandbox' ? true : environment.trim().toLowerCase() === 'production' ? false : null
  const fields = summary.fields
  pushField(fields, 'Environment', environment)
  pushField(fields, 'Retry number', headerValue(delivery.headers, 'square-retry-number'))
  pushField(fields, 'Retry reason', headerValue(delivery.headers, 'square-retry-reason'))
  pushField(fields, 'Initial delivery', headerValue(delivery.headers, 'square-initial-delivery-timestamp'))
  return summary
}

/**
 * The object an event is about: `data.object[data.type]` (`payment`, `refund`, `invoice`…), else
 * the one object member (`order.updated` carries `order_updated`).
 */
export function squareEventObject(event: JsonObject): JsonObject | null {
  const object = at(event, 'data', 'object')
  if (!isObject(object)) return null
  const type = text(at(event, 'data', 'type'))
  const named = type !== null ? prop(object, type) : undefined
  if (isObject(named)) return named
  const members = Object.values(object).filter(isObject)
  return members.length === 1 ? (members[0] ?? null) : null
}

/** Money is `{ amount, currency }` in the currency's smallest unit (Square `Money`). */
function money(value: JsonValue | undefined): ReturnType<typeof minorAmount> {
  return isObject(value) ? minorAmount(value.amount, value.currency) : null
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const object = squareEventObject(event)
  summary.eventType = firstText(event.type)
  summary.eventId = firstText(event[SQUARE_EVENT_ID_FIELD])
  summary.providerObjectId = firstText(at(event, 'data', 'id'), prop(object, 'id'), prop(object, 'order_id'))
  summary.status = firstText(prop(object, 'status'), prop(object, 'state'))
  summary.merchantReference = firstText(prop(object, 'reference_id'), prop(object, 'invoice_number'))
  const firstRequest = at(object, 'payment_requests')
  const requestMoney = Array.isArray(firstRequest) ? at(firstRequest[0], 'computed_amount_money') : undefined
  summary.amount = money(prop(object, 'amount_money')) ?? money(prop(object, 'total_money')) ?? money(prop(object, 'approved_money')) ?? money(requestMoney)
  const card = at(object, 'card_details', 'card')
  summary.maskedCard = maskCard(prop(card, 'bin'), prop(card, 'last_4'))
  summary.paymentMethod = firstText(prop(card, 'card_brand'), prop(object, 'source_type'))
  const errors = at(object, 'card_details', 'errors')
  const firstError = Array.isArray(errors) ? errors[0] : undefined
  summary.errorCode = firstText(prop(firstError, 'code'))
  summary.errorMessage = firstText(prop(firstError, 'detail'), prop(object, 'reason'))
  const fields = summary.fields
  pushField(fields, 'Event id', event.event_id)
  pushField(fields, 'Event type', event.type)
  pushField(fields, 'Merchant', event.merchant_id)
  pushField(fields, 'Created', event.created_at)
  pushField(fields, 'Object type', at(event, 'data', 'type'))
  pushField(fields, 'Object id', at(event, 'data', 'id'))
  pushField(fields, 'Status', summary.status)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Order', prop(object, 'order_id'))
  pushField(fields, 'Payment', prop(object, 'payment_id'))
  pushField(fields, 'Location', prop(object, 'location_id'))
  pushField(fields, 'Reference', summary.merchantReference)
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Card status', at(object, 'card_details', 'status'))
  pushField(fields, 'Error', summary.errorCode)
  return summary
}

// ---------------------------------------------------------------------------------------------
// The module

/** Square waits this long for the answer (developer.squareup.com/docs/webhooks-api/delivery-sla). */
const SQUARE_TIMEOUT_MS = 10_000

/** The endpoint's Square signature keys, each with the notification URL it was entered with. */
export function squareKeysOf(keys: readonly ProviderKey[]): SquareSigningKey[] {
  return hmacSecretsFor(keys, 'square').map((key) => ({
    signatureKey: key.value,
    notificationUrl: key.notificationUrl ?? null,
    fingerprint: keyFingerprint(key),
    label: keyLabel(key),
  }))
}

/**
 * The URL a re-signed or simulated notification is signed for: the key's notification URL (the
 * one Square signs, so an edited resend verifies wherever the unedited one does), else the URL
 * the request is sent to.
 */
export function squareSigningUrl(notificationUrl: string | null | undefined, sentTo: string): { url: string; why: string } {
  return notificationUrl
    ? { url: notificationUrl, why: "the Square key's notification URL, as Square signs it" }
    : { url: sentTo, why: 'the URL it is sent to (the Square key names no notification URL)' }
}

// developer.squareup.com/docs/webhooks-api/delivery-sla: retried for up to 72 h after the event,
// 1, 2, 4, 8, 16 and 32 min after the attempt before, then hourly (retries 7 to 78).
const SQUARE_RETRIES: RetrySchedule = {
  provider: 'square',
  title: 'Square',
  kind: 'published-times',
  description:
    'Retried for up to 72 hours after the event: 1, 2, 4, 8, 16 and 32 minutes after the attempt before (63 minutes in all), then every 60 minutes (retries 7 to 78); then the notification is discarded.',
  successRule: 'a 2xx within 10 s (a 3xx counts as a failure)',
  retries: [...[1, 2, 4, 8, 16, 32].map((minutes) => fromPrevious(minutes * MINUTE)), ...Array.from({ length: 72 }, () => fromPrevious(HOUR))],
  sourceUrl: 'https://developer.squareup.com/docs/webhooks-api/delivery-sla',
  sourceTitle: 'Square: notification delivery SLA',
  confirmed: true,
  caveat: 'Square counts the 72 hours from the event, not from the first attempt, so the last hourly retries may not come.',
}

/**
 * Re-signs the Square headers the request carries (the SHA-256 one, and the older SHA-1 one when
 * present) over the body sent, for the URL `squareSigningUrl` picks; the notes say which.
 */
function resignSquare(draft: SigningDraft, key: HmacKey | undefined): void {
  const hasCurrent = draft.header(SQUARE_SIGNATURE_HEADER) !== undefined
  const hasLegacy = draft.header(SQUARE_LEGACY_SIGNATURE_HEADER) !== undefined
  if (!hasCurrent && !hasLegacy) return
  if (!key) {
    draft.noKey('square-hmac-sha256', 'square', 'Square signature key')
    return
  }
  const { url, why } = squareSigningUrl(key.notificationUrl, draft.request.url)
  const signed = squareSignedBytes(url, draft.body)
  const keyFingerprintValue = keyFingerprint(key)
  if (hasCurrent)
    draft.setHeader(SQUARE_SIGNATURE_HEADER, hmacBytes('sha256', key.value, [signed]).toString('base64'), {
      scheme: 'square-hmac-sha256',
      provider: 'square',
      keyFingerprint: keyFingerprintValue,
    })
  if (hasLegacy)
    draft.setHeader(SQUARE_LEGACY_SIGNATURE_HEADER, hmacBytes('sha1', key.value, [signed]).toString('base64'), {
      scheme: 'square-hmac-sha1',
      provider: 'square',
      keyFingerprint: keyFingerprintValue,
    })
  draft.notes.push(`Square: signed for ${url}, ${why}`)
}

/** A fresh signature key in the shape Square shows (22 URL-safe base64 characters). */
const generateSquareSignatureKey = (): string => randomBytes(16).toString('base64url')

/**
 * Simulated notifications are signed as re-signing does: for the endpoint key's notification URL,
 * else for the URL the callback is sent to (a preview without one: its path). The verification key
 * names the URL that was signed, since the receiving side needs both.
 */
const squareSimulation = hmacHeaderSimulation({
  provider: 'square',
  generate: generateSquareSignatureKey,
  signHeaders: (secret, body, input) => {
    const { url } = squareSigningUrl(secret.notificationUrl, input.targetUrl ?? input.target)
    setHeader(input.headers, SQUARE_SIGNATURE_HEADER, signSquare({ signatureKey: secret.value, notificationUrl: url, body }).signature)
    return { verificationKey: { ...secret, notificationUrl: url } }
  },
})

export const squareProvider: ProviderModule<'square'> = {
  id: 'square',
  rules: {
    signatureHeader: ({ delivery }) =>
      hasSquareSignature(delivery)
        ? {
            variant: 'webhook',
            detectedBy:
              headerValue(delivery.headers, SQUARE_SIGNATURE_HEADER) !== undefined
                ? `${SQUARE_SIGNATURE_HEADER} header`
                : `${SQUARE_LEGACY_SIGNATURE_HEADER} header`,
          }
        : null,
  },
  variantOf: squareVariant,
  parse: parseSquare,
  verify: (delivery, keys) => verifySquare(delivery, squareKeysOf(keys)),
  acknowledgement: () => ({
    ...generic2xx('Square', 'and retry (for up to 72 hours: after 1, 2, 4, 8, 16, 32 minutes, then hourly)', SQUARE_TIMEOUT_MS),
    expects: `a 2xx answer within ${SQUARE_TIMEOUT_MS / 1000} s (a 3xx counts as a failure)`,
  }),
  publicUrl: {
    // developer.squareup.com/docs/webhooks/step2subscribe: "The notification URL must ... use the HTTPS protocol".
    rules: { https: { severity: 'required', why: 'Square accepts only https notification URLs' }, ports: null, isIpv4Only: false },
    senderName: 'Square',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: generateSquareSignatureKey },
  deliveryIdentity: {
    label: 'event id',
    // Square's idempotency value, the same on every retry (step4manage).
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  simulate: squareSimulation,
  resign: {
    signatureHeaders: { scheme: 'square-hmac-sha256', apply: (draft, keys) => resignSquare(draft, hmacSecretFor(keys, 'square')) },
  },
  retrySchedule: () => SQUARE_RETRIES,
}
