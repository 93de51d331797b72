/**
 * Mercado Pago Webhooks: recognition, parsing, verification and signing.
 *
 * Signature (mercadopago npm `utils/webhook` `WebhookSignatureValidator`, and the Webhooks page of
 * the Mercado Pago developer docs):
 *   x-signature: ts=<timestamp>,v1=<hex HMAC-SHA256>
 *   manifest    = "id:" + data.id + ";request-id:" + x-request-id + ";ts:" + ts + ";"
 *   v1          = hex(HMAC-SHA256(application's secret signature, manifest))
 * `data.id` is the `data.id` query parameter of the notification URL (not the body), lowercased
 * when alphanumeric (Orders API ids such as `ORD01JQ…`); a part whose value is absent is left out
 * of the manifest. The body is not signed: the notification is a signal, and the resource is
 * fetched from the API. QR Code notifications and IPN (`?topic=…&id=…`) are not signed at all.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue, setHeader } from '../../shared/http-message'
import type { ConfirmHint, DeliverySummary, ProviderKey } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop, type JsonObject, type JsonValue } from './body'
import { decodeHexStrict } from '../crypto/bytes'
import { checkHmacVariants } from './hmac-check'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { EMPTY_200, HOUR, MINUTE, fromFirst, is2xx, signatureHeaderParts, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacHeaderSimulation } from './simulation'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { decimalAmount, emptySummary, pushField, unreadableSummary } from './summary'
import {
  hmacMismatch,
  describeSkew,
  hmacBytes,
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
  judgeRepeatedHeaders,
  repeatedHeaders,
} from './verification'

export const MERCADOPAGO_SIGNATURE_HEADER = 'x-signature'
export const MERCADOPAGO_REQUEST_ID_HEADER = 'x-request-id'
export const MERCADOPAGO_API_URL = 'https://api.mercadopago.com'
const SHA256_BYTES = 32
/** A `ts` above this is milliseconds (deliveries send ms; the docs' example shows seconds). */
const MILLISECOND_TIMESTAMP_FLOOR = 100_000_000_000

/** Longer `x-signature` values are not Mercado Pago's (`ts=` and one or two `v1=` fit in 200). */
const MAX_SIGNATURE_HEADER_CHARS = 400

/** A Mercado Pago secret signature as the verifier needs it: never shown, only fingerprinted. */
export interface MercadoPagoSecret {
  secret: string
  fingerprint: string
  label: string
}

export interface MercadoPagoSignatureHeader {
  /** The `ts` value as sent (digits), or `null`. */
  ts: string | null
  /** Every `v1` value, as sent. */
  v1: string[]
  /** Other parts (`v2=…`, unknown keys), ignored as the SDK does. */
  ignored: string[]
}

/** Splits on `,` then on the first `=`, keys case-insensitive, as the mercadopago SDK does. */
export function parseMercadoPagoSignatureHeader(value: string): MercadoPagoSignatureHeader {
  const parsed: MercadoPagoSignatureHeader = { ts: null, v1: [], ignored: [] }
  for (const part of signatureHeaderParts(value, ',')) {
    const name = part.name?.toLowerCase()
    if (name === undefined) {
      if (part.raw !== '') parsed.ignored.push(part.raw)
    } else if (name === 'ts' && part.content !== '') parsed.ts = part.content
    else if (name === 'v1' && part.content !== '') parsed.v1.push(part.content)
    else parsed.ignored.push(part.raw)
  }
  return parsed
}

/** True when the header value has Mercado Pago's shape: `ts=<digits>` and a `v1=<64 hex>`, in either order. */
export function isMercadoPagoSignatureValue(value: string): boolean {
  if (value.length > MAX_SIGNATURE_HEADER_CHARS) return false
  const parsed = parseMercadoPagoSignatureHeader(value)
  return parsed.ts !== null && /^\d{1,16}$/.test(parsed.ts) && parsed.v1.some((v1) => /^[0-9a-fA-F]{64}$/.test(v1))
}

