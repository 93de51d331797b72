/** The ordered rules of an endpoint's answers: each rule's conditions and its answer, moved, disabled or removed. */
import { atOrBefore, useFocusAfterChange } from '../../components/focus-after-change'
import { PINNABLE_PROVIDER_IDS, providerName, VERDICT_STATUSES, VERDICT_WORDS } from '../../lib/providers'
import { newRule, ruleErrors, ruleMatchesEverything, type ConfigDraft, type HeaderOp, type JsonValueType, type RuleDraft } from './answer-draft'
import { AnswerEditor } from './answer-editor'

export function RulesSection({ draft, onChange }: { draft: ConfigDraft; onChange: (next: ConfigDraft) => void }) {
  const { root, focusAfterChange } = useFocusAfterChange<HTMLElement>()
  const setRule = (index: number, rule: RuleDraft) => onChange({ ...draft, rules: draft.rules.map((each, at) => (at === index ? rule : each)) })
  const move = (index: number, by: number) => {
    const rules = [...draft.rules]
    const [rule] = rules.splice(index, 1)
    if (!rule) return
    rules.splice(index + by, 0, rule)
    // Focus follows the rule moved, on the same arrow while it can go further that way.
    const direction = by < 0 ? 'up' : 'down'
    focusAfterChange((section) => {
      const moved = section.querySelectorAll<HTMLElement>('[data-testid=rule]')[index + by]
      const same = moved?.querySelector<HTMLButtonElement>(`[data-testid=rule-${direction}]`)
      return same && !same.disabled ? same : moved?.querySelector<HTMLElement>(`[data-testid=rule-${direction === 'up' ? 'down' : 'up'}]`)
    })
    onChange({ ...draft, rules })
  }
  return (
    <section ref={root} className="settings-section" data-testid="rules-section">
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
              onRemove={() => {
                // To the rule that takes its place (or the one before), else to "+ Add rule".
                focusAfterChange((section) => atOrBefore(section, '[data-testid=rule-name]', index, '[data-testid=rule-add]'))
                onChange({ ...draft, rules: draft.rules.filter((_, at) => at !== index) })
              }}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button-small"
        onClick={() => {
          const index = draft.rules.length
          focusAfterChange((section) => section.querySelectorAll<HTMLElement>('[data-testid=rule-name]')[index])
          onChange({ ...draft, rules: [...draft.rules, newRule(index)] })
        }}
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
        <MoveButton index={index} direction="up" disabled={index === 0} onMove={onMove} />
        <MoveButton index={index} direction="down" disabled={index === count - 1} onMove={onMove} />
        <button type="button" className="button button-small button-danger-quiet" onClick={onRemove} data-testid="rule-remove">
          Remove
        </button>
      </div>
      <div className="rule-match">
        <span className="rule-when">When</span>
        <TextField
          label="Method"
          value={rule.method}
          placeholder="any"
          invalid={errors.method !== undefined}
          onChange={(method) => set({ method })}
          testId="rule-method"
        />
        <TextField
          label="Path pattern"
          isWide
          value={rule.pathPattern}
          placeholder="any, e.g. /refunds/**"
          onChange={(pathPattern) => set({ pathPattern })}
          testId="rule-path"
        />
        <SelectField label="Provider" value={rule.provider} options={PROVIDER_OPTIONS} onChange={(provider) => set({ provider })} testId="rule-provider" />
        <SelectField label="Verdict" value={rule.verdict} options={VERDICT_OPTIONS} onChange={(verdict) => set({ verdict })} testId="rule-verdict" />
        <TextField
          label="Header"
          value={rule.headerName}
          placeholder="none"
          invalid={errors.headerName !== undefined}
          onChange={(headerName) => set({ headerName })}
          testId="rule-header-name"
        />
        {rule.headerName !== '' && (
          <>
            <SelectField
              label="Header test"
              value={rule.headerOp}
              options={HEADER_OP_OPTIONS}
              onChange={(headerOp) => set({ headerOp })}
              testId="rule-header-op"
            />
            {rule.headerOp !== 'present' && (
              <TextField
                label="Header value"
                value={rule.headerValue}
                invalid={errors.headerValue !== undefined}
                onChange={(headerValue) => set({ headerValue })}
                testId="rule-header-value"
              />
            )}
          </>
        )}
        <TextField
          label="JSON field"
          isWide
          value={rule.jsonPath}
          placeholder="e.g. transactionType"
          invalid={errors.jsonPath !== undefined}
          onChange={(jsonPath) => set({ jsonPath })}
          testId="rule-json-path"
        />
        {rule.jsonPath !== '' && (
          <>
            <SelectField label="is a" value={rule.jsonType} options={JSON_TYPE_OPTIONS} onChange={(jsonType) => set({ jsonType })} testId="rule-json-type" />
            {rule.jsonType !== 'null' && (
              <TextField
                label="equal to"
                value={rule.jsonValue}
                invalid={errors.jsonValue !== undefined}
                onChange={(jsonValue) => set({ jsonValue })}
                testId="rule-json-value"
              />
            )}
          </>
        )}
        <TextField
          label="Body contains"
          isWide
          value={rule.bodyContains}
          placeholder="any"
          onChange={(bodyContains) => set({ bodyContains })}
          testId="rule-body-contains"
        />
      </div>
      {rule.enabled && ruleMatchesEverything(rule) && (
        <p className="rule-matches-all" data-testid="rule-matches-all">
          No conditions yet: this rule answers every callback{index > 0 ? ' the rules above do not' : ''}, so the sequence, the failure rate and the default
          answer never apply.
        </p>
      )}
      <div className="rule-then">
        <span className="rule-when">Then</span>
        <AnswerEditor value={rule.answer} onChange={(answer) => set({ answer })} testId="rule-answer" isCompact />
      </div>
    </>
  )
}

