/** The Summary and Signature panels at the top of the capture detail, with a shortcut to the endpoint's keys. */
import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import type { DeliveryAnalysis } from '@shared/providers'
import { ProviderSettingsDialog } from './provider-settings-dialog'
import { SignaturePanel } from './signature-panel'
import { SummaryPanel } from './summary-panel'

export function RecognitionPanels({ analysis, endpoint }: { analysis: DeliveryAnalysis | null; endpoint: Endpoint | undefined }) {
  const [isKeysOpen, setIsKeysOpen] = useState(false)
  if (analysis === null) return null
  return (
    <>
      <SummaryPanel analysis={analysis} />
      <SignaturePanel analysis={analysis} onOpenKeys={endpoint ? () => setIsKeysOpen(true) : undefined} />
      {isKeysOpen && endpoint && (
        <ProviderSettingsDialog
          endpoint={endpoint}
          fromCapture={{ provider: analysis.provider.id, receivedSignatures: analysis.explanation.receivedSignatures }}
          onClose={() => setIsKeysOpen(false)}
        />
      )}
    </>
  )
}
