/**
 * HAR 1.2 (HTTP Archive) export and import. One entry per capture: the request as received,
 * `response` = what the receiver answered, and what the app concluded in `_`-prefixed fields.
 * Bodies that are not UTF-8 text are written as base64 with `encoding: "base64"` (on `postData`
 * as well as on `content`, where HAR 1.2 defines it).
 *
 * Import reads this app's files and those of browsers' DevTools, HTTP Toolkit and Charles:
 * HTTP/2 pseudo-headers (`:authority`…) are dropped, a request body is taken from
 * `postData.text` (base64 when `encoding`/`_encoding` says so), else rebuilt from `params`.
 */
import type { Content, Entry, Header, Response, Timings } from 'har-format'
import { noteWithinLimit } from '../../shared/contract'
import type { CaptureRecognition } from '../../shared/views'
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { decodeStrictBase64, exporterProviderOf, refusalOf, utf8Text, type ExchangeCapture, type Redaction, type StoredAnswer } from './exchange-capture'
import { changedOnExport, exportChangesReader, recognitionAsReceived, withEarlierChanges, type EntryResult, type EntrySource } from './bundle-format'
import { changedBeforeExportSchema } from '../../shared/changed-before-export'
import { VERDICT_STATUSES, type VerdictStatus } from '../../shared/providers'
import { describeAnswerChoice } from '../../shared/answer-choice'
import { mapItems, prettyJsonPieces } from './json-pieces'
import { originFormOf } from '../../shared/target-text'

export interface HarHeader {
  appVersion: string
  /** Origin the targets are made absolute with (HAR wants absolute URLs), e.g. the receiver's. */
  origin: string
  /** What was changed on the way out (written as `_redaction`); `null` when nothing was. */
  redactions: Redaction[] | null
  /** Only configured secrets were removed, from the captures the list names (see BundleHeader). */
  secretsOnly?: boolean
}

type BodyField = { text: string; encoding?: 'base64' }

/** The HAR document as JSON text. */
export function writeHar(captures: ExchangeCapture[], header: HarHeader): string {
  return [...harPieces(captures, header)].join('')
}

/**
 * The HAR document's text in pieces, one entry at a time (json-pieces.ts): joined, exactly what
 * `writeHar` writes.
 */
export function harPieces(captures: Iterable<ExchangeCapture>, header: HarHeader): Generator<string> {
  const isChanged = changedOnExport(header)
  let index = 0
  return prettyJsonPieces((list) => ({
    log: {
      version: '1.2',
      creator: { name: 'Callback Inspector', version: header.appVersion },
      entries: list(mapItems(captures, (capture) => harEntry(capture, header, isChanged(index++)))),
      ...(header.redactions === null
        ? {}
        : {
            comment: header.secretsOnly
              ? 'Not redacted for sharing: only what _redaction lists was changed (configured secrets removed, a compressed body that held one exported decompressed, damaged captures left out); everything else is as captured. Verdicts were computed before.'
              : 'Redacted for sharing: values were masked or removed (see _redaction). Verdicts were computed before redaction.',
            _redaction: list(header.redactions),
          }),
    },
  }))
}

