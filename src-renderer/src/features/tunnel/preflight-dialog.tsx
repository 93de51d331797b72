import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import { PREFLIGHT_PROVIDERS, type PreflightProvider } from '@shared/tunnel'
import { call } from '../../api/api-client'
import { startingProvider } from '../providers/provider-context'
import { useEndpointProvider } from '../providers/use-endpoint-provider'
import { providerName } from '../../lib/providers'
import { queryKeys } from '../../api/query-keys'
import { ModalDialog } from '../../components/modal-dialog'
import './tunnel.css'

/** The checklist's label for a provider: "generic" means the common rules any provider applies. */
function providerLabel(provider: PreflightProvider): string {
  return provider === 'generic' ? 'Any provider (common sense)' : providerName(provider)
}

const CHECK_NAMES = { url: 'A valid URL', https: 'HTTPS', port: 'Port', 'public-host': 'A public host' } as const

/** Will this provider accept the endpoint's public URL? A short checklist from `checkPublicUrl`. */
export function PreflightDialog({ endpoint, onClose }: { endpoint: Endpoint; onClose: () => void }) {
  // Start from the endpoint's provider (pinned, else seen most), else IXOPAY (the strictest URL rules).
  const endpointProvider = useEndpointProvider(endpoint.id)
  const [chosen, setProvider] = useState<PreflightProvider | null>(null)
  const provider: PreflightProvider = chosen ?? startingProvider(endpointProvider) ?? 'ixopay'
  const url = endpoint.publicUrl ?? endpoint.url
  const check = useQuery({
    queryKey: queryKeys.publicUrlCheck(endpoint.id, provider, url),
    queryFn: () => call('checkPublicUrl', { endpointId: endpoint.id, provider, url }),
    enabled: chosen !== null || endpointProvider.isSettled,
    retry: false,
  })
  return (
    <ModalDialog closeLink size="medium" title={`Check the URL of “${endpoint.name}”`} onClose={onClose} testId="preflight-dialog">
      <label className="field">
        <span className="field-label">Check for provider</span>
        <select
          className="input"
          value={provider}
          autoFocus
          onChange={(event) => setProvider(event.target.value as PreflightProvider)}
          data-testid="preflight-provider"
        >
          {PREFLIGHT_PROVIDERS.map((id) => (
            <option key={id} value={id}>
              {providerLabel(id)}
            </option>
          ))}
        </select>
      </label>
      <p className="wire replay-small preflight-url">{check.data?.url ?? url}</p>
      {!endpoint.publicUrl && (
        <p className="notice notice-warning replay-small">The tunnel is not online: this checks the local URL, which no provider can reach.</p>
      )}
      {check.error ? (
        <p className="form-error" role="alert">
          {check.error.message}
        </p>
      ) : check.data ? (
        <ul className="preflight-list" data-testid="preflight-checks">
          {check.data.checks.map((item) => (
            <li
              key={item.check}
              className={`preflight-item ${item.ok ? 'preflight-ok' : `preflight-bad-${item.severity}`}`}
              data-testid="preflight-check"
              data-ok={item.ok}
            >
              <span className="preflight-icon" aria-hidden="true">
                {item.ok ? '✓' : item.severity === 'required' ? '✗' : '!'}
              </span>
              <span>
                <strong>{CHECK_NAMES[item.check] ?? item.check}</strong>
                <span className="visually-hidden">{item.ok ? ' passes' : item.severity === 'required' ? ' fails (required)' : ' fails (recommended)'}</span>
                {!item.ok && <span className={`tag ${item.severity === 'required' ? 'tag-danger' : 'tag-subtle'}`}>{item.severity}</span>}
                <span className="preflight-detail">{item.detail}</span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Checking…</p>
      )}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  )
}
