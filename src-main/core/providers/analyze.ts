/**
 * The one entry point callers need: recognise, parse and verify a delivery. Never throws: every
 * step is guarded, and a failure inside a step degrades to the generic view or a `not-applicable`
 * verdict with the error in the explanation, because a capture must always be displayable.
 */
import { errorMessage } from '../../shared/errors'
import type { DeliveryAnalysis, DeliverySummary, PinnableProviderId, ProviderKey, ProviderRecognition } from '../../shared/providers'
import { PROVIDER_NAMES } from '../../shared/providers'
import { unparsedJsonReason, withWrittenNumbers } from './body'
import { detectProvider, pinnedRecognition } from './detect'
import { providerModule } from './registry'
import { genericSummary, emptySummary } from './summary'
import { newExplanation, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export interface AnalyzeOptions {
  /** Injected clock (time-bound schemes). */
  now: Date
  /** Endpoint setting overriding detection. */
  pinnedProvider?: PinnableProviderId
  /** The endpoint's configured key material. */
  keys: ProviderKey[]
  /** IXOPAY: the original callback path and query when a proxy or endpoint prefix changed it. */
  signedPathOverride?: string
  /** Overrides the default tolerance of time-bound schemes. */
  toleranceSeconds?: number
  /** `now` is not when the delivery arrived (see VerifyOptions.arrivalUnknown). */
  arrivalUnknown?: boolean
  /**
   * `false` skips the generic field listing of unknown senders: the receiver only keeps the
   * recognition with each capture, and the full view is computed when a capture is opened.
   */
  genericFields?: boolean
  /**
   * Headers the delivery had before an export removed them (a redacted export's signature header):
   * a pinned provider's variant is read as though they were still there, since it is told by them
   * (a next-gen Mollie webhook without X-Mollie-Signature is no classic one).
   */
  removedHeaders?: readonly string[]
}

/** Recognises, parses and verifies a delivery. Never throws, whatever the body. */
export function analyzeDelivery(delivery: Delivery, options: AnalyzeOptions): DeliveryAnalysis {
  const keys = Array.isArray(options.keys) ? options.keys : []
  let provider: ProviderRecognition
  try {
    provider = options.pinnedProvider ? pinnedRecognition(options.pinnedProvider, delivery, options.removedHeaders) : detectProvider(delivery, keys)
  } catch (error: unknown) {
    provider = { id: 'unknown', name: PROVIDER_NAMES.unknown, variant: null, detectedBy: `recognition failed: ${errorMessage(error)}`, pinned: false }
  }

  let summary: DeliverySummary
  try {
    summary = parseFor(provider, delivery, options.genericFields ?? true)
  } catch (error: unknown) {
    summary = safeGenericSummary(delivery.body)
    summary.problems.push(`the ${provider.name} parser failed: ${errorMessage(error)}`)
  }

  const unparsed = unparsedJsonReason(delivery.body)
  if (unparsed !== null) summary.problems.push(`the body was not parsed as JSON: ${unparsed} (it is kept, and checked, byte for byte)`)

  const verifyOptions: VerifyOptions = { now: options.now }
  if (options.toleranceSeconds !== undefined) verifyOptions.toleranceSeconds = options.toleranceSeconds
  if (options.signedPathOverride !== undefined) verifyOptions.signedPathOverride = options.signedPathOverride
  if (options.arrivalUnknown === true) verifyOptions.arrivalUnknown = true
  let verification: VerifyResult
  try {
    verification = verifyFor(provider, delivery, keys, verifyOptions, summary)
  } catch (error: unknown) {
    const explanation = newExplanation(null, null, null)
    explanation.notes.push(`verification failed unexpectedly: ${errorMessage(error)}`)
    verification = result({ status: 'not-applicable', message: 'the signature could not be checked (see notes)' }, explanation)
  }
  return { provider, summary, verdict: verification.verdict, explanation: verification.explanation }
}

function safeGenericSummary(body: Buffer): DeliverySummary {
  try {
    return genericSummary(body)
  } catch (error: unknown) {
    const summary = emptySummary('binary')
    summary.problems.push(`the body could not be read: ${errorMessage(error)}`)
    return summary
  }
}

/** The summary, its numbers shown as the body wrote them (`withWrittenNumbers`: 100.50, not 100.5). */
function parseFor(provider: ProviderRecognition, delivery: Delivery, genericFields: boolean): DeliverySummary {
  // An unknown sender gets the generic field listing.
  if (provider.id === 'unknown') return withWrittenNumbers(delivery.body, () => genericSummary(delivery.body, genericFields))
  const module = providerModule(provider.id)
  return withWrittenNumbers(delivery.body, () => module.parse(delivery, { genericFields }))
}

function verifyFor(
  provider: ProviderRecognition,
  delivery: Delivery,
  keys: readonly ProviderKey[],
  options: VerifyOptions,
  summary: DeliverySummary,
): VerifyResult {
  if (provider.id === 'unknown') {
    return result(
      { status: 'not-applicable', message: 'unknown sender: no signature scheme to check (configure a generic HMAC scheme or pin a provider)' },
      newExplanation(null, null, null),
    )
  }
  // The explanation's notes name body values too ("the body says 12345678901234567890").
  const module = providerModule(provider.id)
  return withWrittenNumbers(delivery.body, () => module.verify(delivery, keys, options, { variant: provider.variant, pinned: provider.pinned, summary }))
}
