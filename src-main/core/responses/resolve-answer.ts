import { headerValue } from '../../shared/http-message'
import { STATUSES_WITHOUT_BODY, answerBodyText, type AnswerSpec, type ResolvedAnswer, type ResolvedBody } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'

export const DEFAULT_TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8'
export const DEFAULT_JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Computes exactly what an answer sends (shared: callers must not change the result): the user's header lines in their order, then
 * `Content-Type` from the body (unless the user set one) and `Content-Length` (always ours:
 * the schema refuses a configured one, because a wrong length breaks the framing).
 * Node adds `Date` and `Connection`/`Keep-Alive` on the wire, as any Node server does.
 */
export function resolveAnswer(spec: AnswerSpec): ResolvedAnswer {
  // Configurations are replaced whole, never changed in place, so an answer resolves once.
  let resolved = resolvedAnswers.get(spec)
  if (resolved === undefined) {
    resolved = resolveAnswerOnce(spec)
    resolvedAnswers.set(spec, resolved)
  }
  return resolved
}

const resolvedAnswers = new WeakMap<AnswerSpec, ResolvedAnswer>()

function resolveAnswerOnce(spec: AnswerSpec): ResolvedAnswer {
  switch (spec.kind) {
    case 'respond': {
      const headers: Array<[string, string]> = spec.headers.map(([name, value]) => [name, value])
      let body: ResolvedBody | null = null
      if (spec.body !== null && !STATUSES_WITHOUT_BODY.has(spec.status)) {
        const text = answerBodyText(spec.body) ?? ''
        body = { encoding: 'utf8', data: text, size: Buffer.byteLength(text, 'utf8') }
        const contentType = spec.body.contentType ?? ('text' in spec.body ? DEFAULT_TEXT_CONTENT_TYPE : DEFAULT_JSON_CONTENT_TYPE)
        if (headerValue(headers, 'content-type') === undefined) headers.push(['Content-Type', contentType])
      }
      if (!STATUSES_WITHOUT_BODY.has(spec.status)) headers.push(['Content-Length', String(body?.size ?? 0)])
      return { kind: 'respond', status: spec.status, headers, body, delayMs: spec.delayMs }
    }
    case 'close':
    case 'reset':
      return { kind: spec.kind, delayMs: spec.delayMs ?? 0 }
    case 'hang':
      return { kind: 'hang' }
    default:
      return assertNever(spec)
  }
}

/** The body bytes of a resolved answer. */
export function resolvedBodyBytes(body: ResolvedBody): Buffer {
  switch (body.encoding) {
    case 'utf8':
      return Buffer.from(body.data, 'utf8')
    case 'base64':
      return Buffer.from(body.data, 'base64')
    default:
      return assertNever(body.encoding)
  }
}
