/**
 * How the text formats (raw HTTP, curl) say that a capture is not the bytes its provider sent.
 * A bundle and a HAR file say it in their own fields (`redaction`, `changedBeforeExport`,
 * `_verdict.computedBeforeRedaction`); a raw message and a shell script have no such place, so
 * each changed capture carries its `changedBeforeExport` record as one line of JSON (ASCII only:
 * every other character escaped): a header of the message, a comment before the command. The
 * importer reads it back and drops the labels, which were never part of the request: a capture
 * exported redacted (or scrubbed of a configured secret) and imported again is still shown as
 * changed, its failing signature never blamed on the sender. Beside it goes the provider the
 * exporting app recognised (HAR `_provider`), which a redacted export's removed signature header
 * no longer lets the importer find.
 */
import { changedBeforeExportSchema, MAX_KEPT_CHANGES, type ChangedBeforeExport } from '../../shared/changed-before-export'
import type { HeaderPairs } from '../../shared/http-message'
import { VERDICT_STATUSES, type VerdictStatus } from '../../shared/providers'
import { HTTP_TOKEN_PATTERN } from '../../shared/answer-catalog'
import type { CaptureRecognition, Refusal } from '../../shared/views'
import { exporterProviderOf, refusalOf } from './exchange-capture'
import type { PinnableProviderId } from '../../shared/provider-catalog'
import { noteWithinLimit } from '../../shared/contract'

/** The header a raw HTTP message carries its record in. */
export const CHANGED_HEADER = 'X-Callback-Inspector-Changed-Before-Export'
/** The headers earlier versions (and this one, for people) label a changed message with. */
export const REDACTED_HEADER = 'X-Callback-Inspector-Redacted'
export const VERDICT_BEFORE_HEADER = 'X-Callback-Inspector-Verdict-Before-Redaction'
/**
 * The last header line of a raw message whose header lines are not all the sender's: `N` says the
 * first N lines are the request's as received, and every line after them (labels, a
 * `Content-Length` the exporter had to add, this one) is this app's. Written whenever the app adds
 * a line, and whenever the sender's own headers carry a name this app labels with, so that a
 * sender's `X-Callback-Inspector-Redacted` comes back as a header of the request, not as a label.
 */
export const SENDER_HEADERS_HEADER = 'X-Callback-Inspector-Sender-Headers'
/**
 * One of this app's lines after the sender's: the value a sender's `Content-Length` line had when
 * the stored body is not as long as it says (a refused request keeps its headers, not its body).
 * The message is framed by the bytes it holds, and the importer puts the values back (one line
 * for each `Content-Length` line of the sender's, in order).
 */
export const RECEIVED_LENGTH_HEADER = 'X-Callback-Inspector-Received-Content-Length'
/**
 * One of this app's lines after the sender's, on a request the receiver refused (its body over the
 * limit, not stored): the refusal as ASCII JSON (`{ status, reason, declaredSize, receivedBytes }`),
 * so the import keeps it refused rather than passing an empty body off as the one sent.
 */
export const REFUSED_HEADER = 'X-Callback-Inspector-Refused'
/** The comment before a curl command that carries the refusal of the request it sends without a body. */
export const REFUSED_COMMENT_PREFIX = '# callback-inspector-refused: '

/** The refusal as one line of ASCII JSON, for {@link REFUSED_HEADER} and {@link REFUSED_COMMENT_PREFIX}. */
export function refusalLabelText(refusal: Refusal): string {
  return asciiJson(refusal)
}

/** The refusal a label holds, or `null`. */
export function readRefusalLabel(text: string): Refusal | null {
  try {
    return refusalOf(JSON.parse(text))
  } catch {
    return null
  }
}
/** The comment before a curl command that carries its record. */
export const CHANGED_COMMENT_PREFIX = '# callback-inspector-changed-before-export: '
/**
 * One of this app's lines after the sender's, only on a changed message (with its record): the
 * provider the exporting app recognised, as ASCII JSON `{ id, name, variant }` (HAR's
 * `_provider`). A redacted export removes the signature header most providers are recognised
 * by; the importer judges the capture as this provider when its own detection finds none
 * (exchange-service.ts). Read only beside a changed record: it names who sent it, never vouches
 * for the bytes.
 */
