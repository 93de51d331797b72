/**
 * Where the detail shows a capture's verdict and body: the capture was imported from a bundle whose
 * exporter changed it, so its bytes are not the ones received and its signature cannot verify.
 */
import type { CaptureSummary } from '@shared/views'
import { changeLines, changedBodySentence, changedVerdictSentence } from './changed-before-export-text'
import './exchange.css'

/** Above the summary and signature panels: why the verdict is no finding about the sender. */
export function ChangedBeforeExportNotice({ capture }: { capture: CaptureSummary }) {
  const changed = capture.changedBeforeExport
  if (!changed) return null
  const lines = changeLines(changed)
  return (
    <div className="notice notice-warning exchange-changed" role="note" data-testid="changed-before-export" data-reason={changed.reason}>
      <p>
        <strong>{changedBodySentence(changed)}</strong>
      </p>
      <p data-testid="changed-before-export-verdict">{changedVerdictSentence(changed)}</p>
      {lines.length > 0 && (
        <details>
          <summary>What the file lists as changed ({lines.length})</summary>
          <ul className="exchange-changed-list" data-testid="changed-before-export-changes">
            {lines.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  )
}

/** Inside the body section, right above the bytes: one line, so it is not missed when scrolled to. */
export function ChangedBodyLine({ capture }: { capture: CaptureSummary }) {
  if (!capture.changedBeforeExport) return null
  return (
    <p className="notice notice-warning" data-testid="changed-before-export-body">
      {changedBodySentence(capture.changedBeforeExport)}
    </p>
  )
}
