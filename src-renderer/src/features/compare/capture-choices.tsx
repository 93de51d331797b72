import type { CaptureSummary } from '@shared/views'
import { answerShortLabel } from '../../lib/answer'
import { formatCount, formatListTime } from '../../lib/format'

/** A capture offered by "Compare with…"; `attempt`: its number in the delivery, when it is an attempt of the open capture's. */
export interface CaptureChoice {
  capture: CaptureSummary
  attempt?: number
}

/** The captures "Compare with…" offers in one group, each a button that picks it. */
export function CaptureChoices({
  choices,
  empty,
  onPick,
  testId,
}: {
  choices: readonly CaptureChoice[]
  empty: string
  onPick: (capture: CaptureSummary) => void
  testId: string
}) {
  if (choices.length === 0) return <p className="muted compare-small">{empty}</p>
  return (
    <ul className="compare-picker-list" data-testid={testId}>
      {choices.map(({ capture, attempt }) => (
        <li key={capture.id}>
          <button
            type="button"
            className="compare-picker-item"
            onClick={() => onPick(capture)}
            data-testid="compare-candidate"
            data-capture-id={capture.id}
            data-attempt={attempt}
          >
            {attempt !== undefined && <span className="compare-picker-attempt">attempt {formatCount(attempt)}</span>}
            <span className="muted">#{capture.seq}</span>
            <span>{formatListTime(capture.receivedAt)}</span>
            <span className="wire">
              {capture.method} {capture.target}
            </span>
            <span className="muted">{capture.recognition?.summary.reference ?? capture.recognition?.summary.objectId ?? ''}</span>
            <span className="muted">answered {answerShortLabel(capture.response)}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}