export const RECOGNISED_AS_HEADER = 'X-Callback-Inspector-Recognised-As'
/** The comment before a curl command that carries what {@link RECOGNISED_AS_HEADER} carries. */
export const RECOGNISED_AS_COMMENT_PREFIX = '# callback-inspector-recognised-as: '

/** The exporting app's recognition as one line of ASCII JSON; `null` when it names no provider this app knows. */
export function recognisedAsLabelText(provider: CaptureRecognition['provider']): string | null {
  return exporterProviderOf(provider) === undefined ? null : asciiJson({ id: provider.id, name: provider.name, variant: provider.variant })
}

/** The provider a {@link RECOGNISED_AS_HEADER} line or comment names, or `null` (not JSON, an id this app does not know). */
export function readRecognisedAsLabel(text: string): PinnableProviderId | null {
  try {
    return exporterProviderOf(JSON.parse(text)) ?? null
  } catch {
    return null
  }
}
/**
 * The comment before a curl command that carries the request's header lines as received (ASCII
 * JSON `[[name, value], …]`, each value one character per byte): a command cannot send `Host`,
 * `Content-Length`, `Connection` and the other headers curl sets itself, nor keep their place
 * among the others, so the importer takes them from here (when the command still sends the rest).
 */
export const HEADERS_COMMENT_PREFIX = '# callback-inspector-headers-as-received: '
/** A curl script's record of a capture's note (one line of ASCII JSON), before its command: the `# note:` lines are for people. */
export const NOTE_COMMENT_PREFIX = '# callback-inspector-note: '
/** A curl script's header comment when the export was redacted for sharing (every command changed). */
export const CURL_REDACTED_COMMENT = '# REDACTED: '
/** A curl script's header comment when only configured secrets were removed (the commands it lists changed). */
export const CURL_SECRETS_ONLY_COMMENT = '# NOT REDACTED for sharing, but changed'

const LABEL_HEADERS = new Set([CHANGED_HEADER, REDACTED_HEADER, VERDICT_BEFORE_HEADER].map((name) => name.toLowerCase()))

/** Whether a header's name is one this app writes into a raw message of its own (a sender's header may carry it too). */
export function isAppHeaderName(name: string): boolean {
  const lower = name.toLowerCase()
  return (
    LABEL_HEADERS.has(lower) ||
    lower === SENDER_HEADERS_HEADER.toLowerCase() ||
    lower === RECEIVED_LENGTH_HEADER.toLowerCase() ||
    lower === REFUSED_HEADER.toLowerCase() ||
    lower === RECOGNISED_AS_HEADER.toLowerCase()
  )
}

/** The record as one line of ASCII JSON (a header value and a comment line hold it as is). */
export function changedLabelText(changed: ChangedBeforeExport): string {
  return asciiJson(changed)
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Header lines as one line of ASCII JSON (every other character escaped), for {@link HEADERS_COMMENT_PREFIX}. */
export function headersLabelText(headers: HeaderPairs): string {
  return asciiJson(headers)
}

/** A note as one line of ASCII JSON, for {@link NOTE_COMMENT_PREFIX}. */
export function noteLabelText(note: string): string {
  return asciiJson(note)
}

/** The note a record holds (at most as long as a note may be); `null` when it is not one. */
export function readNoteLabel(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'string' && value !== '' && noteWithinLimit(value) === value ? value : null
  } catch {
    return null
  }
}

/** At most this many header lines are taken from a record (the receiver keeps no more than 2,000). */
const MAX_RECORDED_HEADERS = 10_000

