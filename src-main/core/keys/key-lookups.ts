/**
 * The keys of one kind (and provider) among an endpoint's keys, typed by kind, in configuration
 * order: the order the verifiers try them in.
 */
import type { HmacProviderId, ProviderKey } from '../../shared/providers'

/** HMAC secrets configured for one provider, in configuration order. */
export function hmacSecretsFor(keys: readonly ProviderKey[], provider: HmacProviderId): Array<Extract<ProviderKey, { kind: 'hmac-secret' }>> {
  return keys.filter((key): key is Extract<ProviderKey, { kind: 'hmac-secret' }> => key.kind === 'hmac-secret' && key.provider === provider)
}

/** Standard Webhooks public keys (they check `v1a` signatures), in configuration order. */
export function ed25519PublicKeysFor(keys: readonly ProviderKey[]): Array<Extract<ProviderKey, { kind: 'ed25519-public-key' }>> {
  return keys.filter((key): key is Extract<ProviderKey, { kind: 'ed25519-public-key' }> => key.kind === 'ed25519-public-key')
}

/** X.509 certificates configured for Plexo or PayPal, in configuration order. */
export function certificatesFor(keys: readonly ProviderKey[], provider: 'plexo' | 'paypal'): Array<Extract<ProviderKey, { kind: 'certificate' }>> {
  return keys.filter((key): key is Extract<ProviderKey, { kind: 'certificate' }> => key.kind === 'certificate' && key.provider === provider)
}
