/**
 * Redaction of captures before they leave the app, for any export format.
 *
 * Always (every export, redacted or not): the endpoint's configured secrets are removed wherever
 * they appear. On request (`redact`): card numbers that pass Luhn are masked to their first 6 and
 * last 4 digits in the body, query, path and header values; security codes are removed; expiry
 * dates masked; credential, cookie, API-key and signature headers (and trailer fields) removed; compressed bodies are
 * decompressed (bounded) so they can be searched; resend history is left out; e-mail addresses and
 * cardholder names are masked when `personalData` is asked too. What changed is returned as a
 * list the exported file carries and the UI shows before saving.
 *
 * What it cannot promise: a card number written in a way no pattern knows (spelled out, split
 * across fields, inside an unknown encoding or an image) or personal data in free text under a
 * field name it does not know, is kept.
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { CREDENTIAL_REMOVED_ACTION } from '../../shared/changed-before-export'
import { decodeContentCoding } from '../content-coding'
import { isCredentialHeader } from '../replay/credential-headers'
import { utf8Text, type ExchangeCapture, type Redaction, type StoredAnswer } from './exchange-capture'
import {
  scrubbedText,
  scrubSecretBody,
  scrubSecretHeaders,
  scrubSecretTarget,
  scrubSecretText,
  scrubSecretValue,
  TOKEN_SECRET_PLACEHOLDER,
  type SecretScrub,
} from './secret-scrub'
import { fieldRuleOf, hideDigits, maskPersonalText, maskSensitiveText, noChanges, type TextChanges } from './sensitive-text'
import { multipartBoundary, redactFormText, redactMultipartLatin1, redactTypedText, type FieldChange, type FieldRedactionRules } from './structured-redaction'

export interface RedactionRequest {
  /** Mask card data and remove credentials (the "redacted export"). */
  redact: boolean
  /** Also mask e-mail addresses and cardholder names. */
  personalData: boolean
  /** The endpoint's configured secrets, removed from every export. */
  secrets: readonly string[]
}

/** Redacts copies of the captures; the originals are not changed. */
export function redactCaptures(captures: ExchangeCapture[], request: RedactionRequest): { captures: ExchangeCapture[]; redactions: Redaction[] } {
  const redactions: Redaction[] = []
  const secrets = usableSecrets(request.secrets)
  const listed = new Set<string>()
  const redacted = captures.map((capture, index) => {
    const list = (rawLocation: string, rawAction: string) => {
      // The list is written into the file and shown: a location names what the sender chose (a
      // header's name, a JSON key), which may spell a secret itself.
      const location = scrubbedText(rawLocation, secrets).text
      const action = scrubbedText(rawAction, secrets).text
      // A location is listed once for each thing done to it (a resend history can hold a secret many times).
      const key = JSON.stringify([index, location, action])
      if (listed.has(key)) return
      listed.add(key)
      redactions.push({ capture: index, location, action })
    }
    return scrubSecrets(request.redact ? redactOne(capture, { ...request, secrets }, list) : capture, secrets, list)
  })
  return { captures: redacted, redactions }
}

/**
 * Secrets worth searching for: very short ones would match ordinary text everywhere (and are
 * no real protection anyway), so only those of 6 characters or more.
 */
function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((secret) => secret.length >= 6))].sort((a, b) => b.length - a.length)
}

type List = (location: string, action: string) => void

/**
 * No configured secret may leave the app, in any export: an unredacted one stays byte-exact
 * except for the spans that spelled a secret (as written or encoded, secret-scrub.ts), and a
 * redacted one is scrubbed again after redaction for the encoded forms redaction does not read.
 */