/** The query of a request target, without the `?` (empty when there is none). */
function queryOf(target: string): string {
  const mark = target.indexOf('?')
  return mark < 0 ? '' : (target.slice(mark + 1).split('#')[0] ?? '')
}

/** The `data.id` query parameter, as received (decoded), or `null`. */
export function mercadoPagoQueryDataId(target: string): string | null {
  const value = new URLSearchParams(queryOf(target)).get('data.id')
  return value === null || value.trim() === '' ? null : value.trim()
}

/** The id as signed: lowercased (the docs: an alphanumeric `data.id` is signed in lower case). */
export function mercadoPagoSignedId(dataId: string): string {
  return dataId.toLowerCase()
}

/**
 * The manifest Mercado Pago signs. A part whose value is absent (no `data.id` in the URL, no
 * `x-request-id` header) is left out, as the docs and the SDK do.
 */
export function mercadoPagoManifest(parts: { dataId: string | null; requestId: string | null; ts: string }): string {
  const pieces: string[] = []
  if (parts.dataId) pieces.push(`id:${parts.dataId}`)
  if (parts.requestId) pieces.push(`request-id:${parts.requestId}`)
  pieces.push(`ts:${parts.ts}`)
  return `${pieces.join(';')};`
}

export interface MercadoPagoSignInput {
  secret: string
  /** The `data.id` of the notification URL; lowercased before signing, as Mercado Pago does. */
  dataId: string | null
  requestId: string | null
  /** Sent as-is in `ts=` (Mercado Pago sends milliseconds). */
  ts: string
}

/** The `x-signature` value for a notification (re-signed resends and the simulator). */
export function signMercadoPago(input: MercadoPagoSignInput): { header: string; signature: string; manifest: string } {
  const manifest = mercadoPagoManifest({
    dataId: input.dataId === null ? null : mercadoPagoSignedId(input.dataId),
    requestId: input.requestId,
    ts: input.ts,
  })
  const signature = hmacBytes('sha256', input.secret, [manifest]).toString('hex')
  return { header: `ts=${input.ts},v1=${signature}`, signature, manifest }
}

/** Milliseconds since the epoch of a `ts` value (sent in milliseconds or seconds), or `null`. */
export function mercadoPagoTimestampMs(ts: string): number | null {
  if (!/^\d{1,16}$/.test(ts)) return null
  const value = Number(ts)
  return value >= MILLISECOND_TIMESTAMP_FLOOR ? value : value * 1000
}

interface ManifestCandidate {
  variant: string
  manifest: string
}

/**
 * Verifies `x-signature`. The timestamp is shown, never enforced: Mercado Pago publishes no
 * tolerance and its SDK checks one only when the integrator asks for it.
 */
export function verifyMercadoPago(delivery: Delivery, secrets: readonly MercadoPagoSecret[], options: VerifyOptions): VerifyResult {
  return judgeRepeatedHeaders(
    verifyMercadoPagoOnce(delivery, secrets, options),
    repeatedHeaders(delivery.headers, [MERCADOPAGO_SIGNATURE_HEADER, MERCADOPAGO_REQUEST_ID_HEADER]),
    MERCADOPAGO_SIGNATURE_HEADER,
    'Node joins the copies with ", "; the mercadopago SDK\'s WebhookSignatureValidator (like the documented check) splits x-signature on "," and keeps the last ts and v1 it finds (the last copy\'s), and signs a joined x-request-id as it is; a Java servlet\'s getHeader reads the first copy; the check here reads the first copy of each',
  )
}