/** The header lines a record holds; `null` when it is not one (each name a token, each value single-byte characters). */
export function readHeadersLabel(text: string): HeaderPairs | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (!Array.isArray(value) || value.length > MAX_RECORDED_HEADERS) return null
  const headers: HeaderPairs = []
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return null
    const [name, headerValue] = pair as unknown[]
    if (typeof name !== 'string' || typeof headerValue !== 'string' || !HTTP_TOKEN_PATTERN.test(name) || !SINGLE_BYTE_LINE.test(headerValue)) return null
    headers.push([name, headerValue])
  }
  return headers
}

/** A header value as stored: single-byte characters, no line break. */
const SINGLE_BYTE_LINE = /^[^\r\n\u0100-\uffff]*$/

/** The record a label holds; `null` when it is not one this reader can make out. */
export function readChangedLabel(text: string): ChangedBeforeExport | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  const parsed = changedBeforeExportSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/**
 * A read message's headers as the sender sent them, and what this app's lines say it changed
 * (`changed` is absent when nothing). A message ending with {@link SENDER_HEADERS_HEADER} is
 * split where it says: the lines before are the request's, whatever their names; the lines after
 * are read as labels (and a `Content-Length` the exporter added is dropped). Without that line (a
 * file written before it existed, pasted text), every label-named line is taken as a label.
 */
export function senderHeadersAndLabels(headers: HeaderPairs): {
  headers: HeaderPairs
  changed?: ChangedBeforeExport
  refusal?: Refusal
  exporterProvider?: PinnableProviderId
} {
  const last = headers[headers.length - 1]
  if (last !== undefined && last[0].toLowerCase() === SENDER_HEADERS_HEADER.toLowerCase()) {
    const count = /^\d{1,6}$/.test(last[1]) ? Number(last[1]) : -1
    const added = count >= 0 && count < headers.length ? headers.slice(count, -1) : null
    const receivedLength = RECEIVED_LENGTH_HEADER.toLowerCase()
    // Only lines this app writes may follow the sender's: anything else means the split is not this app's.
    const refused = REFUSED_HEADER.toLowerCase()
    const recognisedAs = RECOGNISED_AS_HEADER.toLowerCase()
    if (
      added !== null &&
      added.every(([name]) => LABEL_HEADERS.has(name.toLowerCase()) || ['content-length', receivedLength, refused, recognisedAs].includes(name.toLowerCase()))
    ) {
      const labels = withoutChangedLabels(added.filter(([name]) => LABEL_HEADERS.has(name.toLowerCase()) || name.toLowerCase() === recognisedAs))
      const refusalLine = added.find(([name]) => name.toLowerCase() === refused)
      const refusal = refusalLine === undefined ? null : readRefusalLabel(refusalLine[1])
      // The values the sender's Content-Length lines had, put back in order.
      const lengths = added.filter(([name]) => name.toLowerCase() === receivedLength).map(([, value]) => value)
      const sender = headers
        .slice(0, count)
        .map(([name, value]): [string, string] =>
          name.toLowerCase() === 'content-length' && lengths.length > 0 ? [name, lengths.shift() as string] : [name, value],
        )
      return {
        headers: sender,
        ...(labels.changed === undefined ? {} : { changed: labels.changed }),
        ...(refusal === null ? {} : { refusal }),
        ...(labels.exporterProvider === undefined ? {} : { exporterProvider: labels.exporterProvider }),
      }
    }
  }
  return withoutChangedLabels(headers)
}

/**
 * A read message's headers without this app's labels, and what they say: its record, or (a
 * file written before the record existed) what the human-readable labels say, taken as redacted;
 * and the provider the exporting app recognised ({@link RECOGNISED_AS_HEADER}), taken only beside
 * them. `changed` is absent when the message carries no label, and its headers are then as read.
 */
