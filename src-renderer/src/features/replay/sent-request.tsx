import { useMemo } from 'react'
import type { ReplayDifference, ResignSummary, SentRequestView, TextDiff } from '@shared/replay'
import type { BodyDiff as BodyComparisonData } from '@shared/capture-diff'
import { CappedText } from '../../components/capped-text'
import { base64ToBytes, decodeUtf8Lenient, decodeUtf8Strict } from '../../lib/bytes'
import { REPLAY_RECORD_BODY_BYTES } from '@shared/replay-limits'
import { formatBytes, formatExactBytes } from '../../lib/format'
import { providerName } from '../../lib/providers'
import { HeadersTable } from '../captures/headers-table'
import { JsonPathChanges, UnifiedDiffText } from '../compare/body-comparison'
import { describeDifferences } from './replay-format'

const SENT_TEXT_STEP = 16 * 1024

/** "This request differs from the capture: …", or that it is the captured bytes. */
export function DifferenceStatement({ sent, differences, resign }: { sent: SentRequestView; differences: ReplayDifference[]; resign: ResignSummary | null }) {
  const phrases = describeDifferences(differences, resign)
  const differs = sent.differsFromCapture || phrases.length > 0
  const path = differences.find((difference) => difference.kind === 'path')
  return (
    <>
      {differs ? (
        <p className="notice notice-warning replay-differs" data-testid="replay-differs">
          <strong>This request differs from the capture:</strong> {phrases.length > 0 ? phrases.join(', ') : 'see the changes below'}.
        </p>
      ) : (
        <p className="notice replay-same" data-testid="replay-same">
          The captured bytes, unchanged: same method, headers and body
          {sent.droppedHeaders.length > 0 ? ` (hop-by-hop headers not sent: ${sent.droppedHeaders.join(', ')}; ` : ' ('}
          Host set for the target).
        </p>
      )}
      {path && (
        <p className="muted replay-small" data-testid="replay-path-note">
          Path as the target URL says: <span className="wire">{path.sent}</span> (captured at <span className="wire">{path.captured}</span>).
        </p>
      )}
    </>
  )
}

/** The request line and headers as they go out, and the body. */
export function SentRequest({ sent, showBody = true }: { sent: SentRequestView; showBody?: boolean }) {
  // Decoded only when shown: the resend preview leaves the body out, and a 10 MB body is a long decode.
  const bodyText = useMemo(() => {
    if (!showBody) return ''
    const bytes = base64ToBytes(sent.bodyBase64)
    return decodeUtf8Strict(bytes) ?? decodeUtf8Lenient(bytes)
  }, [sent.bodyBase64, showBody])
  return (
    <div className="replay-sent" data-testid="replay-sent">
      <p className="replay-request-line wire" data-testid="replay-request-line">
        <span className={`method method-${sent.method.toLowerCase()}`}>{sent.method}</span> {sent.target} <span className="muted">→ {sent.url}</span>
      </p>
      <HeadersTable headers={sent.headers} testId="replay-sent-headers" />
      {showBody && (
        <div className="replay-sent-body">
          <p className="muted replay-small">
            Body {formatExactBytes(sent.bodySize)} · SHA-256 <span className="wire">{sent.bodySha256.slice(0, 16)}…</span>
            {sent.bodyTruncated && ` · only the first ${formatBytes(REPLAY_RECORD_BODY_BYTES)} are kept in the history`}
          </p>
          {sent.bodySize > 0 && <CappedText text={bodyText} step={SENT_TEXT_STEP} testId="replay-sent-body" />}
        </div>
      )}
    </div>
  )
}

