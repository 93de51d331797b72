import { InspectorError } from '../../shared/errors'
import { answerConfigSchemas, formatAnswerConfigIssues, type AnswerSpec, type EndpointAnswerConfig } from '../../shared/responses'

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

/**
 * `setAnswerConfig` takes a partial change: the top-level fields given (`defaultAnswer`, `rules`,
 * `sequence`, `failureRate`) replace the current ones, the others are kept (`null` still means
 * "none" for `sequence` and `failureRate`). The result is validated whole by
 * {@link parseAnswerConfig}, so an unknown field is still refused. Anything that is not an object
 * is passed on unchanged for the validator to explain.
 */
export function applyAnswerConfigChange(current: EndpointAnswerConfig, change: unknown): unknown {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) return change
  return { ...current, ...change }
}
