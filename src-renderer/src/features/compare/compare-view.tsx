import type { CaptureDiff, DiffSide, HeaderChange } from '@shared/capture-diff'
import type { AnswerRecord } from '@shared/views'
import { answerLongLabel, answerStatusClass } from '../../lib/answer'
import { ApiCallError } from '../../api/api-client'
import { formatCount, formatExactBytes, formatFullTime } from '../../lib/format'
import { BodyComparison } from './body-comparison'
import { useCaptureDiff, type CompareTarget } from './compare-queries'
import './compare.css'

/**
 * Compare: two captures (or a capture and one of its resends), their request line, headers and
 * body. `attempts`: the sides' attempt numbers in their delivery, where the comparison was asked
 * for by those numbers (the Delivery view), so each side says which attempt it is; `answers`: what
 * each was answered, there, since that is often what differs between two attempts.
 */
export function CompareView({
  target,
  attempts,
  answers,
}: {
  target: CompareTarget
  attempts?: { left: number; right: number }
  answers?: { left: AnswerRecord | undefined; right: AnswerRecord | undefined }
}) {
  const { data, error, isPending } = useCaptureDiff(target)
  if (isPending) return <p className="muted">Comparing…</p>
  if (error) {
    const isGone = error instanceof ApiCallError && error.code === 'NOT_FOUND'
    return (
      <p className="notice notice-danger" data-testid="compare-error">
        {isGone ? `One of them no longer exists: ${error.message}` : `Could not compare: ${error.message}`}
      </p>
    )
  }
  return <LoadedComparison diff={data} attempts={attempts} answers={answers} />
}

function LoadedComparison({
  diff,
  attempts,
  answers,
}: {
  diff: CaptureDiff
  attempts: { left: number; right: number } | undefined
  answers: { left: AnswerRecord | undefined; right: AnswerRecord | undefined } | undefined
}) {
  return (
    <div className="compare-view" data-testid="compare-view">
      <div className="compare-sides">
        <SideCard label="Left" side={diff.left} attempt={attempts?.left} answer={answers?.left} />
        <SideCard label="Right" side={diff.right} attempt={attempts?.right} answer={answers?.right} />
      </div>

      {(diff.method || diff.target) && (
        <section className="compare-section" data-testid="compare-request-line">
          <h3 className="compare-heading">Request line</h3>
          <table className="compare-table">
            <tbody>
              {diff.method && <ChangedRow name="Method" left={diff.method.left} right={diff.method.right} />}
              {diff.target && <ChangedRow name="Target" left={diff.target.left} right={diff.target.right} />}
            </tbody>
          </table>
        </section>
      )}

      <section className="compare-section" data-testid="compare-headers">
        <h3 className="compare-heading">
          Headers{' '}
          <span className="muted compare-small">
            {diff.headers.changes.length === 0
              ? 'the same'
              : `${formatCount(diff.headers.changes.length)} ${diff.headers.changes.length === 1 ? 'difference' : 'differences'}`}{' '}
            · {formatCount(diff.headers.unchangedCount)} unchanged · names compared in any case
          </span>
        </h3>
        {diff.headers.changes.length > 0 && (
          <table className="compare-table" data-testid="header-changes">
            <thead>
              <tr>
                <th scope="col">Header</th>
                <th scope="col">Left</th>
                <th scope="col">Right</th>
              </tr>
            </thead>
            <tbody>
              {diff.headers.changes.map((change, index) => (
                <HeaderChangeRow key={index} change={change} />
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="compare-section" data-testid="compare-body">
        <h3 className="compare-heading">Body</h3>
        <BodyComparison diff={diff.body} />
      </section>
    </div>
  )
}

function SideCard({ label, side, attempt, answer }: { label: string; side: DiffSide; attempt: number | undefined; answer?: AnswerRecord }) {
  return (
    <div className="compare-side" data-testid={`compare-side-${label.toLowerCase()}`} data-kind={side.kind} data-id={side.id}>
      <div className="compare-side-label">
        {label}: {attempt !== undefined && `attempt #${formatCount(attempt)} · `}
        {side.kind === 'capture' ? `capture #${side.seq}` : `resend of capture #${side.seq}`}
      </div>
      <div className="wire compare-side-line">
        {side.method} {side.target}
      </div>
      {side.url && <div className="wire muted compare-small">to {side.url}</div>}
      <div className="muted compare-small">
        {side.kind === 'capture' ? 'Received' : 'Sent'} {formatFullTime(side.at)} · {formatExactBytes(side.body.size)}
      </div>
      {answer && (
        <div className="compare-small" data-testid="compare-side-answer">
          Answered <span className={`status ${answerStatusClass(answer)}`}>{answerLongLabel(answer)}</span>
        </div>
      )}
    </div>
  )
}

function ChangedRow({ name, left, right }: { name: string; left: string; right: string }) {
  return (
    <tr className="compare-changed" data-kind="changed">
      <th scope="row">{name}</th>
      <td className="wire compare-left">{left}</td>
      <td className="wire compare-right">{right}</td>
    </tr>
  )
}

function HeaderChangeRow({ change }: { change: HeaderChange }) {
  switch (change.kind) {
    case 'added':
      return (
        <tr className="compare-added" data-kind="added" data-header={change.name.toLowerCase()}>
          <th scope="row" className="wire">
            {change.name}
          </th>
          <td className="muted">(absent)</td>
          <td className="wire compare-right">{change.value}</td>
        </tr>
      )
    case 'removed':
      return (
        <tr className="compare-removed" data-kind="removed" data-header={change.name.toLowerCase()}>
          <th scope="row" className="wire">
            {change.name}
          </th>
          <td className="wire compare-left">{change.value}</td>
          <td className="muted">(absent)</td>
        </tr>
      )
    case 'changed': {
      const renamed = change.left.name !== change.right.name
      return (
        <tr className="compare-changed" data-kind="changed" data-header={change.left.name.toLowerCase()}>
          <th scope="row" className="wire">
            {change.left.name}
            {change.occurrence > 0 && <span className="muted"> (#{change.occurrence + 1})</span>}
            {renamed && <span className="muted compare-small"> spelled {change.right.name} on the right</span>}
          </th>
          <td className="wire compare-left">{change.left.value}</td>
          <td className="wire compare-right">{change.right.value}</td>
        </tr>
      )
    }
    case 'reordered':
      return (
        <tr className="compare-reordered" data-kind="reordered" data-header={change.name.toLowerCase()}>
          <th scope="row" className="wire">
            {change.name}
          </th>
          <td className="muted">line {change.leftPosition + 1}</td>
          <td className="muted">line {change.rightPosition + 1} (moved)</td>
        </tr>
      )
    default: {
      const unhandled: never = change
      return unhandled
    }
  }
}