function harEntry(capture: ExchangeCapture, header: HarHeader, isChanged: boolean): Entry {
  const url = absoluteUrl(header.origin, capture.target)
  const contentType = headerValue(capture.headers, 'content-type') ?? 'application/octet-stream'
  const requestBody = capture.body.length > 0 ? bodyField(capture.body) : null
  const answer = capture.response
  const send = round(capture.durationMs)
  const wait = round(answer?.delayMs ?? 0)
  const timings: Timings = { blocked: -1, dns: -1, connect: -1, ssl: -1, send, wait, receive: 0 }
  const entry: Entry & Record<`_${string}`, unknown> = {
    startedDateTime: capture.receivedAt ?? new Date(0).toISOString(),
    time: send + wait,
    request: {
      method: capture.method,
      url,
      httpVersion: `HTTP/${capture.httpVersion}`,
      cookies: [],
      headers: toHarHeaders(capture.headers),
      queryString: queryPairs(capture.target),
      ...(requestBody ? { postData: { mimeType: contentType, ...requestBody } } : {}),
      headersSize: -1,
      bodySize: capture.body.length,
    },
    response: harResponse(answer),
    cache: {},
    timings,
    _target: capture.target,
    // HAR has no place for a chunked body's trailer fields: this app's own, as headers are written.
    ...(capture.trailers.length > 0 ? { _trailers: toHarHeaders(capture.trailers) } : {}),
    _receivedAt: capture.receivedAt,
    ...(capture.receivedAtIsImportTime === true ? { _receivedAtIsImportTime: true } : {}),
    _remoteAddress: capture.remoteAddress,
    _outcome: capture.outcome,
    _refusal: capture.refusal,
    _provider: capture.recognition?.provider ?? null,
    _summary: capture.recognition?.summary ?? null,
    // A capture changed before an earlier export (imported from that file) is still not the bytes received.
    _verdict: verdictField(recognitionAsReceived(capture), isChanged || capture.changedBeforeExport !== undefined),
    ...(capture.changedBeforeExport ? { _changedBeforeExport: capture.changedBeforeExport } : {}),
    _answerKind: answer?.kind ?? 'none',
    _answerChosenBy: answer ? { ...answer.chosenBy, description: describeAnswerChoice(answer.chosenBy) } : null,
    _note: capture.note,
    _pinned: capture.pinned,
    _origin: capture.origin,
    _forward: capture.forward ?? null,
  }
  return entry
}

function verdictField(recognition: CaptureRecognition | null, isRedacted: boolean) {
  if (!recognition) return null
  return { ...recognition.verdict, ...(isRedacted ? { computedBeforeRedaction: true } : {}) }
}

function harResponse(answer: StoredAnswer | null): Response {
  const body = answer ? Buffer.from(answer.bodyBase64, 'base64') : Buffer.alloc(0)
  const content: Content = {
    size: body.length,
    mimeType: (answer && headerValue(answer.headers, 'content-type')) ?? 'x-unknown',
    ...(body.length > 0 ? bodyField(body) : {}),
  }
  return {
    // HAR's convention for "no answer" (a closed or reset connection) is status 0.
    status: answer?.status ?? 0,
    statusText: '',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: toHarHeaders(answer?.headers ?? []),
    content,
    redirectURL: '',
    headersSize: -1,
    bodySize: answer?.status === null || !answer ? -1 : body.length,
  }
}

function bodyField(bytes: Buffer): BodyField {
  const text = utf8Text(bytes)
  return text === null ? { text: bytes.toString('base64'), encoding: 'base64' } : { text }
}

function toHarHeaders(headers: HeaderPairs): Header[] {
  return headers.map(([name, value]) => ({ name, value }))
}

/** The origin plus the target's path and query (an absolute-form target's too: `_target` keeps it as received). */
function absoluteUrl(origin: string, target: string): string {
  const path = originFormOf(target)
  return path.startsWith('/') ? origin + path : target
}

/** Query pairs as they appear, percent-decoded where that is valid. */
function queryPairs(target: string): Array<{ name: string; value: string }> {
  const questionMark = target.indexOf('?')
  if (questionMark < 0) return []
  return target
    .slice(questionMark + 1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=')
      const name = equals < 0 ? part : part.slice(0, equals)
      const value = equals < 0 ? '' : part.slice(equals + 1)
      return { name: safeDecode(name), value: safeDecode(value) }
    })
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return text
  }
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000)
}

// ---------------------------------------------------------------------------------------------
// Import

/**
 * What a file that is no format the app reads is most often: a request's body alone (a
 * merchant's saved webhook JSON), which the import dialog's "A pasted body" takes with its request
 * line and headers; it read only "not a HAR file" or "could not tell what kind of file this is".
 */
export const BODY_ALONE_HINT = 'if it is a request body alone, import it as "A pasted body", with its method, path and headers'

/** Reads the entries of a parsed HAR document; each entry fails on its own with a reason. */
export function readHar(document: unknown): { ok: true; entries: EntryResult[] } | { ok: false; message: string } {
  const read = readHarEntries(document)
  return read.ok ? { ok: true, entries: Array.from({ length: read.count }, (_unused, index) => read.entryAt(index)) } : read
}

