import { describe, expect, it } from 'vitest'
import { rowAtOffset, splitTextRows } from './text-rows'

function rowTexts(text: string, columns: number): string[] {
  const rows = splitTextRows(text, columns)
  return Array.from({ length: rows.count }, (_, index) => (rows.isContinuation[index] ? '↪' : '') + text.slice(rows.starts[index], rows.ends[index]))
}

describe('splitTextRows', () => {
  it('splits at LF, CR LF and lone CR, keeping empty lines', () => {
    expect(rowTexts('a\nb\r\nc\rd\n\ne', 80)).toEqual(['a', 'b', 'c', 'd', '', 'e'])
    expect(rowTexts('', 80)).toEqual([''])
    expect(rowTexts('end\n', 80)).toEqual(['end', ''])
  })

  it('wraps long lines every `columns` characters and marks continuations', () => {
    expect(rowTexts('abcdefg\nhi', 3)).toEqual(['abc', '↪def', '↪g', 'hi'])
    expect(rowTexts('abcdef', 3)).toEqual(['abc', '↪def'])
  })

  it('handles a megabyte on one line as rows of the given width', () => {
    const rows = splitTextRows('<'.repeat(1024 * 1024), 1024)
    expect(rows.count).toBe(1024)
    expect(rows.ends[1023]).toBe(1024 * 1024)
  })

  it('finds the row holding an offset', () => {
    const rows = splitTextRows('abcdefg\nhi', 3)
    expect([0, 2, 3, 6, 7, 8, 9].map((offset) => rowAtOffset(rows, offset))).toEqual([0, 0, 1, 2, 2, 3, 3])
  })
})
