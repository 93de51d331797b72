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
  const changed = (record === undefined ? null : readChangedLabel(record)) ?? fromReadableLabels(valueOf(REDACTED_HEADER), valueOf(VERDICT_BEFORE_HEADER))
  return { headers: kept, changed }
}

const VERDICT_LABEL = new RegExp(`^.*?: (${VERDICT_STATUSES.join('|')}): (.*)$`)

/** `location: action; location: action` and `Provider: status: message`, as writers before the record wrote them. */
function fromReadableLabels(redacted: string | undefined, verdictBefore: string | undefined): ChangedBeforeExport {
  const changes =
    redacted === undefined || redacted === 'nothing needed masking'
      ? []
      : redacted.split('; ').map((item) => {
          const colon = item.indexOf(': ')
          return colon < 0
            ? { location: '', action: item.slice(0, 500) }
            : { location: item.slice(0, colon).slice(0, 500), action: item.slice(colon + 2).slice(0, 500) }
        })
  const verdict = verdictBefore === undefined ? null : VERDICT_LABEL.exec(verdictBefore)
  return {
    reason: 'redacted',
    changes: changes.slice(0, MAX_KEPT_CHANGES),
    changesOmitted: Math.max(0, changes.length - MAX_KEPT_CHANGES),
    decompressed: changes.some((change) => change.location === 'body' && /\bdecompressed\b/.test(change.action)),
    exporterVerdict: verdict ? { status: verdict[1] as VerdictStatus, message: (verdict[2] ?? '').slice(0, 2000) } : null,
  }
}