function verifyMercadoPagoOnce(delivery: Delivery, secrets: readonly MercadoPagoSecret[], options: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'mercadopago-v1',
    'hex(HMAC-SHA256(secret signature, "id:" + data.id (URL, lowercased) + ";request-id:" + x-request-id + ";ts:" + ts + ";")), absent parts left out',
    'x-signature header',
  )
  const header = headerValue(delivery.headers, MERCADOPAGO_SIGNATURE_HEADER)
  if (header === undefined || header.trim() === '') {
    const hint = confirmHintFor(delivery)
    explanation.scheme = null
    return result(
      {
        status: 'unsigned',
        confirmHint: hint,
        message: `no x-signature header: Mercado Pago signs Webhooks set up in Your integrations, not QR Code or IPN notifications${hint ? `; confirm with ${hint.display}` : ''}`,
      },
      explanation,
    )
  }
  explanation.receivedSignatures.push(header)
  const parsed = parseMercadoPagoSignatureHeader(header)
  if (parsed.ignored.length > 0) explanation.notes.push(`ignored: ${parsed.ignored.join(', ')} (only v1 is checked, as the SDK does)`)
  if (parsed.ts === null) return result(invalidVerdict('malformed-signature', 'x-signature has no ts=<timestamp>'), explanation)
  const signedAtMs = mercadoPagoTimestampMs(parsed.ts)
  if (signedAtMs === null) return result(invalidVerdict('malformed-signature', `x-signature's ts is not a number: ${parsed.ts}`), explanation)
  const received = parsed.v1.map(decodeHexStrict).filter((bytes): bytes is Buffer => bytes !== null && bytes.length === SHA256_BYTES)
  if (received.length === 0)
    return result(
      invalidVerdict('malformed-signature', parsed.v1.length === 0 ? 'x-signature has no v1 signature' : 'no v1 value is a 64-character hex HMAC-SHA256'),
      explanation,
    )

  const skewSeconds = Math.round((options.now.getTime() - signedAtMs) / 1000)
  explanation.timestamp = { signedAt: isoFromSeconds(signedAtMs / 1000), skewSeconds, toleranceSeconds: null, withinTolerance: true }
  explanation.notes.push(
    `ts ${parsed.ts} read as ${Number(parsed.ts) >= MILLISECOND_TIMESTAMP_FLOOR ? 'milliseconds' : 'seconds'}: signed ${describeSkew(skewSeconds)}; Mercado Pago publishes no tolerance, so it is not enforced`,
  )

  const candidates = manifestCandidates(delivery, parsed.ts, explanation.notes)
  if (secrets.length === 0) {
    const first = candidates[0]
    if (first)
      explanation.attempts.push(
        makeAttempt({
          variant: first.variant,
          matched: false,
          ...signedStringFields(Buffer.from(first.manifest)),
          detail: 'no secret configured: nothing to compute',
        }),
      )
    return result(noKeyVerdict('no Mercado Pago secret signature configured for this endpoint'), explanation)
  }
  const { match } = checkHmacVariants({
    keys: secrets,
    variants: candidates.map((candidate) => ({ variant: candidate.variant, signed: Buffer.from(candidate.manifest, 'utf8') })),
    algorithm: 'sha256',
    received,
    encode: (mac) => mac.toString('hex'),
    explanation,
  })
  if (match) return result(validVerdict(match.variant.variant, `x-signature v1 matches (${match.variant.variant}; key ${match.key.fingerprint})`), explanation)
  return result(
    invalidVerdict(
      'signature-mismatch',
      `${hmacMismatch("the URL's data.id, the x-request-id header, the ts in x-signature")}. Mercado Pago signs those, not the body: if a proxy dropped the query or the header, the signature cannot match.`,
    ),
    explanation,
  )
}

/**
 * The manifests to try: the documented one (data.id lowercased), and when the id has capitals
 * also the id as received, which is what mercadopago npm 3.6 computes; the panel says which matched.
 */
