/** The secret strings among an endpoint's keys: what no export may contain. */
import type { ProviderKey } from '../../shared/providers'

/**
 * HMAC secrets (also the base64 part of a `whsec_…` secret, as senders sometimes echo it), API
 * keys and generic-HMAC secrets. Public keys, certificates and PayPal webhook ids are not secret.
 */
export function secretsOfKeys(keys: readonly ProviderKey[]): string[] {
  const secrets: string[] = []
  for (const key of keys) {
    switch (key.kind) {
      case 'hmac-secret':
        secrets.push(key.value)
        if (key.value.startsWith('whsec_')) secrets.push(key.value.slice('whsec_'.length))
        if (key.apiKey) secrets.push(key.apiKey)
        break
      case 'generic-hmac':
        secrets.push(key.secret)
        break
      case 'rsa-public-key':
      case 'ed25519-public-key':
      case 'certificate':
      case 'paypal-webhook-id':
        break
      default: {
        const unknownKey: never = key
        void unknownKey
      }
    }
  }
  return secrets.filter((secret) => secret.length > 0)
}
