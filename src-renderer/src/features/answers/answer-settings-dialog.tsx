/**
 * "Answers" for one endpoint: default answer, ordered rules, a retry sequence and a failure rate.
 * Closing it (Close, Escape) with unsaved edits asks first: building rules and sequences is work.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { Endpoint } from '../../../../src-main/shared/contract'
import { useAnswerConfig, useResetAnswerSequence, useSetAnswerConfig } from '../../api/queries'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ModalDialog } from '../../components/modal-dialog'
import { ANSWER_PRECEDENCE } from '../../lib/answer-presets'
import { PINNABLE_PROVIDER_IDS, providerName, VERDICT_STATUSES, VERDICT_WORDS } from '../../lib/providers'
import {
  configFromDraft,
  configProblems,
  draftFromConfig,
  newKey,
  newRule,
  respondDraft,
  ruleErrors,
  type ConfigDraft,
  type HeaderOp,
  type JsonValueType,
  type RuleDraft,
} from './answer-draft'
import { AnswerEditor } from './answer-editor'
import './answers.css'

interface AnswerSettingsDialogProps {
  endpoint: Endpoint
  onClose: () => void
}

export function AnswerSettingsDialog({ endpoint, onClose }: AnswerSettingsDialogProps) {
  const { data, error, isPending } = useAnswerConfig(endpoint.id)
  const [hasUnsavedChanges, setHasUnsavedChanges] = useState(false)
  const [isConfirmingDiscard, setIsConfirmingDiscard] = useState(false)
  const requestClose = (): void => {
    if (hasUnsavedChanges) setIsConfirmingDiscard(true)
    else onClose()
  }
  return (
    <>
      <ModalDialog title={`Answers: ${endpoint.name}`} onClose={requestClose} testId="answer-settings-dialog">
        {isPending ? (
          <p className="muted">Loading…</p>
        ) : error ? (
          <>
            <p className="form-error" role="alert">
              Could not load the answer configuration: {error.message}
            </p>
            <div className="modal-actions">
              <button type="button" className="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : (
          <AnswerSettingsForm
            endpoint={endpoint}
            initial={draftFromConfig(data.config)}
            warnings={data.warnings}
            onDirtyChange={setHasUnsavedChanges}
            onClose={requestClose}
          />
        )}
      </ModalDialog>
      {/* Beside the dialog, not inside it: React passes a child's Escape ('cancel') on to its parents' handlers. */}
      {isConfirmingDiscard && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          confirmLabel="Discard changes"
          onConfirm={() => Promise.resolve(onClose())}
          onClose={() => setIsConfirmingDiscard(false)}
        >
          <p data-testid="answers-discard-question">The answer settings of “{endpoint.name}” have changes that are not saved. Close without saving them?</p>
        </ConfirmDialog>
      )}
    </>
  )
}

interface AnswerSettingsFormProps {
  endpoint: Endpoint
  initial: ConfigDraft
  warnings: string[]
  /** Told whenever the form gains or loses unsaved edits. */
  onDirtyChange: (isDirty: boolean) => void
  /** Asks to close; the dialog confirms first when there are unsaved edits. */
  onClose: () => void
}