function manifestCandidates(delivery: Delivery, ts: string, notes: string[]): ManifestCandidate[] {
  const dataId = mercadoPagoQueryDataId(delivery.target)
  const requestId = headerValue(delivery.headers, MERCADOPAGO_REQUEST_ID_HEADER)?.trim() || null
  if (dataId === null) {
    const bodyId = firstText(at(parseJsonBody(delivery.body), 'data', 'id'))
    notes.push(
      bodyId === null
        ? 'no data.id query parameter: the manifest leaves the id out'
        : `no data.id query parameter (the body says ${bodyId}): Mercado Pago signs the id from the URL, so the manifest leaves it out`,
    )
  }
  if (requestId === null) notes.push('no x-request-id header: the manifest leaves the request id out')
  const documented = mercadoPagoManifest({ dataId: dataId === null ? null : mercadoPagoSignedId(dataId), requestId, ts })
  const candidates: ManifestCandidate[] = [{ variant: dataId === null ? 'manifest without id' : 'data.id lowercased (documented)', manifest: documented }]
  if (dataId !== null && dataId !== mercadoPagoSignedId(dataId)) {
    candidates.push({ variant: 'data.id as received', manifest: mercadoPagoManifest({ dataId, requestId, ts }) })
  }
  return candidates
}

// ---------------------------------------------------------------------------------------------
// Recognition and parsing

/**
 * True for a Mercado Pago delivery without relying on a signature: a Webhooks JSON body
 * (`action`, `type`, `data.id`, and `api_version` or `live_mode`), or an IPN
 * (`?topic=…&id=…` in the URL, or a `{resource, topic}` body).
 */
export function looksLikeMercadoPago(delivery: Delivery): boolean {
  const signature = headerValue(delivery.headers, MERCADOPAGO_SIGNATURE_HEADER)
  if (signature !== undefined && isMercadoPagoSignatureValue(signature)) return true
  const json = parseJsonBody(delivery.body)
  if (isObject(json)) {
    if (isWebhookBody(json)) return true
    if (typeof json.resource === 'string' && typeof json.topic === 'string') return true
  }
  const query = new URLSearchParams(queryOf(delivery.target))
  return query.has('topic') && query.has('id') && (json === undefined || isObject(json))
}

function isWebhookBody(json: JsonObject): boolean {
  return (
    typeof json.action === 'string' &&
    typeof json.type === 'string' &&
    at(json, 'data', 'id') !== undefined &&
    (json.api_version !== undefined || json.live_mode !== undefined)
  )
}

/** API collection per notification type, for the confirm request. */
const RESOURCE_PATHS: Record<string, (id: string) => string> = {
  payment: (id) => `/v1/payments/${id}`,
  order: (id) => `/v1/orders/${id}`,
  merchant_order: (id) => `/merchant_orders/${id}`,
  topic_merchant_order_wh: (id) => `/merchant_orders/${id}`,
  chargebacks: (id) => `/v1/chargebacks/${id}`,
  topic_chargebacks_wh: (id) => `/v1/chargebacks/${id}`,
  subscription_preapproval: (id) => `/preapproval/${id}`,
  subscription_authorized_payment: (id) => `/authorized_payments/${id}`,
  subscription_preapproval_plan: (id) => `/preapproval_plan/${id}`,
  point_integration_wh: (id) => `/point/integration-api/payment-intents/${id}`,
}

/** The request that tells the real state of the notified resource, e.g. `GET …/v1/payments/123`. */
export function mercadoPagoConfirmHint(type: string, id: string): ConfirmHint | null {
  const pathFor = RESOURCE_PATHS[type]
  if (!pathFor) return null
  const path = pathFor(encodeURIComponent(id))
  const url = `${MERCADOPAGO_API_URL}${path}`
  return {
    method: 'GET',
    path,
    url,
    display: `GET ${url}`,
    alternativeUrls: [],
    note: 'Mercado Pago notifications say that something changed, not its state: fetch the resource with your access token and act on what it returns',
  }
}

function confirmHintFor(delivery: Delivery): ConfirmHint | null {
  const identity = notificationIdentity(delivery)
  return identity.type && identity.id ? mercadoPagoConfirmHint(identity.type, identity.id) : null
}

