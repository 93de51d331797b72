/**
 * A bulk replay running or done: progress with cancel, then a results table. A run over a
 * filter can have tens of thousands of results; the table shows the ones that need a look first
 * (failed, cancelled) and at most {@link MAX_RESULT_ROWS} rows, since every result is also in its
 * capture's history.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import type { BulkItemResult } from '@shared/replay'
import type { BulkJobView, CaptureSummary } from '@shared/views'
import { call } from '../../api/api-client'
import { queryKeys, type CaptureListData } from '../../api/query-keys'
import { useBulkJob } from '../../api/queries'
import { formatCount, formatDuration, formatListTime } from '../../lib/format'
import { providerName } from '../../lib/providers'
import { ProgressBar } from '../../components/progress-bar'
import { outcomeClass, outcomeLabel } from './replay-format'
import { errorMessage } from '@shared/errors'

export const MAX_RESULT_ROWS = 500

/** Every result when they fit; else those without an answer first, then the rest, in capture order, cut at {@link MAX_RESULT_ROWS}. */
export function resultsToShow(results: BulkItemResult[], maxRows = MAX_RESULT_ROWS): BulkItemResult[] {
  if (results.length <= maxRows) return results
  const unanswered = results.filter((item) => item.status !== 'sent')
  const answered = results.filter((item) => item.status === 'sent')
  return [...unanswered, ...answered].slice(0, maxRows)
}

export function BulkProgress({ initial, onClose }: { initial: BulkJobView; onClose: () => void }) {
  const { data: job } = useBulkJob(initial)
  const queryClient = useQueryClient()
  const [cancelError, setCancelError] = useState<string | null>(null)
  const [isCancelling, setIsCancelling] = useState(false)
  const shown = useMemo(() => resultsToShow(job.results), [job.results])

  // Capture time and target from the lists already loaded (filtered or not), when they are.
  const loaded = useMemo(() => {
    const byId = new Map<string, CaptureSummary>()
    for (const [, data] of queryClient.getQueriesData<CaptureListData>({ queryKey: queryKeys.captureLists() })) {
      for (const page of data?.pages ?? []) for (const item of page.items) byId.set(item.id, item)
    }
    return byId
    // The lists live in the query cache, which is not a dependency: read them again once the job finishes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryClient, job.finished])

  async function cancel(): Promise<void> {
    setIsCancelling(true)
    try {
      const view = await call('cancelBulkReplay', { jobId: job.jobId })
      queryClient.setQueryData(queryKeys.bulkJob(job.jobId), view)
    } catch (caught: unknown) {
      setCancelError(errorMessage(caught))
    }
    setIsCancelling(false)
  }

  return (
    <div className="bulk-progress" data-testid="bulk-progress" data-finished={job.finished}>
      <p className="wire replay-small muted">→ {job.targetUrl}</p>
      <ProgressBar done={job.done} total={job.total} label="Replay progress" testId="bulk-progress-bar" />
      <p className="bulk-counts" data-testid="bulk-counts" aria-live="polite">
        {formatCount(job.done)} of {formatCount(job.total)} done · <span className="status-ok">{formatCount(job.sent)} answered</span> ·{' '}
        <span className={job.failed > 0 ? 'status-server-error' : ''}>{formatCount(job.failed)} failed</span>
        {job.cancelled > 0 && ` · ${formatCount(job.cancelled)} cancelled`}
        {!job.finished && job.inFlight > 0 && (
          // Slow answers are not a stalled run: say how many are out and awaited.
          <span data-testid="bulk-in-flight"> · {formatCount(job.inFlight)} sent, awaiting the answer</span>
        )}
        {job.finished && (job.wasCancelled ? ' · cancelled' : ' · finished')}
      </p>
      {job.notResigned > 0 && (
        // Re-sign was asked for, but these went with the signature they were captured with: the target's check may refuse them.
        <p className="notice notice-warning replay-small" data-testid="bulk-not-resigned">
          {formatCount(job.notResigned)} {job.notResigned === 1 ? 'capture was' : 'captures were'} sent with the signature captured, not re-signed (no key for
          it, or a key that does not load): marked “not re-signed” below.
        </p>
      )}
      {job.unrecorded > 0 && (
        <p className="notice notice-warning replay-small" role="alert" data-testid="bulk-unrecorded">
          {formatCount(job.unrecorded)} {job.unrecorded === 1 ? 'result is' : 'results are'} not in {job.unrecorded === 1 ? 'its capture’s' : 'their captures’'}{' '}
          resend history: it could not be written. They are only in this table until the job is forgotten (an hour) or the app stops.
        </p>
      )}
      {cancelError && <p className="form-error">{cancelError}</p>}
      {job.finished && job.results.length > 0 && (
        <div className="bulk-results-scroll">
          {shown.length < job.results.length && (
            <p className="muted replay-small" data-testid="bulk-results-cut">
              Showing {formatCount(shown.length)} of {formatCount(job.results.length)} results, those that did not get an answer first.
              {job.unrecorded === 0 ? ' Every result is in its capture’s history.' : ''}
            </p>
          )}
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
              {shown.map((item) => {
                const capture = loaded.get(item.captureId)
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
                        <span
                          className={`status ${outcomeClass(item.outcome)}`}
                          title={item.outcome.kind === 'failure' ? item.outcome.failure.message : undefined}
                        >
                          {outcomeLabel(item.outcome)}
                        </span>
                      ) : (
                        <span className="muted">{item.status}</span>
                      )}
                      {item.resignSkipped && item.resignSkipped.length > 0 && (
                        <span
                          className="tag tag-warn"
                          title={item.resignSkipped.map((skip) => `${skip.scheme} (${providerName(skip.provider)}): ${skip.reason}`).join('\n')}
                          data-testid="bulk-result-not-resigned"
                        >
                          not re-signed
                        </span>
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
