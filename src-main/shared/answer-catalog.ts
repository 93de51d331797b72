/**
 * The plain data of answers (limits, precedence): no imports, so the renderer's answer editor
 * checks against the very same values the core validates with, and the zod schemas
 * (`answer-config-schemas.ts`) can be built from it without it depending on them.
 */

/** Lowest status a user may answer with: 1xx are interim responses, not answers. */
export const MIN_ANSWER_STATUS = 200
/** Highest status a user may answer with (the top of the 5xx class). */
export const MAX_ANSWER_STATUS = 599
/** Longest delay before answering; longer than any provider's documented timeout. */
export const MAX_ANSWER_DELAY_MS = 120_000
/** Default limit for one answer body (UTF-8 bytes of the text or of the serialised JSON). */
export const MAX_ANSWER_BODY_BYTES = 1_048_576
/**
 * Default limit for all answer bodies of one endpoint together: the configuration is persisted
 * with the endpoint, and the store serialises whole documents on every write.
 */
export const MAX_CONFIG_BODY_BYTES = 8 * 1_048_576
/** Header lines one answer may set (Node's default parser limit on the client side is 2000). */
export const MAX_ANSWER_HEADERS = 100
/** Limits that keep one header line well under common clients' 8-16 KB header limits. */
export const MAX_HEADER_NAME_LENGTH = 256
export const MAX_HEADER_VALUE_LENGTH = 8192
/** Rules are tried in order for every delivery; hundreds is already more than a person can read. */
export const MAX_RULES_PER_ENDPOINT = 200
export const MAX_SEQUENCE_STEPS = 100
export const MAX_PATH_PATTERN_LENGTH = 1000
/** Limit for the text a matcher compares (header value, body substring, JSON path). */
export const MAX_MATCH_TEXT_LENGTH = 4096

/** The order in which an endpoint's answer configuration is consulted; the first that applies answers. */
export const ANSWER_PRECEDENCE = [
  'rules (enabled, in order; the first rule whose conditions all hold)',
  'sequence (when enabled; it answers every delivery no rule took, counted per delivery key)',
  'failure rate (when enabled; one random draw per delivery)',
  "default answer (the configured answer, or the recognised provider's documented acknowledgement)",
] as const

/** RFC 7230 `token`: what a header name may consist of. */
export const HTTP_TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Longest method accepted in answer rules and replay edits (a token; real methods are short). */
export const MAX_METHOD_CHARS = 32

/**
 * Headers whose values Node derives from the body; setting them by hand would break the message
 * framing (the client would wait for bytes that never come, or read the next answer as body).
 */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding'])

/** Statuses that never carry a body (RFC 9110 §15.3.5, §15.4.5); Node silently drops one. */
export const STATUSES_WITHOUT_BODY: ReadonlySet<number> = new Set([204, 304])

/** Signature verdicts a rule can match on: the `status` of a verdict in shared/providers.ts. */
export const RULE_VERDICTS = ['valid', 'invalid', 'no-key', 'unsigned', 'not-applicable'] as const
export type RuleVerdict = (typeof RULE_VERDICTS)[number]