/** Type and id of the notified resource, from the body (Webhooks) or the URL and body (IPN). */
function notificationIdentity(delivery: Delivery): { type: string | null; id: string | null } {
  const json = parseJsonBody(delivery.body)
  const query = new URLSearchParams(queryOf(delivery.target))
  if (isObject(json) && typeof json.type === 'string') {
    return { type: json.type, id: firstText(at(json, 'data', 'id')) ?? query.get('data.id') }
  }
  const topic = query.get('topic') ?? query.get('type') ?? (isObject(json) ? firstText(json.topic) : null)
  const resource = isObject(json) ? firstText(json.resource) : null
  const id = query.get('id') ?? query.get('data.id') ?? (resource ? (resource.split('/').filter(Boolean).pop() ?? null) : null)
  return { type: topic, id }
}

/**
 * Summary of a Mercado Pago notification: the action, type and resource id; for Orders API
 * notifications (`type: "order"`) also the status, external reference and amount the body
 * carries (decimal strings, shown as sent).
 */
export function parseMercadoPago(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  if (isObject(json) && isWebhookBody(json)) return summariseWebhook(json, delivery)
  const identity = notificationIdentity(delivery)
  if (identity.type === null && identity.id === null) {
    return unreadableSummary(delivery.body, 'neither a Mercado Pago Webhooks body ({action, type, data.id}) nor an IPN (?topic=…&id=…)')
  }
  const summary = emptySummary(isObject(json) ? 'json' : delivery.body.length === 0 ? 'empty' : 'text')
  summary.eventType = identity.type
  summary.providerObjectId = identity.id
  summary.signalOnly = identity.type && identity.id ? mercadoPagoConfirmHint(identity.type, identity.id) : null
  pushField(summary.fields, 'Notification', 'IPN (unsigned)')
  pushField(summary.fields, 'Topic', identity.type)
  pushField(summary.fields, 'Resource id', identity.id)
  if (isObject(json)) pushField(summary.fields, 'Resource', json.resource)
  return summary
}

function summariseWebhook(json: JsonObject, delivery: Delivery): DeliverySummary {
  const summary = emptySummary('json')
  const data = json.data
  const type = firstText(json.type)
  summary.eventType = firstText(json.action, json.type)
  summary.eventId = firstText(json.id)
  summary.providerObjectId = firstText(prop(data, 'id'))
  summary.status = firstText(prop(data, 'status'))
  summary.merchantReference = firstText(prop(data, 'external_reference'))
  // Orders API bodies carry amounts as decimal strings without a currency: shown as sent.
  summary.amount = decimalAmount(prop(data, 'total_paid_amount') ?? prop(data, 'total_amount'), prop(data, 'currency'))
  summary.isTest = typeof json.live_mode === 'boolean' ? !json.live_mode : null
  const payments = at(data, 'transactions', 'payments')
  summary.paymentMethod = Array.isArray(payments) ? firstText(at(payments[0], 'payment_method', 'id')) : null
  summary.signalOnly = type && summary.providerObjectId ? mercadoPagoConfirmHint(type, summary.providerObjectId) : null

  const queryId = mercadoPagoQueryDataId(delivery.target)
  if (summary.providerObjectId !== null && queryId !== null && mercadoPagoSignedId(queryId) !== mercadoPagoSignedId(summary.providerObjectId)) {
    summary.problems.push(`the URL's data.id (${queryId}) differs from the body's data.id (${summary.providerObjectId}); the signature covers the URL's`)
  }
  const fields = summary.fields
  pushField(fields, 'Action', json.action)
  pushField(fields, 'Type', json.type)
  pushField(fields, 'Resource id (data.id)', prop(data, 'id'))
  pushField(fields, 'Notification id', json.id)
  pushField(fields, 'Live mode', json.live_mode)
  pushField(fields, 'Date created', json.date_created)
  pushField(fields, 'User id', json.user_id)
  pushField(fields, 'Application id', json.application_id)
  pushField(fields, 'API version', json.api_version)
  pushField(fields, 'Status', prop(data, 'status'))
  pushField(fields, 'Status detail', prop(data, 'status_detail'))
  pushField(fields, 'External reference', prop(data, 'external_reference'))
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Payment method', summary.paymentMethod)
  return summary
}