function withoutChangedLabels(headers: HeaderPairs): { headers: HeaderPairs; changed?: ChangedBeforeExport; exporterProvider?: PinnableProviderId } {
  if (!headers.some(([name]) => LABEL_HEADERS.has(name.toLowerCase()))) return { headers }
  const valueOf = (label: string) => headers.find(([name]) => name.toLowerCase() === label.toLowerCase())?.[1]
  const recognisedAs = valueOf(RECOGNISED_AS_HEADER)
  const exporterProvider = recognisedAs === undefined ? null : readRecognisedAsLabel(recognisedAs)
  const kept = headers.filter(([name]) => !LABEL_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== RECOGNISED_AS_HEADER.toLowerCase())
  const record = valueOf(CHANGED_HEADER)
  const redacted = valueOf(REDACTED_HEADER)
  // Items joined by '; ' (an action holding one is split too: these labels were written for people).
  const items = redacted === undefined || redacted === 'nothing needed masking' ? [] : redacted.split('; ')
  const changed = (record === undefined ? null : readChangedLabel(record)) ?? fromReadableLabels(items, verdictOfLabel(valueOf(VERDICT_BEFORE_HEADER)))
  return { headers: kept, changed, ...(exporterProvider === null ? {} : { exporterProvider }) }
}

const VERDICT_LABEL = new RegExp(`^.*?: (${VERDICT_STATUSES.join('|')}): (.*)$`)

/** `Provider: status: message`, as the raw HTTP label writes the verdict computed before redaction. */
function verdictOfLabel(label: string | undefined): ChangedBeforeExport['exporterVerdict'] {
  const verdict = label === undefined ? null : VERDICT_LABEL.exec(label)
  return verdict ? { status: verdict[1] as VerdictStatus, message: (verdict[2] ?? '').slice(0, 2000) } : null
}

/** A changed capture's record from the `location: action` items writers before the record wrote for people. */
function fromReadableLabels(
  items: string[],
  exporterVerdict: ChangedBeforeExport['exporterVerdict'],
  reason: ChangedBeforeExport['reason'] = 'redacted',
): ChangedBeforeExport {
  const changes = items.map((item) => {
    const colon = item.indexOf(': ')
    return colon < 0
      ? { location: '', action: item.slice(0, 500) }
      : { location: item.slice(0, colon).slice(0, 500), action: item.slice(colon + 2).slice(0, 500) }
  })
  return {
    reason,
    changes: changes.slice(0, MAX_KEPT_CHANGES),
    changesOmitted: Math.max(0, changes.length - MAX_KEPT_CHANGES),
    decompressed: changes.some((change) => change.location === 'body' && /\bdecompressed\b/.test(change.action)),
    exporterVerdict,
  }
}

/** A comment line of a curl script, where it is. */
export interface CurlComment {
  line: number
  text: string
}

const LISTED_CHANGE = /^# {3}capture (\d+): (.*)$/
const VERDICT_BEFORE = new RegExp(`^# .*; signature (${VERDICT_STATUSES.join('|')}) \\(before redaction\\): (.*)$`)

/** Whether a comment says something the importer reads: what an export changed, the headers as received (the others are not kept). */
export function isChangeComment(text: string): boolean {
  return (
    text.startsWith(CHANGED_COMMENT_PREFIX) ||
    text.startsWith(HEADERS_COMMENT_PREFIX) ||
    text.startsWith(NOTE_COMMENT_PREFIX) ||
    text.startsWith(REFUSED_COMMENT_PREFIX) ||
    text.startsWith(RECOGNISED_AS_COMMENT_PREFIX) ||
    text.startsWith(CURL_REDACTED_COMMENT) ||
    text.startsWith(CURL_SECRETS_ONLY_COMMENT) ||
    LISTED_CHANGE.test(text) ||
    VERDICT_BEFORE.test(text)
  )
}

/**
 * What a curl script this app exported says it changed in each command: the record before the
 * command (this version), or, in a script written before the record existed, its header (every
 * command of a redacted export; the commands listed as `capture N:` otherwise) with the verdict
 * its comment gives as computed before redaction. `curlIndex` counts curl commands from 0; the
 * comments between `afterLine` and `line` are the command's own.
 */
