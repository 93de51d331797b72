/** The provider an endpoint is about: its pin, and the provider its newest captures come from most. */
import { useQuery } from '@tanstack/react-query'
import type { PinnableProviderId, ProviderId } from '@shared/provider-catalog'
import type { ProviderSettingsView } from '@shared/views'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'
import { mostSeenProvider } from './provider-context'

/** How many of the newest captures decide the most seen provider: recent traffic, one small page. */
const RECENT_CAPTURES = 200

export interface EndpointProvider {
  pinned: PinnableProviderId | null
  mostSeen: PinnableProviderId | null
  /** Providers the endpoint has a key for. */
  keyProviders: ProviderId[]
  /** Which path the provider signed (IXOPAY): as received unless the endpoint says otherwise. */
  signedPath: ProviderSettingsView['signedPath']
  /** False until both are known, so a form does not start on a guess and then jump. */
  isSettled: boolean
}

export function useEndpointProvider(endpointId: string | null): EndpointProvider {
  const settings = useQuery({
    queryKey: queryKeys.providerSettings(endpointId ?? ''),
    queryFn: () => call('getProviderSettings', { endpointId: endpointId ?? '' }),
    enabled: endpointId !== null,
  })
  const recent = useQuery({
    queryKey: queryKeys.recentProviders(endpointId ?? ''),
    queryFn: async () => {
      const page = await call('listCaptures', { endpointId: endpointId ?? '', limit: RECENT_CAPTURES })
      return mostSeenProvider(page.items.map((capture) => capture.recognition?.provider.id ?? null))
    },
    enabled: endpointId !== null,
    staleTime: 30_000,
  })
  return {
    pinned: settings.data?.pinnedProvider ?? null,
    mostSeen: recent.data ?? null,
    keyProviders: (settings.data?.keys ?? []).map((key) => key.descriptor.provider),
    signedPath: settings.data?.signedPath ?? { mode: 'as-received' },
    isSettled: endpointId === null || (!settings.isPending && !recent.isPending),
  }
}