function scrubSecrets(capture: ExchangeCapture, secrets: string[], list: List): ExchangeCapture {
  if (secrets.length === 0) return capture
  const scrub: SecretScrub = { secrets, removed: list }
  const body = scrubSecretBody(capture.body, scrubSecretHeaders(capture.headers, scrub, 'header'), scrub, 'body')
  const response = capture.response && scrubAnswer(capture.response, scrub)
  return {
    ...capture,
    // The endpoint's name and slug are the user's own words, and the slug names the file.
    endpoint: capture.endpoint && {
      name: scrubSecretText(capture.endpoint.name, scrub, 'endpoint name'),
      slug: scrubSecretText(capture.endpoint.slug, scrub, 'endpoint slug', TOKEN_SECRET_PLACEHOLDER),
    },
    // A method is any token a sender chose.
    method: scrubSecretText(capture.method, scrub, 'method', TOKEN_SECRET_PLACEHOLDER),
    target: scrubSecretTarget(capture.target, scrub),
    headers: body.headers,
    // Trailer fields are header lines sent after the body (a digest, a signature): scrubbed as headers are.
    trailers: scrubSecretHeaders(capture.trailers, scrub, 'trailer'),
    body: body.body,
    response,
    note: capture.note === null ? null : scrubSecretText(capture.note, scrub, 'note'),
    resends: scrubSecretValue(capture.resends, scrub, 'resend history'),
    // What the app derived from the request or recorded beside it, and the files write too (HAR
    // `_summary`, `_verdict`; the bundle's forward, refusal and source): a summary's reference
    // or a verdict's message can quote the body, a forward's error the target's answer.
    recognition: scrubSecretValue(capture.recognition, scrub, 'summary and verdict'),
    refusal: scrubSecretValue(capture.refusal, scrub, 'refusal'),
    ...(capture.forward ? { forward: scrubSecretValue(capture.forward, scrub, 'forward') } : {}),
    importedFrom: capture.importedFrom === null ? null : scrubSecretText(capture.importedFrom, scrub, 'imported from'),
  }
}

function scrubAnswer(answer: StoredAnswer, scrub: SecretScrub): StoredAnswer {
  const headers = scrubSecretHeaders(answer.headers, scrub, 'answer header')
  // A rule's name or a forward's target, as the user wrote them.
  const chosenBy = scrubSecretValue(answer.chosenBy, scrub, 'answer choice')
  if (answer.bodyBase64 === '') return { ...answer, headers, chosenBy }
  const bytes = Buffer.from(answer.bodyBase64, 'base64')
  const body = scrubSecretBody(bytes, headers, scrub, 'answer body')
  return { ...answer, headers: body.headers, chosenBy, bodyBase64: body.body === bytes ? answer.bodyBase64 : body.body.toString('base64') }
}

function redactOne(capture: ExchangeCapture, request: RedactionRequest, list: List): ExchangeCapture {
  const rules: FieldRedactionRules = { emails: request.personalData, secrets: request.secrets, personalData: request.personalData }
  const textChanges = (location: string, changes: TextChanges) => {
    if (changes.cardNumbers > 0) list(location, `${changes.cardNumbers} card number${changes.cardNumbers === 1 ? '' : 's'} masked to first 6 and last 4 digits`)
    if (changes.emails > 0) list(location, `${changes.emails} e-mail address${changes.emails === 1 ? '' : 'es'} masked`)
    if (changes.secrets > 0) list(location, 'configured secret removed')
  }
  const fieldChanges = (prefix: string, fields: FieldChange[]) => {
    for (const field of fields) if (field.action !== 'card number masked') list(`${prefix} ${field.path}`, field.action)
  }

  const headers = redactHeaders(capture.headers, rules, list, 'header', textChanges)
  // Trailer fields are header lines sent after the body, and may carry a signature or a token: the same rules.
  const trailers = redactHeaders(capture.trailers, rules, list, 'trailer', textChanges)
  const target = redactTarget(capture.target, rules, textChanges, fieldChanges)
  let body = capture.body
  const encoding = headerValue(headers, 'content-encoding')
  let finalHeaders = headers
  if (encoding !== undefined && body.length > 0 && encoding.trim().toLowerCase() !== 'identity') {
    const expanded = decodeContentCoding(body, encoding)
    if (expanded === null) {
      list('body', `compressed (${encoding}) and could not be expanded for redaction: removed`)
      body = Buffer.alloc(0)
    } else {
      list('body', `decompressed (${encoding}) so it could be redacted; Content-Encoding removed`)
      body = expanded
    }
    finalHeaders = headers.filter(([name]) => name.toLowerCase() !== 'content-encoding')
  }
  const contentType = headerValue(finalHeaders, 'content-type') ?? null
  const redactedBody = redactBody(body, contentType, rules, 'body', textChanges, fieldChanges)
  if (redactedBody.length !== capture.body.length) {
    finalHeaders = finalHeaders.map(([name, value]): [string, string] =>
      name.toLowerCase() === 'content-length' ? [name, String(redactedBody.length)] : [name, value],
    )
  }

  let response = capture.response
  if (response) {
    const answerHeaders = redactHeaders(response.headers, rules, list, 'answer header', textChanges)
    const answerBody = Buffer.from(response.bodyBase64, 'base64')
    const redactedAnswer = redactBody(answerBody, headerValue(answerHeaders, 'content-type') ?? null, rules, 'answer body', textChanges, fieldChanges)
    response = { ...response, headers: answerHeaders, bodyBase64: redactedAnswer.toString('base64') }
  }

  let note = capture.note
  if (note !== null) {
    const changes = noChanges()
    note = maskSensitiveText(note, rules, changes)
    textChanges('note', changes)
  }
  if (capture.resends.length > 0)
    list('resend history', `${capture.resends.length} resend${capture.resends.length === 1 ? '' : 's'} left out (they repeat the request and its credentials)`)

  const summaryChanges = noChanges()
  const recognition = capture.recognition && {
    ...capture.recognition,
    summary: {
      ...capture.recognition.summary,
      objectId: maskOptional(capture.recognition.summary.objectId, rules, summaryChanges),
      reference: maskOptional(capture.recognition.summary.reference, rules, summaryChanges),
    },
  }
  textChanges('summary', summaryChanges)

  return {
    ...capture,
    target,
    headers: finalHeaders,
    trailers,
    body: redactedBody,
    remoteAddress: capture.remoteAddress,
    response,
    note,
    recognition,
    resends: [],
  }
}

