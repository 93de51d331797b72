import { useEffect, useRef, useState } from 'react'
import { isCaptureFilterActive, type CaptureFilter } from '../../../../src-main/shared/capture-filter'
import { VERDICT_WORDS } from '../../lib/providers'
import '../../styles/capture-filter.css'
import {
  ANSWER_CLASS_LABELS,
  FILTER_ANSWER_CLASSES,
  FILTER_ANSWER_STATUSES,
  FILTER_METHODS,
  FILTER_PROVIDERS,
  FILTER_VERDICTS,
  filterProviderLabel,
  OUTCOME_LABELS,
} from './capture-filter-labels'

/** Typing pauses this long before the list is asked again. */
const SEARCH_DEBOUNCE_MS = 250

interface CaptureFilterBarProps {
  filter: CaptureFilter
  onChange: (filter: CaptureFilter) => void
}

/** Search box and selects above the capture list; every change narrows the list on the server. */
export function CaptureFilterBar({ filter, onChange }: CaptureFilterBarProps) {
  const [draft, setDraft] = useSearchDraft(filter, onChange)
  const isActive = isCaptureFilterActive(filter) || draft.trim() !== ''
  const set = (change: Partial<CaptureFilter>) => onChange(withoutEmpty({ ...filter, ...change }))

  return (
    <div className="filter-bar" role="search" aria-label="Filter captures" data-testid="filter-bar">
      <input
        type="search"
        className="input filter-search"
        placeholder="Search path, event, id, reference, amount…"
        aria-label="Search captures"
        value={draft}
        spellCheck={false}
        onChange={(event) => setDraft(event.target.value, 'debounced')}
        onKeyDown={(event) => {
          if (event.key !== 'Escape' || draft === '') return
          event.preventDefault()
          setDraft('', 'now')
        }}
        data-testid="filter-text"
      />
      <button
        type="button"
        className="link-button filter-clear"
        onClick={() => {
          setDraft('', 'silently')
          onChange({})
        }}
        disabled={!isActive}
        data-testid="filter-clear"
      >
        Clear filter
      </button>
      <div className="filter-selects">
        <FilterSelect label="Provider" value={filter.provider} onChange={(provider) => set({ provider: provider as CaptureFilter['provider'] })} testId="filter-provider">
          {FILTER_PROVIDERS.map((id) => (
            <option key={id} value={id}>
              {filterProviderLabel(id)}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Signature" value={filter.verdict} onChange={(verdict) => set({ verdict: verdict as CaptureFilter['verdict'] })} testId="filter-verdict">
          {FILTER_VERDICTS.map((status) => (
            <option key={status} value={status}>
              {VERDICT_WORDS[status]}
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
        <FilterSelect label="Outcome" value={filter.outcome} onChange={(outcome) => set({ outcome: outcome as CaptureFilter['outcome'] })} testId="filter-outcome">
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

/**
 * The search box's text, committed to the filter after a pause in typing (`debounced`), at once
 * (`now`, Escape), or not at all (`silently`, when the whole filter is being cleared). A filter
 * cleared from outside (the empty state's button) empties the box too.
 */
function useSearchDraft(filter: CaptureFilter, onChange: (filter: CaptureFilter) => void) {
  const committed = filter.text ?? ''
  const [draft, setDraftState] = useState(committed)
  const [seenCommitted, setSeenCommitted] = useState(committed)
  const ownCommitRef = useRef(committed)
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
    if (committed !== ownCommitRef.current) setDraftState(committed)
  }

  function commit(text: string): void {
    const latest = latestRef.current
    ownCommitRef.current = text
    latest.onChange(withoutEmpty({ ...latest.filter, text }))
  }

  function setDraft(text: string, when: 'debounced' | 'now' | 'silently'): void {
    setDraftState(text)
    clearTimeout(timerRef.current)
    if (when === 'silently') {
      ownCommitRef.current = ''
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
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined && value !== '')) as CaptureFilter
}
