/**
 * Recognition: who sent a delivery. The rules are the providers' own (each module's `rules`) and
 * apply in the registry's `RECOGNITION_ORDER`; the first match wins. A pinned provider (endpoint
 * setting) skips detection but still gets its variant from the delivery.
 */
import { PROVIDER_NAMES, type PinnableProviderId, type ProviderKey, type ProviderRecognition, type ProviderVariant } from '../../shared/providers'
import { parseJsonBody, type JsonValue } from './body'
import type { RecognitionInput } from './provider-module'
import { providerModule, RECOGNITION_ORDER } from './registry'
import type { Delivery } from './verification'

function recognised(id: PinnableProviderId, variant: ProviderVariant | null, detectedBy: string): ProviderRecognition {
  return { id, name: PROVIDER_NAMES[id], variant, detectedBy, pinned: false }
}

/**
 * Recognises the sender by the registry's rules, in order. `keys` lets an endpoint's generic HMAC
 * scheme claim deliveries that carry its header and match no known provider.
 */
export function detectProvider(delivery: Delivery, keys: readonly ProviderKey[] = []): ProviderRecognition {
  // The body is parsed once, and only when a rule reads it (most deliveries match a header rule first).
  let json: JsonValue | undefined
  let parsed = false
  const input: RecognitionInput = {
    delivery,
    keys,
    get json() {
      if (!parsed) {
        json = parseJsonBody(delivery.body)
        parsed = true
      }
      return json
    },
  }
  for (const { provider, match } of RECOGNITION_ORDER) {
    const found = match(input)
    if (found) return recognised(provider, found.variant, found.detectedBy)
  }
  return { id: 'unknown', name: PROVIDER_NAMES.unknown, variant: null, detectedBy: 'no recognition rule matched', pinned: false }
}

/** The recognition for a pinned provider: the endpoint decides who, the delivery decides the variant. */
export function pinnedRecognition(id: PinnableProviderId, delivery: Delivery): ProviderRecognition {
  return { id, name: PROVIDER_NAMES[id], variant: providerModule(id).variantOf(delivery), detectedBy: 'pinned by the endpoint setting', pinned: true }
}
