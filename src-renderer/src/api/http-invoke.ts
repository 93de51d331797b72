/**
 * One procedure call over HTTP: `POST /api/<procedure>` with the run's token, answered with the
 * result envelope. The headless transport's calls, made from the UI thread (api-client.ts) and
 * from the capture loader's worker (capture-detail.worker.ts) alike; free of `window`.
 */
import type { ErrorCode, Result } from '@shared/errors'
import { errorMessage } from '@shared/errors'

export type ClientErrorCode = ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE'

export class ApiCallError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ApiCallError'
  }
}

/** The envelope the API answered; throws {@link ApiCallError} when there is none (unreachable, or not an envelope). */
export async function invokeOverHttp(authorization: string, procedure: string, input: unknown): Promise<Result<unknown>> {
  let response: Response
  try {
    response = await fetch(`/api/${procedure}`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
      cache: 'no-store',
    })
  } catch (error: unknown) {
    throw new ApiCallError('NETWORK_ERROR', `Cannot reach Callback Inspector (${errorMessage(error)}). Is it still running?`)
  }
  let body: unknown
  try {
    body = await response.json()
  } catch {
    throw new ApiCallError('BAD_RESPONSE', `The API answered HTTP ${response.status} without a JSON envelope.`)
  }
  if (!isResultEnvelope(body)) {
    throw new ApiCallError('BAD_RESPONSE', `The API answered HTTP ${response.status} with an unexpected body.`)
  }
  return body
}

function isResultEnvelope(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false
  if (body.ok === true) return 'value' in body
  return body.ok === false && 'error' in body && typeof body.error === 'object' && body.error !== null
}
