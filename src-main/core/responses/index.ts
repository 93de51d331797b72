/** How the receiver answers: choose an answer for a delivery, send it, and check it against the provider. */
export type { AnswerContext, ChooseAnswerDeps } from './answer-context'
export { chooseAnswer, GENERIC_ACKNOWLEDGEMENT } from './choose-answer'
export { applyAnswerConfigChange, parseAnswerConfig, parseAnswerSpec } from './parse-answer-config'
export { matchesPathPattern, preparePathPattern, matchesPreparedPathPattern, type PreparedPathPattern } from './path-pattern'
export {
  assessAnswerForProvider,
  describeProviderExpectation,
  providerAcknowledgement,
  PROVIDERS_WITH_ACKNOWLEDGEMENT,
  type ProviderWithAcknowledgement,
} from './provider-acknowledgements'
export { resolveAnswer, resolvedBodyBytes, DEFAULT_JSON_CONTENT_TYPE, DEFAULT_TEXT_CONTENT_TYPE } from './resolve-answer'
export { sendAnswer, type SendAnswerOptions, type SendOutcome, type SendOutcomeKind } from './send-answer'
export { RECEIVER_KEEP_ALIVE_TIMEOUT_MS, withConnectionHeaders } from './connection-headers'
export { createSequenceState, MAX_SEQUENCE_KEYS, type SequenceState } from './sequence-state'
