import { useState } from 'react'
import type { ReplayRecord } from '@shared/replay'
import { useReplays } from '../../api/queries'
import { DetailSection } from '../../components/detail-section'
import { formatDuration, formatFullTime, formatListTime } from '../../lib/format'
import { outcomeClass, outcomeLabel, REPLAY_KIND_LABELS } from './replay-format'
import { ReplayOutcomeView } from './replay-outcome'
import { ChangesView, DifferenceStatement, SentRequest } from './sent-request'
import { CompareResendButton } from '../compare/compare-buttons'
import './replay.css'

/** Every resend, bulk replay and forward of a capture, newest first, live. */
export function ReplayHistory({ captureId }: { captureId: string }) {
  const { data, error, isPending } = useReplays(captureId)
  const [openId, setOpenId] = useState<string | null>(null)
  return (
    <DetailSection title="Resends" aside={data ? data.length : undefined} testId="replay-history">
      {isPending ? (
        <p className="muted">Loading…</p>
      ) : error ? (
        <p className="form-error">Could not load the history: {error.message}</p>
      ) : data.length === 0 ? (
        <p className="muted" data-testid="replay-history-empty">
          Not resent yet. Resend it to your server with the Resend button above.
        </p>
      ) : (
        <ul className="replay-history-list">
          {data.map((record) => (
            <HistoryItem key={record.id} record={record} isOpen={openId === record.id} onToggle={() => setOpenId(openId === record.id ? null : record.id)} />
          ))}
        </ul>
      )}
    </DetailSection>
  )
}

function HistoryItem({ record, isOpen, onToggle }: { record: ReplayRecord; isOpen: boolean; onToggle: () => void }) {
  const { outcome } = record
  const status = outcome.kind === 'response' ? String(outcome.response.status) : outcome.kind === 'failure' ? outcome.failure.kind : outcome.kind
  return (
    <li className="replay-history-item" data-testid="replay-record" data-replay-kind={record.kind} data-status={status}>
      <button type="button" className="replay-history-row" aria-expanded={isOpen} onClick={onToggle}>
        <span className={`disclosure ${isOpen ? 'disclosure-open' : ''}`} aria-hidden="true" />
        <span className="tag tag-subtle replay-kind">{REPLAY_KIND_LABELS[record.kind]}</span>
        <span className="replay-time" title={formatFullTime(record.at)}>
          {formatListTime(record.at)}
        </span>
        <span className="replay-url wire" title={record.sent.url}>
          {record.sent.method} {record.sent.url}
        </span>
        {record.sent.differsFromCapture && (
          <span className="tag tag-warn" title="What was sent differs from the capture" data-testid="replay-differs-marker">
            differs
          </span>
        )}
        <span
          className={`status ${outcomeClass(outcome)}`}
          title={outcome.kind === 'app-stopped' ? outcome.message : outcome.kind === 'sending' ? 'Sent; waiting for the target’s answer' : undefined}
          data-testid="replay-record-status"
        >
          {outcomeLabel(outcome)}
        </span>
        <span className="muted replay-duration">
          {outcome.kind === 'app-stopped' || outcome.kind === 'sending' ? '' : formatDuration(outcome.timing.durationMs)}
        </span>
      </button>
      {isOpen && (
        <div className="replay-history-detail" data-testid="replay-record-detail">
          <h4 className="replay-subheading">Sent</h4>
          <DifferenceStatement sent={record.sent} differences={record.differences} resign={record.resign} />
          <CompareResendButton captureId={record.captureId} replayId={record.id} />
          <ChangesView differences={record.differences} resign={record.resign} bodyDiff={null} />
          <SentRequest sent={record.sent} />
          <h4 className="replay-subheading">Came back</h4>
          <ReplayOutcomeView outcome={outcome} forward={record.forward} />
        </div>
      )}
    </li>
  )
}
