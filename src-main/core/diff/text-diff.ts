/**
 * Unified line diffs of two texts with jsdiff (the `diff` package), bounded so a 10 MB body cannot
 * stall the core: jsdiff gives up past an edit length or a time budget, long lines are cut for
 * display (saying so), and the output stops at a size cap. A diff that gave up says so
 * (`truncated`) instead of pretending the texts are close.
 */
import { structuredPatch } from 'diff'
import type { TextDiff } from '../../shared/replay'

/** Changed lines (added plus removed) jsdiff may consider before giving up. */
export const DIFF_MAX_EDIT_LINES = 4_000
/** Time budget for one diff; past it jsdiff gives up and the diff says it was too large. */
export const DIFF_TIMEOUT_MS = 250
/** Lines per side; longer texts are not diffed line by line. */
export const DIFF_MAX_LINES = 50_000
/** Output cap, in characters. */
export const DIFF_MAX_OUTPUT_CHARS = 200_000
/** Longer lines are cut in the output, with a note of how much was left out. */
export const DIFF_MAX_LINE_CHARS = 2_000
/** Unchanged lines shown around each change. */
export const DIFF_CONTEXT_LINES = 3

/** Names of the two sides in the `---`/`+++` lines, e.g. `capture #12` and `resend`. */
export interface TextDiffLabels {
  left: string
  right: string
}

function lineCount(text: string): number {
  let count = 1
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++
  return count
}

/** Unified diff of two texts (`--- left`, `+++ right`, `@@` hunks with context). */
export function diffTextBounded(left: string, right: string, labels: TextDiffLabels, contextLines = DIFF_CONTEXT_LINES): TextDiff {
  if (left === right) return { unified: '', addedLines: 0, removedLines: 0, truncated: false }
  const header = `--- ${labels.left}\n+++ ${labels.right}\n`
  const leftLines = lineCount(left)
  const rightLines = lineCount(right)
  if (leftLines > DIFF_MAX_LINES || rightLines > DIFF_MAX_LINES) {
    return {
      unified: `${header}(too many lines to diff: ${leftLines} ${labels.left}, ${rightLines} ${labels.right})\n`,
      addedLines: 0,
      removedLines: 0,
      truncated: true,
    }
  }
  const patch = structuredPatch(labels.left, labels.right, left, right, undefined, undefined, {
    context: contextLines,
    maxEditLength: DIFF_MAX_EDIT_LINES,
    timeout: DIFF_TIMEOUT_MS,
  })
  if (patch === undefined) {
    return {
      unified: `${header}(too many changed lines to diff: the texts differ in more than ${DIFF_MAX_EDIT_LINES} lines, or the diff took too long)\n`,
      addedLines: 0,
      removedLines: 0,
      truncated: true,
    }
  }
  const out: string[] = [header.trimEnd()]
  let length = header.length
  let added = 0
  let removed = 0
  let truncated = false
  const emit = (line: string): void => {
    if (truncated) return
    if (length + line.length + 1 > DIFF_MAX_OUTPUT_CHARS) {
      truncated = true
      out.push('(diff cut at the display limit)')
      return
    }
    out.push(line)
    length += line.length + 1
  }
  for (const hunk of patch.hunks) {
    emit(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`)
    for (const line of hunk.lines) {
      // jsdiff's "\ No newline at end of file" markers: the bodies are shown as sent elsewhere.
      if (line.startsWith('\\')) continue
      if (line.startsWith('+')) added++
      else if (line.startsWith('-')) removed++
      emit(clipLine(line))
    }
  }
  return { unified: `${out.join('\n')}\n`, addedLines: added, removedLines: removed, truncated }
}

function clipLine(line: string): string {
  if (line.length <= DIFF_MAX_LINE_CHARS) return line
  return `${line.slice(0, DIFF_MAX_LINE_CHARS)}… (${(line.length - DIFF_MAX_LINE_CHARS).toLocaleString('en-US')} more characters on this line)`
}

/** The body as text when it is valid UTF-8 without NUL bytes; `null` for binary bodies. */
export function bodyAsText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null
  const text = bytes.toString('utf8')
  return Buffer.byteLength(text, 'utf8') === bytes.length && Buffer.from(text, 'utf8').equals(bytes) ? text : null
}
