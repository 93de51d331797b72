import { describe, expect, it } from 'vitest'
import { parseLosslessJson, type LosslessJsonDocument } from '@shared/lossless-json'
import { allCollapsed, EXPAND_ALL_MAX_NODES, initialCollapsed, nodeAtOffset, revealNode, rowOfNode, visibleRows } from './json-rows'

function parsed(text: string): LosslessJsonDocument {
  const result = parseLosslessJson(text)
  if (!result.ok) throw new Error(result.error.message)
  return result.document
}

// Nodes: 0 root {, 1 "a" [, 2 1, 3 2, 4 "b" {, 5 "c" null
const text = '{"a": [1, 2], "b": {"c": null}, "d": []}'

describe('visibleRows', () => {
  it('lists each value and the closing row of each open container, in order', () => {
    const document = parsed(text)
    expect([...visibleRows(document, new Uint8Array(document.count))]).toEqual([0, 1, 2, 3, ~1, 4, 5, ~4, 6, ~0])
  })

  it('skips the inside of collapsed containers', () => {
    const document = parsed(text)
    const collapsed = new Uint8Array(document.count)
    collapsed[1] = 1
    expect([...visibleRows(document, collapsed)]).toEqual([0, 1, 4, 5, ~4, 6, ~0])
    collapsed[0] = 1
    expect([...visibleRows(document, collapsed)]).toEqual([0])
  })

  it('handles a scalar root and deep nesting', () => {
    expect([...visibleRows(parsed('"x"'), new Uint8Array(1))]).toEqual([0])
    const deep = parsed('['.repeat(50_000) + ']'.repeat(50_000))
    expect(visibleRows(deep, new Uint8Array(deep.count)).length).toBe(2 * 50_000 - 1)
  })
})

describe('row lookups', () => {
  it('finds a node row, or -1 when it is hidden', () => {
    const document = parsed(text)
    const open = new Uint8Array(document.count)
    const rows = visibleRows(document, open)
    expect([0, 1, 2, 3, 4, 5, 6].map((node) => rowOfNode(document, rows, node))).toEqual([0, 1, 2, 3, 5, 6, 8])
    const collapsed = open.slice()
    collapsed[4] = 1
    expect(rowOfNode(document, visibleRows(document, collapsed), 5)).toBe(-1)
  })

  it('maps a text offset to the value whose row covers it (keys included)', () => {
    const document = parsed(text)
    expect(nodeAtOffset(document, text.indexOf('"c"'))).toBe(5)
    expect(nodeAtOffset(document, text.indexOf('null') + 2)).toBe(5)
    expect(nodeAtOffset(document, text.indexOf('2'))).toBe(3)
    expect(nodeAtOffset(document, 0)).toBe(0)
  })

  it('opens the containers around a node, leaving the array untouched when nothing changes', () => {
    const document = parsed(text)
    const collapsed = allCollapsed(document, true)
    collapsed[0] = 1
    const revealed = revealNode(document, collapsed, 5)
    expect([...revealed]).toEqual([0, 1, 0, 0, 0, 0, 1])
    expect(revealNode(document, revealed, 5)).toBe(revealed)
  })
})

describe('initialCollapsed', () => {
  it('opens small documents fully and large ones at the root only', () => {
    expect([...initialCollapsed(parsed(text))].every((flag) => flag === 0)).toBe(true)
    const large = parsed('[' + Array.from({ length: EXPAND_ALL_MAX_NODES }, () => '[1]').join(',') + ']')
    const collapsed = initialCollapsed(large)
    expect(collapsed[0]).toBe(0)
    expect(collapsed[1]).toBe(1)
    expect(visibleRows(large, collapsed).length).toBe(EXPAND_ALL_MAX_NODES + 2)
  })
})
