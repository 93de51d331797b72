/**
 * Picks the answer for one delivery. The precedence lives here and only here (it is described
 * for users in `ANSWER_PRECEDENCE` in shared/responses.ts):
 *
 * 1. rules, in order, enabled ones only: the first whose conditions all hold answers;
 * 2. the sequence, when enabled: it answers every delivery no rule took, and only those count
 *    towards its steps (a rule answering a retry does not move the sequence on);
 * 3. the failure rate, when enabled: one draw per delivery (so with an enabled sequence it never
 *    applies: the sequence always answers);
 * 4. the default answer: the configured one, or for `'provider-default'` the recognised
 *    provider's documented acknowledgement, else 200 with an empty body.
 */
import type { ChosenAnswer, EndpointAnswerConfig, RespondAnswerSpec } from '../../shared/responses'
import type { AnswerContext, ChooseAnswerDeps } from './answer-context'
import { lazyJsonBody, ruleMatches } from './match-rule'
import { providerAcknowledgement } from './provider-acknowledgements'
import { resolveAnswer } from './resolve-answer'
import type { SequenceState } from './sequence-state'

/** What `'provider-default'` sends when no provider with a documented acknowledgement was recognised. */
export const GENERIC_ACKNOWLEDGEMENT: RespondAnswerSpec = {
  kind: 'respond',
  status: 200,
  headers: [],
  body: null,
  delayMs: 0,
}

/**
 * Chooses the answer for one delivery from an endpoint's (validated) configuration. Advances
 * the delivery's sequence counter when the sequence answers; draws from `deps.random` only when
 * an enabled failure rate is consulted.
 */
export function chooseAnswer(config: EndpointAnswerConfig, context: AnswerContext, state: SequenceState, deps: ChooseAnswerDeps): ChosenAnswer {
  const json = lazyJsonBody(context.body)
  for (const rule of config.rules) {
    if (rule.enabled && ruleMatches(rule.match, context, json)) {
      return { answer: resolveAnswer(rule.answer), chosenBy: { kind: 'rule', ruleId: rule.id, ruleName: rule.name } }
    }
  }

  const sequence = config.sequence
  if (sequence !== null && sequence.enabled && sequence.steps.length > 0) {
    const step = state.nextStep(context.endpointId, context.deliveryKey, sequence)
    const spec = sequence.steps[step - 1]
    if (spec !== undefined) {
      return { answer: resolveAnswer(spec), chosenBy: { kind: 'sequence', step, of: sequence.steps.length } }
    }
  }

  const failureRate = config.failureRate
  if (failureRate !== null && failureRate.enabled && deps.random() * 100 < failureRate.percent) {
    return { answer: resolveAnswer(failureRate.answer), chosenBy: { kind: 'failure-rate', percent: failureRate.percent } }
  }

  if (config.defaultAnswer !== 'provider-default') {
    return { answer: resolveAnswer(config.defaultAnswer), chosenBy: { kind: 'default' } }
  }
  const acknowledgement = providerAcknowledgement(context.provider, context.providerVariant)
  return acknowledgement === null
    ? { answer: resolveAnswer(GENERIC_ACKNOWLEDGEMENT), chosenBy: { kind: 'provider-default', provider: null } }
    : { answer: resolveAnswer(acknowledgement), chosenBy: { kind: 'provider-default', provider: context.provider } }
}
