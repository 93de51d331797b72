/**
 * "Answers" for one endpoint: default answer, ordered rules, a retry sequence and a failure rate.
 * Closing it (Close, Escape) with unsaved edits asks first: building rules and sequences is work.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { Endpoint } from '@shared/views'
import type { AnswerWarningProvider, AnswerWarningsView } from '@shared/answer-warnings'
import { useQueryClient } from '@tanstack/react-query'
import { useAnswerConfig, useResetAnswerSequence, useSetAnswerConfig } from '../../api/queries'
import { queryKeys } from '../../api/query-keys'
import { useDiscardGuard } from '../../components/discard-guard'
import { ModalDialog } from '../../components/modal-dialog'
import { ANSWER_PRECEDENCE } from '../../lib/answer-presets'
import { configFromDraft, configProblems, draftFromConfig, type ConfigDraft } from './answer-draft'
import { AnswerEditor } from './answer-editor'
import { RulesSection } from './rules-section'
import { SequenceSection } from './sequence-section'
import { FailureRateSection } from './failure-rate-section'
import { ProviderWarnings } from './provider-warnings'
import { describeProviderDefault } from './provider-default-hint'
import { useDraftWarnings } from './use-draft-warnings'
import './answers.css'

interface AnswerSettingsDialogProps {
  endpoint: Endpoint
  onClose: () => void
}

export function AnswerSettingsDialog({ endpoint, onClose }: AnswerSettingsDialogProps) {
  const { data, error, isPending } = useAnswerConfig(endpoint.id)
  useWarningsFollowCaptures(endpoint)
  const discardGuard = useDiscardGuard(onClose, <>The answer settings of “{endpoint.name}” have changes that are not saved. Close without saving them?</>)
  return (
    <>
      <ModalDialog title={`Answers: ${endpoint.name}`} onClose={discardGuard.requestClose} testId="answer-settings-dialog">
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
            saved={data}
            onDirtyChange={discardGuard.setHasUnsavedChanges}
            onClose={discardGuard.requestClose}
          />
        )}
      </ModalDialog>
      {discardGuard.question}
    </>
  )
}

/**
 * The warnings are checked against the providers of the endpoint's captures: a callback arriving
 * while the dialog is open (the first IXOPAY one, say) may change them, so they are asked again.
 */
function useWarningsFollowCaptures(endpoint: Endpoint): void {
  const queryClient = useQueryClient()
  const shownCount = useRef(endpoint.captureCount)
  useEffect(() => {
    if (endpoint.captureCount === shownCount.current) return
    shownCount.current = endpoint.captureCount
    void queryClient.invalidateQueries({ queryKey: queryKeys.answerConfig(endpoint.id), exact: true })
    void queryClient.invalidateQueries({ queryKey: queryKeys.answerWarningsPreviews(endpoint.id) })
  }, [endpoint.captureCount, endpoint.id, queryClient])
}

interface AnswerSettingsFormProps {
  endpoint: Endpoint
  initial: ConfigDraft
  /** The saved configuration's warnings (what they are while nothing is edited). */
  saved: AnswerWarningsView
  /** Told whenever the form gains or loses unsaved edits. */
  onDirtyChange: (isDirty: boolean) => void
  /** Asks to close; the dialog confirms first when there are unsaved edits. */
  onClose: () => void
}

function AnswerSettingsForm({ endpoint, initial, saved, onDirtyChange, onClose }: AnswerSettingsFormProps) {
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
  // What the draft means to the endpoint's providers, while it is edited, not only once saved.
  const providerCheck = useDraftWarnings(endpoint.id, saved, draft, isDirty)

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
        <DefaultAnswer draft={draft} onChange={update} providers={saved.providers} />
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

      {/* Kept in view at the foot of the dialog, beside Save: the warnings follow every edit, and
          what stops a save shows where Save was clicked, however far down the form is scrolled. */}
      <div className="answers-footer">
        {showProblems && problems.length > 0 && (
          <div className="notice notice-danger answers-footer-problems" role="alert" data-testid="answers-problems">
            <strong>Fix these before saving:</strong>
            <ul className="plain-list">
              {problems.map((problem, index) => (
                <li key={index}>{problem}</li>
              ))}
            </ul>
          </div>
        )}
        {serverError && (
          <p className="notice notice-danger answers-footer-problems" role="alert" data-testid="answers-error">
            {serverError}
          </p>
        )}
        <ProviderWarnings warnings={providerCheck} />
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
      </div>
    </form>
  )
}

interface DefaultAnswerProps {
  draft: ConfigDraft
  onChange: (next: ConfigDraft) => void
  /** The providers this endpoint receives from, named in the provider default's hint. */
  providers: AnswerWarningProvider[]
}

function DefaultAnswer({ draft, onChange, providers }: DefaultAnswerProps) {
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
          Provider default{' '}
          <span className="muted" data-testid="default-provider-hint">
            ({describeProviderDefault(providers)})
          </span>
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
