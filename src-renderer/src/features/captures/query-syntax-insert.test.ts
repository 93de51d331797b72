import { describe, expect, it } from 'vitest'
import { QUERY_SYNTAX_HELP } from '@shared/capture-query-help'
import { groupSyntaxRows, insertExample } from './query-syntax-insert'

describe('insertExample', () => {
  it('selects a field term’s value, so typing replaces it', () => {
    expect(insertExample('', 'from:merchant.bundle')).toEqual({ text: 'from:merchant.bundle', selectionStart: 5, selectionEnd: 20 })
    expect(insertExample('', 'header.user-agent:ixopay')).toEqual({ text: 'header.user-agent:ixopay', selectionStart: 18, selectionEnd: 24 })
  })

  it('adds to what the box holds, one space between', () => {
    expect(insertExample('refund  ', 'status:5xx')).toEqual({ text: 'refund status:5xx', selectionStart: 14, selectionEnd: 17 })
  })

  it('selects only the first value of an example with two terms', () => {
    const inserted = insertExample('x', 'after:-2h before:2026-12-01')
    expect(inserted.text).toBe('x after:-2h before:2026-12-01')
    expect(inserted.text.slice(inserted.selectionStart, inserted.selectionEnd)).toBe('-2h')
  })

  it('selects the whole of a phrase, a word or a URL', () => {
    expect(insertExample('a', '"Alex Smith"')).toEqual({ text: 'a "Alex Smith"', selectionStart: 2, selectionEnd: 14 })
    const url = insertExample('', 'https://host/shop/cb?id=7')
    expect([url.selectionStart, url.selectionEnd]).toEqual([0, url.text.length])
  })
})

describe('groupSyntaxRows', () => {
  it('puts every term of the help in one group, from: among the fields and a URL among the text', () => {
    const groups = groupSyntaxRows(QUERY_SYNTAX_HELP)
    expect(groups.flatMap((group) => group.rows)).toHaveLength(QUERY_SYNTAX_HELP.length)
    const fields = groups[1]!.rows.map((row) => row.example)
    expect(fields).toContain('from:merchant.bundle')
    expect(fields).toContain('status:5xx')
    expect(fields.some((example) => example.startsWith('https:'))).toBe(false)
    expect(groups[2]!.rows.map((row) => row.example)).toEqual(['-term', 'a OR b c', '(a OR b) c'])
  })
})
