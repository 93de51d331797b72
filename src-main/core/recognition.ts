/**
 * Recognising and verifying captures with each endpoint's settings and keys. A capture is judged
 * as of the moment it arrived (`now` = its arrival time), so recomputing a verdict later (after a
 * key changes, or when the capture is opened) gives the same answer for time-bound schemes.
 */
import type { CaptureRecognition } from '../shared/views'
import type { HeaderPairs } from '../shared/http-message'
import type { DeliveryAnalysis, DeliverySummary, ProviderKey } from '../shared/providers'
import type { ProviderId } from '../shared/provider-catalog'
import { analyzeDelivery } from './providers'
import { splitTarget } from '../shared/slug'
import { originFormOf } from '../shared/target-text'
import type { StoredEndpoint } from './store/persisted-schema'

export type ProviderSettings = NonNullable<StoredEndpoint['providerSettings']>

export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  pinnedProvider: null,
  signedPath: { mode: 'as-received' },
  toleranceSeconds: null,
}

export interface DeliveryToJudge {
  method: string
  target: string
  headers: HeaderPairs
  body: Buffer
  receivedAt: Date
  /** `receivedAt` is when it was imported, not when it arrived: time-bound signatures check no tolerance. */
  arrivalUnknown?: boolean
  /** Headers the exporting app of an imported capture removed (a redacted export: `headersRemovedOnExport`); the verdict says so. */
  removedOnExport?: readonly string[]
}

/** `full: false` when only the recognition is kept (the capture path); `true` for a capture being opened. */
export function judgeDelivery(delivery: DeliveryToJudge, settings: ProviderSettings, keys: ProviderKey[], full = true): DeliveryAnalysis {
  // The sender signed the path and query: a target received in absolute form is verified by them.
  const target = originFormOf(delivery.target)
  const analysis = analyzeDelivery(
    { method: delivery.method, target, headers: delivery.headers, body: delivery.body },
    {
      now: delivery.receivedAt,
      keys,
      pinnedProvider: settings.pinnedProvider ?? undefined,
      signedPathOverride: signedPathFor(target, settings),
      toleranceSeconds: settings.toleranceSeconds ?? undefined,
      arrivalUnknown: delivery.arrivalUnknown === true,
      genericFields: full,
      removedHeaders: delivery.removedOnExport ?? [],
    },
  )
  return withRemovalSaid(analysis, delivery.removedOnExport ?? [])
}

/** A signature header's name (a credential header may be a plain `Authorization`). */
const SIGNATURE_HEADER_NAME = /signature|hmac|(?:^|[-_])sig(?:$|[-_])/i

/**
 * The verdict on an imported capture whose exporting app removed its signature header (a redacted
 * export): "no X-Signature header" or "unsigned by design" (a classic Mollie webhook, a Razorpay
 * webhook without a secret: what is left looks like one) would blame the sender, or name a
 * variant it did not send. It says the export removed it. Only a header the verdict names (or,
 * for "unsigned", a signature header): a removed `X-Api-Key` is not why GitHub found no
 * signature. A valid verdict stands: it was found on what the file kept, never on what it removed.
 */
function withRemovalSaid(analysis: DeliveryAnalysis, removed: readonly string[]): DeliveryAnalysis {
  const { verdict } = analysis
  if (removed.length === 0 || !((verdict.status === 'invalid' && verdict.reason === 'missing-header') || verdict.status === 'unsigned')) return analysis
  const said = verdict.message.toLowerCase()
  const named = removed.filter((name) => said.includes(name.toLowerCase()))
  const why = named.length > 0 || verdict.status !== 'unsigned' ? named : removed.filter((name) => SIGNATURE_HEADER_NAME.test(name))
  if (why.length === 0) return analysis
  const message = `the exporting app removed ${why.join(', ')} when it redacted the file, so there is no signature to check (without it: ${verdict.message})`
  return { ...analysis, verdict: { status: 'invalid', reason: 'missing-header', message } }
}

/**
 * The providers whose signature covers the request target, so that an endpoint's signed-path
 * setting decides what they are verified against: IXOPAY signs the path and query (providers.md
 * §1.3). The others sign the body, headers or ids only; Plexo's legacy envelope signs its JSON
 * `Object`, Mercado Pago the `data.id` of the query, Square the full URL its key names.
 */
export const PATH_SIGNING_PROVIDERS: ReadonlySet<ProviderId> = new Set<ProviderId>(['ixopay'])

/**
 * The request target the provider signed, when it differs from what the receiver saw (`target`,
 * `/<slug>/rest?query`): what the receiver verifies a path-covering signature against.
 */
export function signedPathFor(target: string, settings: ProviderSettings): string | undefined {
  switch (settings.signedPath.mode) {
    case 'as-received':
      return undefined
    case 'without-endpoint-prefix':
      return splitTarget(target).rest
    case 'fixed':
      return settings.signedPath.path
  }
}

/** The names of the fields `identifyingFields` gives. */
export const IDENTIFYING_FIELDS = ['eventType', 'status', 'objectId', 'eventId', 'revision', 'reference'] as const
export type IdentifyingField = (typeof IDENTIFYING_FIELDS)[number]

/**
 * The summary fields a stored recognition keeps that identify a delivery (its key is built from
 * them, deliveries/delivery-key.ts), named as the record names them: one home for the mapping,
 * shared by `toRecognition` and the key read again from an old capture's body.
 */
export function identifyingFields(summary: DeliverySummary): Pick<CaptureRecognition['summary'], IdentifyingField> {
  return {
    eventType: summary.eventType,
    status: summary.status,
    objectId: summary.providerObjectId,
    eventId: summary.eventId,
    revision: summary.revision,
    reference: summary.merchantReference,
  }
}

/** The part of an analysis kept with the capture and shown in lists. */
export function toRecognition(analysis: DeliveryAnalysis): CaptureRecognition {
  const { provider, summary, verdict } = analysis
  return {
    provider: { id: provider.id, name: provider.name, variant: provider.variant },
    verdict: { status: verdict.status, reason: verdict.status === 'invalid' ? verdict.reason : null, message: verdict.message },
    summary: {
      ...identifyingFields(summary),
      amount: summary.amount?.amountDisplay ?? null,
      paymentMethod: summary.paymentMethod,
      signalOnly: summary.signalOnly !== null,
    },
  }
}
