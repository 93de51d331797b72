import { useState, type KeyboardEvent } from 'react'
import type { Endpoint } from '@shared/views'
import { useDeleteEndpoint } from '../../api/queries'
import type { CaptureScope } from '../../api/query-keys'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { rovingListKey } from '../../components/roving-focus'
import { formatCount } from '../../lib/format'
import { EndpointFormDialog } from './endpoint-form-dialog'
import { EndpointItem } from './endpoint-item'
import './endpoint-sidebar.css'

interface EndpointSidebarProps {
  endpoints: Endpoint[] | undefined
  error: Error | null
  receiverUrl: string | undefined
  scope: CaptureScope
  onScopeChange: (scope: CaptureScope) => void
}

type DialogState = { kind: 'create' } | { kind: 'edit'; endpoint: Endpoint } | { kind: 'delete'; endpoint: Endpoint } | null

export function EndpointSidebar({ endpoints, error, receiverUrl, scope, onScopeChange }: EndpointSidebarProps) {
  const [dialog, setDialog] = useState<DialogState>(null)
  const deleteEndpoint = useDeleteEndpoint()
  const totalCount = endpoints?.reduce((sum, endpoint) => sum + endpoint.captureCount, 0) ?? 0
  const active = useActiveEndpointKey(endpoints, scope)

  /** ↑ ↓ Home End between the endpoints: the list is one Tab stop (roving focus). */
  const moveAmongEndpoints = (event: KeyboardEvent<HTMLUListElement>): void => {
    if (!(event.target instanceof HTMLElement) || !event.target.classList.contains('endpoint-select')) return
    const next = rovingListKey(event, active.keys, active.key)
    if (next === null) return
    event.preventDefault()
    active.setKey(next)
    event.currentTarget.querySelector<HTMLElement>(`.endpoint-select[data-roving-key="${CSS.escape(next)}"]`)?.focus()
  }

  return (
    <nav className="sidebar" aria-label="Endpoints" data-testid="sidebar">
      <div className="sidebar-heading">
        <h2>Endpoints</h2>
        <button type="button" className="button button-small button-primary" onClick={() => setDialog({ kind: 'create' })} data-testid="new-endpoint">
          + New
        </button>
      </div>
      {error && <p className="form-error">Could not load endpoints: {error.message}</p>}
      <ul className="endpoint-list" onKeyDown={moveAmongEndpoints}>
        <li className={`endpoint-item endpoint-all ${scope === 'all' ? 'endpoint-item-selected' : ''}`}>
          <button
            type="button"
            className="endpoint-select"
            onClick={() => onScopeChange('all')}
            onFocus={() => active.setKey('all')}
            tabIndex={active.key === 'all' ? 0 : -1}
            data-roving-key="all"
            aria-current={scope === 'all' ? 'true' : undefined}
            data-testid="endpoint-all"
          >
            <span className="endpoint-name">All captures</span>
            <span className="badge">{formatCount(totalCount)}</span>
          </button>
        </li>
        {endpoints?.map((endpoint) => (
          <EndpointItem
            key={endpoint.id}
            endpoint={endpoint}
            isSelected={scope === endpoint.id}
            onSelect={() => onScopeChange(endpoint.id)}
            isActive={active.key === endpoint.id}
            onSelectFocus={() => active.setKey(endpoint.id)}
            onEdit={() => setDialog({ kind: 'edit', endpoint })}
            onDelete={() => setDialog({ kind: 'delete', endpoint })}
          />
        ))}
      </ul>

      {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <EndpointFormDialog
          endpoint={dialog.kind === 'edit' ? dialog.endpoint : undefined}
          receiverUrl={receiverUrl}
          onClose={() => setDialog(null)}
          onDone={(saved) => {
            setDialog(null)
            onScopeChange(saved.id)
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete endpoint “${dialog.endpoint.name}”?`}
          confirmLabel="Delete endpoint"
          onClose={() => setDialog(null)}
          // Its card (and the Delete that opened this) goes away: focus the endpoint selected after it.
          returnFocusTo={() =>
            document.querySelector<HTMLElement>(
              scope === dialog.endpoint.id || scope === 'all'
                ? '[data-testid=endpoint-all]'
                : `[data-testid=endpoint-item][data-endpoint-id="${scope}"] [data-testid=endpoint-select]`,
            )
          }
          onConfirm={async () => {
            await deleteEndpoint.mutateAsync(dialog.endpoint.id)
            if (scope === dialog.endpoint.id) onScopeChange('all')
          }}
        >
          <p>
            Requests to <code className="wire">{dialog.endpoint.url}</code> will no longer be captured
            {dialog.endpoint.captureCount > 0
              ? `, and its ${formatCount(dialog.endpoint.captureCount)} ${dialog.endpoint.captureCount === 1 ? 'capture is' : 'captures are'} deleted.`
              : '.'}{' '}
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </nav>
  )
}

/**
 * Which endpoint holds the list's one Tab stop: the one focused last, else the one shown. Showing
 * another endpoint (a click, the address bar) moves it there; a deleted endpoint gives it back.
 */
function useActiveEndpointKey(endpoints: Endpoint[] | undefined, scope: CaptureScope) {
  const keys = ['all', ...(endpoints ?? []).map((endpoint) => endpoint.id)]
  const [chosen, setChosen] = useState<string>(scope)
  const [seenScope, setSeenScope] = useState<CaptureScope>(scope)
  if (scope !== seenScope) {
    setSeenScope(scope)
    setChosen(scope)
  }
  const key = keys.includes(chosen) ? chosen : keys.includes(scope) ? scope : 'all'
  return { keys, key, setKey: setChosen }
}
