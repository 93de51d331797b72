/**
 * Comparing two requests as received or sent: request line, headers, body. The body diff picks
 * the most useful view the bytes allow: by JSON path when both are JSON, by line for other text,
 * by hash for binary, too large or incompletely recorded bodies.
 */
import type { BodyDiff, CaptureDiff, DiffSide } from '../../shared/capture-diff'
import type { HeaderPairs } from '../../shared/http-message'
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

/** How two bodies differ: by JSON path, by line, or by hash (see `BodyDiff`). */
export function diffBodies(left: BodyToCompare, right: BodyToCompare, labels: TextDiffLabels): BodyDiff {
  const leftDigest = { sha256: left.sha256, size: left.size }
  const rightDigest = { sha256: right.sha256, size: right.size }
  if (left.sha256 === right.sha256 && left.size === right.size) return { kind: 'identical', size: left.size }
  if (!left.complete || !right.complete) {
    const incomplete = !left.complete ? left : right
    const because = incomplete.incompleteBecause ?? `only the start of the ${!left.complete ? labels.left : labels.right} body was recorded`
    return { kind: 'incomplete', left: leftDigest, right: rightDigest, reason: `${because}, so the bodies are compared by hash` }
  }
  if (left.size > MAX_DIFF_BODY_BYTES || right.size > MAX_DIFF_BODY_BYTES)
    return { kind: 'too-large', left: leftDigest, right: rightDigest, limitBytes: MAX_DIFF_BODY_BYTES }
  const leftText = bodyAsText(left.bytes)
  const rightText = bodyAsText(right.bytes)
  if (leftText === null || rightText === null) return { kind: 'binary', left: leftDigest, right: rightDigest }
  let jsonError: string | null = null
  if (looksLikeJson(leftText) || looksLikeJson(rightText)) {
    const paths = diffJsonPaths(leftText, rightText)
    if (paths.ok) {
      return {
        kind: 'json',
        changes: paths.changes,
        changeCount: paths.changeCount,
        changesTruncated: paths.truncated,
        unchangedValues: paths.unchangedValues,
        text: diffTextBounded(leftText, rightText, labels),
      }
    }
    const which = paths.side === 'left' ? labels.left : labels.right
    jsonError = paths.tooManyValues
      ? `the ${which} body has more than ${MAX_JSON_DIFF_NODES.toLocaleString('en-US')} JSON values, more than the path diff reads`
      : `the ${which} body is not valid JSON: ${paths.message}`
  }
  return { kind: 'text', text: diffTextBounded(leftText, rightText, labels), jsonError }
}

/** The structured diff of two requests (see shared/capture-diff.ts). */
export function diffRequests(left: RequestToCompare, right: RequestToCompare, labels: TextDiffLabels): CaptureDiff {
  return {
    left: left.side,
    right: right.side,
    method: left.side.method === right.side.method ? null : { left: left.side.method, right: right.side.method },
    target: left.side.target === right.side.target ? null : { left: left.side.target, right: right.side.target },
    headers: diffHeaders(left.headers, right.headers),
    body: diffBodies(left.body, right.body, labels),
  }
}
