/**
 * The rules an answer configuration must follow, as zod-free functions: the API's schemas
 * (`responses.ts`) refuse with them and the answer editor checks with them as the user types, so
 * the two agree on every input and name each problem in the same words. Each `describe…` returns
 * `null` when the value is acceptable, else why not (lower case, no full stop, as the API words it).
 *
 * The form used to check only part of this (header value characters and lengths, body size, rule
 * name length were the API's alone), so a form that looked clean could still be refused on save.
 */
import { formatByteLimit } from './byte-size'
import {
  FRAMING_HEADERS,
  HTTP_TOKEN_PATTERN,
  MAX_ANSWER_DELAY_MS,
  MAX_ANSWER_HEADERS,
  MAX_ANSWER_STATUS,
  MAX_HEADER_NAME_LENGTH,
  MAX_HEADER_VALUE_LENGTH,
  MAX_MATCH_TEXT_LENGTH,
  MAX_METHOD_CHARS,
  MIN_ANSWER_STATUS,
} from './answer-catalog'

/** Longest rule name (after trimming). */
export const MAX_RULE_NAME_CHARS = 100

/**
 * Characters Node's `validateHeaderValue` accepts: tab, visible ASCII, and latin1 bytes 0x80-0xFF.
 * Anything else (CR, LF, NUL, other controls, characters above U+00FF) would make Node throw or,
 * worse in other stacks, inject header lines.
 */
const HEADER_VALUE_PATTERN = /^[\t\x20-\x7e\x80-\xff]*$/
const LINE_BREAK_OR_NUL_PATTERN = /[\r\n\0]/

const utf8Encoder = new TextEncoder()

/** UTF-8 byte length, without Node's Buffer so the renderer can use it too. */
export function utf8ByteLength(text: string): number {
  return utf8Encoder.encode(text).byteLength
}

/** A header an answer sets: a non-empty HTTP token, not too long, and not a framing header Node derives from the body. */
export function describeInvalidAnswerHeaderName(name: string): string | null {
  if (name === '') return 'a header name cannot be empty'
  if (name.length > MAX_HEADER_NAME_LENGTH) return `a header name is at most ${MAX_HEADER_NAME_LENGTH} characters`
  if (!HTTP_TOKEN_PATTERN.test(name)) return `header name ${JSON.stringify(name)} is not an HTTP token (RFC 7230 allows letters, digits and !#$%&'*+-.^_\`|~)`
  if (FRAMING_HEADERS.has(name.toLowerCase())) return `header ${name} is set automatically from the body and cannot be configured`
  return null
}

/** A header a rule looks at: any HTTP token, framing headers included (only answers may not set those). */
export function describeInvalidMatchHeaderName(name: string): string | null {
  if (name.length > MAX_HEADER_NAME_LENGTH) return `a header name is at most ${MAX_HEADER_NAME_LENGTH} characters`
  if (!HTTP_TOKEN_PATTERN.test(name)) return "a header name is an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
  return null
}

/** A header value an answer sends (also a Content-Type): one line of latin1 text, not too long. */
export function describeInvalidHeaderValue(value: string): string | null {
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `a header value is at most ${MAX_HEADER_VALUE_LENGTH} characters`
  if (LINE_BREAK_OR_NUL_PATTERN.test(value)) return 'a header value cannot contain CR, LF or NUL (that would inject header lines)'
  if (!HEADER_VALUE_PATTERN.test(value)) return 'a header value may contain only tab, printable ASCII and latin1 characters (no other control characters)'
  return null
}

/** How many header lines one answer may set. */
export function describeTooManyHeaders(count: number): string | null {
  return count > MAX_ANSWER_HEADERS ? `at most ${MAX_ANSWER_HEADERS} headers` : null
}

/** The status an answer sends: a whole number from {@link MIN_ANSWER_STATUS} to {@link MAX_ANSWER_STATUS}. */
export function describeInvalidAnswerStatus(status: number): string | null {
  if (!Number.isInteger(status)) return 'status must be a whole number'
  if (status < MIN_ANSWER_STATUS || status > MAX_ANSWER_STATUS) return `status ${status} is out of range: answer with ${MIN_ANSWER_STATUS}-${MAX_ANSWER_STATUS}`
  return null
}

/** A delay before answering: whole milliseconds from 0 to {@link MAX_ANSWER_DELAY_MS}. */
export function describeInvalidAnswerDelay(delayMs: number): string | null {
  if (!Number.isInteger(delayMs)) return 'delayMs must be a whole number of milliseconds'
  if (delayMs < 0) return 'delayMs cannot be negative'
  if (delayMs > MAX_ANSWER_DELAY_MS) return `delayMs is at most ${MAX_ANSWER_DELAY_MS} (${MAX_ANSWER_DELAY_MS / 1000} s)`
  return null
}

/** One answer body's size against the limit (UTF-8 bytes of the text, or of the serialised JSON). */
export function describeOversizedBody(bytes: number, maxBytes: number): string | null {
  return bytes > maxBytes ? `the body is ${formatByteLimit(bytes)}, over the limit of ${formatByteLimit(maxBytes)}` : null
}

/** A rule's name, already trimmed: not empty, at most {@link MAX_RULE_NAME_CHARS}. */
export function describeInvalidRuleName(trimmedName: string): string | null {
  if (trimmedName === '') return 'a rule name cannot be empty'
  if (trimmedName.length > MAX_RULE_NAME_CHARS) return `a rule name is at most ${MAX_RULE_NAME_CHARS} characters`
  return null
}

/** The method a rule matches: an HTTP token of at most {@link MAX_METHOD_CHARS}. */
export function describeInvalidRuleMethod(method: string): string | null {
  if (!HTTP_TOKEN_PATTERN.test(method)) return 'method must be an HTTP method such as POST'
  if (method.length > MAX_METHOD_CHARS) return `method is at most ${MAX_METHOD_CHARS} characters`
  return null
}

/** A JSON path a rule compares: dotted keys or array indexes with no empty segment. */
export function describeInvalidJsonPath(path: string): string | null {
  if (path === '') return 'a JSON path cannot be empty'
  if (path.length > MAX_MATCH_TEXT_LENGTH) return `a JSON path is at most ${MAX_MATCH_TEXT_LENGTH} characters`
  if (path.split('.').some((segment) => segment === '')) return 'a JSON path is dotted keys or array indexes, e.g. "a.b.0.c", with no empty segment'
  return null
}