function AnswerSettingsForm({ endpoint, initial, warnings, onDirtyChange, onClose }: AnswerSettingsFormProps) {
  const [draft, setDraft] = useState(initial)
  const [isDirty, setIsDirty] = useState(false)
  // The draft as it is now, for a save that completes after further edits.
  const latestDraft = useRef(draft)
  useEffect(() => {
    latestDraft.current = draft
  }, [draft])
  useEffect(() => onDirtyChange(isDirty), [isDirty, onDirtyChange])
  const [serverError, setServerError] = useState<string | null>(null)
  const [savedAt, setSavedAt] = useState<number | null>(null)
  const [showProblems, setShowProblems] = useState(false)
  const save = useSetAnswerConfig()
  const reset = useResetAnswerSequence()
  const [resetState, setResetState] = useState<string | null>(null)
  const problems = configProblems(draft)

  function update(next: ConfigDraft): void {
    setDraft(next)
    setIsDirty(true)
    setSavedAt(null)
  }

  function submit(event: React.FormEvent): void {
    event.preventDefault()
    setServerError(null)
    if (problems.length > 0) {
      setShowProblems(true)
      return
    }
    const sent = draft
    save.mutate(
      { endpointId: endpoint.id, config: configFromDraft(draft) },
      {
        onSuccess: () => {
          // Edits made while saving are still unsaved.
          setIsDirty(latestDraft.current !== sent)
          setShowProblems(false)
          setSavedAt(Date.now())
        },
        onError: (caught) => setServerError(caught.message),
      },
    )
  }

  return (
    <form className="answers-dialog" onSubmit={submit} noValidate data-testid="answers-form">
      {warnings.length > 0 && (
        <div className="notice notice-warning answers-warnings" role="alert" data-testid="answer-warnings">
          <strong>{isDirty ? 'The saved configuration:' : 'Heads up:'}</strong>
          <ul className="plain-list">
            {warnings.map((warning, index) => (
              <li key={index} data-testid="answer-warning">
                ⚠ {warning}
              </li>
            ))}
          </ul>
        </div>
      )}
      <details className="precedence" data-testid="answer-precedence">
        <summary>Which answer applies: rules → sequence → failure rate → default</summary>
        <ol>
          {ANSWER_PRECEDENCE.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ol>
      </details>

      <section className="settings-section" data-testid="default-answer">
        <h3 className="settings-heading">Default answer</h3>
        <DefaultAnswer draft={draft} onChange={update} />
      </section>

      <RulesSection draft={draft} onChange={update} />
      <SequenceSection
        draft={draft}
        onChange={update}
        onReset={() => {
          setResetState(null)
          reset.mutate(endpoint.id, {
            onSuccess: () => setResetState('Counters reset: every delivery starts the sequence again.'),
            onError: (caught) => setResetState(`Could not reset: ${caught.message}`),
          })
        }}
        resetState={resetState}
        isResetting={reset.isPending}
      />
      <FailureRateSection draft={draft} onChange={update} />

      {showProblems && problems.length > 0 && (
        <div className="notice notice-danger" role="alert" data-testid="answers-problems">
          <strong>Fix these before saving:</strong>
          <ul className="plain-list">
            {problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      {serverError && (
        <p className="notice notice-danger" role="alert" data-testid="answers-error">
          {serverError}
        </p>
      )}
      <div className="modal-actions answers-actions">
        {savedAt !== null && (
          <span className="text-ok" role="status" data-testid="answers-saved">
            Saved.
          </span>
        )}
        {isDirty && <span className="muted">Unsaved changes</span>}
        <button type="button" className="button" onClick={onClose} data-testid="answers-close">
          Close
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="answers-save">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

function DefaultAnswer({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
  const id = useId()
  return (
    <>
      <div className="radio-row" role="radiogroup" aria-label="Default answer">
        <label>
          <input
            type="radio"
            name={`${id}-default`}
            checked={draft.defaultMode === 'provider-default'}
            onChange={() => onChange({ ...draft, defaultMode: 'provider-default' })}
            data-testid="default-provider"
          />{' '}
          Provider default <span className="muted">(IXOPAY: 200 OK; Adyen classic: [accepted]; others 2xx; unknown senders: 200)</span>
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-default`}
            checked={draft.defaultMode === 'custom'}
            onChange={() => onChange({ ...draft, defaultMode: 'custom' })}
            data-testid="default-custom"
          />{' '}
          Custom answer
        </label>
      </div>
      {draft.defaultMode === 'custom' && (
        <AnswerEditor value={draft.defaultAnswer} onChange={(answer) => onChange({ ...draft, defaultAnswer: answer })} testId="default-answer-editor" />
      )}
    </>
  )
}

function RulesSection({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
  const setRule = (index: number, rule: RuleDraft) => onChange({ ...draft, rules: draft.rules.map((each, at) => (at === index ? rule : each)) })
  const move = (index: number, by: number) => {
    const rules = [...draft.rules]
    const [rule] = rules.splice(index, 1)
    if (!rule) return
    rules.splice(index + by, 0, rule)
    onChange({ ...draft, rules })
  }
  return (
    <section className="settings-section" data-testid="rules-section">
      <h3 className="settings-heading">
        Rules <span className="muted">(first enabled match wins; all conditions of a rule must hold)</span>
      </h3>
      {draft.rules.length === 0 && <p className="muted">No rules.</p>}
      <ol className="rule-list">
        {draft.rules.map((rule, index) => (
          <li key={rule.key} className={`rule ${rule.enabled ? '' : 'rule-disabled'}`} data-testid="rule">
            <RuleEditor
              rule={rule}
              index={index}
              count={draft.rules.length}
              onChange={(next) => setRule(index, next)}
              onMove={(by) => move(index, by)}
              onRemove={() => onChange({ ...draft, rules: draft.rules.filter((_, at) => at !== index) })}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange({ ...draft, rules: [...draft.rules, newRule(draft.rules.length)] })}
        data-testid="rule-add"
      >
        + Add rule
      </button>
    </section>
  )
}

interface RuleEditorProps {
  rule: RuleDraft
  index: number
  count: number
  onChange: (next: RuleDraft) => void
  onMove: (by: number) => void
  onRemove: () => void
}

function RuleEditor({ rule, index, count, onChange, onMove, onRemove }: RuleEditorProps) {
  const errors = ruleErrors(rule)
  const set = (patch: Partial<RuleDraft>) => onChange({ ...rule, ...patch })
  return (
    <>
      <div className="rule-head">
        <span className="rule-index">{index + 1}</span>
        <input
          className="input rule-name"
          value={rule.name}
          aria-label={`Rule ${index + 1} name`}
          aria-invalid={errors.name !== undefined}
          onChange={(event) => set({ name: event.target.value })}
          data-testid="rule-name"
        />
        <label className="toggle">
          <input type="checkbox" checked={rule.enabled} onChange={(event) => set({ enabled: event.target.checked })} data-testid="rule-enabled" /> enabled
        </label>
        <button
          type="button"
          className="button button-small"
          disabled={index === 0}
          onClick={() => onMove(-1)}
          aria-label={`Move rule ${index + 1} up`}
          data-testid="rule-up"
        >
          ↑
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
          aria-label={`Move rule ${index + 1} down`}
          data-testid="rule-down"
        >
          ↓
        </button>
        <button type="button" className="button button-small button-danger-quiet" onClick={onRemove} data-testid="rule-remove">
          Remove
        </button>
      </div>
      <div className="rule-match">
        <span className="rule-when">When</span>
        <label className="field">
          <span className="field-label">Method</span>
          <input
            className="input wire"
            value={rule.method}
            placeholder="any"
            aria-invalid={errors.method !== undefined}
            onChange={(event) => set({ method: event.target.value })}
            data-testid="rule-method"
          />
        </label>
        <label className="field rule-wide">
          <span className="field-label">Path pattern</span>
          <input
            className="input wire"
            value={rule.pathPattern}
            placeholder="any, e.g. /refunds/**"
            onChange={(event) => set({ pathPattern: event.target.value })}
            data-testid="rule-path"
          />
        </label>
        <label className="field">
          <span className="field-label">Provider</span>
          <select className="input" value={rule.provider} onChange={(event) => set({ provider: event.target.value })} data-testid="rule-provider">
            <option value="">any</option>
            {[...PINNABLE_PROVIDER_IDS, 'unknown'].map((each) => (
              <option key={each} value={each}>
                {providerName(each)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Verdict</span>
          <select className="input" value={rule.verdict} onChange={(event) => set({ verdict: event.target.value })} data-testid="rule-verdict">
            <option value="">any</option>
            {VERDICT_STATUSES.map((each) => (
              <option key={each} value={each}>
                {VERDICT_WORDS[each]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Header</span>
          <input
            className="input wire"
            value={rule.headerName}
            placeholder="none"
            aria-invalid={errors.headerName !== undefined}
            onChange={(event) => set({ headerName: event.target.value })}
            data-testid="rule-header-name"
          />
        </label>
        {rule.headerName !== '' && (
          <>
            <label className="field">
              <span className="field-label">Header test</span>
              <select
                className="input"
                value={rule.headerOp}
                onChange={(event) => set({ headerOp: event.target.value as HeaderOp })}
                data-testid="rule-header-op"
              >
                <option value="equals">equals</option>
                <option value="contains">contains</option>
                <option value="present">is present</option>
              </select>
            </label>
            {rule.headerOp !== 'present' && (
              <label className="field">
                <span className="field-label">Header value</span>
                <input
                  className="input wire"
                  value={rule.headerValue}
                  aria-invalid={errors.headerValue !== undefined}
                  onChange={(event) => set({ headerValue: event.target.value })}
                  data-testid="rule-header-value"
                />
              </label>
            )}
          </>
        )}
        <label className="field">
          <span className="field-label">JSON field</span>
          <input
            className="input wire"
            value={rule.jsonPath}
            placeholder="e.g. transactionType"
            aria-invalid={errors.jsonPath !== undefined}
            onChange={(event) => set({ jsonPath: event.target.value })}
            data-testid="rule-json-path"
          />
        </label>
        {rule.jsonPath !== '' && (
          <>
            <label className="field">
              <span className="field-label">is a</span>
              <select
                className="input"
                value={rule.jsonType}
                onChange={(event) => set({ jsonType: event.target.value as JsonValueType })}
                data-testid="rule-json-type"
              >
                <option value="string">string</option>
                <option value="number">number</option>
                <option value="boolean">boolean</option>
                <option value="null">null</option>
              </select>
            </label>
            {rule.jsonType !== 'null' && (
              <label className="field">
                <span className="field-label">equal to</span>
                <input
                  className="input wire"
                  value={rule.jsonValue}
                  aria-invalid={errors.jsonValue !== undefined}
                  onChange={(event) => set({ jsonValue: event.target.value })}
                  data-testid="rule-json-value"
                />
              </label>
            )}
          </>
        )}
        <label className="field rule-wide">
          <span className="field-label">Body contains</span>
          <input
            className="input wire"
            value={rule.bodyContains}
            placeholder="any"
            onChange={(event) => set({ bodyContains: event.target.value })}
            data-testid="rule-body-contains"
          />
        </label>
      </div>
      <div className="rule-then">
        <span className="rule-when">Then</span>
        <AnswerEditor value={rule.answer} onChange={(answer) => set({ answer })} testId="rule-answer" isCompact />
      </div>
    </>
  )
}

interface SequenceSectionProps {
  draft: ConfigDraft
  onChange: (next: ConfigDraft) => void
  onReset: () => void
  resetState: string | null
  isResetting: boolean
}

function SequenceSection({ draft, onChange, onReset, resetState, isResetting }: SequenceSectionProps) {
  const id = useId()
  const sequence = draft.sequence
  return (
    <section className="settings-section" data-testid="sequence-section">
      <h3 className="settings-heading">
        Sequence <span className="muted">(retry testing, counted per delivery: transaction or event id, else body hash)</span>
      </h3>
      {sequence === null ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange({ ...draft, sequence: { enabled: true, afterLast: 'repeat-last', steps: [{ key: newKey(), answer: respondDraft(500) }] } })}
          data-testid="sequence-add"
        >
          + Add a sequence (e.g. 500 twice, then 200 OK)
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
                    onClick={() => onChange({ ...draft, sequence: { ...sequence, steps: sequence.steps.filter((_, at) => at !== index) } })}
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
            <button type="button" className="link-button link-danger" onClick={() => onChange({ ...draft, sequence: null })} data-testid="sequence-remove">
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

function FailureRateSection({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
  const rate = draft.failureRate
  const percent = Number(rate?.percent)
  const percentInvalid = rate !== null && (rate.percent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
  return (
    <section className="settings-section" data-testid="failure-rate-section">
      <h3 className="settings-heading">Failure rate</h3>
      {rate === null ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange({ ...draft, failureRate: { enabled: true, percent: '30', answer: respondDraft(503) } })}
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
              onClick={() => onChange({ ...draft, failureRate: null })}
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
