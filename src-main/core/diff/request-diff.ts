/**
 * Comparing two requests as received or sent: request line, headers, body. The body diff picks
 * the most useful view the bytes allow: by JSON path when both are JSON, by line for other text,
 * by hash for binary, too large or incompletely recorded bodies. A compressed body
 * (`Content-Encoding: gzip`, `deflate`, `br`) is compared decompressed, and the diff says so.
 */
import type { BodyDiff, BodyReading, CaptureDiff, DiffSide } from '../../shared/capture-diff'
import { bodyCharset, bodyEncodingOf, decodedAsLabel, decodeWithEncoding } from '../../shared/body-charset'
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { declaresJson } from '../../shared/json-media-type'
import { decodeContentCodingWithin } from '../content-coding'
import { diffHeaders } from './header-diff'
import { diffJsonPaths, MAX_JSON_DIFF_NODES } from './json-path-diff'
import { bodyAsText, diffTextBounded, type TextDiffLabels } from './text-diff'

/** Bodies larger than this (either side) are compared by hash only, so a 10 MB body cannot stall the core. */
export const MAX_DIFF_BODY_BYTES = 1024 * 1024

/** One side's body: its bytes, or only their first part (a resend's history keeps the first 64 KB). */
export interface BodyToCompare {
  bytes: Buffer
  /** Hash and size of the whole body. */
  sha256: string
  size: number
  /** `false` when `bytes` is only the start of the body (or none of it). */
  complete: boolean
  /** Why it is incomplete, e.g. "the resend's history keeps only the first 65,536 bytes of its body". */
  incompleteBecause?: string | undefined
  /**
   * `true` when none of the body was stored (a refused request): `sha256` and `size` are then those
   * of no bytes, not of what was received, and say nothing about it.
   */
  notStored?: boolean
}

/** One side of a comparison: who it is, its headers as received or sent, and its body. */
export interface RequestToCompare {
  side: DiffSide
  headers: HeaderPairs
  body: BodyToCompare
}

/** Looks like a JSON document (an object or an array), so a parse failure is worth reporting. */
function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0]
  return first === '{' || first === '['
}

/** The Content-Type each side declared, so a body in a declared charset is compared as its text. */
export interface BodyContentTypes {
  left: string | null
  right: string | null
}

/** The Content-Encoding each side declared, so a compressed body is compared decompressed. */
export type BodyContentEncodings = BodyContentTypes

const BYTE_ORDER_MARK = '\ufeff'
/** How a leading byte order mark reads in a line diff: the character itself is invisible. */
const VISIBLE_BYTE_ORDER_MARK = '<U+FEFF>'

/**
 * The body as text: UTF-8, else in the charset its Content-Type declares (ISO-8859-1,
 * windows-1252, UTF-16…), as the body viewer reads it; `null` for bytes that are neither. A
 * declared ISO-8859-1 'Müller' was compared as binary, by hash, and the view said the body was
 * not text, which is false.
 */
function bodyText(bytes: Buffer, contentType: string | null): { text: string | null; readAs: string | null } {
  const utf8 = bodyAsText(bytes)
  if (utf8 !== null) return { text: utf8, readAs: null }
  // A UTF-16 body is told by its byte order mark even without a declared charset.
  const encoding = bodyEncodingOf(bytes, bodyCharset(contentType, bytes))
  const text = decodeWithEncoding(bytes, encoding, { fatal: true })
  return text === null || text.includes('\0') ? { text: null, readAs: null } : { text, readAs: decodedAsLabel(encoding) }
}

