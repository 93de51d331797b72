/** Edits one answer: a preset, or status, headers, body and delay; or close, reset, never answer. */
import { useId } from 'react'
import { atOrBefore, useFocusAfterChange } from '../../components/focus-after-change'
import { ANSWER_PRESETS, MAX_ANSWER_DELAY_MS } from '../../lib/answer-presets'
import { reasonPhrase } from '../../lib/http-status'
import { answerErrors, draftFromAnswer, type AnswerDraft, type AnswerKindDraft, type BodyMode } from './answer-draft'
import './answers.css'

const KIND_LABELS: Record<AnswerKindDraft, string> = {
  respond: 'Respond with HTTP',
  close: 'Close the connection (no answer)',
  reset: 'Reset the connection (TCP RST)',
  hang: 'Never answer (the provider times out)',
}

const DEFAULT_CONTENT_TYPES: Record<Exclude<BodyMode, 'none'>, string> = {
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
}

interface AnswerEditorProps {
  value: AnswerDraft
  onChange: (next: AnswerDraft) => void
  testId: string
  /** Shorter layout for sequence steps. */
  isCompact?: boolean
}

export function AnswerEditor({ value, onChange, testId, isCompact = false }: AnswerEditorProps) {
  const id = useId()
  const errors = answerErrors(value)
  const statusNumber = Number(value.status)
  const set = (patch: Partial<AnswerDraft>) => onChange({ ...value, ...patch })

  return (
    <div className={`answer-editor ${isCompact ? 'answer-editor-compact' : ''}`} data-testid={testId}>
      <div className="answer-row">
        <label className="field answer-field-preset">
          <span className="field-label">Preset</span>
          <select
            className="input"
            value=""
            onChange={(event) => {
              const preset = ANSWER_PRESETS.find((each) => each.id === event.target.value)
              if (preset) onChange(draftFromAnswer(preset.answer))
            }}
            data-testid={`${testId}-preset`}
          >
            <option value="">Apply a preset…</option>
            {ANSWER_PRESETS.map((preset) => (
              <option key={preset.id} value={preset.id}>
                {preset.label}
                {preset.answer.body && 'text' in preset.answer.body ? ` (body ${preset.answer.body.text})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field answer-field-kind">
          <span className="field-label">Answer</span>
          <select
            className="input"
            value={value.kind}
            onChange={(event) => set({ kind: event.target.value as AnswerKindDraft })}
            data-testid={`${testId}-kind`}
          >
            {(Object.keys(KIND_LABELS) as AnswerKindDraft[]).map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </select>
        </label>
        {value.kind === 'respond' && (
          <label className="field answer-field-status">
            <span className="field-label">Status</span>
            <input
              className="input wire"
              inputMode="numeric"
              value={value.status}
              aria-invalid={errors.status !== undefined}
              aria-describedby={errors.status ? `${id}-status-error` : undefined}
              onChange={(event) => set({ status: event.target.value.trim() })}
              data-testid={`${testId}-status`}
            />
          </label>
        )}
        {value.kind !== 'hang' && (
          <label className="field answer-field-delay">
            <span className="field-label">Delay (s)</span>
            <input
              className="input wire"
              inputMode="decimal"
              value={value.delaySeconds}
              aria-invalid={errors.delay !== undefined}
              onChange={(event) => set({ delaySeconds: event.target.value.trim() })}
              title={`0 to ${MAX_ANSWER_DELAY_MS / 1000} seconds`}
              data-testid={`${testId}-delay`}
            />
          </label>
        )}
        {value.kind === 'respond' && !errors.status && <span className="answer-reason muted">{reasonPhrase(statusNumber)}</span>}
      </div>
      {errors.status && (
        <p className="field-error" id={`${id}-status-error`} data-testid={`${testId}-status-error`}>
          {errors.status}
        </p>
      )}
      {errors.delay && <p className="field-error">{errors.delay}</p>}

      {value.kind === 'respond' && (
        <>
          <HeadersEditor headers={value.headers} errors={errors} onChange={(headers) => set({ headers })} testId={`${testId}-headers`} />
          <div className="answer-row">
            <label className="field answer-field-body-mode">
              <span className="field-label">Body</span>
              <select
                className="input"
                value={value.bodyMode}
                onChange={(event) => {
                  const bodyMode = event.target.value as BodyMode
                  const isDefaultType = value.contentType === '' || Object.values(DEFAULT_CONTENT_TYPES).includes(value.contentType)
                  set({ bodyMode, contentType: bodyMode === 'none' ? value.contentType : isDefaultType ? DEFAULT_CONTENT_TYPES[bodyMode] : value.contentType })
                }}
                data-testid={`${testId}-body-mode`}
              >
                <option value="none">No body</option>
                <option value="text">Text</option>
                <option value="json">JSON</option>
              </select>
            </label>
            {value.bodyMode !== 'none' && (
              <label className="field answer-field-content-type">
                <span className="field-label">Content-Type</span>
                <input
                  className="input wire"
                  value={value.contentType}
                  onChange={(event) => set({ contentType: event.target.value })}
                  data-testid={`${testId}-content-type`}
                />
              </label>
            )}
          </div>
          {value.bodyMode !== 'none' && (
            <textarea
              className="input wire answer-body"
              rows={isCompact ? 2 : 4}
              spellCheck={false}
              value={value.bodyText}
              aria-label="Answer body"
              aria-invalid={errors.body !== undefined}
              onChange={(event) => set({ bodyText: event.target.value })}
              data-testid={`${testId}-body`}
            />
          )}
          {errors.body && (
            <p className="field-error" data-testid={`${testId}-body-error`}>
              {errors.body}
            </p>
          )}
        </>
      )}
    </div>
  )
}

interface HeadersEditorProps {
  headers: Array<[string, string]>
  errors: Record<string, string>
  onChange: (headers: Array<[string, string]>) => void
  testId: string
}

function HeadersEditor({ headers, errors, onChange, testId }: HeadersEditorProps) {
  const { root, focusAfterChange } = useFocusAfterChange<HTMLDivElement>()
  return (
    <div ref={root} className="headers-editor" data-testid={testId}>
      {headers.map(([name, value], index) => (
        <div key={index} className="header-edit-row">
          <input
            className="input wire"
            value={name}
            placeholder="Header"
            aria-label={`Header ${index + 1} name`}
            aria-invalid={errors[`headers.${index}.name`] !== undefined}
            onChange={(event) => onChange(headers.map((pair, at) => (at === index ? [event.target.value, pair[1]] : pair)))}
            data-testid={`${testId}-name`}
          />
          <input
            className="input wire"
            value={value}
            placeholder="Value"
            aria-label={`Header ${index + 1} value`}
            aria-invalid={errors[`headers.${index}.value`] !== undefined}
            onChange={(event) => onChange(headers.map((pair, at) => (at === index ? [pair[0], event.target.value] : pair)))}
            data-testid={`${testId}-value`}
          />
          <button
            type="button"
            className="button button-small"
            aria-label={`Remove header ${name || index + 1}`}
            onClick={() => {
              // To the header that takes its place (or the one before), else to "+ Header".
              focusAfterChange((editor) => atOrBefore(editor, `[data-testid="${testId}-name"]`, index, `[data-testid="${testId}-add"]`))
              onChange(headers.filter((_, at) => at !== index))
            }}
          >
            ✕
          </button>
          {errors[`headers.${index}.name`] && <p className="field-error header-error">{errors[`headers.${index}.name`]}</p>}
          {errors[`headers.${index}.value`] && <p className="field-error header-error">{errors[`headers.${index}.value`]}</p>}
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          const index = headers.length
          focusAfterChange((editor) => editor.querySelectorAll<HTMLElement>(`[data-testid="${testId}-name"]`)[index])
          onChange([...headers, ['', '']])
        }}
        data-testid={`${testId}-add`}
      >
        + Header
      </button>
    </div>
  )
}
