/** The Summary and Signature panels at the top of the capture detail, with a shortcut to the endpoint's keys. */
import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import type { DeliveryAnalysis } from '@shared/providers'
import { ProviderSettingsDialog } from './provider-settings-dialog'
import { SignaturePanel, VERDICT_BANNER_ATTRIBUTE } from './signature-panel'
import { SummaryPanel } from './summary-panel'
import { useEndpointProvider } from './use-endpoint-provider'

export function RecognitionPanels({
  analysis,
  endpoint,
  isImported,
  isArrivalUnknown = false,
}: {
  analysis: DeliveryAnalysis | null
  endpoint: Endpoint | undefined
  isImported: boolean
  /** Imported from a source that records no time of arrival: its time is the import's. */
  isArrivalUnknown?: boolean
}) {
  const [isKeysOpen, setIsKeysOpen] = useState(false)
  // A provider is "pinned" in the analysis by the endpoint's setting or, for an import, by its "Sent
  // by" choice; the capture does not say which, the endpoint's setting does (asked only then).
  const mayBeNamedAtImport = isImported && analysis?.provider.pinned === true
  const endpointProvider = useEndpointProvider(mayBeNamedAtImport && endpoint ? endpoint.id : null)
  if (analysis === null) return null
  const pinnedBy = mayBeNamedAtImport && endpointProvider.isSettled && endpointProvider.pinned !== analysis.provider.id ? 'import' : 'endpoint'
  return (
    <>
      <SummaryPanel analysis={analysis} pinnedBy={pinnedBy} />
      <SignaturePanel analysis={analysis} isArrivalUnknown={isArrivalUnknown} onOpenKeys={endpoint ? () => setIsKeysOpen(true) : undefined} />
      {isKeysOpen && endpoint && (
        <ProviderSettingsDialog
          endpoint={endpoint}
          fromCapture={{ provider: analysis.provider.id, receivedSignatures: analysis.explanation.receivedSignatures }}
          onClose={() => setIsKeysOpen(false)}
          // The key just added turns "no key" into a verdict, and "Add a key…" goes with it: focus the verdict.
          returnFocusTo={() =>
            document.querySelector<HTMLElement>('[data-testid=signature-open-keys]') ?? document.querySelector<HTMLElement>(`[${VERDICT_BANNER_ATTRIBUTE}]`)
          }
        />
      )}
    </>
  )
}