/** As `readHar`, each entry read when asked for, once (an import reads them a batch at a time). */
export function readHarEntries(document: unknown): ({ ok: true } & EntrySource) | { ok: false; message: string } {
  const log = (document as { log?: unknown }).log
  // Most often a merchant's webhook body saved as a file: say how that is imported.
  if (typeof log !== 'object' || log === null) return { ok: false, message: `not a HAR file: there is no "log" object; ${BODY_ALONE_HINT}` }
  const entries = (log as { entries?: unknown }).entries
  if (!Array.isArray(entries)) return { ok: false, message: 'not a HAR file: log.entries is not a list' }
  const changesOf = exportChangesReader(harRedaction(log as Record<string, unknown>))
  return {
    ok: true,
    count: entries.length,
    entryAt: (index): EntryResult => {
      const entry: unknown = entries[index]
      // Read once: the parsed entry is let go as soon as it is read.
      entries[index] = undefined
      const read = readHarEntry(entry)
      if (!read.ok) return read
      const verdict = isObject(entry) && isObject(entry._verdict) ? entry._verdict : null
      // What an earlier exporter changed, as a bundle carries it; one this reader cannot make out is dropped.
      const earlier = isObject(entry) ? changedBeforeExportSchema.safeParse(entry._changedBeforeExport).data : undefined
      const changedBeforeExport = withEarlierChanges(
        earlier,
        changesOf(index, verdict?.computedBeforeRedaction === true && !earlier, exporterVerdictOf(verdict)),
      )
      return changedBeforeExport ? { ok: true, capture: { ...read.capture, changedBeforeExport } } : read
    },
  }
}

/**
 * This app's `_redaction` as a bundle's `redaction` reads (the list, and whether the export was
 * only stripped of configured secrets, which the log's comment says); `null` when it has none.
 */
function harRedaction(log: Record<string, unknown>): unknown {
  if (log._redaction === undefined || log._redaction === null) return null
  const secretsOnly = typeof log.comment === 'string' && log.comment.startsWith('Not redacted for sharing')
  return { applied: true, secretsOnly, items: log._redaction }
}

function exporterVerdictOf(verdict: Record<string, unknown> | null): { status: VerdictStatus; message: string } | null {
  if (verdict === null || typeof verdict.message !== 'string' || !(VERDICT_STATUSES as readonly unknown[]).includes(verdict.status)) return null
  return { status: verdict.status as VerdictStatus, message: verdict.message }
}

function readHarEntry(raw: unknown): EntryResult {
  if (!isObject(raw)) return { ok: false, message: 'the entry is not an object' }
  const request = raw.request
  if (!isObject(request)) return { ok: false, message: 'request is missing' }
  if (typeof request.method !== 'string' || !/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/.test(request.method))
    return { ok: false, message: 'request.method is missing or not an HTTP method' }
  if (typeof request.url !== 'string') return { ok: false, message: 'request.url is missing' }
  const target = typeof raw._target === 'string' ? raw._target : targetOf(request.url)
  if (target === null) return { ok: false, message: `request.url is not a URL: ${request.url.slice(0, 100)}` }
  const headers = readHeaders(request.headers)
  if (typeof headers === 'string') return { ok: false, message: `request.headers: ${headers}` }
  const trailers = readHeaders(raw._trailers)
  if (typeof trailers === 'string') return { ok: false, message: `_trailers: ${trailers}` }
  const body = readRequestBodyOf(request, headers)
  if (typeof body === 'string') return { ok: false, message: body }
  const receivedAt = readTime(raw._receivedAt) ?? readTime(raw.startedDateTime)
  const httpVersion = typeof request.httpVersion === 'string' ? httpVersionOf(request.httpVersion) : '1.1'
  const response = readResponse(raw.response, raw._answerChosenBy)
  if (typeof response === 'string') return { ok: false, message: `response: ${response}` }
  const timings = isObject(raw.timings) ? raw.timings : {}
  const refusal = readRefusal(raw)
  const exporterProvider = exporterProviderOf(raw._provider)
  return {
    ok: true,
    capture: {
      id: null,
      endpoint: null,
      receivedAt,
      ...(raw._receivedAtIsImportTime === true ? { receivedAtIsImportTime: true } : {}),
      durationMs: typeof timings.send === 'number' && timings.send >= 0 ? timings.send : 0,
      method: request.method,
      target,
      httpVersion,
      headers,
      trailers,
      body,
      remoteAddress: typeof raw._remoteAddress === 'string' ? raw._remoteAddress.slice(0, 100) : '',
      remotePort: 0,
      outcome: refusal ? 'refused' : 'captured',
      refusal,
      recognition: null,
      response,
      note: typeof raw._note === 'string' ? noteWithinLimit(raw._note) : null,
      pinned: raw._pinned === true,
      origin: 'imported',
      importedFrom: null,
      resends: [],
      ...(exporterProvider ? { exporterProvider } : {}),
    },
  }
}

