/**
 * Answer presets, precedence and limits for the answer editor: the shared catalogue (plain data,
 * no zod) is the single source; the server validates every configuration again.
 */
export {
  ANSWER_PRECEDENCE,
  ANSWER_PRESETS,
  FRAMING_HEADERS,
  HTTP_TOKEN_PATTERN,
  MAX_ANSWER_BODY_BYTES,
  MAX_ANSWER_DELAY_MS,
  MAX_ANSWER_STATUS,
  MIN_ANSWER_STATUS,
  PRESET_RETRY_AFTER_SECONDS,
  STATUSES_WITHOUT_BODY,
  type AnswerPreset,
} from '@shared/answer-catalog'
