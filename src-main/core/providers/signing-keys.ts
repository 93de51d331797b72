/** Picking the key for a scheme out of the keys at hand, and naming private keys safely. */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import type { HmacProviderId, ProviderKey } from '../../shared/providers'
import type { Ed25519PrivateKey, RsaPrivateKey, SigningKey } from '../../shared/replay'

export type HmacKey = Extract<ProviderKey, { kind: 'hmac-secret' }>

/** The first secret for the provider (the newest, when the list is kept newest first). */
export function hmacSecretFor(keys: readonly SigningKey[], provider: HmacProviderId): HmacKey | undefined {
  return keys.find((key): key is HmacKey => key.kind === 'hmac-secret' && key.provider === provider)
}

export function privateKeyFor(keys: readonly SigningKey[], provider: RsaPrivateKey['provider']): RsaPrivateKey | undefined {
  return keys.find((key): key is RsaPrivateKey => key.kind === 'rsa-private-key' && key.provider === provider)
}

/** The first Standard Webhooks ed25519 private key (it signs `v1a`). */
export function ed25519PrivateKeyFor(keys: readonly SigningKey[]): Ed25519PrivateKey | undefined {
  return keys.find((key): key is Ed25519PrivateKey => key.kind === 'ed25519-private-key')
}

/**
 * Fingerprint of a private key: that of its public half, so it equals the fingerprint the verifier
 * shows for the matching `rsa-public-key` (SHA-256 over the SPKI DER, first 16 hex characters).
 */
export function privateKeyFingerprint(key: RsaPrivateKey): string {
  const der = createPublicKey(createPrivateKey(key.pem)).export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 16)
}
