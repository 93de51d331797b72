/**
 * Which provider a form about an endpoint starts from, and the key kind that provider needs: the
 * capture the user came from, else the provider the endpoint is pinned to, else the one its
 * captures come from most. One home for the rule, used by the key form, the simulator and the
 * pre-flight check.
 */
import type { HmacProviderId, PinnableProviderId, ProviderId } from '@shared/provider-catalog'
import type { ProviderKeyKind } from '@shared/providers'

/** What a capture tells about the key it needs: its provider and the signatures it carried. */
export interface CaptureKeyHint {
  provider: ProviderId
  /** As in `SignatureExplanation.receivedSignatures`, e.g. `v1,…` or `v1a,…` for Standard Webhooks. */
  receivedSignatures: readonly string[]
}

/** The key form's first state. */
export interface KeyFormStart {
  kind: ProviderKeyKind
  hmacProvider: HmacProviderId
  certificateProvider: 'plexo' | 'paypal'
}

const FALLBACK_START: KeyFormStart = { kind: 'hmac-secret', hmacProvider: 'ixopay', certificateProvider: 'plexo' }

/** An HMAC provider's own secret. */
const hmacSecret = (hmacProvider: HmacProviderId): KeyFormStart => ({ ...FALLBACK_START, hmacProvider })

/**
 * Where the key form starts for each provider: a start, or a rule over the signatures the capture
 * carried. A mapped type over the ids, so a provider added to the catalog without a line here does
 * not compile.
 */
const KEY_FORM_STARTS: { readonly [P in ProviderId]: KeyFormStart | ((receivedSignatures: readonly string[]) => KeyFormStart) } = {
  ixopay: hmacSecret('ixopay'),
  chip: { ...FALLBACK_START, kind: 'rsa-public-key' },
  plexo: { ...FALLBACK_START, kind: 'certificate', certificateProvider: 'plexo' },
  // PayEx / Swedbank Pay callbacks are signals without a signature: nothing to start from.
  swedbankpay: FALLBACK_START,
  stripe: hmacSecret('stripe'),
  // Two key kinds: a `whsec_` secret for `v1` signatures, the sender's public key for `v1a` ones; a
  // capture that carries only `v1a` starts on the public key.
  'standard-webhooks': (receivedSignatures) => {
    const onlyV1a = receivedSignatures.length > 0 && receivedSignatures.every((signature) => signature.startsWith('v1a,'))
    return { ...hmacSecret('standard-webhooks'), kind: onlyV1a ? 'ed25519-public-key' : 'hmac-secret' }
  },
  github: hmacSecret('github'),
  shopify: hmacSecret('shopify'),
  adyen: hmacSecret('adyen'),
  mollie: hmacSecret('mollie'),
  paypal: { ...FALLBACK_START, kind: 'certificate', certificateProvider: 'paypal' },
  paddle: hmacSecret('paddle'),
  'checkout-com': hmacSecret('checkout-com'),
  mercadopago: hmacSecret('mercadopago'),
  braintree: hmacSecret('braintree'),
  square: hmacSecret('square'),
  gocardless: hmacSecret('gocardless'),
  razorpay: hmacSecret('razorpay'),
  paystack: hmacSecret('paystack'),
  generic: { ...FALLBACK_START, kind: 'generic-hmac' },
  // An unknown sender tells nothing.
  unknown: FALLBACK_START,
}

/** The key kind (and provider) a provider's signatures are checked with (`KEY_FORM_STARTS`). */
export function keyFormStartFor(provider: ProviderId | null, receivedSignatures: readonly string[] = []): KeyFormStart {
  if (provider === null) return FALLBACK_START
  const start = KEY_FORM_STARTS[provider]
  return typeof start === 'function' ? start(receivedSignatures) : start
}

/**
 * The provider most captures came from, given their providers newest first (ties: the newest);
 * `unknown` and unrecognised (`null`) never count.
 */
export function mostSeenProvider(providers: ReadonlyArray<ProviderId | null>): PinnableProviderId | null {
  const counts = new Map<PinnableProviderId, number>()
  let best: PinnableProviderId | null = null
  for (const id of providers) {
    if (id === null || id === 'unknown') continue
    const count = (counts.get(id) ?? 0) + 1
    counts.set(id, count)
    if (best === null || count > (counts.get(best) ?? 0)) best = id
  }
  return best
}

/** The provider a form starts from: the capture's (when recognised), else the pinned one, else the most seen. */
export function startingProvider(sources: {
  capture?: ProviderId | null
  pinned: PinnableProviderId | null
  mostSeen: PinnableProviderId | null
}): PinnableProviderId | null {
  if (sources.capture !== undefined && sources.capture !== null && sources.capture !== 'unknown') return sources.capture
  return sources.pinned ?? sources.mostSeen
}

/**
 * The providers whose signature covers the request target, the only ones the endpoint's "Signed
 * path" setting changes anything for (as core/recognition.ts `PATH_SIGNING_PROVIDERS`: IXOPAY signs
 * the path and query the gateway requested).
 */
export const PATH_SIGNING_PROVIDERS: readonly PinnableProviderId[] = ['ixopay']

/**
 * What the "Signed path" setting means on an endpoint pinned to `pinned` (`null`: recognised per
 * request), when it changes nothing there: said so, rather than examples of a provider the endpoint
 * does not receive. `name` gives a provider's display name.
 */
export function signedPathIrrelevance(pinned: PinnableProviderId | null, name: (id: PinnableProviderId) => string): string | null {
  if (pinned === null || PATH_SIGNING_PROVIDERS.includes(pinned)) return null
  return `${name(pinned)} does not sign the request path, so this setting changes nothing while the endpoint is pinned to it.`
}
