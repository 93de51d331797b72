import { useCallback, useLayoutEffect, useRef, useState } from 'react'
import type { CaptureFilter } from '@shared/capture-filter'
import { useDeleteCapture, useEndpoints, useStatus } from './api/queries'
import type { CaptureScope } from './api/query-keys'
import { ConfirmDialog } from './components/confirm-dialog'
import { ClearEndpointDialog } from './features/exchange/clear-endpoint-dialog'
import { PaneDivider, type PaneArrangement, type PaneLimits } from './components/pane-divider'
import { Toast } from './components/toast'
import { CaptureDetail } from './features/captures/capture-detail'
import { CaptureList } from './features/captures/capture-list'
import { readListLocation, useListLocation, type ListLocation } from './features/captures/list-location'
import { EndpointSidebar } from './features/endpoints/endpoint-sidebar'
import { CaptureShortcuts } from './features/shortcuts/capture-shortcuts'
import { CAPTURES_REGION_ID, captureListElement, focusCaptureList } from './features/shortcuts/use-list-move-keys'
import { LiveIndicator } from './features/status/live-indicator'
import { StorageBanner } from './features/status/storage-banner'
import { StorageIssuesNotice } from './features/status/storage-issues-notice'
import { SimulateButton } from './features/replay/entry-points'
import { TunnelBanner, TunnelControl } from './features/tunnel/tunnel-control'
import { StorageSettingsButton } from './features/storage/storage-settings'

const SCOPE_KEY = 'callback-inspector.scope'
/** The list/detail divider: where it is remembered, its default, and the least each pane may get. */
const DIVIDER_KEY = 'callback-inspector.list-share'
const DIVIDER_LIMITS: Record<PaneArrangement, PaneLimits> = {
  // 540 px holds the list's narrowest set of columns (capture-list.css). By default the detail
  // gets about 380 px at 1400 px (more in wider windows), so the list's target and its summary
  // (with the amount) stay readable.
  'side-by-side': { defaultShare: 0.67, minFirstPx: 540, minSecondPx: 380 },
  // A narrow window stacks the detail under the list: toolbar, filter, labels and two rows stay.
  stacked: { defaultShare: 0.455, minFirstPx: 180, minSecondPx: 160 },
}
const DETAIL_PANE_ID = 'capture-detail-pane'
const NO_FILTER: CaptureFilter = {}