// ---------------------------------------------------------------------------------------------
// The provider module

const DAY = 24 * HOUR
/** Mercado Pago waits this long for the first attempt's answer (each retry: 5 s). */
export const MERCADOPAGO_TIMEOUT_MS = 22_000

// Mercado Pago, https://www.mercadopago.com.ar/developers/en/guides/notifications/webhooks: a 200
// or 201 acknowledges; otherwise the notification is sent again 5 min, 45 min, 6 h, 2 days and
// 4 days after the first dispatch. The IPN page of some country sites gives other times.
const MERCADOPAGO_RETRIES: RetrySchedule = {
  provider: 'mercadopago',
  title: 'Mercado Pago',
  kind: 'published-times',
  description:
    'Sent again until it gets a 200 or 201: 5 min, 45 min, 6 h, 2 days and 4 days after the first attempt. The first attempt waits 22 s for the answer, each retry 5 s.',
  successRule: 'HTTP 200 or 201 (within 22 s)',
  retries: [5 * MINUTE, 45 * MINUTE, 6 * HOUR, 2 * DAY, 4 * DAY].map(fromFirst),
  sourceUrl: 'https://www.mercadopago.com.ar/developers/en/guides/notifications/webhooks',
  sourceTitle: 'Mercado Pago: Webhooks notifications',
  confirmed: true,
  caveat: 'Another Mercado Pago page (IPN, some country sites) gives 15 min, 30 min, 6 h, 48 h and 96 h.',
}

/** The endpoint's Mercado Pago secrets as the verifier needs them. */
function secretsOf(keys: readonly ProviderKey[]): MercadoPagoSecret[] {
  return hmacSecretsFor(keys, 'mercadopago').map((key) => ({ secret: key.value, fingerprint: keyFingerprint(key), label: keyLabel(key) }))
}

function isIpn(delivery: Delivery): boolean {
  // Checked for every delivery no earlier rule claimed: parse the query only when it can hold a topic.
  if (!delivery.target.includes('topic=')) return false
  const query = new URLSearchParams(queryOf(delivery.target))
  return query.has('topic') && query.has('id')
}

/**
 * Re-signs a resend: a new `v1` over the `data.id` of the target actually sent, the `x-request-id`
 * sent and a fresh `ts` in milliseconds, as Mercado Pago sends it.
 */
function resignMercadoPago(draft: SigningDraft, key: HmacKey | undefined, now: Date): void {
  // X-Signature is also IXOPAY's and CHIP's header (base64 there): only Mercado Pago's ts=…,v1=… is ours to replace.
  const captured = draft.header(MERCADOPAGO_SIGNATURE_HEADER)
  if (captured === undefined || !isMercadoPagoSignatureValue(captured)) return
  if (!key) {
    draft.noKey('mercadopago-v1', 'mercadopago', 'Mercado Pago secret signature')
    return
  }
  const signed = signMercadoPago({
    secret: key.value,
    dataId: mercadoPagoQueryDataId(draft.target),
    requestId: draft.header(MERCADOPAGO_REQUEST_ID_HEADER)?.trim() || null,
    ts: String(now.getTime()),
  })
  draft.setHeader(MERCADOPAGO_SIGNATURE_HEADER, signed.header, { scheme: 'mercadopago-v1', provider: 'mercadopago', keyFingerprint: keyFingerprint(key) })
}

function generateMercadoPagoSecret(): string {
  return randomBytes(32).toString('hex')
}

/**
 * The target a simulated notification is sent to: Mercado Pago adds `?data.id=<id>&type=<type>` to
 * the notification URL, and signs that data.id. A target that already names a data.id is kept.
 */
