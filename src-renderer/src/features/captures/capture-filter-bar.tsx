import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react'
import { isCaptureFilterActive, type CaptureFilter } from '@shared/capture-filter'
import { parseCaptureQuery } from '@shared/capture-query-parser'
import { SEARCH_INPUT_ID } from '../shortcuts/keyboard-shortcuts'
import './capture-filter.css'
import './capture-search.css'
import {
  ANSWER_CLASS_LABELS,
  FILTER_ANSWER_CLASSES,
  FILTER_ANSWER_STATUSES,
  FILTER_METHODS,
  FILTER_PROVIDERS,
  filterProviderLabel,
  FILTER_VERDICT_WORDS,
  FILTER_VERDICTS,
  OUTCOME_LABELS,
} from './capture-filter-labels'
import { QuerySyntaxHelp } from './query-syntax-help'
import { insertExample, type Insertion } from './query-syntax-insert'

/** Typing pauses this long before the list is asked again. */
const SEARCH_DEBOUNCE_MS = 250

interface CaptureFilterBarProps {
  filter: CaptureFilter
  onChange: (filter: CaptureFilter) => void
  /**
   * Told whether the box holds a query not yet applied (typing, before the pause): the list's
   * figures then answer the previous query, and the header must not present them as this one's.
   */
  onDraftPendingChange?: (isPending: boolean) => void
  /**
   * ↓ in the search box: go to the results. `isApplied`: the list already answers the box's query
   * (else it was just sent, and the rows on screen are still the previous query's).
   */
  onMoveToResults?: (isApplied: boolean) => void
}

/**
 * Search box (the capture query language) and selects above the capture list; every change
 * narrows the list on the server. A malformed query is explained under the box and not sent.
 */