/** This app's `_outcome: "refused"` entries: requests answered 413 without storing their body. */
function readRefusal(raw: Record<string, unknown>): ExchangeCapture['refusal'] {
  return raw._outcome === 'refused' ? refusalOf(raw._refusal) : null
}

/** HTTP/2 and HTTP/3 DevTools entries carry pseudo-headers; they are not request headers. */
function readHeaders(raw: unknown): HeaderPairs | string {
  if (raw === undefined) return []
  if (!Array.isArray(raw)) return 'not a list'
  const pairs: HeaderPairs = []
  for (const [index, header] of raw.entries()) {
    if (!isObject(header) || typeof header.name !== 'string' || typeof header.value !== 'string') return `[${index}] needs a name and a value`
    if (header.name.startsWith(':')) continue
    pairs.push([header.name, header.value])
  }
  return pairs
}

/**
 * The request body: `postData`, else HTTP Toolkit's `_content` (where it puts bodies that are not
 * text). A body the exporting tool left out is an error, never an empty body.
 */
function readRequestBodyOf(request: Record<string, unknown>, headers: HeaderPairs): Buffer | string {
  if (request.postData !== undefined && request.postData !== null) {
    const body = readRequestBody(request.postData, headers)
    return typeof body === 'string' ? `request.postData: ${body}` : body
  }
  if (isObject(request._content) && typeof request._content.text === 'string') {
    const isBase64 = typeof request._content.encoding === 'string' && request._content.encoding.toLowerCase() === 'base64'
    if (!isBase64) return Buffer.from(request._content.text, 'utf8')
    return decodeStrictBase64(request._content.text) ?? 'request._content: text is marked base64 but is not valid base64'
  }
  if (typeof request._requestBodyStatus === 'string' && request._requestBodyStatus.startsWith('discarded')) {
    return `the tool that wrote this HAR left the request body out (${request._requestBodyStatus.slice(0, 60)})`
  }
  const declared = typeof request.bodySize === 'number' ? request.bodySize : 0
  if (declared > 0) return `request.bodySize says ${declared} bytes but the HAR holds no body`
  return Buffer.alloc(0)
}

function readRequestBody(raw: unknown, headers: HeaderPairs): Buffer | string {
  if (raw === undefined || raw === null) return Buffer.alloc(0)
  if (!isObject(raw)) return 'not an object'
  const encoding = typeof raw.encoding === 'string' ? raw.encoding : typeof raw._encoding === 'string' ? raw._encoding : null
  // A text or params of another type is a broken file, not a request sent without a body.
  if (raw.text !== undefined && raw.text !== null && typeof raw.text !== 'string') return `text is ${jsonTypeOf(raw.text)}, not a string`
  if (raw.params !== undefined && raw.params !== null && raw.text === undefined && !Array.isArray(raw.params))
    return `params is ${jsonTypeOf(raw.params)}, not a list`
  if (typeof raw.text === 'string') {
    if (encoding !== null && encoding.toLowerCase() === 'base64') {
      const bytes = decodeStrictBase64(raw.text)
      return bytes ?? 'text is marked base64 but is not valid base64'
    }
    return Buffer.from(raw.text, 'utf8')
  }
  if (Array.isArray(raw.params)) {
    // Some tools give only the parsed form fields: rebuild the urlencoded body from them.
    const type = headerValue(headers, 'content-type') ?? (typeof raw.mimeType === 'string' ? raw.mimeType : '')
    if (!type.toLowerCase().includes('x-www-form-urlencoded'))
      return 'only params are given and the body is not a urlencoded form, so its bytes cannot be rebuilt'
    const parts: string[] = []
    for (const param of raw.params) {
      if (!isObject(param) || typeof param.name !== 'string') return 'a param has no name'
      parts.push(`${encodeURIComponent(param.name)}=${encodeURIComponent(typeof param.value === 'string' ? param.value : '')}`)
    }
    return Buffer.from(parts.join('&'))
  }
  return Buffer.alloc(0)
}

