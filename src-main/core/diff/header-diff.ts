/**
 * Header differences between two requests. HTTP header names are case-insensitive, and a name may
 * repeat (two `Set-Cookie`, two signatures): every line is kept, and the n-th line of a name is
 * compared with the n-th line of that name on the other side. Order matters to some receivers (and
 * to signatures over header lists), so a shared name that moved is reported as reordered.
 */
import { diffArrays } from 'diff'
import type { HeaderChange, HeaderDiff } from '../../shared/capture-diff'
import type { HeaderPairs } from '../../shared/http-message'

/** Headers compared at most per side (the receiver caps a request's header count well below this). */
export const MAX_DIFF_HEADERS = 2_000

interface Line {
  name: string
  value: string
  position: number
}

function byName(headers: HeaderPairs): Map<string, Line[]> {
  const lines = new Map<string, Line[]>()
  headers.slice(0, MAX_DIFF_HEADERS).forEach(([name, value], position) => {
    const key = name.toLowerCase()
    const list = lines.get(key)
    if (list) list.push({ name, value, position })
    else lines.set(key, [{ name, value, position }])
  })
  return lines
}

/** What differs between two header lists, in the left list's order (right-only names last). */
export function diffHeaders(left: HeaderPairs, right: HeaderPairs): HeaderDiff {
  const leftLines = byName(left)
  const rightLines = byName(right)
  const changes: HeaderChange[] = []
  let unchangedCount = 0
  const names = [...leftLines.keys(), ...[...rightLines.keys()].filter((name) => !leftLines.has(name))]
  for (const name of names) {
    const ours = leftLines.get(name) ?? []
    const theirs = rightLines.get(name) ?? []
    const shared = Math.min(ours.length, theirs.length)
    for (let occurrence = 0; occurrence < shared; occurrence++) {
      const a = ours[occurrence] as Line
      const b = theirs[occurrence] as Line
      if (a.value === b.value && a.name === b.name) unchangedCount++
      else changes.push({ kind: 'changed', occurrence, left: { name: a.name, value: a.value }, right: { name: b.name, value: b.value } })
    }
    for (const line of ours.slice(shared)) changes.push({ kind: 'removed', name: line.name, value: line.value })
    for (const line of theirs.slice(shared)) changes.push({ kind: 'added', name: line.name, value: line.value })
  }
  changes.push(...reorderedNames(leftLines, rightLines))
  return { changes, unchangedCount }
}

/**
 * Names on both sides whose place among the shared names differs: those outside the longest
 * common subsequence of the two orders (by first occurrence) moved.
 */
function reorderedNames(leftLines: Map<string, Line[]>, rightLines: Map<string, Line[]>): HeaderChange[] {
  const firstPosition = (lines: Line[] | undefined): number => lines?.[0]?.position ?? -1
  const inBoth = (lines: Map<string, Line[]>, other: Map<string, Line[]>) =>
    [...lines.keys()].filter((name) => other.has(name)).sort((a, b) => firstPosition(lines.get(a)) - firstPosition(lines.get(b)))
  const leftOrder = inBoth(leftLines, rightLines)
  const rightOrder = inBoth(rightLines, leftLines)
  const moved = new Set<string>()
  for (const part of diffArrays(leftOrder, rightOrder)) if (part.added || part.removed) for (const name of part.value) moved.add(name)
  return [...moved]
    .sort((a, b) => firstPosition(leftLines.get(a)) - firstPosition(leftLines.get(b)))
    .map((name) => ({
      kind: 'reordered' as const,
      name: leftLines.get(name)?.[0]?.name ?? name,
      leftPosition: firstPosition(leftLines.get(name)),
      rightPosition: firstPosition(rightLines.get(name)),
    }))
}
