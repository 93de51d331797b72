/**
 * Which provider a bulk replay is about, for its example target and its signed-path warning. A
 * selection is about its own captures: ticked Swedbank Pay captures on an endpoint that mostly
 * receives IXOPAY were warned that "IXOPAY signs the path it calls" and shown IXOPAY's route. The
 * filter and the whole endpoint are about the endpoint (pinned provider, else the one seen most).
 */
import type { PinnableProviderId, ProviderId } from '@shared/provider-catalog'
import { mostSeenProvider } from '../providers/provider-context'

export interface ReplayedProvider {
  /** Names the example route: the provider most of the replayed captures come from. */
  example: ProviderId | null
  /** Checked for a signed path: IXOPAY when any replayed capture is IXOPAY's (each one would fail). */
  signedPath: ProviderId | null
}

export function replayedProvider(
  scope: 'selection' | 'filter' | 'endpoint' | undefined,
  selectedProviders: ReadonlyArray<ProviderId | null>,
  endpointProvider: PinnableProviderId | null,
): ReplayedProvider {
  if (scope !== 'selection') return { example: endpointProvider, signedPath: endpointProvider }
  return { example: mostSeenProvider(selectedProviders), signedPath: selectedProviders.includes('ixopay') ? 'ixopay' : mostSeenProvider(selectedProviders) }
}
