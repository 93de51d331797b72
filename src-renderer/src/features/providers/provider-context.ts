/**
 * Which provider a form about an endpoint starts from, and the key kind that provider needs: the
 * capture the user came from, else the provider the endpoint is pinned to, else the one its
 * captures come from most. One home for the rule, used by the key form, the simulator and the
 * pre-flight check.
 */
import { HMAC_PROVIDER_IDS, type HmacProviderId, type PinnableProviderId, type ProviderId } from '../../../../src-main/shared/provider-catalog'
import type { ProviderKeyKind } from '../../../../src-main/shared/providers'

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

const isHmacProvider = (provider: string): provider is HmacProviderId => (HMAC_PROVIDER_IDS as readonly string[]).includes(provider)

/**
 * The key kind (and provider) a provider's signatures are checked with. Standard Webhooks has two:
 * a `whsec_` secret for `v1` signatures, the sender's public key for `v1a` ones; a capture that
 * carries only `v1a` starts on the public key.
 */
export function keyFormStartFor(provider: ProviderId | null, receivedSignatures: readonly string[] = []): KeyFormStart {
  if (provider === null) return FALLBACK_START
  switch (provider) {
    case 'standard-webhooks': {
      const onlyV1a = receivedSignatures.length > 0 && receivedSignatures.every((signature) => signature.startsWith('v1a,'))
      return { ...FALLBACK_START, kind: onlyV1a ? 'ed25519-public-key' : 'hmac-secret', hmacProvider: 'standard-webhooks' }
    }
    case 'chip':
      return { ...FALLBACK_START, kind: 'rsa-public-key' }
    case 'plexo':
      return { ...FALLBACK_START, kind: 'certificate', certificateProvider: 'plexo' }
    case 'paypal':
      return { ...FALLBACK_START, kind: 'certificate', certificateProvider: 'paypal' }
    case 'generic':
      return { ...FALLBACK_START, kind: 'generic-hmac' }
    case 'swedbankpay':
    case 'unknown':
      // PayEx / Swedbank Pay callbacks are signals without a signature; an unknown sender tells nothing.
      return FALLBACK_START
    default:
      return isHmacProvider(provider) ? { ...FALLBACK_START, hmacProvider: provider } : FALLBACK_START
  }
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
