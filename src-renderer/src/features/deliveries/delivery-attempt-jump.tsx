import { useId, useState } from 'react'
import { parseAttemptNumber } from '../../lib/attempt-number'
import { formatCount } from '../../lib/format'

/**
 * "Go to attempt … Go": any attempt of the delivery by its number ("7", "#7", "1,234"), read as
 * "Compare with…" reads it (lib/attempt-number.ts). The view shows the page holding it; a number
 * that is not one of the delivery's is explained under the box and nothing moves.
 */
export function DeliveryAttemptJump({
  totalAttempts,
  loadingAttempt,
  onGo,
}: {
  totalAttempts: number
  /** The attempt whose page is being fetched, if any. */
  loadingAttempt: number | null
  onGo: (attempt: number) => void
}) {
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const problemId = useId()
  return (
    <form
      className="delivery-jump delivery-small"
      onSubmit={(event) => {
        event.preventDefault()
        const parsed = parseAttemptNumber(text, totalAttempts)
        if ('problem' in parsed) {
          setProblem(parsed.problem)
          return
        }
        setProblem(null)
        onGo(parsed.attempt)
      }}
      data-testid="delivery-jump"
    >
      <label>
        Go to attempt{' '}
        <input
          className="input"
          inputMode="numeric"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? problemId : undefined}
          data-testid="delivery-jump-number"
        />
      </label>
      <span className="muted">of {formatCount(totalAttempts)}</span>
      <button type="submit" className="button button-small" data-testid="delivery-jump-go">
        Go
      </button>
      {problem !== null && (
        <span className="field-error" role="alert" id={problemId} data-testid="delivery-jump-problem">
          {problem}
        </span>
      )}
      {loadingAttempt !== null && (
        <span className="muted" role="status" data-testid="delivery-jump-loading">
          Loading attempt {formatCount(loadingAttempt)}…
        </span>
      )}
    </form>
  )
}
