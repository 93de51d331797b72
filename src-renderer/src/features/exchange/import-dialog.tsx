/**
 * Import into an endpoint: a file (HAR, bundle, raw HTTP, curl script), pasted text (a curl
 * command, a raw request, HAR JSON), or a pasted body with its method, path, headers and the
 * provider it came from. Progress arrives as `import-progress` events; failures are listed per
 * entry. The imported captures appear in the list like received ones, marked imported.
 */
import { useEffect, useMemo, useState } from 'react'
import type { Endpoint } from '@shared/views'
import { IMPORT_FORMATS, MAX_IMPORT_FILE_BYTES, type ImportFormat, type ImportResult, type PastedKind } from '@shared/exchange'
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '@shared/providers'
import { call, subscribe } from '../../api/api-client'
import { ModalDialog } from '../../components/modal-dialog'
import { CappedList } from '../../components/capped-list'
import { ProgressBar } from '../../components/progress-bar'
import { formatBytes, formatCount } from '../../lib/format'
import { providerName } from '../../lib/providers'
import { bytesToBase64 } from '../../lib/bytes'
import { importedFromQuery, importFileProblem, importPasteProblem, rawRequestBytes } from './import-source'
import './exchange.css'
import { errorMessage } from '@shared/errors'
import { exactPasteOf, withPastedLineBreaks, type ExactPaste } from '../../lib/exact-paste'

type Source = 'file' | 'paste' | 'body'

const FORMAT_LABELS: Record<ImportFormat, string> = {
  auto: 'Recognise it',
  har: 'HAR',
  bundle: 'Callback Inspector bundle',
  http: 'Raw HTTP request(s)',
  curl: 'curl command(s)',
}

interface ImportDialogProps {
  endpoint: Endpoint
  onClose: () => void
  /** Narrows the list with this query (`from:"file"`): the outcome offers it after a file's import. */
  onShowImported?: (query: string) => void
}

