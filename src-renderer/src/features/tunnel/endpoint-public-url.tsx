import type { Endpoint } from '@shared/views'
import { CopyButton } from '../../components/copy-button'
import './tunnel.css'

/** On an endpoint item while the tunnel is online: its public capture URL, with copy. */
export function EndpointPublicUrl({ endpoint }: { endpoint: Endpoint }) {
  if (!endpoint.publicUrl) return null
  return (
    <div className="endpoint-public" data-testid="endpoint-public">
      <span className="endpoint-public-label">Public</span>
      <code className="wire endpoint-public-url" title={endpoint.publicUrl} data-testid="endpoint-public-url">
        {endpoint.publicUrl}
      </code>
      <CopyButton text={endpoint.publicUrl} label="Copy" title="Copy the public capture URL" testId="copy-endpoint-public-url" />
    </div>
  )
}