export function App() {
  const endpointsQuery = useEndpoints()
  const statusQuery = useStatus()
  const endpoints = endpointsQuery.data
  const status = statusQuery.data
  // The address bar's list view (scope and filter) wins over the one remembered for the tab.
  const [initialLocation] = useState(() => readListLocation(window.location.hash))
  const [chosenScope, setChosenScope] = useState<CaptureScope | null>(() => initialLocation.scope ?? sessionStorage.getItem(SCOPE_KEY))
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [isClearing, setIsClearing] = useState(false)
  /** Each endpoint view keeps its own filter while the user looks at another. */
  const [filters, setFilters] = useState<Partial<Record<CaptureScope, CaptureFilter>>>(() =>
    chosenScope === null ? {} : { [chosenScope]: initialLocation.filter },
  )
  const [toast, setToast] = useState<string | null>(null)
  /** The capture whose Delete (button or key) waits for a confirm. */
  const [deletingId, setDeletingId] = useState<string | null>(null)
  /** Set once the confirmed delete is done: the Delete button that asked goes with its capture. */
  const hasDeletedRef = useRef(false)
  const detailPaneRef = useRef<HTMLElement>(null)
  const deleteCapture = useDeleteCapture()
  const { attachClearButton } = useFocusKeptWhenClearGoes()

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
  const changeFilter = useCallback(
    (next: CaptureFilter) => {
      if (scope !== null) setFilters((current) => ({ ...current, [scope]: next }))
    },
    [scope],
  )

  const changeScope = useCallback((next: CaptureScope) => {
    sessionStorage.setItem(SCOPE_KEY, next)
    setChosenScope(next)
    setSelectedId(null)
  }, [])
  const dismissToast = useCallback(() => setToast(null), [])
  const followLocation = useCallback(
    (location: ListLocation) => {
      const target = location.scope ?? scope
      if (target === null) return
      if (target !== scope) changeScope(target)
      setFilters((current) => ({ ...current, [target]: location.filter }))
    },
    [scope, changeScope],
  )
  useListLocation(scope, filter, followLocation)

  // Deleting one capture cannot be undone (its bytes are erased), so it asks first, like bulk delete.
  const handleDelete = useCallback((id: string) => {
    hasDeletedRef.current = false
    setDeletingId(id)
  }, [])
  const openDetail = useCallback(() => detailPaneRef.current?.focus(), [])

  return (
    <div className="app" data-testid="app">
      <a
        className="skip-link"
        href={`#${CAPTURES_REGION_ID}`}
        onClick={(event) => {
          event.preventDefault()
          focusCaptureList()
        }}
        data-testid="skip-to-captures"
      >
        Skip to captures
      </a>
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
        <StorageSettingsButton />
        <LiveIndicator />
        {status && <span className="topbar-meta muted">v{status.version}</span>}
      </header>
      <StorageBanner lastError={status?.storage.lastError ?? null} />
      <TunnelBanner />
      {status && <StorageIssuesNotice issues={status.storage.issues} />}
      {/* An empty scope has nothing to open: stacked, its first steps get the detail's height (styles.css). */}
      <div className={`workspace ${unfilteredTotal === 0 && selectedId === null ? 'workspace-nothing-to-open' : ''}`} data-testid="workspace">
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
            onOpen={openDetail}
            toolbar={
              scopeEndpoint &&
              scopeEndpoint.captureCount > 0 && (
                <button
                  ref={attachClearButton}
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => setIsClearing(true)}
                  data-testid="clear-endpoint"
                >
                  Clear
                </button>
              )
            }
          />
        )}
        <PaneDivider storageKey={DIVIDER_KEY} limits={DIVIDER_LIMITS} controls={CAPTURES_REGION_ID} label="Resize the capture list and the detail" />
        <main id={DETAIL_PANE_ID} ref={detailPaneRef} className="detail-pane" aria-label="Capture detail" tabIndex={-1} data-testid="detail-pane">
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
                <kbd>j</kbd> <kbd>k</kbd> or <kbd>↑</kbd> <kbd>↓</kbd> move through the list; <kbd>Space</kbd> ticks a capture, <kbd>Shift</kbd>-click ticks a
                range; <kbd>?</kbd> lists every shortcut.
              </p>
            </div>
          )}
        </main>
      </div>
      {isClearing && scopeEndpoint && (
        <ClearEndpointDialog
          endpoint={scopeEndpoint}
          onClose={() => setIsClearing(false)}
          onCleared={(message) => {
            setSelectedId(null)
            setToast(message)
          }}
        />
      )}
      {deletingId !== null && (
        <ConfirmDialog
          title="Delete this capture?"
          confirmLabel="Delete"
          onClose={() => setDeletingId(null)}
          onConfirm={async () => {
            await deleteCapture.mutateAsync(deletingId)
            hasDeletedRef.current = true
          }}
          returnFocusTo={() => (hasDeletedRef.current ? captureListElement() : null)}
        >
          <p>Its request, body and answer are erased from disk. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      <CaptureShortcuts
        selectedId={selectedId}
        endpointFor={(endpointId) => endpoints?.find((endpoint) => endpoint.id === endpointId)}
        onDelete={handleDelete}
        onNotice={setToast}
      />
      {toast && <Toast message={toast} onDismiss={dismissToast} />}
    </div>
  )
}

/**
 * Clear is shown only while its endpoint has captures, so a confirmed Clear (or one from another
 * window) takes the button away once the endpoint's count reaches 0; with focus on it (the confirm
 * gives focus back to its opener) focus fell to <body>. It goes to the list instead: its rows while
 * they are still there, else its empty state, else the list's region.
 */
function useFocusKeptWhenClearGoes(): { attachClearButton: (node: HTMLButtonElement | null) => () => void } {
  const hadFocus = useRef(false)
  const attachClearButton = useCallback((node: HTMLButtonElement | null) => {
    // Called while the button is still in the page, so where focus is can still be asked.
    return () => {
      if (node !== null && node === document.activeElement) hadFocus.current = true
    }
  }, [])
  useLayoutEffect(() => {
    if (!hadFocus.current) return
    hadFocus.current = false
    // Only where focus was dropped: not when something else took it meanwhile.
    if (document.activeElement !== null && document.activeElement !== document.body) return
    const region = document.getElementById(CAPTURES_REGION_ID)
    const target = region?.querySelector<HTMLElement>('[role=listbox], .empty-state[tabindex]') ?? region
    target?.focus({ preventScroll: true })
  })
  return { attachClearButton }
}