function readResponse(raw: unknown, chosenBy: unknown): StoredAnswer | null | string {
  if (!isObject(raw) || typeof raw.status !== 'number' || raw.status <= 0) return null
  if (!Number.isInteger(raw.status) || raw.status > 999) return `status ${String(raw.status)} is not an HTTP status`
  const headers = readHeaders(raw.headers)
  if (typeof headers === 'string') return `headers: ${headers}`
  let body: Buffer = Buffer.alloc(0)
  if (isObject(raw.content) && typeof raw.content.text === 'string') {
    const encoding = typeof raw.content.encoding === 'string' ? raw.content.encoding : null
    if (encoding !== null && encoding.toLowerCase() === 'base64') {
      const decoded = decodeStrictBase64(raw.content.text)
      if (decoded === null) return 'content.text is marked base64 but is not valid base64'
      body = decoded
    } else body = Buffer.from(raw.content.text, 'utf8')
  }
  return {
    kind: 'respond',
    status: raw.status,
    headers,
    bodyBase64: body.toString('base64'),
    delayMs: 0,
    chosenBy: readChosenBy(chosenBy),
  }
}

/** This app's own `_answerChosenBy`, when it is one of the known shapes; otherwise "imported". */
function readChosenBy(raw: unknown): StoredAnswer['chosenBy'] {
  if (!isObject(raw)) return { kind: 'imported' }
  switch (raw.kind) {
    case 'default':
      return { kind: 'default' }
    case 'refusal':
      return { kind: 'refusal' }
    case 'provider-default':
      return { kind: 'provider-default', provider: typeof raw.provider === 'string' ? raw.provider : null }
    case 'rule':
      return typeof raw.ruleId === 'string' && typeof raw.ruleName === 'string'
        ? { kind: 'rule', ruleId: raw.ruleId, ruleName: raw.ruleName }
        : { kind: 'imported' }
    case 'sequence':
      return typeof raw.step === 'number' && typeof raw.of === 'number' ? { kind: 'sequence', step: raw.step, of: raw.of } : { kind: 'imported' }
    case 'failure-rate':
      return typeof raw.percent === 'number' ? { kind: 'failure-rate', percent: raw.percent } : { kind: 'imported' }
    case 'forward':
      return typeof raw.targetUrl === 'string' ? { kind: 'forward', targetUrl: raw.targetUrl } : { kind: 'imported' }
    default:
      return { kind: 'imported' }
  }
}

/** Path and query of an absolute URL (exactly as written, not normalised), or `null`. */
export function targetOf(url: string): string | null {
  if (url.startsWith('/')) return url
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url)
  if (!match) return null
  const rest = url.slice(match[0].length).replace(/#.*$/s, '')
  if (rest === '') return '/'
  return rest.startsWith('?') ? `/${rest}` : rest
}

/**
 * HTTP/1.0 stays 1.0; anything else is imported as what the receiver would have seen over
 * HTTP/1.1: DevTools' `h2`, `h3`, `HTTP/2` and `http/2.0` (which was kept as a version "2.0" an
 * HTTP/1.1 request line cannot carry), and `HTTP/1` (which failed the entry).
 */
function httpVersionOf(text: string): string {
  return /^HTTP\/1\.0$/i.test(text.trim()) ? '1.0' : '1.1'
}

function jsonTypeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function readTime(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const time = Date.parse(value)
  return Number.isNaN(time) ? null : new Date(time).toISOString()
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
