/** Entry points of export and import: the list toolbar, the selection bar, a capture's detail. */
import { useState } from 'react'
import type { CaptureFilter } from '@shared/capture-filter'
import { ExportDialog, type ExportChoices } from './export-dialog'
import { ImportDialog } from './import-dialog'

/**
 * List toolbar: "Export…" (the endpoint, the filter or the selection) and "Import…" into the
 * endpoint; `onFilterChange` (the list's) lets an import's outcome show the captures it imported.
 */
export function ExchangeButtons({ choices, onFilterChange }: { choices: ExportChoices; onFilterChange?: (filter: CaptureFilter) => void }) {
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null)
  const { endpoint } = choices
  return (
    <>
      {(endpoint?.captureCount ?? 0) > 0 || choices.selectedIds.length > 0 ? (
        <button type="button" className="button button-small" onClick={() => setDialog('export')} data-testid="open-export">
          Export…
        </button>
      ) : null}
      {endpoint && (
        <button type="button" className="button button-small" onClick={() => setDialog('import')} data-testid="open-import">
          Import…
        </button>
      )}
      {dialog === 'export' && <ExportDialog choices={choices} onClose={() => setDialog(null)} />}
      {dialog === 'import' && endpoint && (
        <ImportDialog endpoint={endpoint} onClose={() => setDialog(null)} onShowImported={onFilterChange ? (query) => onFilterChange({ query }) : undefined} />
      )}
    </>
  )
}

/** Selection bar: "Export selected…". */
export function ExportSelectionButton({ choices }: { choices: ExportChoices }) {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="selection-export">
        Export selected…
      </button>
      {isOpen && <ExportDialog choices={{ ...choices, filter: null }} onClose={() => setIsOpen(false)} />}
    </>
  )
}

/** Capture detail: "Export…" this one capture. */
export function ExportCaptureButton({ captureId }: { captureId: string }) {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="export-capture">
        Export…
      </button>
      {isOpen && <ExportDialog choices={{ endpoint: undefined, selectedIds: [captureId], filter: null }} onClose={() => setIsOpen(false)} />}
    </>
  )
}
