/**
 * The ready-made answers the answer editor offers. Typed by the answer schema's own
 * `RespondAnswerSpec` (a type-only import, so the renderer bundles no zod), which is why they sit
 * apart from the zod-free limits in `answer-catalog.ts`: those are what the schemas are built from.
 */
import type { RespondAnswerSpec } from './answer-config-schemas'

/** A ready-made answer the UI offers. */
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

/** Retry-After of the 429 preset, in seconds (the header's unit). */
export const PRESET_RETRY_AFTER_SECONDS = 60

/** The common answers, as data for the UI. */
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
