import { memo } from 'react'
import type { CaptureSummary } from '@shared/views'
import { CHANGED_VERDICT, listedVerdictOf } from '@shared/listed-verdict'
import { mediaType } from '../../lib/bytes'
import { formatBytes, formatCount, formatExactBytes, formatListTime, listTimeParts } from '../../lib/format'
import { ChangedBeforeExportBadge, ProviderBadge, summaryLine, VerdictBadge, verdictTitle } from '../providers/recognition-badges'
import { changedVerdictTitle } from '../exchange/changed-before-export-text'
import { captureReference } from './capture-reference'
import { importedTimeText } from './import-time-text'
import { targetWithinEndpoint } from './target-within-endpoint'
import { DeliveryCountBadge } from '../deliveries/delivery-list-parts'
import { CaptureStatusCell } from './capture-status-cell'
import { PinMark } from '../exchange/pin-mark'
import { revealHidden } from '../../components/revealed-text'

export const CAPTURE_ROW_HEIGHT_PX = 32

interface CaptureRowProps {
  capture: CaptureSummary
  /** Place in the whole list, 1 for the newest (rows loaded from the oldest end count from there); `undefined` when not known. */
  position: number | undefined
  top: number
  /** The capture open in the detail pane. */
  isSelected: boolean
  onSelect: (id: string) => void
  /** Ticked for a bulk action. */
  isChecked: boolean
  /** `extend`: Shift was held, so the ticks run from the last row ticked to this one. */
  onCheck: (id: string, extend: boolean) => void
  /** An endpoint's own list: its slug, dropped from targets that start with it; `null` elsewhere. */
  endpointSlug: string | null
  /** When the running app started (ms), to tell a hang it still holds from one that ended with an earlier run. */
  appStartedAtMs: number
}

