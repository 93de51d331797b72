/**
 * Answer presets, precedence and limits for the answer editor. Mirrored from
 * `src-main/shared/responses.ts` (`ANSWER_PRESETS`, `ANSWER_PRECEDENCE`, `MIN_ANSWER_STATUS`...):
 * that module imports zod at runtime, which must stay out of the renderer bundle. The server
 * validates every configuration again and names each problem.
 */
import type { RespondAnswerSpec } from '../../../src-main/shared/responses'

export const MIN_ANSWER_STATUS = 200
export const MAX_ANSWER_STATUS = 599
export const MAX_ANSWER_DELAY_MS = 120_000
export const MAX_ANSWER_BODY_BYTES = 1_048_576
export const PRESET_RETRY_AFTER_SECONDS = 60
/** Statuses that never carry a body (source: `STATUSES_WITHOUT_BODY`). */
export const STATUSES_WITHOUT_BODY: ReadonlySet<number> = new Set([204, 304])
/** RFC 7230 token, as the server checks header names. */
export const HTTP_TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
export const FRAMING_HEADERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding'])

export interface AnswerPreset {
  id: string
  label: string
  answer: RespondAnswerSpec
}

function preset(id: string, label: string, status: number, headers: Array<[string, string]> = [], text?: string): AnswerPreset {
  return {
    id,
    label,
    answer: {
      kind: 'respond',
      status,
      headers,
      body: text === undefined ? null : { text, contentType: 'text/plain; charset=utf-8' },
      delayMs: 0,
    },
  }
}

export const ANSWER_PRESETS: readonly AnswerPreset[] = [
  preset('ok', '200 OK', 200, [], 'OK'),
  preset('created', '201 Created', 201),
  preset('no-content', '204 No Content', 204),
  preset('bad-request', '400 Bad Request', 400),
  preset('unauthorized', '401 Unauthorized', 401),
  preset('not-found', '404 Not Found', 404),
  preset('conflict', '409 Conflict', 409),
  preset('too-many-requests', '429 Too Many Requests (Retry-After)', 429, [['Retry-After', String(PRESET_RETRY_AFTER_SECONDS)]]),
  preset('internal-server-error', '500 Internal Server Error', 500),
  preset('bad-gateway', '502 Bad Gateway', 502),
  preset('service-unavailable', '503 Service Unavailable', 503),
  preset('gateway-timeout', '504 Gateway Timeout', 504),
]

/** Short form of `ANSWER_PRECEDENCE`. */
export const ANSWER_PRECEDENCE = [
  'Rules (enabled, in order; the first rule whose conditions all hold)',
  'Sequence (when enabled; counted per delivery: transaction or event id, else body hash)',
  'Failure rate (when enabled; one random draw per delivery)',
  "Default answer (the configured answer, or the recognised provider's acknowledgement)",
] as const
