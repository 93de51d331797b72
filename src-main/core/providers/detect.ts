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
 * What every rule reads, with the body parsed as JSON once and only when a rule asks (most
 * deliveries match a header rule first). A class, not an object literal with a getter: a literal
 * with an accessor is a fresh dictionary-mode object per delivery, and thirty rules reading it
 * made recognition cost about twice as much (the receiver's throughput under `npm run bench` fell
 * with it).
 */
class LazyRecognitionInput implements RecognitionInput {
  #json: JsonValue | undefined
  #parsed = false

  constructor(
    readonly delivery: Delivery,
    readonly keys: readonly ProviderKey[],
  ) {}

  get json(): JsonValue | undefined {
    if (!this.#parsed) {
      this.#json = parseJsonBody(this.delivery.body)
      this.#parsed = true
    }
    return this.#json
  }
}

/**
 * Recognises the sender by the registry's rules, in order. `keys` lets an endpoint's generic HMAC
 * scheme claim deliveries that carry its header and match no known provider.
 */
export function detectProvider(delivery: Delivery, keys: readonly ProviderKey[] = []): ProviderRecognition {
  const input = new LazyRecognitionInput(delivery, keys)
  for (const { provider, match } of RECOGNITION_ORDER) {
    const found = match(input)
    if (found) return recognised(provider, found.variant, found.detectedBy)
  }
  return { id: 'unknown', name: PROVIDER_NAMES.unknown, variant: null, detectedBy: 'no recognition rule matched', pinned: false }
}

/**
 * The recognition for a pinned provider: the endpoint decides who, the delivery decides the
 * variant. `removedHeaders` (named by an export that removed them) count as present for the
 * variant only: their values are gone, but that the sender sent them is what tells a variant.
 */
export function pinnedRecognition(id: PinnableProviderId, delivery: Delivery, removedHeaders: readonly string[] = []): ProviderRecognition {
  const asSent =
    removedHeaders.length === 0 ? delivery : { ...delivery, headers: [...delivery.headers, ...removedHeaders.map((name): [string, string] => [name, ''])] }
  return { id, name: PROVIDER_NAMES[id], variant: providerModule(id).variantOf(asSent), detectedBy: 'pinned by the endpoint setting', pinned: true }
}
