/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=...][,v0=...]`, where
 * v1 = hex(HMAC-SHA256(endpoint secret "whsec_..." as-is, t + "." + rawBody)) (stripe-node
 * `src/Webhooks.ts`). Valid when any v1 matches and the timestamp is at most the tolerance old.
 */
import { headerValue, setHeader } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { at, firstText, prop, type JsonObject } from './body'
import { decodeHexStrict } from '../crypto/bytes'
import { checkHmacCandidates } from './hmac-check'
import { keyFingerprint } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import {
  HMAC_MISMATCH,
  checkTimestamp,
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
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { generic2xx, hasHeader, signatureHeaderParts } from './module-parts'
import type { ProviderModule } from './provider-module'
import { signedWithSecret, simulationSecret } from './simulation'
import type { SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'

/** stripe-node's default tolerance. */
export const STRIPE_DEFAULT_TOLERANCE_SECONDS = 300
const SHA256_BYTES = 32

export interface StripeSignatureHeader {
  timestamp: number | null
  v1: string[]
  /** Other schemes (v0...), ignored as Stripe does. */
  ignored: string[]
}

/** Splits on `,` then on the first `=`, as stripe-node does. */
export function parseStripeSignatureHeader(value: string): StripeSignatureHeader {
  const parsed: StripeSignatureHeader = { timestamp: null, v1: [], ignored: [] }
  for (const { name, content, raw } of signatureHeaderParts(value, ',')) {
    if (name === null) continue
    if (name === 't') parsed.timestamp = /^\d{1,12}$/.test(content) ? Number(content) : null
    else if (name === 'v1') parsed.v1.push(content)
    else parsed.ignored.push(raw)
  }
  return parsed
}

/** Builds a Stripe-Signature header value (what `stripe.webhooks.generateTestHeaderString` makes). */
export function signStripe(input: { secret: string; body: Buffer | string; timestamp: number }): { header: string; signature: string; signedMessage: string } {
  const signed = concatBytes([`${input.timestamp}.`, input.body])
  const signature = hmacBytes('sha256', input.secret, [signed]).toString('hex')
  return { header: `t=${input.timestamp},v1=${signature}`, signature, signedMessage: signed.toString('utf8') }
}

export function verifyStripe(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'stripe-v1',
    'hex(HMAC-SHA256("whsec_..." as-is, t + "." + rawBody)), any v1 matches, now − t ≤ tolerance',
    'Stripe-Signature header',
  )
  const header = headerValue(delivery.headers, 'Stripe-Signature')
  if (header === undefined) return result(invalidVerdict('missing-header', 'no Stripe-Signature header'), explanation)
  const parsed = parseStripeSignatureHeader(header)
  explanation.receivedSignatures.push(...parsed.v1)
  if (parsed.ignored.length > 0) explanation.notes.push(`ignored: ${parsed.ignored.join(', ')} (only v1 is checked, as Stripe does)`)
  if (parsed.timestamp === null) return result(invalidVerdict('malformed-signature', 'Stripe-Signature has no valid t=<unix seconds>'), explanation)
  const received = parsed.v1.map(decodeHexStrict).filter((bytes): bytes is Buffer => bytes !== null && bytes.length === SHA256_BYTES)
  if (received.length === 0)
    return result(
      invalidVerdict('malformed-signature', parsed.v1.length === 0 ? 'Stripe-Signature has no v1 signature' : 'no v1 value is a 64-character hex HMAC-SHA256'),
      explanation,
    )

  const tolerance = options.toleranceSeconds ?? STRIPE_DEFAULT_TOLERANCE_SECONDS
  const timestamp = checkTimestamp(parsed.timestamp, options.now, tolerance, 'max-age')
  explanation.timestamp = timestamp
  const signed = concatBytes([`${parsed.timestamp}.`, delivery.body])
  const secrets = hmacSecretsFor(keys, 'stripe')
  if (secrets.length === 0) {
    explanation.attempts.push(makeAttempt({ variant: 'v1', matched: false, ...signedStringFields(signed), detail: 'no secret configured: nothing to compute' }))
    return result(noKeyVerdict('no Stripe endpoint secret (whsec_...) configured for this endpoint'), explanation)
  }

  const { matched } = checkHmacCandidates({
    candidates: secrets.map((key) => ({ key, secret: key.value })),
    algorithm: 'sha256',
    signed,
    received,
    encode: (mac) => mac.toString('hex'),
    variant: `v1 (${received.length} signature${received.length === 1 ? '' : 's'} in the header)`,
    explanation,
  })
  const age = describeSkew(timestamp.skewSeconds)
  if (matched && timestamp.withinTolerance)
    return result(validVerdict('v1', `a v1 signature matches; timestamp ${age} (tolerance ${tolerance} s)`), explanation)
  if (matched)
    return result(
      invalidVerdict('stale-timestamp', `timestamp outside tolerance: signed ${age}, tolerance ${tolerance} s (the signature itself matches)`),
      explanation,
    )
  return result(
    invalidVerdict(
      'signature-mismatch',
      `${HMAC_MISMATCH} (no v1 signature matches)${timestamp.withinTolerance ? '' : `; the timestamp is also outside tolerance (${age})`}`,
    ),
    explanation,
  )
}

/** Summary of a Stripe event. */
export function parseStripe(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'event', summariseEvent)
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const object = at(event, 'data', 'object')
  summary.eventType = firstText(event.type)
  summary.eventId = firstText(event.id)
  summary.status = firstText(prop(object, 'status'))
  summary.providerObjectId = firstText(prop(object, 'id'))
  summary.merchantReference = firstText(prop(object, 'client_reference_id'), at(object, 'metadata', 'order_id'), at(object, 'metadata', 'reference'))
  const amount = prop(object, 'amount') ?? prop(object, 'amount_total') ?? prop(object, 'amount_due')
  summary.amount = minorAmount(amount, prop(object, 'currency'))
  summary.isTest = typeof event.livemode === 'boolean' ? !event.livemode : null
  const card = at(object, 'payment_method_details', 'card')
  summary.maskedCard = maskCard(null, prop(card, 'last4'))
  summary.paymentMethod = firstText(prop(card, 'brand'), at(object, 'payment_method_types'))
  summary.errorCode = firstText(at(object, 'last_payment_error', 'code'), prop(object, 'failure_code'))
  summary.errorMessage = firstText(at(object, 'last_payment_error', 'message'), prop(object, 'failure_message'))
  const fields = summary.fields
  pushField(fields, 'Event id', event.id)
  pushField(fields, 'Event type', event.type)
  pushField(fields, 'API version', event.api_version)
  pushField(fields, 'Live mode', event.livemode)
  pushField(fields, 'Object', prop(object, 'object'))
  pushField(fields, 'Object id', prop(object, 'id'))
  pushField(fields, 'Status', prop(object, 'status'))
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Customer', prop(object, 'customer'))
  pushField(fields, 'Card', summary.maskedCard)
  pushField(fields, 'Error', summary.errorMessage)
  return summary
}

// Stripe, https://docs.stripe.com/webhooks (automatic retries): live mode retries for up to three
// days with exponential backoff, sandboxes three times over a few hours; no per-attempt times.
const STRIPE_RETRIES: RetrySchedule = {
  provider: 'stripe',
  title: 'Stripe',
  kind: 'outline',
  description:
    'Live mode: retried for up to 3 days with exponential backoff. Sandbox: retried 3 times over a few hours. Stripe gives no per-attempt times and does not guarantee order.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://docs.stripe.com/webhooks',
  sourceTitle: 'Stripe: receive events in your webhook endpoint (automatic retries)',
  confirmed: true,
  caveat: null,
}

function resignStripe(draft: SigningDraft, key: HmacKey | undefined, nowSeconds: number): void {
  if (draft.header('Stripe-Signature') === undefined) return
  if (!key) {
    draft.skip(
      'stripe-v1',
      'stripe',
      'no Stripe signing secret configured: the captured signature is sent unchanged, and Stripe libraries reject it once its timestamp is older than 300 s',
    )
    return
  }
  const signed = signStripe({ secret: key.value, body: draft.body, timestamp: nowSeconds })
  draft.setHeader('Stripe-Signature', signed.header, { scheme: 'stripe-v1', provider: 'stripe', keyFingerprint: keyFingerprint(key) })
}

export const stripeProvider: ProviderModule<'stripe'> = {
  id: 'stripe',
  rules: {
    signatureHeader: ({ delivery }) => (hasHeader(delivery, 'Stripe-Signature') ? { variant: 'v1', detectedBy: 'Stripe-Signature header' } : null),
  },
  variantOf: () => 'v1',
  parse: parseStripe,
  verify: verifyStripe,
  acknowledgement: () => generic2xx('Stripe', 'and retry (for up to 3 days in live mode, a few times over hours in a sandbox)'),
  publicUrl: {
    rules: { https: { severity: 'required', why: 'Stripe only delivers to https endpoints in live mode' }, ports: null, isIpv4Only: false },
    senderName: 'Stripe',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: {
    check: (value, warnings) => {
      if (!value.startsWith('whsec_')) warnings.push('Stripe endpoint secrets start with whsec_; this one does not (it is used as-is)')
      return null
    },
    generate: () => `whsec_${randomBytes(24).toString('hex')}`,
  },
  deliveryIdentity: {
    label: 'event id',
    // The event id is the same on every retry; records stored before it was kept use the bytes.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  resign: {
    signatureHeader: { scheme: 'stripe-v1', apply: (draft, keys, { nowSeconds }) => resignStripe(draft, hmacSecretFor(keys, 'stripe'), nowSeconds) },
  },
  simulate: {
    keyKinds: ['hmac-secret'],
    sign: (input) => {
      const secret = simulationSecret(input.keys, 'stripe', stripeProvider.hmacSecret.generate)
      const body = input.serialise(input.body)
      setHeader(input.headers, 'Stripe-Signature', signStripe({ secret: secret.key.value, body, timestamp: Math.floor(input.now.getTime() / 1000) }).header)
      return signedWithSecret(secret, body)
    },
  },
  retrySchedule: () => STRIPE_RETRIES,
}
