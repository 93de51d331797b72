/**
 * The resend editor's body diff (captured vs about to be sent): the same engine as Compare
 * (core/diff: jsdiff for lines, the lossless JSON path diff), with the same caps, so a user can
 * paste anything without costing the main process more than a bounded diff.
 */
import { createHash } from 'node:crypto'
import type { BodyDiff } from '../../shared/capture-diff'
import type { TextDiff } from '../../shared/replay'
import { diffBodies as compareRequestBodies } from '../diff/request-diff'
import { bodyAsText, diffTextBounded } from '../diff/text-diff'

export { DIFF_MAX_LINES, DIFF_MAX_OUTPUT_CHARS, DIFF_CONTEXT_LINES } from '../diff/text-diff'

const LABELS = { left: 'captured', right: 'sent' }

/** Unified diff of two texts (`--- captured`, `+++ sent`, `@@` hunks with context). */
export function diffText(captured: string, sent: string): TextDiff {
  return diffTextBounded(captured, sent, LABELS)
}

/** Line diff of two bodies when both are text (valid UTF-8 without NUL); `null` for binary bodies. */
export function diffBodies(captured: Buffer, sent: Buffer): TextDiff | null {
  const a = bodyAsText(captured)
  const b = bodyAsText(sent)
  return a === null || b === null ? null : diffText(a, b)
}

/** The structured body comparison (JSON paths, lines, or hashes) the Compare view also shows. */
export function compareBodies(captured: Buffer, sent: Buffer): BodyDiff {
  const side = (bytes: Buffer) => ({ bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, complete: true })
  return compareRequestBodies(side(captured), side(sent), LABELS)
}