export const CaptureRow = memo(function CaptureRow({
  capture,
  position,
  top,
  isSelected,
  onSelect,
  isChecked,
  onCheck,
  endpointSlug,
  appStartedAtMs,
}: CaptureRowProps) {
  const isRefused = capture.outcome === 'refused'
  const reference = captureReference(capture.recognition)
  const time = listTimeParts(capture.receivedAt)
  return (
    <div
      id={`capture-row-${capture.id}`}
      role="option"
      aria-selected={isSelected}
      aria-checked={isChecked}
      aria-posinset={position}
      // The option is what a screen reader announces while moving through the list (its cells'
      // titles and descriptions are not read): the italic time's meaning goes with it.
      aria-description={capture.receivedAtIsImportTime ? importedTimeText(null, capture.importedFrom) : undefined}
      className={`capture-row capture-row-recognised ${isSelected ? 'capture-row-selected' : ''} ${isChecked ? 'capture-row-checked' : ''} ${isRefused ? 'capture-row-refused' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid="capture-row"
      data-capture-id={capture.id}
      data-outcome={capture.outcome}
      data-damaged={capture.damage !== null ? 'true' : undefined}
      onMouseDown={(event) => {
        // Keep focus on the list so arrow keys keep working after a click.
        if (event.button === 0) onSelect(capture.id)
      }}
    >
      <span className="cell cell-check">
        <input
          type="checkbox"
          checked={isChecked}
          // The list is one tab stop; Space ticks the open row from the keyboard (see capture-list.tsx).
          tabIndex={-1}
          // A grouped row's tick takes its whole delivery: the label says so ("all 3 attempts").
          aria-label={`Select ${capture.method} ${capture.target}${capture.delivery && capture.delivery.attemptCount > 1 ? ` (all ${formatCount(capture.delivery.attemptCount)} attempts)` : ''}`}
          onMouseDown={(event) => {
            // A tick is not a click on the row: it neither opens the capture nor moves focus.
            event.stopPropagation()
            event.preventDefault()
          }}
          onChange={(event) => onCheck(capture.id, isShiftClick(event.nativeEvent))}
          data-testid="row-check"
        />
      </span>
      {capture.receivedAtIsImportTime ? (
        // Not when it was received (its source does not say): when it was imported, said so. The
        // italics alone had no legend for a screen reader: the description says what they mean.
        <span
          className={`cell cell-time cell-time-imported wire${time.date === null ? '' : ' cell-time-dated'}`}
          title={importedTimeText(capture.receivedAt, capture.importedFrom)}
          aria-label={`Imported ${formatListTime(capture.receivedAt)}`}
          aria-description={importedTimeText(null, capture.importedFrom)}
          data-testid="row-time-imported"
        >
          <ListTime parts={time} />
        </span>
      ) : (
        <span className={`cell cell-time wire${time.date === null ? '' : ' cell-time-dated'}`} title={capture.receivedAt} data-testid="row-time">
          <ListTime parts={time} />
        </span>
      )}
      <span className={`cell cell-method wire method-${capture.method.toLowerCase()}`}>{capture.method}</span>
      <span className="cell cell-target wire" title={capture.target} data-testid="capture-target">
        {capture.damage !== null && (
          // Rare and serious: the stored bytes are not what was received, so it is said in words, first.
          <span className="damaged-mark" title={`Damaged on disk: ${capture.damage}`} data-testid="damaged-mark">
            damaged
          </span>
        )}
        <PinMark pinned={capture.pinned} imported={capture.origin === 'imported'} />
        {revealHidden(targetWithinEndpoint(capture.target, endpointSlug))}
      </span>
      <span className="cell cell-reference wire" title={reference?.title} data-testid="capture-reference">
        {reference ? <span className="cell-reference-text">{revealHidden(reference.text)}</span> : <span className="muted">—</span>}
        <DeliveryCountBadge delivery={capture.delivery} />
      </span>
      {isRefused && typeof capture.refusal?.declaredSize === 'number' ? (
        <span className="cell cell-size cell-declared wire" title={`Declared ${formatExactBytes(capture.refusal.declaredSize)}; not stored`}>
          {formatBytes(capture.refusal.declaredSize)}
        </span>
      ) : (
        <span className="cell cell-size wire" title={formatExactBytes(capture.bodySize)}>
          {formatBytes(capture.bodySize)}
        </span>
      )}
      <span className="cell cell-type" title={capture.contentType ?? 'no content type'}>
        {capture.contentType ? mediaType(capture.contentType) : <span className="muted">—</span>}
      </span>
      <RecognitionCells recognition={capture.recognition} changedBeforeExport={capture.changedBeforeExport} />
      <CaptureStatusCell capture={capture} appStartedAtMs={appStartedAtMs} />
    </div>
  )
})

/** React reports a checkbox's change from the click that caused it, which knows whether Shift was held. */
/**
 * The time cell's text. Another day's date goes on a line of its own above the time: on one line
 * ("Dec 6 09:14:00") the narrow column cut off the time of day, so retries minutes apart (an
 * import's, a day old) all read "Dec 6 09…".
 */
function ListTime({ parts }: { parts: { date: string | null; time: string } }) {
  if (parts.date === null) return parts.time
  return (
    <>
      <span className="cell-time-date">{parts.date}</span> <span className="cell-time-clock">{parts.time}</span>
    </>
  )
}

function isShiftClick(event: Event): boolean {
  return event instanceof MouseEvent && event.shiftKey
}

/** Provider, verdict and summary, from the list's own data (no per-row queries). */
function RecognitionCells({
  recognition,
  changedBeforeExport,
}: {
  recognition: CaptureSummary['recognition']
  changedBeforeExport: CaptureSummary['changedBeforeExport']
}) {
  if (recognition === null) {
    return (
      <>
        <span className="cell cell-provider" />
        <span className="cell cell-verdict" />
        <span className="cell cell-summary" />
      </>
    )
  }
  const line = summaryLine(recognition.summary)
  // The rule `verdict:` searches by, so the cell and the search agree (shared/listed-verdict.ts).
  const isChanged = listedVerdictOf({ recognition, changedBeforeExport }) === CHANGED_VERDICT
  return (
    <>
      <span className="cell cell-provider">
        <ProviderBadge provider={recognition.provider} />
      </span>
      <span className="cell cell-verdict">
        {isChanged && changedBeforeExport ? (
          <ChangedBeforeExportBadge title={changedVerdictTitle(changedBeforeExport)} />
        ) : (
          <VerdictBadge status={recognition.verdict.status} title={verdictTitle(recognition.verdict)} />
        )}
      </span>
      <span className="cell cell-summary" title={line} data-testid="capture-summary">
        {line ? revealHidden(line) : <span className="muted">—</span>}
      </span>
    </>
  )
}
