/** The ordered rules of an endpoint's answers: each rule's conditions and its answer, moved, disabled or removed. */
import { PINNABLE_PROVIDER_IDS, providerName, VERDICT_STATUSES, VERDICT_WORDS } from '../../lib/providers'
import { newRule, ruleErrors, type ConfigDraft, type HeaderOp, type JsonValueType, type RuleDraft } from './answer-draft'
import { AnswerEditor } from './answer-editor'

export function RulesSection({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
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