function maskOptional(value: string | null, rules: FieldRedactionRules, changes: TextChanges): string | null {
  return value === null ? null : maskSensitiveText(value, rules, changes)
}

function redactHeaders(
  headers: HeaderPairs,
  rules: FieldRedactionRules,
  list: List,
  label: string,
  textChanges: (location: string, changes: TextChanges) => void,
): HeaderPairs {
  const kept: HeaderPairs = []
  for (const [name, value] of headers) {
    if (isCredentialHeader(name)) {
      list(`${label} ${name}`, CREDENTIAL_REMOVED_ACTION)
      continue
    }
    // Judged by its name as a body's field is: `X-Card-CVV` went out as sent.
    const rule = fieldRuleOf(name, rules.personalData)
    if (rule === 'remove') {
      list(`${label} ${name}`, 'removed')
      continue
    }
    if (rule === 'expiry' || rule === 'name') {
      const masked = rule === 'expiry' ? hideDigits(value) : maskPersonalText(value)
      if (masked !== value) list(`${label} ${name}`, rule === 'expiry' ? 'expiry masked' : 'name masked')
      kept.push([name, masked])
      continue
    }
    const changes = noChanges()
    kept.push([name, maskSensitiveText(value, rules, changes)])
    textChanges(`${label} ${name}`, changes)
  }
  return kept
}

function redactTarget(
  target: string,
  rules: FieldRedactionRules,
  textChanges: (location: string, changes: TextChanges) => void,
  fieldChanges: (prefix: string, fields: FieldChange[]) => void,
): string {
  const questionMark = target.indexOf('?')
  const path = questionMark < 0 ? target : target.slice(0, questionMark)
  const pathChanges = noChanges()
  const redactedPath = maskSensitiveText(path, rules, pathChanges)
  textChanges('path', pathChanges)
  if (questionMark < 0) return redactedPath
  const queryChanges = noChanges()
  const fields: FieldChange[] = []
  const query = redactFormText(target.slice(questionMark + 1), rules, queryChanges, fields, '')
  textChanges('query', queryChanges)
  fieldChanges('query', fields)
  return `${redactedPath}?${query}`
}

/**
 * A body redacted by its kind: JSON, form, XML, multipart, else text (latin1 when not UTF-8, so
 * bytes survive; a multipart body's parts are read as bytes, so a file part survives too).
 */
function redactBody(
  body: Buffer,
  contentType: string | null,
  rules: FieldRedactionRules,
  location: string,
  textChanges: (location: string, changes: TextChanges) => void,
  fieldChanges: (prefix: string, fields: FieldChange[]) => void,
): Buffer {
  if (body.length === 0) return body
  const changes = noChanges()
  const fields: FieldChange[] = []
  const boundary = multipartBoundary(contentType)
  if (boundary !== null) {
    const bytes = body.toString('latin1')
    const multipart = redactMultipartLatin1(bytes, boundary, rules, changes, fields)
    if (multipart !== null) {
      textChanges(location, changes)
      fieldChanges(location, fields)
      return multipart === bytes ? body : Buffer.from(multipart, 'latin1')
    }
  }
  const utf8 = utf8Text(body)
  if (utf8 !== null) {
    const out = redactTypedText(utf8, contentType, rules, changes, fields)
    textChanges(location, changes)
    fieldChanges(location, fields)
    return out === utf8 ? body : Buffer.from(out, 'utf8')
  }
  const latin1 = body.toString('latin1')
  const out = maskSensitiveText(latin1, rules, changes)
  textChanges(location, changes)
  return out === latin1 ? body : Buffer.from(out, 'latin1')
}
