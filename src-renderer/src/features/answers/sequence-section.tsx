/** An answer sequence ("500 twice, then 200"), counted per delivery key, with its reset. */
import { useId } from 'react'
import { atOrBefore, useFocusAfterChange } from '../../components/focus-after-change'
import { newKey, newRetrySequence, respondDraft, type ConfigDraft } from './answer-draft'
import { AnswerEditor } from './answer-editor'

interface SequenceSectionProps {
  draft: ConfigDraft
  onChange: (next: ConfigDraft) => void
  onReset: () => void
  resetState: string | null
  isResetting: boolean
}

export function SequenceSection({ draft, onChange, onReset, resetState, isResetting }: SequenceSectionProps) {
  const id = useId()
  const { root, focusAfterChange } = useFocusAfterChange<HTMLElement>()
  const sequence = draft.sequence
  return (
    <section ref={root} className="settings-section" data-testid="sequence-section">
      <h3 className="settings-heading">
        Sequence <span className="muted">(retry testing, counted per delivery: transaction or event id, else body hash)</span>
      </h3>
      {sequence === null ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            focusAfterChange((section) => section.querySelector<HTMLElement>('[data-testid=sequence-enabled]'))
            onChange({ ...draft, sequence: newRetrySequence() })
          }}
          data-testid="sequence-add"
        >
          + Add a sequence: 500 twice, then 200 OK
        </button>
      ) : (
        <>
          <div className="sequence-options">
            <label className="toggle">
              <input
                type="checkbox"
                checked={sequence.enabled}
                onChange={(event) => onChange({ ...draft, sequence: { ...sequence, enabled: event.target.checked } })}
                data-testid="sequence-enabled"
              />{' '}
              enabled
            </label>
            <span className="muted">After the last step:</span>
            <label>
              <input
                type="radio"
                name={`${id}-after`}
                checked={sequence.afterLast === 'repeat-last'}
                onChange={() => onChange({ ...draft, sequence: { ...sequence, afterLast: 'repeat-last' } })}
                data-testid="sequence-repeat-last"
              />{' '}
              repeat the last step
            </label>
            <label>
              <input
                type="radio"
                name={`${id}-after`}
                checked={sequence.afterLast === 'restart'}
                onChange={() => onChange({ ...draft, sequence: { ...sequence, afterLast: 'restart' } })}
                data-testid="sequence-restart"
              />{' '}
              start again
            </label>
          </div>
          <ol className="sequence-steps" data-testid="sequence-steps">
            {sequence.steps.map((step, index) => (
              <li key={step.key} className="sequence-step" data-testid="sequence-step">
                <div className="sequence-step-head">
                  <strong>Step {index + 1}</strong>
                  <button
                    type="button"
                    className="link-button link-danger"
                    onClick={() => {
                      // To the first field of the step that takes its place (or the one before), else to "+ Add step".
                      focusAfterChange((section) => {
                        const step = atOrBefore(section, '[data-testid=sequence-step]', index)
                        return step ? firstStepField(step) : section.querySelector<HTMLElement>('[data-testid=sequence-step-add]')
                      })
                      onChange({ ...draft, sequence: { ...sequence, steps: sequence.steps.filter((_, at) => at !== index) } })
                    }}
                    data-testid="sequence-step-remove"
                  >
                    Remove
                  </button>
                </div>
                <AnswerEditor
                  value={step.answer}
                  onChange={(answer) =>
                    onChange({ ...draft, sequence: { ...sequence, steps: sequence.steps.map((each, at) => (at === index ? { ...each, answer } : each)) } })
                  }
                  testId={`sequence-step-${index + 1}`}
                  isCompact
                />
              </li>
            ))}
          </ol>
          <div className="sequence-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                const last = sequence.steps.at(-1)
                const index = sequence.steps.length
                // To the new step's first field.
                focusAfterChange((section) => {
                  const step = section.querySelectorAll<HTMLElement>('[data-testid=sequence-step]')[index]
                  return step ? firstStepField(step) : null
                })
                onChange({
                  ...draft,
                  sequence: { ...sequence, steps: [...sequence.steps, { key: newKey(), answer: last ? { ...last.answer } : respondDraft(200, 'OK') }] },
                })
              }}
              data-testid="sequence-step-add"
            >
              + Add step
            </button>
            <button type="button" className="button button-small" onClick={onReset} disabled={isResetting} data-testid="sequence-reset">
              Reset counters
            </button>
            <button
              type="button"
              className="link-button link-danger"
              onClick={() => {
                focusAfterChange((section) => section.querySelector<HTMLElement>('[data-testid=sequence-add]'))
                onChange({ ...draft, sequence: null })
              }}
              data-testid="sequence-remove"
            >
              Remove sequence
            </button>
            {resetState && (
              <span className="muted" role="status" data-testid="sequence-reset-state">
                {resetState}
              </span>
            )}
          </div>
        </>
      )}
    </section>
  )
}

/** A step's first field (its preset), not its Remove link. */
function firstStepField(step: HTMLElement): HTMLElement | null {
  return step.querySelector<HTMLElement>('select, input, textarea')
}