/** Header changes from `differences`, re-signing details, and the body as a unified diff. */
export function ChangesView({
  differences,
  resign,
  bodyDiff,
  bodyComparison = null,
}: {
  differences: ReplayDifference[]
  resign: ResignSummary | null
  bodyDiff: TextDiff | null
  /** The structured comparison (as in Compare): its JSON values by path are listed above the line diff. */
  bodyComparison?: BodyComparisonData | null
}) {
  const headerChanges = differences.filter(
    (difference) => difference.kind === 'header-added' || difference.kind === 'header-removed' || difference.kind === 'header-changed',
  )
  const other = differences.filter(
    (difference) => difference.kind === 'method' || difference.kind === 'header-order' || difference.kind === 'trailers-not-sent',
  )
  return (
    <div className="replay-changes" data-testid="replay-changes">
      {other.length > 0 && (
        <ul className="replay-change-list">
          {other.map((difference, index) => (
            <li key={index} className="wire">
              {difference.kind === 'header-order'
                ? 'Header order differs from the capture'
                : difference.kind === 'trailers-not-sent'
                  ? `Trailer fields received after the body, not sent: ${difference.trailers.map(([name, value]) => `${name}: ${value}`).join('; ')}`
                  : `Method: ${difference.captured} → ${difference.sent}`}
            </li>
          ))}
        </ul>
      )}
      {headerChanges.length > 0 && (
        <table className="kv-table replay-header-diff" data-testid="replay-header-diff">
          <thead>
            <tr>
              <th>Header</th>
              <th>Captured</th>
              <th>Sent</th>
              <th className="replay-why">Why</th>
            </tr>
          </thead>
          <tbody>
            {headerChanges.map((difference, index) => (
              <tr key={index} data-testid="header-diff-row" data-change={difference.kind}>
                <td className="replay-header-name">{difference.name}</td>
                <td className="diff-removed-cell" data-label="Captured">
                  {difference.kind === 'header-added' ? '—' : difference.kind === 'header-changed' ? difference.captured : difference.value}
                </td>
                <td className="diff-added-cell" data-label="Sent">
                  {difference.kind === 'header-removed' ? '—' : difference.kind === 'header-changed' ? difference.sent : difference.value}
                </td>
                <td className="replay-why" data-label="Why">
                  {difference.reason === 'resigned' ? 're-signed' : difference.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resign && (resign.changes.length > 0 || resign.skipped.length > 0 || resign.notes.length > 0) && (
        <div className="replay-resign" data-testid="replay-resign">
          {resign.changes.length > 0 && (
            <ul className="replay-change-list">
              {resign.changes.map((change, index) => (
                <li key={index} data-testid="resign-change">
                  <span className="tag tag-subtle" data-testid="resign-provider">
                    {providerName(change.provider)}
                  </span>{' '}
                  <span className="wire">{change.name}</span> re-signed ({change.scheme}) with key <span className="wire">{change.keyFingerprint}</span>
                </li>
              ))}
            </ul>
          )}
          {resign.skipped.map((skip, index) => (
            <p key={index} className="notice notice-warning replay-small" data-testid="resign-skipped">
              Not re-signed: {skip.scheme} ({providerName(skip.provider)}): {skip.reason}
            </p>
          ))}
          {resign.notes.map((note, index) => (
            <p key={index} className="muted replay-small">
              {note}
            </p>
          ))}
        </div>
      )}
      {bodyComparison?.kind === 'json' && bodyComparison.changeCount > 0 && <JsonPathChanges diff={bodyComparison} sides={['Captured', 'Sent']} />}
      {bodyDiff && bodyDiff.unified !== '' && <BodyDiff diff={bodyDiff} />}
    </div>
  )
}

function BodyDiff({ diff }: { diff: TextDiff }) {
  return (
    <div className="replay-body-diff" data-testid="replay-body-diff">
      <p className="muted replay-small">
        Body: <span className="diff-added-text">+{diff.addedLines}</span> <span className="diff-removed-text">−{diff.removedLines}</span>
        {diff.truncated && ' · too large to diff fully, cut'}
      </p>
      <UnifiedDiffText unified={diff.unified} />
    </div>
  )
}
