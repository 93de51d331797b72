/**
 * How the text formats (raw HTTP, curl) say that a capture is not the bytes its provider sent.
 * A bundle and a HAR file say it in their own fields (`redaction`, `changedBeforeExport`,
 * `_verdict.computedBeforeRedaction`); a raw message and a shell script have no such place, so
 * each changed capture carries its `changedBeforeExport` record as one line of JSON (ASCII only:
 * every other character escaped): a header of the message, a comment before the command. The
 * importer reads it back and drops the labels, which were never part of the request: a capture
 * exported redacted (or scrubbed of a configured secret) and imported again is still shown as
 * changed, its failing signature never blamed on the sender.
 */
import { changedBeforeExportSchema, MAX_KEPT_CHANGES, type ChangedBeforeExport } from '../../shared/changed-before-export'
import type { HeaderPairs } from '../../shared/http-message'
import { VERDICT_STATUSES, type VerdictStatus } from '../../shared/providers'

/** The header a raw HTTP message carries its record in. */
export const CHANGED_HEADER = 'X-Callback-Inspector-Changed-Before-Export'
/** The headers earlier versions (and this one, for people) label a changed message with. */
export const REDACTED_HEADER = 'X-Callback-Inspector-Redacted'
export const VERDICT_BEFORE_HEADER = 'X-Callback-Inspector-Verdict-Before-Redaction'
/** The comment before a curl command that carries its record. */
export const CHANGED_COMMENT_PREFIX = '# callback-inspector-changed-before-export: '
/** A curl script's header comment when the export was redacted for sharing (every command changed). */
export const CURL_REDACTED_COMMENT = '# REDACTED: '
/** A curl script's header comment when only configured secrets were removed (the commands it lists changed). */
export const CURL_SECRETS_ONLY_COMMENT = '# NOT REDACTED for sharing, but changed'

const LABEL_HEADERS = new Set([CHANGED_HEADER, REDACTED_HEADER, VERDICT_BEFORE_HEADER].map((name) => name.toLowerCase()))

/** The record as one line of ASCII JSON (a header value and a comment line hold it as is). */
export function changedLabelText(changed: ChangedBeforeExport): string {
  return JSON.stringify(changed).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

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
 * A read message's headers without this app's labels, and what they say: its record, or (a
 * file written before the record existed) what the human-readable labels say, taken as redacted.
 * `changed` is absent when the message carries no label.
 */
export function withoutChangedLabels(headers: HeaderPairs): { headers: HeaderPairs; changed?: ChangedBeforeExport } {
  if (!headers.some(([name]) => LABEL_HEADERS.has(name.toLowerCase()))) return { headers }
  const valueOf = (label: string) => headers.find(([name]) => name.toLowerCase() === label.toLowerCase())?.[1]
  const kept = headers.filter(([name]) => !LABEL_HEADERS.has(name.toLowerCase()))
  const record = valueOf(CHANGED_HEADER)
  const redacted = valueOf(REDACTED_HEADER)
  // Items joined by '; ' (an action holding one is split too: these labels were written for people).
  const items = redacted === undefined || redacted === 'nothing needed masking' ? [] : redacted.split('; ')
  const changed = (record === undefined ? null : readChangedLabel(record)) ?? fromReadableLabels(items, verdictOfLabel(valueOf(VERDICT_BEFORE_HEADER)))
  return { headers: kept, changed }
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

/** Whether a comment says something of what an export changed (the others are not kept). */
export function isChangeComment(text: string): boolean {
  return (
    text.startsWith(CHANGED_COMMENT_PREFIX) ||
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
