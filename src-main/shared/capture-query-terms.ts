/**
 * A term's value, as the matcher compares it: text folded (`foldForSearch`), a provider named by
 * part of its id or name, a verdict, a status, a time; and the alternatives a word or phrase is
 * also looked for as (its body form, a pasted URL's path and query).
 */
import { assertNever } from './assert-never'
import { CaptureQueryError, type QueryField, type QueryTerm } from './capture-query'
import type { Token } from './capture-query-tokens'
import { LISTED_VERDICTS, type ListedVerdict } from './listed-verdict'
import { targetNamedByUrl } from './pasted-url'
import { PROVIDER_IDS, PROVIDER_NAMES } from './provider-catalog'
import { foldForSearch, withoutJsonSpacingNeedle } from './search-text-form'

const VERDICT_LIST = LISTED_VERDICTS.join(', ')
/**
 * The verdicts as the list's Signature column writes them (`n/a`, `no key`), so what is read
 * there can be typed: `verdict:n/a` was refused though every unrecognised capture shows `n/a`.
 */
const VERDICT_WORDS_SHOWN: Readonly<Record<string, ListedVerdict>> = { 'n/a': 'not-applicable', 'no key': 'no-key' }
const STATUS_VALUE = /^(?:([1-5])xx|([1-5]\d\d)|none)$/
const RELATIVE_TIME = /^-?(\d{1,9})(s|m|h|d|w)$/
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/**
 * What a word or phrase (an `anywhere` term) is also looked for as, each an alternative it
 * matches by (an OR of them all): its `withoutJsonSpacingNeedle` form in the body text, when that
 * differs (a phrase pasted from pretty-printed JSON); the path and query of a URL, in the request
 * target. Terms of their own, so whatever reads a query's terms (the search-text prefilter, the
 * search's body check) sees every text it may match by.
 */
export function alternativesOf(term: QueryTerm): QueryTerm[] {
  if (term.field !== 'anywhere') return []
  const alternatives: QueryTerm[] = []
  const inBody = withoutJsonSpacingNeedle(term.text)
  if (inBody !== term.text) alternatives.push({ position: term.position, field: 'body', text: inBody })
  const target = targetNamedByUrl(term.text)
  if (target !== null) alternatives.push({ position: term.position, field: 'target', text: target })
  return alternatives
}

export function compileTerm(token: Extract<Token, { kind: 'term' }>, now: number): QueryTerm {
  const { position, field } = token
  const text = foldForSearch(token.value)
  if (field === null) return { position, field: 'anywhere', text }
  if (field.startsWith('header.')) return { position, field: 'header', name: field.slice('header.'.length), text }
  if (field.startsWith('query.')) return { position, field: 'query', name: field.slice('query.'.length), text }
  const valueAt = position + field.length + 1
  const named = field as QueryField
  switch (named) {
    case 'header':
      return { position, field: 'header', name: null, text }
    case 'query':
      return { position, field: 'query', name: null, text }
    case 'body':
      return { position, field: 'body', text: withoutJsonSpacingNeedle(text) }
    case 'path':
    case 'event':
    case 'ref':
    case 'id':
    case 'note':
    case 'from':
      return { position, field: named, text }
    case 'method':
      return { position, field: 'method', method: token.value.toUpperCase() }
    case 'provider': {
      const providers = new Set(PROVIDER_IDS.filter((id) => id.includes(text) || PROVIDER_NAMES[id].toLowerCase().includes(text)))
      if (providers.size === 0) throw new CaptureQueryError(`provider: no provider is called "${token.value}" (${PROVIDER_IDS.join(', ')})`, valueAt)
      return { position, field: 'provider', providers, text }
    }
    case 'verdict': {
      const verdict = LISTED_VERDICTS.find((status) => status === text) ?? (Object.hasOwn(VERDICT_WORDS_SHOWN, text) ? VERDICT_WORDS_SHOWN[text] : undefined)
      if (!verdict) throw new CaptureQueryError(`verdict: must be one of ${VERDICT_LIST} (or n/a, "no key" as the list shows them)`, valueAt)
      return { position, field: 'verdict', verdict }
    }
    case 'status': {
      const match = STATUS_VALUE.exec(text)
      if (!match) throw new CaptureQueryError('status: must be a status code such as 503, a class such as 5xx, or none', valueAt)
      const answer = match[1] !== undefined ? { hundreds: Number(match[1]) } : match[2] !== undefined ? { code: Number(match[2]) } : ('none' as const)
      return { position, field: 'status', answer }
    }
    case 'after':
    case 'before': {
      const atMs = parseTime(text, now)
      if (atMs === null) throw new CaptureQueryError(`${named}: must be a time such as -2h, -30m, -7d or 2026-12-01T08:00Z`, valueAt)
      return { position, field: named, atMs }
    }
    default:
      return assertNever(named)
  }
}

/** `-2h` (s, m, h, d, w ago) or an ISO date or date-time, UTC unless it gives an offset; `null` if neither. */
function parseTime(text: string, now: number): number | null {
  const relative = RELATIVE_TIME.exec(text)
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]
  const iso = ISO_TIME.exec(text.toUpperCase())
  if (!iso) return null
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) => Number(iso[group] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const fraction = iso[7] === undefined ? 0 : Number(`0.${iso[7]}`) * 1000
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + fraction
  // Date.UTC rolls 2026-02-31 over into March: refuse dates that do not exist.
  if (new Date(utc).getUTCDate() !== day) return null
  return utc - offsetMinutes(iso[8]) * 60_000
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
  return zone.startsWith('-') ? -minutes : minutes
}
