import { useId, useState, type ReactNode } from 'react'
import { parseAttemptNumber } from '../lib/attempt-number'
import { formatCount } from '../lib/format'

/** Test ids of the form and its parts, so each place it is used keeps its own. */
export interface AttemptNumberFormTestIds {
  form: string
  number: string
  submit: string
  problem: string
}

/**
 * "<label> [ ] of N <submit>": an attempt of a delivery by its number ("7", "#7", "1,234"), read
 * by lib/attempt-number.ts. A number that is not one of the delivery's is explained under the
 * box and `onAttempt` is not called (`onProblem` is). Used by the Delivery view's "Go to attempt"
 * and Compare's "Attempt … Show".
 */
export function AttemptNumberForm({
  label,
  submitLabel,
  totalAttempts,
  onAttempt,
  onProblem,
  className,
  testIds,
  children,
}: {
  label: string
  submitLabel: string
  totalAttempts: number
  onAttempt: (attempt: number) => void
  onProblem?: () => void
  className: string
  testIds: AttemptNumberFormTestIds
  /** Shown after the box and its problem (a loading line). */
  children?: ReactNode
}) {
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const problemId = useId()
  return (
    <form
      className={className}
      onSubmit={(event) => {
        event.preventDefault()
        const parsed = parseAttemptNumber(text, totalAttempts)
        if ('problem' in parsed) {
          setProblem(parsed.problem)
          onProblem?.()
          return
        }
        setProblem(null)
        onAttempt(parsed.attempt)
      }}
      data-testid={testIds.form}
    >
      <label>
        {label}{' '}
        <input
          className="input"
          inputMode="numeric"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? problemId : undefined}
          data-testid={testIds.number}
        />
      </label>
      <span className="muted">of {formatCount(totalAttempts)}</span>
      <button type="submit" className="button button-small" data-testid={testIds.submit}>
        {submitLabel}
      </button>
      {problem !== null && (
        <span className="field-error" role="alert" id={problemId} data-testid={testIds.problem}>
          {problem}
        </span>
      )}
      {children}
    </form>
  )
}
