import { InspectorError } from '../../shared/errors'
import {
  answerConfigSchemas,
  formatAnswerConfigIssues,
  type AnswerSpec,
  type EndpointAnswerConfig,
} from '../../shared/responses'

/**
 * Validates untrusted input (API calls, the persisted store on read) as an endpoint's answer
 * configuration. Throws `InspectorError('BAD_REQUEST')` naming every problem and where it is,
 * e.g. `rules.0.answer.status: status 600 is out of range: answer with 200-599`.
 */
export function parseAnswerConfig(input: unknown): EndpointAnswerConfig {
  const result = answerConfigSchemas.config.safeParse(input)
  if (!result.success) {
    throw new InspectorError('BAD_REQUEST', `invalid answer configuration: ${formatAnswerConfigIssues(result.error)}`)
  }
  return result.data
}

/** Validates one answer (a preset edited in the UI, a rule's answer); throws like {@link parseAnswerConfig}. */
export function parseAnswerSpec(input: unknown): AnswerSpec {
  const result = answerConfigSchemas.answer.safeParse(input)
  if (!result.success) {
    throw new InspectorError('BAD_REQUEST', `invalid answer: ${formatAnswerConfigIssues(result.error)}`)
  }
  return result.data
}
