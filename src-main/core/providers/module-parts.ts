/**
 * Building blocks that provider modules share: the common acknowledgement ("any 2xx"), the
 * common public-URL rule ("https recommended"), retry-schedule steps and the unsigned verdict.
 * Plain data and small functions, importing nothing from the registry, so any provider file can
 * use them without an import cycle.
 */
import type { RetryStep } from '../../shared/deliveries'
import { headerValue } from '../../shared/http-message'
import type { ConfirmHint } from '../../shared/providers'
import type { RespondAnswerSpec } from '../../shared/responses'
import { DEFAULT_TEXT_CONTENT_TYPE } from '../responses/resolve-answer'
import type { AcknowledgementProfile, Judgement, UrlRules } from './provider-module'
import { newExplanation, result, type Delivery, type VerifyResult } from './verification'

// ---------------------------------------------------------------------------------------------
// Recognition

/** True when the delivery carries this header (any case). */
export const hasHeader = (delivery: Delivery, name: string): boolean => headerValue(delivery.headers, name) !== undefined

// ---------------------------------------------------------------------------------------------
// Acknowledgement

export const is2xx = (status: number): boolean => status >= 200 && status <= 299
export const any2xx = (status: number): Judgement => (is2xx(status) ? 'success' : 'failure')

/** A `text/plain` answer with this status and body (IXOPAY's `OK`, Adyen's `[accepted]`). */
export function textAnswer(status: number, text: string): RespondAnswerSpec {
  return { kind: 'respond', status, headers: [], body: { text, contentType: DEFAULT_TEXT_CONTENT_TYPE }, delayMs: 0 }
}

/** HTTP 200 with no body: what most providers document as their acknowledgement. */
export const EMPTY_200: RespondAnswerSpec = { kind: 'respond', status: 200, headers: [], body: null, delayMs: 0 }

/** The usual profile: any 2xx is success, acknowledged with an empty 200. */
export function generic2xx(subject: string, consequence: string, timeoutMs: number | null = null): AcknowledgementProfile {
  return {
    subject,
    expects: timeoutMs === null ? 'a 2xx answer' : `a 2xx answer within ${timeoutMs / 1000} s`,
    consequence,
    acknowledgement: EMPTY_200,
    timeoutMs,
    judge: any2xx,
  }
}

// ---------------------------------------------------------------------------------------------
// Public URL

const RECOMMENDED_HTTPS: UrlRules['https'] = {
  severity: 'recommended',
  why: 'callbacks carry payment data and signatures; over http anyone on the path can read them',
}

/** For providers that document no URL rule: https recommended, any port, any public host. */
export const COMMON_URL_RULES: UrlRules = { https: RECOMMENDED_HTTPS, ports: null, isIpv4Only: false }

// ---------------------------------------------------------------------------------------------
// Retry schedules

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

/** A retry that comes `delayMs` after the first attempt. */
export const fromFirst = (delayMs: number): RetryStep => ({ delayMs, from: 'first-attempt' })
/** A retry that comes `delayMs` after the attempt before it. */
export const fromPrevious = (delayMs: number): RetryStep => ({ delayMs, from: 'previous-attempt' })

// ---------------------------------------------------------------------------------------------
// Verification

/** The verdict of a provider that does not sign its callbacks: confirm by fetching the resource. */
export function unsignedResult(hint: ConfirmHint | null, message: string): VerifyResult {
  return result({ status: 'unsigned', confirmHint: hint, message }, newExplanation(null, null, null))
}

// ---------------------------------------------------------------------------------------------
// Keys

/** `hmacSecret.check` for providers whose secrets are any text: surrounding whitespace is kept, and usually a paste accident. */
export function warnAboutSurroundingWhitespace(value: string, warnings: string[]): string | null {
  if (value.trim() !== value) warnings.push('the secret has leading or trailing whitespace; it is used exactly as entered')
  return null
}

/** One `name=value` part of a signature header such as Stripe's `t=…,v1=…`. */
export interface SignatureHeaderPart {
  /** Before the first `=`, trimmed; `null` when the part has no `=`. */
  name: string | null
  /** After the first `=`, trimmed (empty when there is no `=`). */
  content: string
  /** The whole part, trimmed, for the list of parts a parser ignores. */
  raw: string
}

/**
 * Splits a signature header on `separator`, then each part on its first `=`: the shape of Stripe's,
 * Paddle's and Mercado Pago's headers. What each name means stays with its provider.
 */
export function signatureHeaderParts(value: string, separator: ',' | ';'): SignatureHeaderPart[] {
  return value.split(separator).map((part) => {
    const equals = part.indexOf('=')
    return equals < 0
      ? { name: null, content: '', raw: part.trim() }
      : { name: part.slice(0, equals).trim(), content: part.slice(equals + 1).trim(), raw: part.trim() }
  })
}
