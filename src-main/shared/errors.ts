/** Error codes every transport (IPC, HTTP) reports; the HTTP status mirrors the code. */
export const ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_PROCEDURE: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORAGE_FAILED: 503,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS

export interface ApiError {
  code: ErrorCode
  message: string
}

/** Every procedure answers with this envelope instead of throwing (see electron/electron#24427). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** An error the core raises on purpose: its code and message reach the caller unchanged. */
export class InspectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'InspectorError'
  }
}

/**
 * `error.message` when a thrown value is an Error, else its string form: for explanations and
 * logs, never for control flow (use codes for that). The one error-to-text rule of the project.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Upper-cases the first letter and ends with a full stop: a shared rule's words (`a name cannot be empty`) as a form shows them. */
export function asSentence(problem: string): string {
  return `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`
}
