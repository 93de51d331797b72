/**
 * The provider warnings of the answer configuration being edited, before it is saved: the server
 * judges the draft (`previewAnswerWarnings`) with the same rule and against the same providers as
 * the saved configuration, after a pause in typing.
 */
import { useMemo } from 'react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import type { AnswerWarningsView } from '@shared/answer-warnings'
import { call } from '../../api/api-client'
import { queryKeys } from '../../api/query-keys'
import { configFromDraft, configProblems, type ConfigDraft } from './answer-draft'
import { useDebouncedValue } from '../../lib/use-debounced-value'

/** A pause this long in editing sends the draft to be checked. */
export const DRAFT_WARNINGS_DEBOUNCE_MS = 300

export interface DraftWarnings {
  /** The warnings of the draft (of the saved configuration while nothing is edited). */
  view: AnswerWarningsView
  /** The draft has fields that cannot be sent: `view` is of the last draft that could. */
  isWaitingForFixes: boolean
  /** Why the last draft could not be checked, if it could not. */
  error: string | null
}

export function useDraftWarnings(endpointId: string, saved: AnswerWarningsView, draft: ConfigDraft, isDirty: boolean): DraftWarnings {
  // Only a draft the API would take is sent; the form shows what stops the others.
  const config = useMemo(() => (configProblems(draft).length === 0 ? configFromDraft(draft) : null), [draft])
  const sent = useDebouncedValue(config, DRAFT_WARNINGS_DEBOUNCE_MS)
  const preview = useQuery({
    queryKey: queryKeys.answerWarningsPreview(endpointId, sent),
    queryFn: () => call('previewAnswerWarnings', { endpointId, config: sent }),
    enabled: isDirty && sent !== null,
    // The last draft's warnings stay up while the next is checked, so the notice does not blink.
    placeholderData: keepPreviousData,
    retry: false,
    gcTime: 30_000,
  })
  return {
    view: isDirty ? (preview.data ?? saved) : saved,
    isWaitingForFixes: isDirty && config === null,
    error: isDirty && preview.error ? preview.error.message : null,
  }
}
