/**
 * The one entry point callers need: recognise, parse and verify a delivery. Never throws: every
 * step is guarded, and a failure inside a step degrades to the generic view or a `not-applicable`
 * verdict with the error in the explanation, because a capture must always be displayable.
 */
import type { ConfirmHint, DeliveryAnalysis, DeliverySummary, PinnableProviderId, ProviderKey, ProviderRecognition } from '../../shared/providers'
import { PROVIDER_NAMES } from '../../shared/providers'
import { assertNever } from '../../shared/assert-never'
import { parseJsonBody } from './body'
import { parseAdyen, verifyAdyen } from './adyen'
import { parseChip, verifyChip } from './chip'
import { errorMessage } from './crypto-utils'
import { detectProvider, pinnedRecognition } from './detect'
import { verifyGenericHmac } from './generic-hmac'
import { parseGithub, verifyGithub } from './github'
import { parseIxopay, verifyIxopay } from './ixopay'
import { parseMollie, verifyMollie } from './mollie'
import { parsePaypal, verifyPaypal } from './paypal'
import { parsePlexo, plexoConfirmHint, verifyPlexoLegacy } from './plexo'
import { parseShopify, verifyShopify } from './shopify'
import { parseStandardWebhooks, verifyStandardWebhooks } from './standard-webhooks'
import { parseStripe, verifyStripe } from './stripe'
import { genericSummary, emptySummary } from './summary'
import { parseSwedbankPay, swedbankPayConfirmHint } from './swedbankpay'
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
  /**
   * `false` skips the generic field listing of unknown senders: the receiver only keeps the
   * recognition with each capture, and the full view is computed when a capture is opened.
   */
  genericFields?: boolean
}

/** Recognises, parses and verifies a delivery. Never throws, whatever the body. */
export function analyzeDelivery(delivery: Delivery, options: AnalyzeOptions): DeliveryAnalysis {
  const keys = Array.isArray(options.keys) ? options.keys : []
  let provider: ProviderRecognition
  try {
    provider = options.pinnedProvider ? pinnedRecognition(options.pinnedProvider, delivery) : detectProvider(delivery, keys)
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

  const verifyOptions: VerifyOptions = { now: options.now }
  if (options.toleranceSeconds !== undefined) verifyOptions.toleranceSeconds = options.toleranceSeconds
  if (options.signedPathOverride !== undefined) verifyOptions.signedPathOverride = options.signedPathOverride
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

function parseFor(provider: ProviderRecognition, delivery: Delivery, genericFields: boolean): DeliverySummary {
  switch (provider.id) {
    case 'ixopay':
      return parseIxopay(delivery)
    case 'chip':
      return parseChip(delivery)
    case 'plexo':
      return parsePlexo(delivery)
    case 'swedbankpay':
      return parseSwedbankPay(delivery)
    case 'stripe':
      return parseStripe(delivery)
    case 'standard-webhooks':
      return parseStandardWebhooks(delivery)
    case 'github':
      return parseGithub(delivery)
    case 'shopify':
      return parseShopify(delivery)
    case 'adyen':
      return parseAdyen(delivery)
    case 'mollie':
      return parseMollie(delivery)
    case 'paypal':
      return parsePaypal(delivery)
    case 'generic':
    case 'unknown':
      return genericSummary(delivery.body, genericFields)
    default:
      return assertNever(provider.id)
  }
}

function verifyFor(
  provider: ProviderRecognition,
  delivery: Delivery,
  keys: readonly ProviderKey[],
  options: VerifyOptions,
  summary: DeliverySummary,
): VerifyResult {
  switch (provider.id) {
    case 'ixopay':
      return verifyIxopay(delivery, keys, options)
    case 'chip':
      return verifyChip(delivery, keys, options)
    case 'plexo': {
      if (provider.variant === 'legacy-envelope') return verifyPlexoLegacy(delivery, keys, options)
      const hint = summary.providerObjectId ? plexoConfirmHint(summary.providerObjectId) : null
      return unsigned(hint, `Plexo REST callbacks are unsigned by design${hint ? `; confirm with ${hint.display}` : ''}`)
    }
    case 'swedbankpay': {
      const hint = swedbankPayConfirmHint(parseJsonBody(delivery.body))
      return unsigned(hint, `PayEx / Swedbank Pay callbacks are unsigned by design${hint ? `; confirm with ${hint.display}` : ''}`)
    }
    case 'stripe':
      return verifyStripe(delivery, keys, options)
    case 'standard-webhooks':
      return verifyStandardWebhooks(delivery, keys, options)
    case 'github':
      return verifyGithub(delivery, keys, options)
    case 'shopify':
      return verifyShopify(delivery, keys, options)
    case 'adyen': {
      const adyen = verifyAdyen(delivery, keys, options)
      adyen.itemSignatures.forEach((status, index) => {
        const item = summary.items[index]
        if (item) item.signature = status
      })
      return { verdict: adyen.verdict, explanation: adyen.explanation }
    }
    case 'mollie':
      return verifyMollie(delivery, keys, options)
    case 'paypal':
      return verifyPaypal(delivery, keys, options)
    case 'generic':
      return verifyGenericHmac(delivery, keys, options)
    case 'unknown':
      return result(
        { status: 'not-applicable', message: 'unknown sender: no signature scheme to check (configure a generic HMAC scheme or pin a provider)' },
        newExplanation(null, null, null),
      )
    default:
      return assertNever(provider.id)
  }
}

function unsigned(hint: ConfirmHint | null, message: string): VerifyResult {
  return result({ status: 'unsigned', confirmHint: hint, message }, newExplanation(null, null, null))
}