export function curlChangesReader(comments: CurlComment[]): (curlIndex: number, afterLine: number, line: number) => ChangedBeforeExport | undefined {
  const hasRecords = comments.some((comment) => comment.text.startsWith(CHANGED_COMMENT_PREFIX))
  const isRedacted = comments.some((comment) => comment.text.startsWith(CURL_REDACTED_COMMENT))
  const isSecretsOnly = comments.some((comment) => comment.text.startsWith(CURL_SECRETS_ONLY_COMMENT))
  const listed = new Map<number, string[]>()
  for (const comment of comments) {
    const item = LISTED_CHANGE.exec(comment.text)
    if (!item) continue
    const index = Number(item[1]) - 1
    const items = listed.get(index)
    if (items) items.push(item[2] as string)
    else listed.set(index, [item[2] as string])
  }
  // Commands are read in order: the comments before each are taken once (linear in the script).
  let next = 0
  return (curlIndex, afterLine, line) => {
    const own: CurlComment[] = []
    for (; next < comments.length && (comments[next] as CurlComment).line < line; next++) {
      if ((comments[next] as CurlComment).line > afterLine) own.push(comments[next] as CurlComment)
    }
    if (hasRecords) {
      const record = own.find((comment) => comment.text.startsWith(CHANGED_COMMENT_PREFIX))
      return (record && readChangedLabel(record.text.slice(CHANGED_COMMENT_PREFIX.length))) ?? undefined
    }
    const items = listed.get(curlIndex)
    if (!isRedacted && !(isSecretsOnly && items)) return undefined
    const verdict = own.map((comment) => VERDICT_BEFORE.exec(comment.text)).find((match) => match !== null)
    const exporterVerdict = verdict ? { status: verdict[1] as VerdictStatus, message: (verdict[2] ?? '').slice(0, 2000) } : null
    return fromReadableLabels(items ?? [], exporterVerdict, isRedacted ? 'redacted' : 'secrets-removed')
  }
}

/**
 * The header lines as received that this app's curl export wrote before each command
 * ({@link HEADERS_COMMENT_PREFIX}), looked up by where the command is: the record among the
 * comments after the previous command's line and before this one's, or `undefined`. Commands are
 * asked for in order (linear in the script).
 */
export function curlHeadersReader(comments: CurlComment[]): (afterLine: number, line: number) => HeaderPairs | undefined {
  return curlRecordReader(comments, HEADERS_COMMENT_PREFIX, readHeadersLabel)
}

/** The note this app's curl export recorded before a command ({@link NOTE_COMMENT_PREFIX}), as `curlHeadersReader` finds its record. */
export function curlNoteReader(comments: CurlComment[]): (afterLine: number, line: number) => string | undefined {
  return curlRecordReader(comments, NOTE_COMMENT_PREFIX, readNoteLabel)
}

/** The refusal this app's curl export wrote before a command ({@link REFUSED_COMMENT_PREFIX}), as `curlHeadersReader` finds its record. */
export function curlRefusalReader(comments: CurlComment[]): (afterLine: number, line: number) => Refusal | undefined {
  return curlRecordReader(comments, REFUSED_COMMENT_PREFIX, readRefusalLabel)
}

/**
 * The provider this app's curl export named before a command ({@link RECOGNISED_AS_COMMENT_PREFIX}),
 * as `curlHeadersReader` finds its record; the importer takes it only for a changed command.
 */
export function curlRecognisedAsReader(comments: CurlComment[]): (afterLine: number, line: number) => PinnableProviderId | undefined {
  return curlRecordReader(comments, RECOGNISED_AS_COMMENT_PREFIX, readRecognisedAsLabel)
}

function curlRecordReader<T>(comments: CurlComment[], prefix: string, read: (text: string) => T | null): (afterLine: number, line: number) => T | undefined {
  const records = comments.filter((comment) => comment.text.startsWith(prefix))
  let next = 0
  return (afterLine, line) => {
    let found: T | undefined
    for (; next < records.length && (records[next] as CurlComment).line < line; next++) {
      const record = records[next] as CurlComment
      if (record.line > afterLine) found = read(record.text.slice(prefix.length)) ?? undefined
    }
    return found
  }
}
