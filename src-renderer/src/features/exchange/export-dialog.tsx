/**
 * Export: choose what (one capture, the selection, the captures matching the filter, or the whole
 * endpoint), the format and whether to redact; a redacted export lists what was masked before it
 * is saved. Saving is a browser download: the desktop shell shows its native Save dialog for it.
 * The file is read piece by piece (readExportPiece): one answer holding a large export stalled the
 * main process, and with it the receiver, while it was serialised.
 */
import { useState } from 'react'
import { normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'
import type { Endpoint } from '@shared/views'
import { EXPORT_FORMATS, type ExportFormat, type ExportPiecesResult, type Redaction } from '@shared/exchange'
import { call } from '../../api/api-client'
import { ModalDialog } from '../../components/modal-dialog'
import { CappedList } from '../../components/capped-list'
import { downloadBytes } from '../../lib/body-download'
import { base64ToBytes } from '../../lib/bytes'
import { formatBytes, formatCount } from '../../lib/format'
import './exchange.css'
import { errorMessage } from '@shared/errors'

/** What can be exported from where the dialog was opened. */
export interface ExportChoices {
  /** The endpoint on screen, if any. */
  endpoint: Endpoint | undefined
  /** Ticked captures (or the one capture of a detail view, or the attempts of a delivery). */
  selectedIds: readonly string[]
  /** What `selectedIds` are, when more than "the selected captures" (a delivery's attempts). */
  selectionLabel?: string
  /** The list's filter while one is active, and how many captures match it. */
  filter: { value: CaptureFilter; matchCount: number } | null
}

type Scope = 'selection' | 'filter' | 'endpoint'

const FORMAT_LABELS: Record<ExportFormat, string> = {
  har: 'HAR 1.2 (browsers, HTTP Toolkit, Charles)',
  bundle: 'Callback Inspector bundle (lossless: notes, pins, resends)',
  http: 'Raw HTTP/1.1 requests',
  curl: 'curl commands (shell script)',
}

interface ExportDialogProps {
  choices: ExportChoices
  onClose: () => void
}

export function ExportDialog({ choices, onClose }: ExportDialogProps) {
  const scopes = scopeOptions(choices)
  const [scope, setScope] = useState<Scope | undefined>(scopes[0]?.scope)
  const [format, setFormat] = useState<ExportFormat>('har')
  const [redact, setRedact] = useState(false)
  const [personalData, setPersonalData] = useState(false)
  const [result, setResult] = useState<ExportPiecesResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [isWorking, setIsWorking] = useState(false)
  const chosen = scopes.find((option) => option.scope === scope) ?? scopes[0]

  async function prepare(): Promise<void> {
    if (!chosen) return
    setIsWorking(true)
    setError(null)
    try {
      const exported = await call('exportCaptures', {
        ...scopeInput(chosen.scope, choices),
        format,
        redact,
        redactPersonalData: redact && personalData,
        delivery: 'pieces',
      })
      if (!('pieces' in exported)) throw new Error('The export was answered whole instead of in pieces.')
      // Nothing to show first: save at once. Anything masked or removed is shown before saving.
      if (exported.redactions === undefined) {
        await save(exported)
        onClose()
      } else setResult(exported)
    } catch (caught: unknown) {
      setError(errorMessage(caught))
    } finally {
      setIsWorking(false)
    }
  }

  return (
    <ModalDialog closeLink title="Export captures" onClose={onClose} testId="export-dialog" size="medium">
      {result ? (
        <ExportReview
          result={result}
          isRedacted={redact}
          onBack={() => setResult(null)}
          onSave={async () => {
            await save(result)
            onClose()
          }}
        />
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault()
            void prepare()
          }}
        >
          <fieldset className="exchange-options" data-testid="export-scope">
            <legend className="field-label">What to export</legend>
            {scopes.map((option) => (
              <label key={option.scope} className="checkbox">
                <input
                  type="radio"
                  name="export-scope"
                  checked={chosen?.scope === option.scope}
                  onChange={() => setScope(option.scope)}
                  data-testid={`export-scope-${option.scope}`}
                />
                {option.label}
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span className="field-label">Format</span>
            <select className="input" value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)} data-testid="export-format">
              {EXPORT_FORMATS.map((value) => (
                <option key={value} value={value}>
                  {FORMAT_LABELS[value]}
                </option>
              ))}
            </select>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={redact} onChange={(event) => setRedact(event.target.checked)} data-testid="export-redact" />
            Redact for sharing: mask card numbers (first 6 and last 4 digits kept), remove security codes, mask expiry dates, remove credential and signature
            headers
          </label>
          {redact && (
            <label className="checkbox exchange-indent">
              <input type="checkbox" checked={personalData} onChange={(event) => setPersonalData(event.target.checked)} data-testid="export-redact-personal" />
              Also mask e-mail addresses and cardholder names
            </label>
          )}
          <p className="field-hint">
            Configured signing secrets are never exported. Redaction finds card data by field name and by pattern; free text in fields it does not know may
            still hold personal data.
          </p>
          {error && (
            <p className="form-error" role="alert" data-testid="export-error">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={!chosen || isWorking} data-testid="export-submit">
              {isWorking ? 'Exporting…' : redact ? 'Redact and review…' : 'Export'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  )
}

interface ExportReviewProps {
  result: ExportPiecesResult
  isRedacted: boolean
  onBack: () => void
  onSave: () => Promise<void>
}

/** What was masked or removed, listed before the file is saved. */
function ExportReview({ result, isRedacted, onBack, onSave }: ExportReviewProps) {
  const redactions = result.redactions ?? []
  const size = result.byteLength
  const [isSaving, setIsSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  return (
    <div className="form" data-testid="export-review">
      <p>
        <strong>{result.fileName}</strong> <span className="muted">({formatBytes(size)})</span>
      </p>
      <p>
        {isRedacted
          ? redactions.length === 0
            ? 'Nothing needed masking. The verdicts in the file were computed before redaction.'
            : `${formatCount(redactions.length)} ${redactions.length === 1 ? 'change' : 'changes'}, also listed in the file. The verdicts in the file were computed before redaction.`
          : // A configured secret removed, or a damaged capture left out: the list says which.
            'Everything is exported as received, except:'}
      </p>
      {redactions.length > 0 && (
        <CappedList
          items={redactions}
          className="exchange-redactions"
          testId="export-redactions"
          itemKey={(_redaction, index) => index}
          renderItem={describeRedaction}
          moreNote="(all listed in the file)"
        />
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="export-error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={isSaving}
          onClick={() => {
            setIsSaving(true)
            setError(null)
            onSave()
              .catch((caught: unknown) => setError(errorMessage(caught)))
              .finally(() => setIsSaving(false))
          }}
          data-testid="export-save"
        >
          {isSaving ? 'Saving…' : 'Save file…'}
        </button>
      </div>
    </div>
  )
}

function describeRedaction(redaction: Redaction): string {
  const capture = redaction.capture === null ? '' : `Capture ${redaction.capture + 1}: `
  return `${capture}${redaction.location}: ${redaction.action}`
}

/** Reads the file's pieces in order (the last read releases it in the app) and saves them as one file. */
async function save(result: ExportPiecesResult): Promise<void> {
  const parts: Uint8Array[] = []
  for (let index = 0; index < result.pieces.count; index++) {
    const piece = await call('readExportPiece', { exportId: result.pieces.exportId, index })
    parts.push(base64ToBytes(piece.dataBase64))
  }
  downloadBytes(parts, result.fileName)
}

function scopeOptions({ endpoint, selectedIds, selectionLabel, filter }: ExportChoices): Array<{ scope: Scope; label: string }> {
  const options: Array<{ scope: Scope; label: string }> = []
  if (selectedIds.length > 0)
    options.push({
      scope: 'selection',
      label: selectionLabel ?? (selectedIds.length === 1 ? 'This capture' : `The ${formatCount(selectedIds.length)} selected captures`),
    })
  if (endpoint && filter) options.push({ scope: 'filter', label: `The ${formatCount(filter.matchCount)} captures matching the filter` })
  if (endpoint && endpoint.captureCount > 0)
    options.push({ scope: 'endpoint', label: `Every capture of “${endpoint.name}” (${formatCount(endpoint.captureCount)})` })
  return options
}

function scopeInput(scope: Scope, choices: ExportChoices): { captureIds?: string[]; endpointId?: string; filter?: CaptureFilter } {
  switch (scope) {
    case 'selection':
      return { captureIds: [...choices.selectedIds] }
    case 'filter':
      return { endpointId: choices.endpoint?.id, filter: normalizeCaptureFilter(choices.filter?.value) }
    case 'endpoint':
      return { endpointId: choices.endpoint?.id }
    default: {
      const unknownScope: never = scope
      return unknownScope
    }
  }
}
