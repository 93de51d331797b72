import { TargetUrlField } from './replay-fields'
import { useQueryClient } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import type { BulkJobView, CaptureSummary, Endpoint } from '../../../../src-main/shared/contract'
import { call } from '../../api/api-client'
import { queryKeys, type CaptureListData } from '../../api/query-keys'
import { useBulkJob, useForwardConfig } from '../../api/queries'
import { formatCount, formatDuration, formatListTime } from '../../lib/format'
import { BULK_MAX_CONCURRENCY, BULK_MAX_RATE_PER_SECOND, describeInvalidTargetUrl } from '../../lib/replay-limits'
import { ModalDialog } from '../../components/modal-dialog'
import { outcomeClass, outcomeLabel } from './replay-format'

interface BulkReplayDialogProps {
  endpoint: Endpoint
  onClose: () => void
}

/** Replays every capture of the endpoint (the current filter), oldest first. */
export function BulkReplayDialog({ endpoint, onClose }: BulkReplayDialogProps) {
  const [job, setJob] = useState<BulkJobView | null>(null)
  return (
    <ModalDialog closeLink title={`Replay “${endpoint.name}”`} onClose={onClose} testId="bulk-replay-dialog" size="wide">
      {job ? <BulkProgress initial={job} endpointId={endpoint.id} onClose={onClose} /> : <BulkForm endpoint={endpoint} onStarted={setJob} onClose={onClose} />}
    </ModalDialog>
  )
}

function BulkForm({ endpoint, onStarted, onClose }: { endpoint: Endpoint; onStarted: (job: BulkJobView) => void; onClose: () => void }) {
  const forward = useForwardConfig(endpoint.id)
  const lastTarget = forward.data?.lastTarget ?? null
  const [targetDraft, setTargetDraft] = useState<string | null>(null)
  const [keepPathDraft, setKeepPathDraft] = useState<boolean | null>(null)
  const targetUrl = targetDraft ?? lastTarget?.url ?? ''
  const keepCapturedPath = keepPathDraft ?? lastTarget?.keepCapturedPath ?? false
  const [resign, setResign] = useState(false)
  const [pacing, setPacing] = useState<'concurrency' | 'rate'>('concurrency')
  const [concurrency, setConcurrency] = useState('4')
  const [rate, setRate] = useState('10')
  const [error, setError] = useState<string | null>(null)
  const [isStarting, setIsStarting] = useState(false)

  const targetProblem = describeInvalidTargetUrl(targetUrl)
  const concurrencyValue = Number(concurrency)
  const rateValue = Number(rate)
  const pacingProblem =
    pacing === 'concurrency'
      ? Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= BULK_MAX_CONCURRENCY
        ? null
        : `a whole number from 1 to ${BULK_MAX_CONCURRENCY}`
      : rateValue > 0 && rateValue <= BULK_MAX_RATE_PER_SECOND
        ? null
        : `more than 0, at most ${BULK_MAX_RATE_PER_SECOND} per second`

  async function start(): Promise<void> {
    if (targetProblem || pacingProblem) return
    setIsStarting(true)
    setError(null)
    try {
      const job = await call('startBulkReplay', {
        endpointId: endpoint.id,
        targetUrl,
        keepCapturedPath,
        resign,
        ...(pacing === 'concurrency' ? { concurrency: concurrencyValue } : { ratePerSecond: rateValue, concurrency: BULK_MAX_CONCURRENCY }),
      })
      onStarted(job)
    } catch (caught: unknown) {
      setError(caught instanceof Error ? caught.message : String(caught))
      setIsStarting(false)
    }
  }

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault()
        void start()
      }}
    >
      <p className="muted">
        All {formatCount(endpoint.captureCount)} captures of this endpoint are sent to the target in the order they arrived (oldest first).
      </p>
      <TargetUrlField value={targetUrl} problem={targetProblem} testId="bulk-target" onChange={setTargetDraft} />
      <label className="checkbox">
        <input type="checkbox" checked={keepCapturedPath} onChange={(event) => setKeepPathDraft(event.target.checked)} data-testid="bulk-keep-path" />
        Keep each capture’s path and query
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={resign} onChange={(event) => setResign(event.target.checked)} data-testid="bulk-resign" />
        Re-sign with this endpoint’s keys (fresh timestamps)
      </label>
      <fieldset className="bulk-pacing">
        <legend className="field-label">Pace</legend>
        <label className="checkbox">
          <input type="radio" name="bulk-pacing" checked={pacing === 'concurrency'} onChange={() => setPacing('concurrency')} data-testid="bulk-pacing-concurrency" />
          At most
          <input
            className="input input-narrow"
            type="number"
            min={1}
            max={BULK_MAX_CONCURRENCY}
            value={concurrency}
            disabled={pacing !== 'concurrency'}
            aria-label="Requests in flight at once"
            onChange={(event) => setConcurrency(event.target.value)}
            data-testid="bulk-concurrency"
          />
          in flight at once (1-{BULK_MAX_CONCURRENCY})
        </label>
        <label className="checkbox">
          <input type="radio" name="bulk-pacing" checked={pacing === 'rate'} onChange={() => setPacing('rate')} data-testid="bulk-pacing-rate" />
          At most
          <input
            className="input input-narrow"
            type="number"
            min={0.1}
            step="any"
            max={BULK_MAX_RATE_PER_SECOND}
            value={rate}
            disabled={pacing !== 'rate'}
            aria-label="Requests per second"
            onChange={(event) => setRate(event.target.value)}
            data-testid="bulk-rate"
          />
          per second
        </label>
        {pacingProblem && <span className="field-error">{pacingProblem}</span>}
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="bulk-error">
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
          disabled={isStarting || targetProblem !== null || pacingProblem !== null || endpoint.captureCount === 0}
          data-testid="bulk-start"
        >
          {isStarting ? 'Starting…' : `Replay ${formatCount(endpoint.captureCount)} ${endpoint.captureCount === 1 ? 'capture' : 'captures'}`}
        </button>
      </div>
    </form>
  )
}