export function CaptureFilterBar({ filter, onChange, onDraftPendingChange, onMoveToResults }: CaptureFilterBarProps) {
  const [draft, setDraft] = useSearchDraft(filter, onChange)
  const problem = queryProblem(draft)
  // A malformed query is never applied: the list and its figures stay those of the last good one.
  const isDraftPending = problem === null && draft.trim() !== (filter.query ?? filter.text ?? '').trim()
  useEffect(() => onDraftPendingChange?.(isDraftPending), [isDraftPending, onDraftPendingChange])
  const errorId = useId()
  const staleId = useId()
  const applied = (filter.query ?? filter.text ?? '').trim()
  const isActive = isCaptureFilterActive(filter) || draft.trim() !== ''
  const set = (change: Partial<CaptureFilter>) => onChange(withoutEmpty({ ...filter, ...change }))
  const inputRef = useRef<HTMLInputElement>(null)
  // An example taken from the help: once it is in the box, focus it with the sample value selected.
  const [inserted, setInserted] = useState<Insertion | null>(null)
  useLayoutEffect(() => {
    if (inserted === null || inputRef.current === null) return
    inputRef.current.focus()
    inputRef.current.setSelectionRange(inserted.selectionStart, inserted.selectionEnd)
    setInserted(null)
  }, [inserted])

  return (
    <div className="filter-bar" role="search" aria-label="Filter captures" data-testid="filter-bar">
      <div className="filter-search-box">
        <input
          ref={inputRef}
          id={SEARCH_INPUT_ID}
          type="search"
          className="input filter-search"
          placeholder='Search: words, "phrases", from:file, status:5xx… (? lists all)'
          aria-label="Search captures"
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? `${errorId} ${staleId}` : undefined}
          value={draft}
          spellCheck={false}
          autoComplete="off"
          // No maxLength: a longer paste was cut to 1,000 characters without a word and that part
          // searched (a phrase cut mid-way, or its closing quote lost); now the parser says it is
          // too long and the list keeps the last valid search.
          onChange={(event) => setDraft(event.target.value, 'debounced')}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault()
              setDraft(draft, 'now')
              return
            }
            // ↓ goes from the box to the results, as from a search field to its suggestions.
            if (event.key === 'ArrowDown' && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && onMoveToResults) {
              if (problem !== null) return
              event.preventDefault()
              if (isDraftPending) setDraft(draft, 'now')
              onMoveToResults(!isDraftPending)
              return
            }
            if (event.key !== 'Escape' || draft === '') return
            event.preventDefault()
            setDraft('', 'now')
          }}
          data-testid="filter-text"
        />
        <QuerySyntaxHelp
          onInsert={(example) => {
            // Not searched yet: the example's sample value is there to be typed over (Enter searches).
            const insertion = insertExample(draft, example)
            setDraft(insertion.text, 'held')
            setInserted(insertion)
          }}
        />
      </div>
      <button
        type="button"
        className="link-button filter-clear"
        onClick={() => {
          setDraft('', 'silently')
          onChange({})
          // The button is disabled once nothing is filtered, which dropped focus to <body>: back to the box.
          document.getElementById(SEARCH_INPUT_ID)?.focus()
        }}
        disabled={!isActive}
        data-testid="filter-clear"
      >
        Clear filter
      </button>
      {problem !== null && (
        <p id={errorId} className="field-error filter-query-error" role="alert" data-testid="filter-query-error">
          {problem}
        </p>
      )}
      {problem !== null && (
        // The list below still answers the last query that parsed: say which, or its rows and
        // count read as this text's.
        <p id={staleId} className="filter-query-stale" data-testid="filter-query-stale">
          {applied === '' ? (
            'Until it is fixed, the list shows every capture.'
          ) : (
            <>
              Until it is fixed, the list shows the last valid search, <code className="wire">{applied}</code>.
            </>
          )}
        </p>
      )}
      <div className="filter-selects">
        <FilterSelect
          label="Provider"
          value={filter.provider}
          onChange={(provider) => set({ provider: provider as CaptureFilter['provider'] })}
          testId="filter-provider"
        >
          {FILTER_PROVIDERS.map((id) => (
            <option key={id} value={id}>
              {filterProviderLabel(id)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect
          label="Signature"
          value={filter.verdict}
          onChange={(verdict) => set({ verdict: verdict as CaptureFilter['verdict'] })}
          testId="filter-verdict"
        >
          {FILTER_VERDICTS.map((status) => (
            <option key={status} value={status}>
              {FILTER_VERDICT_WORDS[status]}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Method" value={filter.method} onChange={(method) => set({ method })} testId="filter-method">
          {FILTER_METHODS.map((method) => (
            <option key={method} value={method}>
              {method}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Answer" value={filter.answer} onChange={(answer) => set({ answer })} testId="filter-answer">
          <optgroup label="Class">
            {FILTER_ANSWER_CLASSES.map((answerClass) => (
              <option key={answerClass} value={answerClass}>
                {ANSWER_CLASS_LABELS[answerClass]}
              </option>
            ))}
          </optgroup>
          <optgroup label="Status">
            {FILTER_ANSWER_STATUSES.map((status) => (
              <option key={status} value={String(status)}>
                {status}
              </option>
            ))}
          </optgroup>
        </FilterSelect>
        <FilterSelect
          label="Outcome"
          value={filter.outcome}
          onChange={(outcome) => set({ outcome: outcome as CaptureFilter['outcome'] })}
          testId="filter-outcome"
        >
          <option value="captured">{OUTCOME_LABELS.captured}</option>
          <option value="refused">{OUTCOME_LABELS.refused}</option>
        </FilterSelect>
      </div>
    </div>
  )
}

interface FilterSelectProps {
  /** The "any" choice, so the select says what it filters while it filters nothing. */
  label: string
  value: string | undefined
  onChange: (value: string | undefined) => void
  testId: string
  children: React.ReactNode
}

function FilterSelect({ label, value, onChange, testId, children }: FilterSelectProps) {
  return (
    <select
      className={`input filter-select ${value ? 'filter-select-set' : ''}`}
      aria-label={label}
      title={`Filter by ${label.toLowerCase()}`}
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || undefined)}
      data-testid={testId}
    >
      <option value="">{label}</option>
      {children}
    </select>
  )
}

/** What is wrong with a query, in words ("Unclosed quote at character 14"); `null` when it parses. */
function queryProblem(text: string): string | null {
  const parsed = parseCaptureQuery(text)
  if (parsed.ok) return null
  const message = parsed.error.message
  return message.charAt(0).toUpperCase() + message.slice(1)
}

/**
 * The search box's query, committed to the filter after a pause in typing (`debounced`), at once
 * (`now`: Enter, Escape), not yet (`held`: an example put in from the help, its sample value
 * waiting to be typed over), or not at all (`silently`, when the whole filter is being cleared). A
 * malformed query is never committed: the list keeps the last good one while the box says what is
 * wrong. A filter changed from outside (the empty state's button, the address bar) replaces the box.
 */
function useSearchDraft(filter: CaptureFilter, onChange: (filter: CaptureFilter) => void) {
  // A filter from the API or an old address may carry `text`: the box shows it and turns it into a query.
  const committed = filter.query ?? filter.text ?? ''
  const [draft, setDraftState] = useState(committed)
  const [seenCommitted, setSeenCommitted] = useState(committed)
  /** The query this box committed last: its echo in `filter` must not replace what is being typed. */
  const [ownCommit, setOwnCommit] = useState(committed)
  const latestRef = useRef({ filter, onChange })
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => {
    latestRef.current = { filter, onChange }
  }, [filter, onChange])
  useEffect(() => () => clearTimeout(timerRef.current), [])

  // Adjusting state while rendering (React's pattern for "props changed"): only a change that did
  // not come from this box replaces what the user is typing.
  if (committed !== seenCommitted) {
    setSeenCommitted(committed)
    if (committed !== ownCommit) setDraftState(committed)
  }

  function commit(query: string): void {
    if (!parseCaptureQuery(query).ok) return
    const latest = latestRef.current
    // Spaces around the query mean nothing: trailing ones while typing must not fetch the list again.
    const trimmed = query.trim()
    setOwnCommit(trimmed)
    latest.onChange(withoutEmpty({ ...latest.filter, text: undefined, query: trimmed === '' ? undefined : trimmed }))
  }

  function setDraft(text: string, when: 'debounced' | 'now' | 'held' | 'silently'): void {
    setDraftState(text)
    clearTimeout(timerRef.current)
    if (when === 'held') return
    if (when === 'silently') {
      setOwnCommit('')
    } else if (when === 'now') {
      commit(text)
    } else {
      timerRef.current = setTimeout(() => commit(text), SEARCH_DEBOUNCE_MS)
    }
  }

  return [draft, setDraft] as const
}

/** Drops fields that filter nothing, so an emptied filter is `{}` again. */
function withoutEmpty(filter: CaptureFilter): CaptureFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''))
}
