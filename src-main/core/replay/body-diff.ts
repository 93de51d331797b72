/**
 * A small unified line diff for text bodies (captured vs sent), hand-written on an LCS table.
 * Callback bodies are small, but a user can paste anything: inputs past the caps are reported as
 * too large instead of costing quadratic time on the main process.
 */
import type { TextDiff } from '../../shared/replay'

/** Lines per side (after the common prefix and suffix are cut) the LCS table is built for. */
export const DIFF_MAX_LINES = 2_000
/** Output cap, in characters. */
export const DIFF_MAX_OUTPUT_CHARS = 200_000
export const DIFF_CONTEXT_LINES = 3

type Op = { kind: ' ' | '-' | '+'; line: string }

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

function lcsOps(a: string[], b: string[]): Op[] {
  const rows = a.length + 1
  const cols = b.length + 1
  // lengths[i][j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array(rows * cols)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * cols + j] = a[i] === b[j] ? (lengths[(i + 1) * cols + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * cols + j] ?? 0, lengths[i * cols + j + 1] ?? 0)
    }
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string })
      i++
      j++
    } else if ((lengths[(i + 1) * cols + j] ?? 0) >= (lengths[i * cols + j + 1] ?? 0)) ops.push({ kind: '-', line: a[i++] as string })
    else ops.push({ kind: '+', line: b[j++] as string })
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] as string })
  while (j < b.length) ops.push({ kind: '+', line: b[j++] as string })
  return ops
}

/** Unified diff of two texts (`--- captured`, `+++ sent`, `@@` hunks with context). */
export function diffText(captured: string, sent: string, contextLines = DIFF_CONTEXT_LINES): TextDiff {
  if (captured === sent) return { unified: '', addedLines: 0, removedLines: 0, truncated: false }
  const a = splitLines(captured)
  const b = splitLines(sent)
  let prefix = 0
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++
  let suffix = 0
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++
  const middleA = a.slice(prefix, a.length - suffix)
  const middleB = b.slice(prefix, b.length - suffix)
  if (middleA.length > DIFF_MAX_LINES || middleB.length > DIFF_MAX_LINES) {
    return {
      unified: `--- captured\n+++ sent\n(too many changed lines to diff: ${middleA.length} captured, ${middleB.length} sent)\n`,
      addedLines: middleB.length,
      removedLines: middleA.length,
      truncated: true,
    }
  }
  const ops: Op[] = [
    ...a.slice(0, prefix).map((line): Op => ({ kind: ' ', line })),
    ...lcsOps(middleA, middleB),
    ...a.slice(a.length - suffix).map((line): Op => ({ kind: ' ', line })),
  ]
  return renderUnified(ops, contextLines)
}

function renderUnified(ops: Op[], contextLines: number): TextDiff {
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0)
  const out: string[] = ['--- captured', '+++ sent']
  let added = 0
  let removed = 0
  let truncated = false
  let length = out.join('\n').length
  let hunkStart = 0
  while (hunkStart < changed.length) {
    // A hunk spans changes closer than twice the context to each other.
    let hunkEnd = hunkStart
    while (hunkEnd + 1 < changed.length && (changed[hunkEnd + 1] as number) - (changed[hunkEnd] as number) <= 2 * contextLines + 1) hunkEnd++
    const from = Math.max(0, (changed[hunkStart] as number) - contextLines)
    const to = Math.min(ops.length, (changed[hunkEnd] as number) + contextLines + 1)
    let oldLine = 1
    let newLine = 1
    for (let index = 0; index < from; index++) {
      const op = ops[index] as Op
      if (op.kind !== '+') oldLine++
      if (op.kind !== '-') newLine++
    }
    const body = ops.slice(from, to)
    const oldCount = body.filter((op) => op.kind !== '+').length
    const newCount = body.filter((op) => op.kind !== '-').length
    const lines = [`@@ -${oldLine},${oldCount} +${newLine},${newCount} @@`, ...body.map((op) => `${op.kind}${op.line}`)]
    for (const op of body) {
      if (op.kind === '+') added++
      else if (op.kind === '-') removed++
    }
    for (const line of lines) {
      if (!truncated && length + line.length + 1 > DIFF_MAX_OUTPUT_CHARS) {
        truncated = true
        out.push('(diff cut at the display limit)')
      }
      if (!truncated) {
        out.push(line)
        length += line.length + 1
      }
    }
    hunkStart = hunkEnd + 1
  }
  return { unified: `${out.join('\n')}\n`, addedLines: added, removedLines: removed, truncated }
}

/** Diff of two bodies when both are text (valid UTF-8 without NUL); `null` for binary bodies. */
export function diffBodies(captured: Buffer, sent: Buffer): TextDiff | null {
  const a = asText(captured)
  const b = asText(sent)
  return a === null || b === null ? null : diffText(a, b)
}

function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null
  const text = bytes.toString('utf8')
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null
}