export function ImportDialog({ endpoint, onClose, onShowImported }: ImportDialogProps) {
  const [source, setSource] = useState<Source>('file')
  const [format, setFormat] = useState<ImportFormat>('auto')
  const [file, setFile] = useState<File | null>(null)
  const [pasted, setPasted] = useState('')
  const [body, setBody] = useState({ method: 'POST', path: `/${endpoint.slug}/`, headers: 'Content-Type: application/json', text: '' })
  // The clipboard's own line breaks, which the textareas turn into LF (lib/exact-paste.ts).
  const [pastedExactly, setPastedExactly] = useState<ExactPaste | null>(null)
  const [bodyPastedExactly, setBodyPastedExactly] = useState<ExactPaste | null>(null)
  const [provider, setProvider] = useState<PinnableProviderId | ''>('')
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  /** The name of the file imported (what its captures' `importedFrom` holds), for "Show captures imported from…". */
  const [importedFile, setImportedFile] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [isWorking, setIsWorking] = useState(false)

  useEffect(
    () =>
      subscribe((event) => {
        if (event.type === 'import-progress' && event.endpointId === endpoint.id) setProgress({ done: event.done, total: event.total })
      }),
    [endpoint.id],
  )

  // Counted once per paste, not at each render (a progress event re-renders the dialog).
  const pasteProblem = useMemo(() => importPasteProblem(pasted), [pasted])
  const problem = inputProblem(source, file, pasteProblem, body.text)
  const fileProblem = source === 'file' && file !== null ? importFileProblem(file) : null
  // Said under the field, as a file's: only when something was pasted.
  const pastedSizeProblem = source === 'paste' && /\S/.test(pasted) ? pasteProblem : null

  async function start(): Promise<void> {
    if (problem !== null) return
    setIsWorking(true)
    setError(null)
    setProgress(null)
    try {
      let bytes: Uint8Array
      let chosenFormat = format
      // What each capture says it was imported from: the file's name, or what was pasted (the app
      // words that: "pasted body", not the raw HTTP this dialog builds from it).
      let origin: { sourceName: string } | { pasted: PastedKind }
      if (source === 'file') {
        bytes = new Uint8Array(await file!.arrayBuffer())
        origin = { sourceName: file!.name }
      } else if (source === 'paste') {
        bytes = new TextEncoder().encode(withPastedLineBreaks(pasted, pastedExactly))
        origin = { pasted: 'text' }
      } else {
        const built = rawRequestBytes({ ...body, text: withPastedLineBreaks(body.text, bodyPastedExactly) })
        if (typeof built === 'string') throw new Error(built)
        bytes = built
        chosenFormat = 'http'
        origin = { pasted: 'body' }
      }
      const imported = await call('importCaptures', {
        endpointId: endpoint.id,
        format: chosenFormat,
        dataBase64: bytesToBase64(bytes),
        ...origin,
        ...(source === 'body' && provider !== '' ? { asProvider: provider } : {}),
      })
      setImportedFile(source === 'file' ? file!.name : null)
      setResult(imported)
    } catch (caught: unknown) {
      setError(errorMessage(caught))
    } finally {
      setIsWorking(false)
    }
  }

  return (
    <ModalDialog closeLink title={`Import into “${endpoint.name}”`} onClose={onClose} testId="import-dialog" size="medium">
      {result ? (
        <ImportOutcome
          result={result}
          onClose={onClose}
          onShowImported={
            onShowImported && importedFile !== null
              ? {
                  fileName: importedFile,
                  show: () => {
                    onShowImported(importedFromQuery(importedFile))
                    onClose()
                  },
                }
              : null
          }
        />
      ) : (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault()
            void start()
          }}
        >
          <div className="exchange-tabs" role="radiogroup" aria-label="Import from">
            {(['file', 'paste', 'body'] as const).map((value) => (
              <label key={value} className="checkbox">
                <input type="radio" name="import-source" checked={source === value} onChange={() => setSource(value)} data-testid={`import-source-${value}`} />
                {value === 'file' ? 'A file' : value === 'paste' ? 'Pasted text (curl, raw HTTP, HAR)' : 'A pasted body'}
              </label>
            ))}
          </div>
          {source === 'file' && (
            <label className="field">
              <span className="field-label">File (HAR, bundle, .http, curl script; gzip allowed; at most {formatBytes(MAX_IMPORT_FILE_BYTES)})</span>
              <input
                type="file"
                className="input"
                aria-invalid={fileProblem !== null}
                aria-describedby={fileProblem !== null ? 'import-file-problem' : undefined}
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
                data-testid="import-file"
              />
              {/* Said under the field: a disabled Import button alone, with the reason in its tooltip, looked like a dead end. */}
              {fileProblem !== null && (
                <span id="import-file-problem" className="field-error" role="alert" data-testid="import-file-problem">
                  {fileProblem}
                </span>
              )}
            </label>
          )}
          {source === 'paste' && (
            <label className="field">
              <span className="field-label">Text</span>
              <textarea
                className="input exchange-paste"
                value={pasted}
                onChange={(event) => setPasted(event.target.value)}
                onPaste={(event) => setPastedExactly(exactPasteOf(event.currentTarget, event.clipboardData.getData('text/plain')))}
                spellCheck={false}
                placeholder="curl -X POST https://… -H 'Content-Type: application/json' -d '{…}'"
                aria-invalid={pastedSizeProblem !== null}
                aria-describedby={pastedSizeProblem !== null ? 'import-text-problem' : undefined}
                data-testid="import-text"
              />
              {pastedSizeProblem !== null && (
                <span id="import-text-problem" className="field-error" role="alert" data-testid="import-text-problem">
                  {pastedSizeProblem}
                </span>
              )}
            </label>
          )}
          {source !== 'body' && (
            <label className="field">
              <span className="field-label">Format</span>
              <select className="input" value={format} onChange={(event) => setFormat(event.target.value as ImportFormat)} data-testid="import-format">
                {IMPORT_FORMATS.map((value) => (
                  <option key={value} value={value}>
                    {FORMAT_LABELS[value]}
                  </option>
                ))}
              </select>
            </label>
          )}
          {source === 'body' && (
            <>
              <div className="exchange-row">
                <label className="field">
                  <span className="field-label">Method</span>
                  <input
                    className="input input-narrow"
                    value={body.method}
                    onChange={(event) => setBody({ ...body, method: event.target.value })}
                    data-testid="import-body-method"
                  />
                </label>
                <label className="field exchange-grow">
                  <span className="field-label">Path and query</span>
                  <input
                    className="input"
                    value={body.path}
                    onChange={(event) => setBody({ ...body, path: event.target.value })}
                    data-testid="import-body-path"
                  />
                </label>
              </div>
              <label className="field">
                <span className="field-label">Headers, one "Name: value" per line</span>
                <textarea
                  className="input exchange-headers"
                  value={body.headers}
                  onChange={(event) => setBody({ ...body, headers: event.target.value })}
                  spellCheck={false}
                  data-testid="import-body-headers"
                />
              </label>
              <label className="field">
                <span className="field-label">Body</span>
                <textarea
                  className="input exchange-paste"
                  value={body.text}
                  onChange={(event) => setBody({ ...body, text: event.target.value })}
                  onPaste={(event) => setBodyPastedExactly(exactPasteOf(event.currentTarget, event.clipboardData.getData('text/plain')))}
                  spellCheck={false}
                  data-testid="import-body-text"
                />
              </label>
              <label className="field">
                <span className="field-label">Sent by</span>
                <select
                  className="input"
                  value={provider}
                  onChange={(event) => setProvider(event.target.value as PinnableProviderId | '')}
                  data-testid="import-body-provider"
                >
                  <option value="">Recognise it (as the endpoint does)</option>
                  {PINNABLE_PROVIDER_IDS.map((id) => (
                    <option key={id} value={id}>
                      {providerName(id)}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
          {isWorking && progress && (
            <div className="exchange-progress" data-testid="import-progress">
              <ProgressBar done={progress.done} total={progress.total} label="Import progress" />
              <span>
                {formatCount(progress.done)} of {formatCount(progress.total)}
              </span>
            </div>
          )}
          {error && (
            <p className="form-error" role="alert" data-testid="import-error">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={problem !== null || isWorking}
              title={problem ?? undefined}
              data-testid="import-submit"
            >
              {isWorking ? 'Importing…' : 'Import'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  )
}

function ImportOutcome({
  result,
  onClose,
  onShowImported,
}: {
  result: ImportResult
  onClose: () => void
  onShowImported: { fileName: string; show: () => void } | null
}) {
  const imported = result.importedIds.length
  const notices = result.notices
  return (
    <div className="form" data-testid="import-result">
      <p data-testid="import-summary">
        Imported {formatCount(imported)} {imported === 1 ? 'capture' : 'captures'}
        {result.failures.length > 0
          ? `; ${formatCount(result.failures.length)} ${result.failures.length === 1 ? 'entry' : 'entries'} could not be imported:`
          : '.'}
      </p>
      {result.failures.length > 0 && (
        <CappedList
          items={result.failures}
          className="exchange-failures"
          testId="import-failures"
          itemKey={(failure) => failure.entry}
          renderItem={(failure) => `Entry ${failure.entry}: ${failure.message}`}
        />
      )}
      {/* Imported, but not wholly: said here, where the importer looks, as well as in each capture's note. */}
      {notices.length > 0 && (
        <>
          <p data-testid="import-notices-summary">
            {formatCount(notices.length)} {notices.length === 1 ? 'capture was' : 'captures were'} imported without part of the request:
          </p>
          <CappedList
            items={notices}
            className="exchange-failures"
            testId="import-notices"
            itemKey={(notice) => notice.entry}
            renderItem={(notice) => `Entry ${notice.entry}: ${notice.message}`}
          />
        </>
      )}
      <div className="modal-actions">
        {/* The list's filter then says how to find them again: `from:"file"`. */}
        {onShowImported && imported > 0 && (
          <button type="button" className="button" onClick={onShowImported.show} data-testid="import-show-imported">
            Show captures imported from “{onShowImported.fileName}”
          </button>
        )}
        <button type="button" className="button button-primary" onClick={onClose} data-testid="import-done">
          Done
        </button>
      </div>
    </div>
  )
}

function inputProblem(source: Source, file: File | null, pasteProblem: string | null, bodyText: string): string | null {
  switch (source) {
    case 'file':
      return file ? importFileProblem(file) : 'Choose a file'
    case 'paste':
      return pasteProblem
    case 'body':
      return bodyText === '' ? 'Paste the body' : null
    default: {
      const unknownSource: never = source
      return unknownSource
    }
  }
}
