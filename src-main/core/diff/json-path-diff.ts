/**
 * A JSON-aware body diff: the values that differ, by path (`$.amount: "9.99" → "19.99"`).
 *
 * Both bodies are read with the lossless reader (shared/lossless-json.ts), so values compare by
 * their literal text: `10.10` and `10.1` differ, `12345678901234567891` is never rounded, and both
 * values under a repeated key are compared (the n-th with the n-th). Arrays compare by index: an
 * item inserted at the front shows as changes down the array, which the line diff beside it
 * makes readable.
 */
import { jsonLeaves, parseLosslessJson, type JsonLeaf } from '../../shared/lossless-json'
import type { JsonPathChange } from '../../shared/capture-diff'

/** Values (nodes) read per body at most; bigger documents get the line diff only. */
export const MAX_JSON_DIFF_NODES = 200_000
/** Changes listed at most; `changeCount` still counts them all. */
export const MAX_JSON_PATH_CHANGES = 1_000

export type JsonPathDiffResult =
  | { ok: true; changes: JsonPathChange[]; changeCount: number; truncated: boolean; unchangedValues: number }
  | { ok: false; side: 'left' | 'right'; message: string }

interface Keyed {
  leaf: JsonLeaf
  key: string
  index: number
}

/** Each leaf with a key unique within its document: its path and its occurrence among leaves of that path. */
function keyedLeaves(leaves: JsonLeaf[]): Keyed[] {
  const seen = new Map<string, number>()
  return leaves.map((leaf, index) => {
    const occurrence = seen.get(leaf.path) ?? 0
    seen.set(leaf.path, occurrence + 1)
    return { leaf, key: `${occurrence}\u0000${leaf.path}`, index }
  })
}

function occurrenceOf(key: string): number {
  return Number(key.slice(0, key.indexOf('\u0000')))
}

function readLeaves(text: string, side: 'left' | 'right'): { ok: true; leaves: JsonLeaf[]; duplicates: boolean } | { ok: false; side: 'left' | 'right'; message: string } {
  const parsed = parseLosslessJson(text, { maxNodes: MAX_JSON_DIFF_NODES })
  if (!parsed.ok) return { ok: false, side, message: parsed.error.message }
  return { ok: true, leaves: jsonLeaves(parsed.document), duplicates: parsed.document.hasDuplicateKeys }
}

/** The values that differ between two JSON texts, in document order; `ok: false` names the side that is not JSON. */
export function diffJsonPaths(leftText: string, rightText: string): JsonPathDiffResult {
  const left = readLeaves(leftText, 'left')
  if (!left.ok) return left
  const right = readLeaves(rightText, 'right')
  if (!right.ok) return right
  const leftKeyed = keyedLeaves(left.leaves)
  const rightKeyed = keyedLeaves(right.leaves)
  const rightByKey = new Map(rightKeyed.map((entry) => [entry.key, entry]))
  const leftByKey = new Map(leftKeyed.map((entry) => [entry.key, entry]))
  // Sorted by where they sit: [left index, 0] for changed and removed values; an added value goes
  // just before the next value both sides share ([its left index, -1, right index]), so removals
  // and additions at one place read in order.
  const ordered: Array<{ sort: [number, number, number]; change: JsonPathChange }> = []
  let unchangedValues = 0
  for (const entry of leftKeyed) {
    const other = rightByKey.get(entry.key)
    const duplicateKey = entry.leaf.duplicateKey || (other?.leaf.duplicateKey ?? false) || isUnderDuplicate(entry.key, left.duplicates, right.duplicates)
    if (other === undefined) {
      ordered.push({ sort: [entry.index, 0, 0], change: { kind: 'removed', path: entry.leaf.path, occurrence: occurrenceOf(entry.key), left: entry.leaf.raw, right: null, duplicateKey } })
    } else if (other.leaf.raw !== entry.leaf.raw) {
      ordered.push({ sort: [entry.index, 0, 0], change: { kind: 'changed', path: entry.leaf.path, occurrence: occurrenceOf(entry.key), left: entry.leaf.raw, right: other.leaf.raw, duplicateKey } })
    } else unchangedValues++
  }
  let nextSharedLeft = Number.MAX_SAFE_INTEGER
  for (let index = rightKeyed.length - 1; index >= 0; index--) {
    const entry = rightKeyed[index] as Keyed
    const shared = leftByKey.get(entry.key)
    if (shared !== undefined) {
      nextSharedLeft = shared.index
      continue
    }
    const duplicateKey = entry.leaf.duplicateKey || isUnderDuplicate(entry.key, left.duplicates, right.duplicates)
    ordered.push({ sort: [nextSharedLeft, -1, entry.index], change: { kind: 'added', path: entry.leaf.path, occurrence: occurrenceOf(entry.key), left: null, right: entry.leaf.raw, duplicateKey } })
  }
  ordered.sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1] || a.sort[2] - b.sort[2])
  return {
    ok: true,
    changes: ordered.slice(0, MAX_JSON_PATH_CHANGES).map((entry) => entry.change),
    changeCount: ordered.length,
    truncated: ordered.length > MAX_JSON_PATH_CHANGES,
    unchangedValues,
  }
}

/**
 * A value below a repeated key (`{"a":{"x":1},"a":{"x":2}}`) is not itself flagged by the reader;
 * a second occurrence of its path can only come from a repeated key somewhere above it.
 */
function isUnderDuplicate(key: string, leftHasDuplicates: boolean, rightHasDuplicates: boolean): boolean {
  return occurrenceOf(key) > 0 && (leftHasDuplicates || rightHasDuplicates)
}
