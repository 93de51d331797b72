/** A failure rate: answer a share of deliveries with another answer. */
import { useFocusAfterChange } from '../../components/focus-after-change'
import { respondDraft, type ConfigDraft } from './answer-draft'
import { AnswerEditor } from './answer-editor'

export function FailureRateSection({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
  const rate = draft.failureRate
  const { root, focusAfterChange } = useFocusAfterChange<HTMLElement>()
  const percent = Number(rate?.percent)
  const percentInvalid = rate !== null && (rate.percent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
  return (
    <section ref={root} className="settings-section" data-testid="failure-rate-section">
      <h3 className="settings-heading">Failure rate</h3>
      {rate === null ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            focusAfterChange((section) => section.querySelector<HTMLElement>('[data-testid=failure-rate-percent]'))
            onChange({ ...draft, failureRate: { enabled: true, percent: '30', answer: respondDraft(503) } })
          }}
          data-testid="failure-rate-add"
        >
          + Add a failure rate (e.g. 503 to 30% of deliveries)
        </button>
      ) : (
        <>
          <div className="sequence-options">
            <label className="toggle">
              <input
                type="checkbox"
                checked={rate.enabled}
                onChange={(event) => onChange({ ...draft, failureRate: { ...rate, enabled: event.target.checked } })}
                data-testid="failure-rate-enabled"
              />{' '}
              enabled
            </label>
            <label className="inline-field">
              Answer
              <input
                className="input wire percent-input"
                inputMode="decimal"
                value={rate.percent}
                aria-label="Percent of deliveries"
                aria-invalid={percentInvalid}
                onChange={(event) => onChange({ ...draft, failureRate: { ...rate, percent: event.target.value.trim() } })}
                data-testid="failure-rate-percent"
              />
              % of deliveries with:
            </label>
            <button
              type="button"
              className="link-button link-danger"
              onClick={() => {
                focusAfterChange((section) => section.querySelector<HTMLElement>('[data-testid=failure-rate-add]'))
                onChange({ ...draft, failureRate: null })
              }}
              data-testid="failure-rate-remove"
            >
              Remove
            </button>
          </div>
          {percentInvalid && <p className="field-error">A percentage from 0 to 100.</p>}
          <AnswerEditor
            value={rate.answer}
            onChange={(answer) => onChange({ ...draft, failureRate: { ...rate, answer } })}
            testId="failure-rate-answer"
            isCompact
          />
        </>
      )}
    </section>
  )
}
