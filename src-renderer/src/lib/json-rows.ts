/**
 * The rows of the JSON view: one row per value (a scalar, or a container's opening line) and one
 * per closing bracket of an expanded container, in document order. Computed from the lossless
 * document's columns in one pass that skips collapsed subtrees, so the cost is the number of
 * visible rows, never the document's size.
 */
import { JsonKind, type LosslessJsonDocument } from '@shared/lossless-json'

/**
 * Row entries: `node` (>= 0) is the value's own row; `~node` (< 0) is the closing-bracket row of
 * an expanded container.
 */
export type JsonRows = Int32Array

/** Up to this many values the whole document opens expanded; beyond, only the root does. */
export const EXPAND_ALL_MAX_NODES = 200_000

export function isContainerKind(kind: number): boolean {
  return kind === JsonKind.object || kind === JsonKind.array
}

/** 1 = collapsed. Small documents open fully; large ones open the root and keep the rest closed. */
export function initialCollapsed(document: LosslessJsonDocument): Uint8Array {
  const collapsed = new Uint8Array(document.count)
  if (document.count <= EXPAND_ALL_MAX_NODES) return collapsed
  for (let node = 1; node < document.count; node++) {
    if (isContainerKind(document.kind[node]!) && document.childCount[node]! > 0) collapsed[node] = 1
  }
  return collapsed
}

export function visibleRows(document: LosslessJsonDocument, collapsed: Uint8Array): JsonRows {
  // At most one opening and one closing row per value.
  const rows = new Int32Array(document.count * 2)
  let rowCount = 0
  const open: number[] = []
  let node = 0
  while (node < document.count) {
    while (open.length > 0 && document.subtreeEnd[open.at(-1)!]! <= node) rows[rowCount++] = ~open.pop()!
    rows[rowCount++] = node
    if (isContainerKind(document.kind[node]!) && document.childCount[node]! > 0 && collapsed[node] !== 1) {
      open.push(node)
      node++
    } else {
      node = document.subtreeEnd[node]!
    }
  }
  while (open.length > 0) rows[rowCount++] = ~open.pop()!
  return rows.slice(0, rowCount)
}

/** The row index of a node's own row, or -1 when it is hidden inside a collapsed container. */
export function rowOfNode(document: LosslessJsonDocument, rows: JsonRows, node: number): number {
  // Row order sorts by this key: a node's row at `node`, a closing row just before the next sibling.
  const keyOf = (entry: number) => (entry >= 0 ? entry : document.subtreeEnd[~entry]! - 0.5)
  let low = 0
  let high = rows.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (keyOf(rows[middle]!) < node) low = middle + 1
    else high = middle
  }
  return rows[low] === node ? low : -1
}

/** Where a node's row starts in the text: its key if it is an object member, else its value. */
export function rowStartOffset(document: LosslessJsonDocument, node: number): number {
  const keyStart = document.keyStart[node]!
  return keyStart >= 0 ? keyStart : document.start[node]!
}

/** The value whose row covers a text offset: the last node whose row starts at or before it. */
export function nodeAtOffset(document: LosslessJsonDocument, offset: number): number {
  let low = 0
  let high = document.count - 1
  while (low < high) {
    const middle = (low + high + 1) >>> 1
    if (rowStartOffset(document, middle) <= offset) low = middle
    else high = middle - 1
  }
  return low
}

/** A copy of `collapsed` with every container around `node` opened, so its row is visible. */
export function revealNode(document: LosslessJsonDocument, collapsed: Uint8Array, node: number): Uint8Array {
  let changed: Uint8Array | null = null
  for (let parent = document.parent[node]!; parent >= 0; parent = document.parent[parent]!) {
    if (collapsed[parent] === 1) {
      changed ??= collapsed.slice()
      changed[parent] = 0
    }
  }
  return changed ?? collapsed
}

/** Collapsed flags with every container open, or every container but the root closed. */
export function allCollapsed(document: LosslessJsonDocument, isCollapsed: boolean): Uint8Array {
  const collapsed = new Uint8Array(document.count)
  if (!isCollapsed) return collapsed
  for (let node = 1; node < document.count; node++) {
    if (isContainerKind(document.kind[node]!)) collapsed[node] = 1
  }
  return collapsed
}