function BulkProgress({ initial, endpointId, onClose }: { initial: BulkJobView; endpointId: string; onClose: () => void }) {
  const { data: job } = useBulkJob(initial)
  const queryClient = useQueryClient()
  const [cancelError, setCancelError] = useState<string | null>(null)
  const [isCancelling, setIsCancelling] = useState(false)
  const percent = job.total === 0 ? 100 : Math.round((job.done / job.total) * 100)

  // Capture time and target from the list already loaded for this endpoint (when it is).
  const captures = useMemo(() => {
    const byId = new Map<string, CaptureSummary>()
    const data = queryClient.getQueryData<CaptureListData>(queryKeys.captureList(endpointId))
    for (const page of data?.pages ?? []) for (const item of page.items) byId.set(item.id, item)
    return byId
  }, [queryClient, endpointId, job.finished])

  async function cancel(): Promise<void> {
    setIsCancelling(true)
    try {
      const view = await call('cancelBulkReplay', { jobId: job.jobId })
      queryClient.setQueryData(queryKeys.bulkJob(job.jobId), view)
    } catch (caught: unknown) {
      setCancelError(caught instanceof Error ? caught.message : String(caught))
    }
    setIsCancelling(false)
  }

  return (
    <div className="bulk-progress" data-testid="bulk-progress" data-finished={job.finished}>
      <p className="wire replay-small muted">→ {job.targetUrl}</p>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.done}
        aria-label="Replay progress"
        data-testid="bulk-progress-bar"
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="bulk-counts" data-testid="bulk-counts" aria-live="polite">
        {formatCount(job.done)} of {formatCount(job.total)} done · <span className="status-ok">{formatCount(job.sent)} answered</span> ·{' '}
        <span className={job.failed > 0 ? 'status-server-error' : ''}>{formatCount(job.failed)} failed</span>
        {job.cancelled > 0 && ` · ${formatCount(job.cancelled)} cancelled`}
        {job.finished && (job.wasCancelled ? ' · cancelled' : ' · finished')}
      </p>
      {cancelError && <p className="form-error">{cancelError}</p>}
      {job.finished && job.results.length > 0 && (
        <div className="bulk-results-scroll">
          <table className="kv-table bulk-results" data-testid="bulk-results">
            <thead>
              <tr>
                <th className="bulk-col-seq">#</th>
                <th>Captured</th>
                <th>Sent to</th>
                <th>Result</th>
                <th className="bulk-col-time">Took</th>
              </tr>
            </thead>
            <tbody>
              {job.results.map((item) => {
                const capture = captures.get(item.captureId)
                return (
                  <tr key={item.captureId} data-testid="bulk-result-row" data-status={item.status}>
                    <td className="bulk-col-seq">{item.seq}</td>
                    <td>
                      {capture ? (
                        <>
                          {formatListTime(capture.receivedAt)} <span className="muted">{capture.target}</span>
                        </>
                      ) : (
                        <span className="muted">{item.captureId}</span>
                      )}
                    </td>
                    <td className="muted">{item.outcome?.url ?? '—'}</td>
                    <td>
                      {item.outcome ? (
                        <span className={`status ${outcomeClass(item.outcome)}`} title={item.outcome.kind === 'failure' ? item.outcome.failure.message : undefined}>
                          {outcomeLabel(item.outcome)}
                        </span>
                      ) : (
                        <span className="muted">{item.status}</span>
                      )}
                    </td>
                    <td className="bulk-col-time">{item.outcome ? formatDuration(item.outcome.timing.durationMs) : ''}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="modal-actions">
        {!job.finished && (
          <button type="button" className="button button-danger" onClick={() => void cancel()} disabled={isCancelling} data-testid="bulk-cancel">
            {isCancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        <button type="button" className="button" onClick={onClose} data-testid="bulk-close">
          {job.finished ? 'Close' : 'Hide (keeps running)'}
        </button>
      </div>
    </div>
  )
}
