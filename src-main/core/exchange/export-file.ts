/**
 * Writing captures as a file in one of the export formats, with its name and content type.
 * Redaction (if any) has already happened; this module labels the file with what it did. The
 * file is given as pieces rendered one capture at a time (export-output.ts joins them in slices).
 */
import { buildCurlCommand, capturedCurlRequest, curlSendsHeader } from '../../shared/curl-command'
import type { ExportFormat } from '../../shared/exchange'
import type { HeaderPairs } from '../../shared/http-message'
import { TRAILERS_LEFT_OUT_BECAUSE } from '../../shared/trailers-not-sent'
import type { ChangedBeforeExport } from '../../shared/changed-before-export'
import { bundlePieces, changesWrittenFor } from './bundle-format'
import {
  CHANGED_COMMENT_PREFIX,
  CHANGED_HEADER,
  changedLabelText,
  HEADERS_COMMENT_PREFIX,
  headersLabelText,
  NOTE_COMMENT_PREFIX,
  noteLabelText,
  RECOGNISED_AS_COMMENT_PREFIX,
  RECOGNISED_AS_HEADER,
  recognisedAsLabelText,
  REDACTED_HEADER,
  REFUSED_COMMENT_PREFIX,
  refusalLabelText,
  VERDICT_BEFORE_HEADER,
} from './changed-label'
import type { ExchangeCapture, Redaction } from './exchange-capture'
import { harPieces } from './har-format'
import { mapItems } from './json-pieces'
import { writeHttpMessage } from './http-message-format'
import { assertNever } from '../../shared/assert-never'

export interface ExportContext {
  appVersion: string
  /** Origin that makes targets absolute (HAR URLs, curl commands): the receiver's. */
  origin: string
  /**
   * What was changed on the way out, written into the file: `null` when nothing was (an
   * unredacted export that held no configured secret and left no capture out).
   */
  redactions: Redaction[] | null
  /**
   * Not redacted for sharing: the list holds only what removing configured secrets changed (and
   * damaged captures left out), so only the captures it names are labelled as changed.
   */
  secretsOnly?: boolean
  /** Base of the file name, e.g. the endpoint's slug. */
  baseName: string
  now: Date
}

/** An export file as the pieces it is written in, one capture (or one redaction) at a time. */
export interface ExportPieces {
  fileName: string
  contentType: string
  /** Joined, the file's bytes (text pieces are UTF-8). Each is rendered when it is asked for. */
  pieces: Iterable<string | Buffer>
}

export function exportPieces(captures: ExchangeCapture[], format: ExportFormat, context: ExportContext): ExportPieces {
  const stamp = context.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const base = `${context.baseName}-${stamp}${context.redactions === null || context.secretsOnly ? '' : '-redacted'}`
  switch (format) {
    case 'har':
      return {
        fileName: `${base}.har`,
        contentType: 'application/json',
        pieces: harPieces(captures, {
          appVersion: context.appVersion,
          origin: context.origin,
          redactions: context.redactions,
          secretsOnly: context.secretsOnly,
        }),
      }
    case 'bundle':
      return {
        fileName: `${base}.bundle.json`,
        contentType: 'application/json',
        pieces: bundlePieces(captures, {
          appVersion: context.appVersion,
          exportedAt: context.now.toISOString(),
          redactions: context.redactions,
          secretsOnly: context.secretsOnly,
        }),
      }
    case 'http': {
      // Every message of an export redacted for sharing is labelled, and each one changed otherwise.
      const changedOf = changesWrittenFor(context)
      return {
        fileName: `${base}.http`,
        contentType: 'message/http',
        pieces: mapItems(captures.entries(), ([index, capture]) => writeHttpMessage(capture, httpLabels(capture, changedOf(index, capture)))),
      }
    }
    case 'curl':
      return { fileName: `${base}.sh`, contentType: 'application/x-sh', pieces: curlScriptPieces(captures, context) }
    default: {
      return assertNever(format)
    }
  }
}

/**
 * A changed raw message says so in its own headers (a raw message has nowhere else to): for
 * people, what was changed and the verdict on the bytes received; for the importer, the whole
 * record and the provider the exporting app recognised (changed-label.ts), which it reads back
 * and drops with the others.
 */
function httpLabels(capture: ExchangeCapture, changed: ChangedBeforeExport | undefined): HeaderPairs {
  if (changed === undefined) return []
  const changes = changed.changes.map((change) => `${change.location}: ${change.action}`)
  if (changed.changesOmitted > 0) changes.push(`and ${changed.changesOmitted} more`)
  const labels: HeaderPairs = [[REDACTED_HEADER, headerSafe(changes.length === 0 ? 'nothing needed masking' : changes.join('; '))]]
  if (capture.recognition && changed.exporterVerdict) {
    const { status, message } = changed.exporterVerdict
    labels.push([VERDICT_BEFORE_HEADER, headerSafe(`${capture.recognition.provider.name}: ${status}: ${message}`)])
  }
  labels.push([CHANGED_HEADER, changedLabelText(changed)])
  // The signature header recognition reads may be gone: who the exporting app judged it as.
  const recognisedAs = capture.recognition && recognisedAsLabelText(capture.recognition.provider)
  if (recognisedAs) labels.push([RECOGNISED_AS_HEADER, recognisedAs])
  return labels
}

