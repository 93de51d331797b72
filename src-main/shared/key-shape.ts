/**
 * One rule, used by the key form as you type and by the core when a key is added: a secret whose
 * recognisable shape belongs to another provider (or is not a webhook secret at all) is refused,
 * with the provider it does belong to. Pure, no imports beyond the catalogue, so the renderer and
 * the core call the very same function.
 *
 * Only prefixes the providers document are used: a `whsec_` secret filed under IXOPAY verifies
 * nothing and leaves every capture at "no key", silently. Shapes that are merely unusual (a Stripe
 * secret without `whsec_`) are the core's warnings, not refusals.
 */
import { PROVIDER_NAMES, type HmacProviderId } from './provider-catalog'

/** Why a secret cannot be meant for the provider it is filed under, and which provider it looks like. */
export interface KeyShapeMismatch {
  message: string
  /** The provider (for an HMAC secret) the value looks like, when there is one to switch to. */
  suggestedProvider: HmacProviderId | null
}

interface KnownShape {
  test: (value: string) => boolean
  /** Providers for which this shape is right; empty: right for none (not a webhook secret). */
  belongsTo: readonly HmacProviderId[]
  what: string
  /** What to do instead when no provider in `belongsTo` fits. */
  instead?: string
}

const KNOWN_SHAPES: readonly KnownShape[] = [
  // Stripe endpoint secrets and Standard Webhooks / Svix signing secrets both start with whsec_.
  { test: (value) => value.startsWith('whsec_'), belongsTo: ['stripe', 'standard-webhooks'], what: 'a Stripe or Standard Webhooks signing secret (whsec_…)' },
  { test: (value) => value.startsWith('shpss_'), belongsTo: ['shopify'], what: 'a Shopify app secret (shpss_…)' },
  { test: (value) => value.startsWith('pdl_ntfset_'), belongsTo: ['paddle'], what: 'a Paddle notification destination secret key (pdl_ntfset_…)' },
  // Paystack signs its webhooks with the secret API key itself: sk_test_/sk_live_ and 40 hex digits.
  { test: (value) => /^sk_(?:test|live)_[0-9a-f]{40}$/.test(value), belongsTo: ['paystack'], what: 'a Paystack secret key (sk_test_… / sk_live_…)' },
  {
    test: (value) => /^(?:sk|rk|pk)_(?:test|live)_/.test(value),
    belongsTo: [],
    what: 'a Stripe API key, not a webhook signing secret',
    instead: "use the endpoint's signing secret (whsec_…) from the Stripe dashboard or `stripe listen`",
  },
  {
    test: (value) => value.startsWith('whpk_') || value.startsWith('whsk_'),
    belongsTo: [],
    what: 'a Standard Webhooks ed25519 key (whpk_… / whsk_…), not an HMAC secret',
    instead: 'add the sender’s public key (whpk_…) with the kind "Standard Webhooks public key (v1a)"',
  },
  {
    test: (value) => /-----BEGIN [A-Z ]+-----/.test(value),
    belongsTo: [],
    what: 'a PEM key or certificate, not an HMAC secret',
    instead: 'choose the kind that matches it (CHIP RSA public key, certificate, Standard Webhooks public key)',
  },
]

/**
 * `null` when `value` may be an HMAC secret of `provider`, else why not. Standard Webhooks' own
 * key prefixes (`whpk_`, `whsk_`) and Paystack's API keys are left to the core's more specific messages.
 */
export function describeSecretShapeMismatch(provider: HmacProviderId, value: string): KeyShapeMismatch | null {
  const trimmed = value.trim()
  const shape = KNOWN_SHAPES.find((each) => each.test(trimmed))
  if (shape === undefined || shape.belongsTo.includes(provider)) return null
  if (provider === 'standard-webhooks' && (trimmed.startsWith('whpk_') || trimmed.startsWith('whsk_'))) return null
  // Any Paystack API key is left to the Paystack module's check (a public key pk_… gets its own message).
  if (provider === 'paystack' && /^(?:sk|pk)_(?:test|live)_/.test(trimmed)) return null
  const filedUnder = PROVIDER_NAMES[provider]
  const [suggested] = shape.belongsTo
  if (suggested === undefined) {
    return {
      message: `this looks like ${shape.what}; it cannot verify ${filedUnder} signatures: ${shape.instead ?? 'check what you pasted'}`,
      suggestedProvider: null,
    }
  }
  const choices = shape.belongsTo.map((each) => PROVIDER_NAMES[each]).join(' or ')
  return {
    message: `this looks like ${shape.what}, not a secret for ${filedUnder}: file it under ${choices}, or paste the ${filedUnder} secret`,
    suggestedProvider: suggested,
  }
}
