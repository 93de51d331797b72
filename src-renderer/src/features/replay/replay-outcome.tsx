import { useMemo } from 'react'
import type { ForwardSummary, RecordedOutcome, ReplayOutcome } from '@shared/replay'
import { headerValue } from '@shared/http-message'
import { CappedText } from '../../components/capped-text'
import { base64ToBytes, decodeUtf8Lenient, decodeUtf8Strict, looksBinary } from '../../lib/bytes'
import { hexDump } from '../../lib/hex-dump'
import { formatBytes, formatDuration, formatExactBytes } from '../../lib/format'
import { HeadersTable } from '../captures/headers-table'
import { failureTitle, forwardSummarySentence, outcomeClass, outcomeLabel } from './replay-format'
import './replay.css'

/** Characters of an answer body rendered at first (and per "show more"): always as text, never as HTML. */
const ANSWER_TEXT_STEP = 16 * 1024
/** A binary answer is shown as a hex dump of its start. */
const ANSWER_HEX_BYTES = 4096

interface ReplayOutcomeViewProps {
  outcome: RecordedOutcome
  forward?: ForwardSummary | null
  testId?: string
}

/** What came back: the target's answer, or the failure, shown as plainly as an answer. */
export function ReplayOutcomeView({ outcome, forward = null, testId = 'replay-outcome' }: ReplayOutcomeViewProps) {
  if (outcome.kind === 'sending') {
    return (
      <div className="replay-outcome" data-testid={testId} data-outcome-kind={outcome.kind}>
        <p className="replay-failure-title" role="status" data-testid="replay-sending">
          <span className={`status ${outcomeClass(outcome)}`}>{outcomeLabel(outcome)}</span>
          <span className="muted"> · waiting for the answer of {outcome.url}</span>
        </p>
      </div>
    )
  }
  if (outcome.kind === 'app-stopped') {
    // Sent, never answered here: say so, rather than a failure (the target may well have acted on it).
    return (
      <div className="replay-outcome" data-testid={testId} data-outcome-kind={outcome.kind}>
        <div className="replay-failure replay-app-stopped" role="status" data-testid="replay-app-stopped">
          <p className="replay-failure-title">
            <span className={`status ${outcomeClass(outcome)}`}>{outcomeLabel(outcome)}</span>
          </p>
          <p className="replay-failure-message">
            {outcome.message.charAt(0).toUpperCase()}
            {outcome.message.slice(1)}.
          </p>
          <p className="muted wire replay-small">{outcome.url}</p>
        </div>
      </div>
    )
  }
  return (
    <div className="replay-outcome" data-testid={testId} data-outcome-kind={outcome.kind}>
      {outcome.kind === 'failure' ? (
        <div className="replay-failure" role="status" data-testid="replay-failure" data-failure-kind={outcome.failure.kind}>
          <p className="replay-failure-title">
            <span className="status status-server-error">{failureTitle(outcome.failure.kind)}</span>
            <span className="muted"> · after {formatDuration(outcome.timing.durationMs)}</span>
          </p>
          <p className="replay-failure-message">{outcome.failure.message}</p>
          <p className="muted wire replay-small">
            {outcome.url}
            {outcome.failure.code && ` · ${outcome.failure.code}`}
          </p>
        </div>
      ) : (
        <AnswerView outcome={outcome} />
      )}
      {outcome.redirects.length > 0 && (
        <ol className="replay-redirects" data-testid="replay-redirects" aria-label="Redirects followed">
          {outcome.redirects.map((hop, index) => (
            <li key={index} className="wire">
              {hop.status} → {hop.url}
              {hop.droppedHeaders && hop.droppedHeaders.length > 0 && (
                <span className="muted"> (another origin: not sent there: {hop.droppedHeaders.join(', ')})</span>
              )}
            </li>
          ))}
        </ol>
      )}
      {forward && (
        <p className="notice replay-small" data-testid="forward-summary">
          Forward ({forward.mode}): {forwardSummarySentence(forward)}
        </p>
      )}
    </div>
  )
}

function AnswerView({ outcome }: { outcome: Extract<ReplayOutcome, { kind: 'response' }> }) {
  const { response, timing } = outcome
  const bytes = useMemo(() => base64ToBytes(response.bodyBase64), [response.bodyBase64])
  const contentType = headerValue(response.headers, 'content-type') ?? null
  const text = useMemo(() => {
    const strict = decodeUtf8Strict(bytes)
    if (strict !== null && !looksBinary(strict)) return { text: strict, isBinary: false }
    if (strict === null && bytes.length > 0 && looksBinary(decodeUtf8Lenient(bytes))) return { text: hexDump(bytes, 0, ANSWER_HEX_BYTES), isBinary: true }
    return { text: decodeUtf8Lenient(bytes), isBinary: strict === null }
  }, [bytes])
  return (
    <>
      <p className="replay-answer-line wire" data-testid="replay-status">
        <span className={`status ${outcomeClass(outcome)}`}>{outcomeLabel(outcome)}</span>
        <span className="muted">
          {' '}
          · {formatDuration(timing.durationMs)} · HTTP/{response.httpVersion} · body {formatExactBytes(response.bodySize)}
          {contentType && ` · ${contentType}`}
        </span>
      </p>
      {response.redirect && (
        <p className="notice notice-warning" data-testid="replay-redirect">
          Redirect not followed: {response.redirect.status} to <code className="wire">{response.redirect.location}</code>
          {response.redirect.url !== response.redirect.location && <span className="muted"> ({response.redirect.url})</span>}. Turn on “follow redirects” to
          send there.
        </p>
      )}
      <details className="replay-disclosure">
        <summary>Answer headers ({response.headers.length})</summary>
        <HeadersTable headers={response.headers} testId="replay-response-headers" />
      </details>
      {bytes.length === 0 ? (
        <p className="muted replay-small">Empty body.</p>
      ) : (
        <>
          {response.bodyTruncated && (
            <p className="notice replay-small" data-testid="replay-body-truncated">
              Only the first {formatExactBytes(bytes.length)} were kept
              {response.declaredSize !== null && ` of ${formatExactBytes(response.declaredSize)}`}.
            </p>
          )}
          {text.isBinary && (
            <p className="muted replay-small">
              Binary body, shown as hex{bytes.length > ANSWER_HEX_BYTES ? ` (the first ${formatBytes(ANSWER_HEX_BYTES)})` : ''}.
            </p>
          )}
          <CappedText text={text.text} step={ANSWER_TEXT_STEP} className="replay-answer-body" testId="replay-response-body" />
        </>
      )}
    </>
  )
}
