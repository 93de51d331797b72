/**
 * The example URL a send form shows (placeholder and hint): a route on the user's own server named
 * after the provider the callbacks come from, so a Stripe capture is not shown an IXOPAY route.
 */
import type { ProviderId } from '@shared/provider-catalog'

const EXAMPLE_SERVER = 'http://localhost:3000/callbacks'

/** Ids that name no provider a route would be named after. */
const NOT_A_PROVIDER: ReadonlySet<ProviderId> = new Set(['generic', 'unknown'])

/** `http://localhost:3000/callbacks/stripe` for Stripe; the bare callbacks route when the sender is not known. */
export function targetUrlExample(providerId: ProviderId | null): string {
  if (providerId === null || NOT_A_PROVIDER.has(providerId)) return EXAMPLE_SERVER
  return `${EXAMPLE_SERVER}/${providerId}`
}
