/**
 * The capture list's view in the address bar: which endpoint (or all) and its filter, kept in the
 * fragment (`#scope=…&q=…&provider=…`) so a reload, a bookmark or a copied address shows the same
 * list. The fragment never reaches a server (nor its logs); other parameters in it are kept as they
 * are (api/auth-token.ts takes `token` out before anything reads this).
 *
 * Values read back are checked: a hand-edited address can drop a select, never break the list.
 */
import { useEffect, useRef } from 'react'
import { ANSWER_FILTER_PATTERN, CAPTURE_OUTCOMES, MAX_FILTER_TEXT_LENGTH, METHOD_FILTER_PATTERN, type CaptureFilter } from '@shared/capture-filter'
import { MAX_CAPTURE_QUERY_LENGTH } from '@shared/capture-query'
import { PROVIDER_IDS, type ProviderId } from '@shared/provider-catalog'
import { LISTED_VERDICTS, type ListedVerdict } from '@shared/listed-verdict'
import type { CaptureScope } from '../../api/query-keys'

export interface ListLocation {
  /** `undefined` when the address names none. */
  scope: CaptureScope | undefined
  filter: CaptureFilter
}

/** Fragment parameter of each piece, in the order they are written. */
const PARAMETERS = {
  scope: 'scope',
  query: 'q',
  text: 'text',
  provider: 'provider',
  verdict: 'verdict',
  method: 'method',
  answer: 'answer',
  outcome: 'outcome',
} as const
const OWN_PARAMETERS = new Set<string>(Object.values(PARAMETERS))

/** The list view a fragment (`#…`, with or without the `#`) describes. */
export function readListLocation(hash: string): ListLocation {
  const parameters = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const get = (name: string): string | undefined => {
    const value = parameters.get(name)
    return value === null || value === '' ? undefined : value
  }
  const filter: CaptureFilter = {}
  const query = get(PARAMETERS.query)
  if (query !== undefined && query.length <= MAX_CAPTURE_QUERY_LENGTH) filter.query = query
  const text = get(PARAMETERS.text)
  if (text !== undefined && text.length <= MAX_FILTER_TEXT_LENGTH) filter.text = text
  const provider = get(PARAMETERS.provider)
  if (provider !== undefined && (PROVIDER_IDS as readonly string[]).includes(provider)) filter.provider = provider as ProviderId
  const verdict = get(PARAMETERS.verdict)
  if (verdict !== undefined && (LISTED_VERDICTS as readonly string[]).includes(verdict)) filter.verdict = verdict as ListedVerdict
  const method = get(PARAMETERS.method)
  if (method !== undefined && METHOD_FILTER_PATTERN.test(method)) filter.method = method
  const answer = get(PARAMETERS.answer)
  if (answer !== undefined && ANSWER_FILTER_PATTERN.test(answer)) filter.answer = answer
  const outcome = get(PARAMETERS.outcome)
  if (outcome !== undefined && (CAPTURE_OUTCOMES as readonly string[]).includes(outcome)) filter.outcome = outcome as CaptureFilter['outcome']
  return { scope: get(PARAMETERS.scope), filter }
}

/** The fragment (with `#`, or `''` when empty) for a list view, keeping parameters that are not the list's. */
export function listLocationHash(location: { scope: CaptureScope; filter: CaptureFilter }, currentHash: string): string {
  const current = new URLSearchParams(currentHash.startsWith('#') ? currentHash.slice(1) : currentHash)
  const next = new URLSearchParams()
  for (const [name, value] of current) if (!OWN_PARAMETERS.has(name)) next.append(name, value)
  next.set(PARAMETERS.scope, location.scope)
  const { filter } = location
  const pieces: Array<[string, string | undefined]> = [
    [PARAMETERS.query, filter.query?.trim() === '' ? undefined : filter.query],
    [PARAMETERS.text, filter.text],
    [PARAMETERS.provider, filter.provider],
    [PARAMETERS.verdict, filter.verdict],
    [PARAMETERS.method, filter.method],
    [PARAMETERS.answer, filter.answer],
    [PARAMETERS.outcome, filter.outcome],
  ]
  for (const [name, value] of pieces) if (value !== undefined && value !== '') next.set(name, value)
  // Spaces as %20 rather than +: the address reads the way the query was typed when decoded.
  const fragment = next.toString().replaceAll('+', '%20')
  return fragment === '' ? '' : `#${fragment}`
}

/** Puts the list view into the address bar, replacing the entry (a filter edit is no navigation). */
export function writeListLocation(location: { scope: CaptureScope; filter: CaptureFilter }): void {
  const hash = listLocationHash(location, window.location.hash)
  if (hash === window.location.hash || (hash === '' && window.location.hash === '#')) return
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + hash)
}

/** Calls back with the list view when the user changes the fragment (edits the address, goes back). */
export function watchListLocation(onChange: (location: ListLocation) => void): () => void {
  const listener = (): void => onChange(readListLocation(window.location.hash))
  window.addEventListener('hashchange', listener)
  return () => window.removeEventListener('hashchange', listener)
}

/**
 * Keeps the address bar on the list on screen (`scope` `null`: not known yet, nothing is written),
 * and hands over a list view the user puts there by editing the address or going back.
 */
export function useListLocation(scope: CaptureScope | null, filter: CaptureFilter, onLocationChange: (location: ListLocation) => void): void {
  useEffect(() => {
    if (scope !== null) writeListLocation({ scope, filter })
  }, [scope, filter])
  const onChangeRef = useRef(onLocationChange)
  useEffect(() => {
    onChangeRef.current = onLocationChange
  }, [onLocationChange])
  useEffect(() => watchListLocation((location) => onChangeRef.current(location)), [])
}
