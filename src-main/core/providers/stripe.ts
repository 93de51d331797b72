/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=...][,v0=...]`, where
 * v1 = hex(HMAC-SHA256(endpoint secret "whsec_..." as-is, t + "." + rawBody)) (stripe-node
 * `src/Webhooks.ts`). Valid when any v1 matches and the timestamp is at most the tolerance old.
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { setHeader } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { keyFingerprint } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { at, firstText, prop, type JsonObject } from './body'
import { generic2xx, hasHeader } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { hmacHeaderSimulation } from './simulation'
import { emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import { parseTimestampedHeader, signTimestampedHeader, verifyTimestampedHeader, type TimestampedHmacScheme } from './timestamped-hmac-header'
import type { Delivery, VerifyOptions, VerifyResult } from './verification'

/** stripe-node's default tolerance. */
export const STRIPE_DEFAULT_TOLERANCE_SECONDS = 300

export const STRIPE_SCHEME: TimestampedHmacScheme = {
  scheme: 'stripe-v1',
  formula: 'hex(HMAC-SHA256("whsec_..." as-is, t + "." + rawBody)), any v1 matches, now − t ≤ tolerance',
  headerName: 'Stripe-Signature',
  providerName: 'Stripe',
  separator: ',',
  timestampName: 't',
  signatureName: 'v1',
  article: 'a',
  signedSeparator: '.',
  defaultToleranceSeconds: STRIPE_DEFAULT_TOLERANCE_SECONDS,
  clock: 'max-age',
  library: 'stripe-node',
  decodesBody: true,
  ignoredBecause: 'as Stripe does',
  notesRotation: false,
  noKey: { message: 'no Stripe endpoint secret (whsec_...) configured for this endpoint', attemptDetail: 'no secret configured: nothing to compute' },
  toleranceSource: '',
}

export interface StripeSignatureHeader {
  timestamp: number | null
  v1: string[]
  /** Other schemes (v0...), ignored as Stripe does. */
  ignored: string[]
}

/** Splits on `,` then on the first `=`, as stripe-node does. */
export function parseStripeSignatureHeader(value: string): StripeSignatureHeader {
  const { timestamp, signatures, ignored } = parseTimestampedHeader(STRIPE_SCHEME, value)
  return { timestamp, v1: signatures, ignored }
}

/** Builds a Stripe-Signature header value (what `stripe.webhooks.generateTestHeaderString` makes). */
export function signStripe(input: { secret: string; body: Buffer | string; timestamp: number }): { header: string; signature: string; signedMessage: string } {
  return signTimestampedHeader(STRIPE_SCHEME, input)
}

export function verifyStripe(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  return verifyTimestampedHeader(STRIPE_SCHEME, delivery, hmacSecretsFor(keys, 'stripe'), options)
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
  simulate: hmacHeaderSimulation({
    provider: 'stripe',
    generate: () => stripeProvider.hmacSecret.generate(),
    signHeaders: (secret, body, input) => {
      setHeader(input.headers, STRIPE_SCHEME.headerName, signStripe({ secret: secret.value, body, timestamp: Math.floor(input.now.getTime() / 1000) }).header)
      return undefined
    },
  }),
  retrySchedule: () => STRIPE_RETRIES,
}
