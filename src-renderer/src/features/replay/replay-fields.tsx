/** Form fields the resend, bulk replay and forward dialogs share. */
import type { ReactNode } from 'react'

/**
 * The URL to send to, with the problem shown once the user has typed something. `example` is the
 * placeholder: a route for the provider being sent (see target-url-example.ts).
 */
export function TargetUrlField(props: {
  value: string
  problem: string | null
  example: string
  hint?: ReactNode
  testId: string
  onChange: (value: string) => void
}) {
  const showProblem = props.value !== '' && props.problem !== null
  return (
    <label className="field">
      <span className="field-label">Target URL</span>
      <input
        className="input wire"
        value={props.value}
        placeholder={props.example}
        spellCheck={false}
        autoFocus
        aria-invalid={showProblem}
        onChange={(event) => props.onChange(event.target.value)}
        data-testid={props.testId}
      />
      {showProblem ? <span className="field-error">{props.problem}</span> : props.hint !== undefined && <span className="field-hint">{props.hint}</span>}
    </label>
  )
}

/** A timeout in seconds (fractions allowed), checked against the API's bounds by the caller. */
export function TimeoutSecondsField(props: { value: string; problem: string | null; maxSeconds: number; testId: string; onChange: (value: string) => void }) {
  return (
    <label className="field field-inline">
      <span className="field-label">Timeout (seconds)</span>
      <input
        className="input input-narrow"
        type="number"
        min={0.1}
        max={props.maxSeconds}
        step="any"
        value={props.value}
        aria-invalid={props.problem !== null}
        onChange={(event) => props.onChange(event.target.value)}
        data-testid={props.testId}
      />
      {props.problem && <span className="field-error">{props.problem}</span>}
    </label>
  )
}
