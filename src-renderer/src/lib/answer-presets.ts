/**
 * Answer presets, precedence and limits for the answer editor: the shared catalogue (plain data,
 * no zod) is the single source; the server validates every configuration again.
 */
export {
  ANSWER_PRECEDENCE,
  FRAMING_HEADERS,
  HTTP_TOKEN_PATTERN,
  MAX_ANSWER_BODY_BYTES,
  MAX_ANSWER_DELAY_MS,
  MAX_ANSWER_STATUS,
  MIN_ANSWER_STATUS,
  STATUSES_WITHOUT_BODY,
} from '@shared/answer-catalog'
export { ANSWER_PRESETS, PRESET_RETRY_AFTER_SECONDS, type AnswerPreset } from '@shared/answer-presets'