function simulatedTarget(target: string, body: JsonValue): string {
  const dataId = firstText(at(body, 'data', 'id'))
  if (dataId === null || mercadoPagoQueryDataId(target) !== null) return target
  const type = firstText(prop(body, 'type'))
  const query = new URLSearchParams({ 'data.id': dataId, ...(type === null ? {} : { type }) }).toString()
  return `${target}${target.includes('?') ? '&' : '?'}${query}`
}

const mercadoPagoSimulation = hmacHeaderSimulation({
  provider: 'mercadopago',
  generate: generateMercadoPagoSecret,
  signHeaders: (secret, _body, input) => {
    const target = simulatedTarget(input.target, input.body)
    let requestId = headerValue(input.headers, MERCADOPAGO_REQUEST_ID_HEADER)
    if (requestId === undefined) {
      requestId = randomUUID()
      setHeader(input.headers, MERCADOPAGO_REQUEST_ID_HEADER, requestId)
    }
    const signed = signMercadoPago({ secret: secret.value, dataId: mercadoPagoQueryDataId(target), requestId, ts: String(input.now.getTime()) })
    setHeader(input.headers, MERCADOPAGO_SIGNATURE_HEADER, signed.header)
    return target === input.target ? undefined : { target }
  },
})

export const mercadoPagoProvider: ProviderModule<'mercadopago'> = {
  id: 'mercadopago',
  rules: {
    signatureHeader: ({ delivery }) => {
      const value = headerValue(delivery.headers, MERCADOPAGO_SIGNATURE_HEADER)
      return value !== undefined && isMercadoPagoSignatureValue(value) ? { variant: 'webhook', detectedBy: 'x-signature header (ts=…,v1=…)' } : null
    },
    notificationBody: ({ json }) =>
      isObject(json) && isWebhookBody(json) ? { variant: 'webhook', detectedBy: 'Mercado Pago notification body (action, type, data.id)' } : null,
    ipnQuery: ({ delivery, json }) =>
      isIpn(delivery) && (json === undefined ? delivery.body.length === 0 : isObject(json) && typeof json.topic === 'string')
        ? { variant: null, detectedBy: 'IPN notification (?topic=…&id=…)' }
        : null,
  },
  variantOf: (delivery) => (isIpn(delivery) && headerValue(delivery.headers, MERCADOPAGO_SIGNATURE_HEADER) === undefined ? null : 'webhook'),
  parse: parseMercadoPago,
  verify: (delivery, keys, options) => verifyMercadoPago(delivery, secretsOf(keys), options),
  acknowledgement: () => ({
    subject: 'Mercado Pago',
    expects: `HTTP 200 or 201 within ${MERCADOPAGO_TIMEOUT_MS / 1000} s`,
    consequence: 'and send the notification again (5 min, 45 min, 6 h, 2 days and 4 days after the first attempt)',
    acknowledgement: EMPTY_200,
    timeoutMs: MERCADOPAGO_TIMEOUT_MS,
    // The docs name 200 and 201 only: another 2xx may or may not count.
    judge: (status) => (status === 200 || status === 201 ? 'success' : is2xx(status) ? 'uncertain' : 'failure'),
  }),
  publicUrl: {
    rules: { https: { severity: 'required', why: 'Mercado Pago asks for an HTTPS URL for production notifications' }, ports: null, isIpv4Only: false },
    senderName: 'Mercado Pago',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: generateMercadoPagoSecret },
  deliveryIdentity: {
    label: 'notification id',
    // The body's notification id stays the same across retries; IPN has none: its topic and resource id.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : summary.eventType && summary.objectId ? [summary.eventType, summary.objectId] : null),
  },
  resign: {
    signatureHeader: { scheme: 'mercadopago-v1', apply: (draft, keys, { now }) => resignMercadoPago(draft, hmacSecretFor(keys, 'mercadopago'), now) },
  },
  simulate: mercadoPagoSimulation,
  retrySchedule: () => MERCADOPAGO_RETRIES,
}