/** One line of printable latin1 (a header value cannot hold line breaks). */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, ' ').slice(0, 8000)
}

/** The curl script, its header comments first, then one piece per capture; each line ends with \n. */
function* curlScriptPieces(captures: ExchangeCapture[], context: ExportContext): Generator<string> {
  const lines = [
    '#!/bin/sh',
    `# ${captures.length} request${captures.length === 1 ? '' : 's'} exported by Callback Inspector ${context.appVersion} at ${context.now.toISOString()}.`,
    `# Each command resends one capture's exact method, target, headers and body to ${context.origin}; edit the URLs to send elsewhere.`,
    "# Large and binary bodies are written to curl's stdin by printf in small pieces.",
  ]
  if (context.redactions !== null) {
    lines.push(
      context.secretsOnly
        ? '# NOT REDACTED for sharing, but changed where listed below (configured secrets removed, damaged captures left out), so those signatures will not verify; everything else is as captured. Verdicts below were computed before.'
        : '# REDACTED: values were masked or removed, so signatures will not verify. Verdicts below were computed before redaction.',
    )
  }
  yield linesText(lines)
  if (context.redactions !== null) {
    for (const redaction of context.redactions)
      yield linesText([
        `#   ${redaction.capture === null ? '' : `capture ${redaction.capture + 1}: `}${commentSafe(redaction.location)}: ${commentSafe(redaction.action)}`,
      ])
  }
  const changedOf = changesWrittenFor(context)
  for (const [index, capture] of captures.entries()) {
    const changed = changedOf(index, capture)
    const lines = ['']
    lines.push(
      `# ${index + 1}/${captures.length}: ${commentSafe(capture.method)} ${commentSafe(capture.target)}${capture.receivedAt ? `, ${capture.receivedAtIsImportTime === true ? 'imported' : 'received'} ${capture.receivedAt}` : ''}`,
    )
    if (capture.recognition) {
      const name = commentSafe(capture.recognition.provider.name)
      // A changed capture's own verdict was computed on changed bytes (imported so): the one on the bytes received is the record's.
      const verdict = changed === undefined ? capture.recognition.verdict : changed.exporterVerdict
      lines.push(
        verdict === null
          ? `# ${name}; changed before export: the verdict on the bytes received is not known`
          : `# ${name}; signature ${verdict.status}${changed === undefined ? '' : ' (before redaction)'}: ${commentSafe(verdict.message)}`,
      )
    }
    // For the importer: this command does not send what the provider sent (changed-label.ts).
    if (changed !== undefined) lines.push(CHANGED_COMMENT_PREFIX + changedLabelText(changed))
    // …and who the exporting app judged it as: the signature header recognition reads may be gone.
    const recognisedAs = changed !== undefined && capture.recognition ? recognisedAsLabelText(capture.recognition.provider) : null
    if (recognisedAs) lines.push(RECOGNISED_AS_COMMENT_PREFIX + recognisedAs)
    if (capture.note) {
      lines.push(...capture.note.split('\n').map((line) => `# note: ${commentSafe(line)}`))
      // For the importer: the note exactly (the lines above are cut and flattened for people).
      lines.push(NOTE_COMMENT_PREFIX + noteLabelText(capture.note))
    }
    if (capture.outcome === 'refused') lines.push('# This request was refused (body over the size limit); its body was not stored, so it is sent without one.')
    // For the importer: kept refused, not taken for a request sent with an empty body.
    if (capture.outcome === 'refused' && capture.refusal) lines.push(REFUSED_COMMENT_PREFIX + refusalLabelText(capture.refusal))
    // curl sets these itself (or they only concern one connection): said for people, and kept for the importer.
    const notSent = capture.headers.filter(([name]) => !curlSendsHeader(name))
    if (notSent.length > 0)
      lines.push(`# Received but not sent by this command (curl sets its own): ${commentSafe(notSent.map(([name, value]) => `${name}: ${value}`).join('; '))}`)
    // curl sends a body whole (or chunked without trailers): said for people rather than dropped unsaid.
    if (capture.trailers.length > 0)
      lines.push(
        `# Trailer fields received after the body, not sent by this command (${TRAILERS_LEFT_OUT_BECAUSE.curl}): ${commentSafe(capture.trailers.map(([name, value]) => `${name}: ${value}`).join('; '))}`,
      )
    lines.push(HEADERS_COMMENT_PREFIX + headersLabelText(capture.headers))
    lines.push(buildCurlCommand(capturedCurlRequest(context.origin, capture, capture.body)))
    yield linesText(lines)
  }
}

/** Lines as text, each ended by a line break (as the script's last line is too). */
function linesText(lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('')
}

/** A comment must stay on its line. */
function commentSafe(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, ' ').slice(0, 2000)
}
