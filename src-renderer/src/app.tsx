import { useCallback, useState } from 'react'
import type { CaptureFilter } from '../../src-main/shared/capture-filter'
import { useClearEndpoint, useDeleteCapture, useEndpoints, useStatus } from './api/queries'
import type { CaptureScope } from './api/query-keys'
import { ConfirmDialog } from './components/confirm-dialog'
import { Toast } from './components/toast'
import { CaptureDetail } from './features/captures/capture-detail'
import { CaptureList } from './features/captures/capture-list'
import { EndpointSidebar } from './features/endpoints/endpoint-sidebar'
import { LiveIndicator } from './features/status/live-indicator'
import { StorageBanner } from './features/status/storage-banner'
import { StorageIssuesNotice } from './features/status/storage-issues-notice'
import { SimulateButton } from './features/replay/entry-points'
import { TunnelBanner, TunnelControl } from './features/tunnel/tunnel-control'
import { formatCount } from './lib/format'

const SCOPE_KEY = 'callback-inspector.scope'
const NO_FILTER: CaptureFilter = {}

export function App() {
  const endpointsQuery = useEndpoints()
  const statusQuery = useStatus()
  const endpoints = endpointsQuery.data
  const status = statusQuery.data
  const [chosenScope, setChosenScope] = useState<CaptureScope | null>(() => sessionStorage.getItem(SCOPE_KEY))
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [isClearing, setIsClearing] = useState(false)
  /** Each endpoint view keeps its own filter while the user looks at another. */
  const [filters, setFilters] = useState<Partial<Record<CaptureScope, CaptureFilter>>>({})
  const [toast, setToast] = useState<string | null>(null)
  const deleteCapture = useDeleteCapture()
  const clearEndpoint = useClearEndpoint()

  // A remembered or chosen endpoint that no longer exists falls back to the first one.
  const scope: CaptureScope | null =
    chosenScope === 'all'
      ? 'all'
      : endpoints === undefined
        ? null
        : endpoints.some((endpoint) => endpoint.id === chosenScope)
          ? chosenScope
          : (endpoints[0]?.id ?? 'all')
  const scopeEndpoint = endpoints?.find((endpoint) => endpoint.id === scope)
  const emptyEndpoint = scope === 'all' ? endpoints?.[0] : scopeEndpoint
  const unfilteredTotal = scope === 'all' ? (endpoints?.reduce((sum, endpoint) => sum + endpoint.captureCount, 0) ?? 0) : (scopeEndpoint?.captureCount ?? 0)
  const filter = (scope !== null && filters[scope]) || NO_FILTER
  const changeFilter = useCallback((next: CaptureFilter) => {
    if (scope !== null) setFilters((current) => ({ ...current, [scope]: next }))
  }, [scope])

  const changeScope = useCallback((next: CaptureScope) => {
    sessionStorage.setItem(SCOPE_KEY, next)
    setChosenScope(next)
    setSelectedId(null)
  }, [])
  const dismissToast = useCallback(() => setToast(null), [])

  function handleDelete(id: string): void {
    deleteCapture.mutate(id, {
      onError: (error) => setToast(`Could not delete the capture: ${error.message}`),
    })
  }

  return (
    <div className="app" data-testid="app">
      <header className="topbar">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Callback Inspector
        </h1>
        {status && (
          <span className="topbar-meta" data-testid="receiver-url">
            Receiver <code className="wire">{status.receiverUrl}</code>
          </span>
        )}
        <span className="topbar-spacer" />
        <TunnelControl />
        <SimulateButton endpointId={scopeEndpoint?.id ?? null} />
        <LiveIndicator />
        {status && <span className="topbar-meta muted">v{status.version}</span>}
      </header>
      <StorageBanner lastError={status?.storage.lastError ?? null} />
      <TunnelBanner />
      {status && <StorageIssuesNotice issues={status.storage.issues} />}
      <div className="workspace">
        <EndpointSidebar
          endpoints={endpoints}
          error={endpointsQuery.error}
          receiverUrl={status?.receiverUrl}
          scope={scope ?? 'all'}
          onScopeChange={changeScope}
        />
        {scope === null ? (
          <section className="capture-list" aria-busy="true" />
        ) : (
          <CaptureList
            key={scope}
            scope={scope}
            endpoint={scopeEndpoint}
            emptyEndpoint={emptyEndpoint}
            unfilteredTotal={unfilteredTotal}
            filter={filter}
            onFilterChange={changeFilter}
            selectedId={selectedId}
            onSelect={setSelectedId}
            toolbar={
              scopeEndpoint &&
              scopeEndpoint.captureCount > 0 && (
                <button type="button" className="button button-small button-danger-quiet" onClick={() => setIsClearing(true)} data-testid="clear-endpoint">
                  Clear
                </button>
              )
            }
          />
        )}
        <main className="detail-pane" aria-label="Capture detail">
          {selectedId ? (
            <CaptureDetail
              key={selectedId}
              captureId={selectedId}
              endpointFor={(endpointId) => endpoints?.find((endpoint) => endpoint.id === endpointId)}
              onDelete={handleDelete}
              isDeleting={deleteCapture.isPending}
            />
          ) : (
            <div className="detail-placeholder" data-testid="detail-placeholder">
              <p>Select a capture to see its request line, headers, body and what the receiver answered.</p>
              <p className="muted">
                <kbd>↑</kbd> <kbd>↓</kbd> move through the list; <kbd>Space</kbd> ticks a capture, <kbd>Shift</kbd>-click ticks a range.
              </p>
            </div>
          )}
        </main>
      </div>
      {isClearing && scopeEndpoint && (
        <ConfirmDialog
          title={`Clear “${scopeEndpoint.name}”?`}
          confirmLabel={`Delete ${formatCount(scopeEndpoint.captureCount)} ${scopeEndpoint.captureCount === 1 ? 'capture' : 'captures'}`}
          onClose={() => setIsClearing(false)}
          onConfirm={async () => {
            await clearEndpoint.mutateAsync(scopeEndpoint.id)
            setSelectedId(null)
          }}
        >
          <p>
            Every capture of this endpoint is deleted. The endpoint and its URL stay. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {toast && <Toast message={toast} onDismiss={dismissToast} />}
    </div>
  )
}