function MoveButton({ index, direction, disabled, onMove }: { index: number; direction: 'up' | 'down'; disabled: boolean; onMove: (by: number) => void }) {
  return (
    <button
      type="button"
      className="button button-small"
      disabled={disabled}
      onClick={() => onMove(direction === 'up' ? -1 : 1)}
      aria-label={`Move rule ${index + 1} ${direction}`}
      data-testid={`rule-${direction}`}
    >
      {direction === 'up' ? '↑' : '↓'}
    </button>
  )
}

interface TextFieldProps {
  label: string
  value: string
  onChange: (value: string) => void
  testId: string
  placeholder?: string
  /** Left out for fields with no rule of their own, which never show as invalid. */
  invalid?: boolean
  /** Spans two columns of the condition grid (patterns and body text run long). */
  isWide?: boolean
}

/** One text condition of a rule: a labelled input in the wire font. */
function TextField({ label, value, onChange, testId, placeholder, invalid, isWide = false }: TextFieldProps) {
  return (
    <label className={isWide ? 'field rule-wide' : 'field'}>
      <span className="field-label">{label}</span>
      <input
        className="input wire"
        value={value}
        placeholder={placeholder}
        aria-invalid={invalid}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
    </label>
  )
}

/** A select's options as [value, text] pairs. */
type Options<T extends string> = ReadonlyArray<readonly [value: T, text: string]>

const PROVIDER_OPTIONS: Options<string> = [['', 'any'], ...[...PINNABLE_PROVIDER_IDS, 'unknown'].map((each) => [each, providerName(each)] as const)]
const VERDICT_OPTIONS: Options<string> = [['', 'any'], ...VERDICT_STATUSES.map((each) => [each, VERDICT_WORDS[each]] as const)]
const HEADER_OP_OPTIONS: Options<HeaderOp> = [
  ['equals', 'equals'],
  ['contains', 'contains'],
  ['present', 'is present'],
]
const JSON_TYPE_OPTIONS: Options<JsonValueType> = [
  ['string', 'string'],
  ['number', 'number'],
  ['boolean', 'boolean'],
  ['null', 'null'],
]

/** One choice condition of a rule: a labelled select over fixed options. */
function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string
  value: T
  options: Options<T>
  onChange: (value: T) => void
  testId: string
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {/* The value is always one of `options`, the only values the select offers. */}
      <select className="input" value={value} onChange={(event) => onChange(event.target.value as T)} data-testid={testId}>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
}
