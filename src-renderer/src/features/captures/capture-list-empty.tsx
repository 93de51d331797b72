import type { Endpoint } from '@shared/views'
import { CopyButton } from '../../components/copy-button'
import { openSimulatorFor } from '../replay/entry-points'

interface CaptureListEmptyProps {
  /** Where to send the first callback: the selected endpoint, or the first one for "all". */
  endpoint: Endpoint | undefined
}

export function CaptureListEmpty({ endpoint }: CaptureListEmptyProps) {
  if (!endpoint) {
    return (
      <div className="empty-state" tabIndex={-1} data-testid="captures-empty">
        <h2>No endpoints</h2>
        <p>Create an endpoint in the sidebar to get a capture URL.</p>
      </div>
    )
  }
  const example = `curl -X POST '${endpoint.url}' \\\n  -H 'Content-Type: application/json' \\\n  --data '{"event":"payment.succeeded","amount":1000}'`
  return (
    <div className="empty-state" tabIndex={-1} data-testid="captures-empty">
      <h2>No callbacks yet</h2>
      <p>
        Send one to <code className="wire">{endpoint.url}</code>
        <CopyButton text={endpoint.url} label="Copy URL" className="inline-copy" />
      </p>
      <p className="muted">
        Any method and any path under this URL is captured, e.g. <code className="wire">{endpoint.url}/webhooks/stripe</code>. Point your provider&apos;s
        callback URL here, or try it now:
      </p>
      <div className="snippet">
        <pre className="wire-text" data-testid="empty-curl">
          {example}
        </pre>
        <CopyButton text={example} label="Copy command" testId="copy-empty-curl" />
      </div>
      {/* What a new user wants to see first: a real, signed callback arriving here. */}
      <p className="muted">
        Or send a realistic, correctly signed callback of a provider to this endpoint:{' '}
        <button type="button" className="button button-small" onClick={() => openSimulatorFor(endpoint.id)} data-testid="empty-open-simulator">
          Send a test callback
        </button>
      </p>
    </div>
  )
}
