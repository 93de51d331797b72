import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { matchCountLabel, MAX_FIND_NEEDLE_CHARS, NO_MATCHES, startFind, type FindMatches } from '../../lib/body-find'
import { runInSlices } from './run-in-slices'

/** Typing pauses this long before a search runs: one pass per pause, not per key. */
const SEARCH_DELAY_MS = 150
/**
 * Characters searched per task: a few milliseconds to a few tens each, so finding in a 10 MB body
 * never holds the UI thread long enough to freeze it (in one pass it took 150-340 ms; folded as
 * the search folds, about 500 ms for 10 MB of pretty-printed JSON, whose spacing is mapped back
 * run by run, measured at 24 ms a step on average for 512 Ki characters, 78 ms at worst).
 */
const FIND_SLICE_CHARS = 256 * 1024

/** What a finished search found, and for which search, so a newer one never shows older matches. */
interface Found {
  text: string
  needle: string
  matchCase: boolean
  matches: FindMatches
}

/**
 * Find state for one body: the query, its matches in the shown text, and the current match.
 * Closing gives focus back to where find was opened from (a row of the body view, the Find
 * button), else to `fallback`: the bar's input goes away, and focus fell to <body>.
 */
export function useBodyFind(text: string, fallback: RefObject<HTMLElement | null>) {
  const [isOpen, setIsOpen] = useState(false)
  const opener = useRef<HTMLElement | null>(null)
  const [query, setQuery] = useState('')
  const [searched, setSearched] = useState('')
  const [matchCase, setMatchCase] = useState(false)
  const [focusRequest, setFocusRequest] = useState(0)

  useEffect(() => {
    const timer = setTimeout(() => setSearched(query), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [query])

  const isActive = isOpen && searched !== ''
  const [found, setFound] = useState<Found | null>(null)
  useEffect(() => {
    if (!isActive) return
    const scan = startFind(text, searched, { matchCase })
    return runInSlices(() => {
      const matches = scan.step(FIND_SLICE_CHARS)
      if (matches === null) return false
      setFound({ text, needle: searched, matchCase, matches })
      return true
    })
  }, [isActive, text, searched, matchCase])
  const isFound = found !== null && found.text === text && found.needle === searched && found.matchCase === matchCase
  const matches = isActive && isFound ? found.matches : NO_MATCHES
  // The current match belongs to the matches it was chosen in: new matches start at the first
  // (decided during render, not by an effect that would render once more with a stale index).
  const [position, setPosition] = useState({ matches, index: 0 })
  const current = position.matches === matches ? position.index : 0
  const count = matches.starts.length

  return {
    isOpen,
    isActive,
    /** A search is typed or running and its matches are not known yet. */
    isSearching: query !== '' && !(isActive && isFound),
    query,
    matchCase,
    matches,
    /** -1 when there is nothing to show as current. */
    current: count === 0 ? -1 : Math.min(current, count - 1),
    focusRequest,
    setQuery,
    setMatchCase,
    open: () => {
      // Where focus was in this body's viewer; a second Ctrl+F from the bar's own input keeps the first.
      const active = document.activeElement
      if (!(active instanceof HTMLElement) || !active.closest('[data-testid=body-find]'))
        opener.current = active instanceof HTMLElement && active.closest('.body-viewer') !== null ? active : null
      setIsOpen(true)
      setFocusRequest((value) => value + 1)
    },
    close: () => {
      const wasInBar = (document.activeElement?.closest('[data-testid=body-find]') ?? null) !== null
      setIsOpen(false)
      if (!wasInBar) return
      // The opener may be gone (a Form or Hex view shows the text while find is active).
      const target = opener.current?.isConnected ? opener.current : fallback.current
      target?.focus()
    },
    next: () => count > 0 && setPosition((value) => ({ matches, index: ((value.matches === matches ? value.index : 0) + 1) % count })),
    previous: () => count > 0 && setPosition((value) => ({ matches, index: ((value.matches === matches ? value.index : 0) - 1 + count) % count })),
  }
}

export function BodyFindBar({ find }: { find: ReturnType<typeof useBodyFind> }) {
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    input.current?.focus()
    input.current?.select()
  }, [find.focusRequest])

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault()
      if (event.shiftKey) find.previous()
      else find.next()
    } else if (event.key === 'Escape') {
      // Handled here: an expanded body stays expanded until a second Escape.
      event.preventDefault()
      event.stopPropagation()
      find.close()
    }
  }

  return (
    <div className="body-find" role="search" data-testid="body-find">
      <input
        ref={input}
        type="search"
        className="input body-find-input"
        placeholder="Find in body"
        aria-label="Find in body"
        maxLength={MAX_FIND_NEEDLE_CHARS}
        value={find.query}
        data-testid="body-find-input"
        onChange={(event) => find.setQuery(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="body-find-count muted" aria-live="polite" data-testid="body-find-count">
        {find.query === '' || find.isSearching ? '' : matchCountLabel(find.matches, find.current)}
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={find.previous}
        disabled={find.matches.starts.length === 0}
        title="Previous match (Shift+Enter)"
        data-testid="body-find-previous"
      >
        ↑
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={find.next}
        disabled={find.matches.starts.length === 0}
        title="Next match (Enter)"
        data-testid="body-find-next"
      >
        ↓
      </button>
      <label className="body-find-case">
        <input type="checkbox" checked={find.matchCase} data-testid="body-find-case" onChange={(event) => find.setMatchCase(event.target.checked)} /> Match case
      </label>
      <button type="button" className="button button-small" onClick={find.close} title="Close (Escape)" data-testid="body-find-close">
        Close
      </button>
    </div>
  )
}