/** The codings a `Content-Encoding` lists (`identity` is none). */
function codingsOf(contentEncoding: string | null): string[] {
  return (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
}

/**
 * A side's body as compared: decompressed when its `Content-Encoding` lists codings this app
 * undoes (gzip, deflate, br; at most core/content-coding.ts's output cap), as received otherwise
 * (an unknown coding or corrupt data: then usually binary, compared by hash).
 */
function comparedBytes(bytes: Buffer, contentEncoding: string | null): { bytes: Buffer; decompressed: string | null } | 'too-large' {
  const codings = codingsOf(contentEncoding)
  if (codings.length === 0) return { bytes, decompressed: null }
  // Inflating stops past what is diffed: a few KB of gzip can hold 16 MiB, which took 0.5 s of the event loop.
  const decoded = decodeContentCodingWithin(bytes, contentEncoding, MAX_DIFF_BODY_BYTES)
  if (decoded === 'too-large') return decoded
  return decoded === null ? { bytes, decompressed: null } : { bytes: decoded, decompressed: `${codings.join(', ')} decompressed (Content-Encoding)` }
}

/** How one side was read, in words (`null`: its bytes as received, in UTF-8). */
function readingOf(decompressed: string | null, charset: string | null): string | null {
  const parts = [decompressed, charset].filter((part) => part !== null)
  return parts.length === 0 ? null : parts.join(', ')
}

/**
 * The text the line diff shows: a leading byte order mark written out, so a body that differs
 * only by one does not show as two identical lines.
 */
function visibleText(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? VISIBLE_BYTE_ORDER_MARK + text.slice(1) : text
}

/** How two bodies differ: by JSON path, by line, or by hash (see `BodyDiff`). */
export function diffBodies(
  left: BodyToCompare,
  right: BodyToCompare,
  labels: TextDiffLabels,
  contentTypes?: BodyContentTypes,
  contentEncodings?: BodyContentEncodings,
): BodyDiff {
  const leftDigest = { sha256: left.sha256, size: left.size }
  const rightDigest = { sha256: right.sha256, size: right.size }
  // Two refused requests' bodies both hash as no bytes: they are not the same body, just none stored.
  if (left.notStored === true || right.notStored === true) {
    const because =
      (left.notStored === true ? left : right).incompleteBecause ?? `the ${left.notStored === true ? labels.left : labels.right} body was not stored`
    return { kind: 'incomplete', left: leftDigest, right: rightDigest, reason: `${because}, so the bodies cannot be compared` }
  }
  if (left.sha256 === right.sha256 && left.size === right.size) return { kind: 'identical', size: left.size }
  if (!left.complete || !right.complete) {
    const incomplete = !left.complete ? left : right
    const because = incomplete.incompleteBecause ?? `only the start of the ${!left.complete ? labels.left : labels.right} body was recorded`
    return { kind: 'incomplete', left: leftDigest, right: rightDigest, reason: `${because}, so the bodies are compared by hash` }
  }
  if (left.size > MAX_DIFF_BODY_BYTES || right.size > MAX_DIFF_BODY_BYTES)
    return { kind: 'too-large', left: leftDigest, right: rightDigest, limitBytes: MAX_DIFF_BODY_BYTES }
  const leftBytes = comparedBytes(left.bytes, contentEncodings?.left ?? null)
  const rightBytes = comparedBytes(right.bytes, contentEncodings?.right ?? null)
  // Decompressed, a body may be far larger than it came (a few KB of gzip can hold megabytes).
  if (leftBytes === 'too-large' || rightBytes === 'too-large')
    return { kind: 'too-large', left: leftDigest, right: rightDigest, limitBytes: MAX_DIFF_BODY_BYTES }
  const leftRead = bodyText(leftBytes.bytes, contentTypes?.left ?? null)
  const rightRead = bodyText(rightBytes.bytes, contentTypes?.right ?? null)
  const leftText = leftRead.text
  const rightText = rightRead.text
  if (leftText === null || rightText === null) return { kind: 'binary', left: leftDigest, right: rightDigest }
  const reading: BodyReading = { left: readingOf(leftBytes.decompressed, leftRead.readAs), right: readingOf(rightBytes.decompressed, rightRead.readAs) }
  const readAs = reading.left === null && reading.right === null ? null : reading
  const lines = () => diffTextBounded(visibleText(leftText), visibleText(rightText), labels)
  // JSON allows a reader to ignore a leading byte order mark (RFC 8259 section 8.1), and senders
  // on .NET write one: the values are compared without it, and the line diff shows it.
  const leftJson = withoutByteOrderMark(leftText)
  const rightJson = withoutByteOrderMark(rightText)
  let jsonError: string | null = null
  if (looksLikeJson(leftJson) || looksLikeJson(rightJson)) {
    const paths = diffJsonPaths(leftJson, rightJson)
    if (paths.ok) {
      return {
        kind: 'json',
        changes: paths.changes,
        changeCount: paths.changeCount,
        changesTruncated: paths.truncated,
        unchangedValues: paths.unchangedValues,
        text: lines(),
        readAs,
      }
    }
    const which = paths.side === 'left' ? labels.left : labels.right
    const failedText = paths.side === 'left' ? leftJson : rightJson
    const failedContentType = (paths.side === 'left' ? contentTypes?.left : contentTypes?.right) ?? null
    if (paths.tooManyValues)
      jsonError = `the ${which} body has more than ${MAX_JSON_DIFF_NODES.toLocaleString('en-US')} JSON values, more than the path diff reads`
    // A body that neither looks like JSON nor says it is (XML beside a JSON one) is simply not
    // compared by path: calling it invalid JSON ("found '<'") was wrong about a valid XML body.
    else if (looksLikeJson(failedText) || declaresJson(failedContentType)) jsonError = `the ${which} body is not valid JSON: ${paths.message}`
  }
  return { kind: 'text', text: lines(), jsonError, readAs }
}

function withoutByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text
}

/** The structured diff of two requests (see shared/capture-diff.ts). */
export function diffRequests(left: RequestToCompare, right: RequestToCompare, labels: TextDiffLabels): CaptureDiff {
  return {
    left: left.side,
    right: right.side,
    method: left.side.method === right.side.method ? null : { left: left.side.method, right: right.side.method },
    target: left.side.target === right.side.target ? null : { left: left.side.target, right: right.side.target },
    headers: diffHeaders(left.headers, right.headers),
    body: diffBodies(
      left.body,
      right.body,
      labels,
      { left: headerValue(left.headers, 'content-type') ?? null, right: headerValue(right.headers, 'content-type') ?? null },
      { left: headerValue(left.headers, 'content-encoding') ?? null, right: headerValue(right.headers, 'content-encoding') ?? null },
    ),
  }
}
