/** Entry points of export and import: the list toolbar, the selection bar, a capture's detail. */
import { useState } from 'react'
import { createPortal } from 'react-dom'
import type { CaptureFilter } from '@shared/capture-filter'
import { ExportDialog, type ExportChoices } from './export-dialog'
import { ImportDialog } from './import-dialog'
import { formatCount } from '../../lib/format'

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

/** Selection bar: "Export selected…"; `disabled` while the selection is not known whole (a delivery's attempts being listed). */
export function ExportSelectionButton({ choices, disabled = false }: { choices: ExportChoices; disabled?: boolean }) {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} disabled={disabled} data-testid="selection-export">
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

/**
 * Delivery view: "Export…" its attempts, the evidence of one notification in one file. Before, a
 * delivery could only be exported a capture at a time, or by building a filter that matched it.
 * `total`: how many attempts the delivery has, when more than the `captureIds` listed.
 */
export function ExportDeliveryButton({ captureIds, total }: { captureIds: readonly string[]; total: number }) {
  const [isOpen, setIsOpen] = useState(false)
  const listed = captureIds.length
  const selectionLabel =
    listed < total
      ? `The ${formatCount(listed)} attempts listed (of ${formatCount(total)})`
      : listed === 1
        ? 'This delivery (1 attempt)'
        : `This delivery (${formatCount(listed)} attempts)`
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setIsOpen(true)} data-testid="delivery-export">
        Export…
      </button>
      {/* Out of the Delivery view's DOM: inside its summary line the dialog inherited `nowrap`, and its text ran out of it. */}
      {isOpen &&
        createPortal(
          <ExportDialog choices={{ endpoint: undefined, selectedIds: captureIds, selectionLabel, filter: null }} onClose={() => setIsOpen(false)} />,
          document.body,
        )}
    </>
  )
}
