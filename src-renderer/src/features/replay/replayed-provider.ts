/**
 * Which provider a bulk replay is about, for its example target and its signed-path warning. A
 * selection is about its own captures: ticked Swedbank Pay captures on an endpoint that mostly
 * receives IXOPAY were warned that "IXOPAY signs the path it calls" and shown IXOPAY's route. The
 * filter and the whole endpoint are about the endpoint (pinned provider, else the one seen most).
 * A selection made in All captures has no endpoint on screen: the signed-path warning is about the
 * endpoint its IXOPAY captures came to (the one most of them did).
 */
import type { PinnableProviderId, ProviderId } from '@shared/provider-catalog'
import { mostSeenProvider } from '../providers/provider-context'

export interface ReplayedProvider {
  /** Names the example route: the provider most of the replayed captures come from. */
  example: ProviderId | null
  /** Checked for a signed path: IXOPAY when any replayed capture is IXOPAY's (each one would fail). */
  signedPath: ProviderId | null
}

/** A ticked capture, as the bulk replay dialog judges it. */
export interface SelectedCapture {
  providerId: ProviderId | null
  endpointId: string
}

/** The endpoint most of the selected IXOPAY captures came to (the first such in a tie), or `null` when none is IXOPAY's. */
export function signedPathEndpointOf(selected: ReadonlyArray<SelectedCapture>): string | null {
  const counts = new Map<string, number>()
  let best: string | null = null
  for (const capture of selected) {
    if (capture.providerId !== 'ixopay') continue
    const count = (counts.get(capture.endpointId) ?? 0) + 1
    counts.set(capture.endpointId, count)
    if (best === null || count > (counts.get(best) ?? 0)) best = capture.endpointId
  }
  return best
}

export function replayedProvider(
  scope: 'selection' | 'filter' | 'endpoint' | undefined,
  selectedProviders: ReadonlyArray<ProviderId | null>,
  endpointProvider: PinnableProviderId | null,
): ReplayedProvider {
  if (scope !== 'selection') return { example: endpointProvider, signedPath: endpointProvider }
  return { example: mostSeenProvider(selectedProviders), signedPath: selectedProviders.includes('ixopay') ? 'ixopay' : mostSeenProvider(selectedProviders) }
}
