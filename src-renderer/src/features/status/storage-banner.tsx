import type { InspectorStatus } from '@shared/views'
import { formatFullTime } from '../../lib/format'

interface StorageBannerProps {
  lastError: InspectorStatus['storage']['lastError']
}

/** Loud on purpose: while storage fails, callbacks are answered 503 and nothing is kept. */
export function StorageBanner({ lastError }: StorageBannerProps) {
  if (!lastError) return null
  return (
    <div className="banner banner-danger" role="alert" data-testid="storage-banner">
      <div className="banner-content">
        <strong>Captures are not being saved:</strong> {lastError.message.replace(/\.$/, '')}. The receiver answers 503 so providers retry.
        <span className="banner-meta"> Since {formatFullTime(lastError.at)}.</span>
      </div>
    </div>
  )
}
