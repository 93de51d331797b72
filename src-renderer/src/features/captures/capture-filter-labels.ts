/** The choices of the filter bar and the words for a filter, e.g. in the bulk replay dialog. */
import { ANSWER_CLASSES, type AnswerClass, type CaptureFilter, type CaptureOutcome } from '@shared/capture-filter'
import { ANSWER_PRESETS } from '../../lib/answer-presets'
import { CHANGED_VERDICT, LISTED_VERDICTS, type ListedVerdict } from '@shared/listed-verdict'
import { PINNABLE_PROVIDER_IDS, providerName, VERDICT_WORDS } from '../../lib/providers'

export const FILTER_PROVIDERS = [...PINNABLE_PROVIDER_IDS, 'unknown'] as const
export const FILTER_VERDICTS = LISTED_VERDICTS
/** The signature verdicts, and what the list shows as '≠ changed' (a capture changed before export). */
export const FILTER_VERDICT_WORDS: Record<ListedVerdict, string> = { ...VERDICT_WORDS, [CHANGED_VERDICT]: 'changed before export' }

/** Methods providers call with; the API takes any method. */
export const FILTER_METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

export const ANSWER_CLASS_LABELS: Record<AnswerClass, string> = {
  '2xx': '2xx success',
  '3xx': '3xx redirect',
  '4xx': '4xx client error',
  '5xx': '5xx server error',
  none: 'no answer (closed, reset, hang)',
}
export const FILTER_ANSWER_CLASSES = ANSWER_CLASSES

/** The statuses of the answer presets, and 413 for requests refused as too large. */
export const FILTER_ANSWER_STATUSES = [...new Set([...ANSWER_PRESETS.map((preset) => preset.answer.status), 413])].sort((a, b) => a - b)

export const OUTCOME_LABELS: Record<CaptureOutcome, string> = {
  captured: 'captured',
  refused: 'refused (too large)',
}

export function filterProviderLabel(id: string): string {
  return id === 'unknown' ? 'Unknown sender' : providerName(id)
}

/** "“order-1001” · IXOPAY · invalid · POST · answered 5xx · refused": what a filter keeps, in the words of the bar. */
export function describeCaptureFilter(filter: CaptureFilter): string {
  const parts: string[] = []
  const query = filter.query?.trim()
  if (query) parts.push(`“${query}”`)
  const text = filter.text?.trim()
  if (text) parts.push(`“${text}”`)
  if (filter.provider) parts.push(filterProviderLabel(filter.provider))
  if (filter.verdict)
    parts.push(filter.verdict === CHANGED_VERDICT ? FILTER_VERDICT_WORDS[filter.verdict] : `signature ${FILTER_VERDICT_WORDS[filter.verdict]}`)
  if (filter.method) parts.push(filter.method.toUpperCase())
  if (filter.answer) parts.push(filter.answer === 'none' ? 'not answered' : `answered ${filter.answer}`)
  if (filter.outcome) parts.push(OUTCOME_LABELS[filter.outcome])
  return parts.join(' · ')
}
