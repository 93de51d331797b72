import { describe, expect, it } from 'vitest'
import { listLocationHash, readListLocation } from './list-location'

describe('list location in the fragment', () => {
  it('round-trips a scope and every filter field', () => {
    const filter = {
      query: 'body:"Alex Smith" -status:5xx a+b & c=d #x',
      text: 'old',
      provider: 'ixopay',
      verdict: 'invalid',
      method: 'POST',
      answer: '5xx',
      outcome: 'captured',
    } as const
    const hash = listLocationHash({ scope: 'endpoint-1', filter }, '')
    expect(hash.startsWith('#scope=endpoint-1&q=body%3A%22Alex%20Smith%22')).toBe(true)
    expect(readListLocation(hash)).toEqual({ scope: 'endpoint-1', filter })
  })

  it('keeps parameters that are not the list’s, and replaces its own', () => {
    const hash = listLocationHash({ scope: 'all', filter: { provider: 'stripe' } }, '#other=1&q=old&provider=chip')
    expect(hash).toBe('#other=1&scope=all&provider=stripe')
  })

  it('writes no empty or blank pieces', () => {
    expect(listLocationHash({ scope: 'all', filter: { query: '   ', text: '' } }, '')).toBe('#scope=all')
  })

  it('drops values a hand-edited address got wrong', () => {
    const read = readListLocation('#scope=e1&provider=visa&verdict=fine&method=PO%20ST&answer=6xx&outcome=lost&q=' + 'x'.repeat(1001))
    expect(read).toEqual({ scope: 'e1', filter: {} })
  })

  it('reads an empty fragment as no scope and no filter', () => {
    expect(readListLocation('')).toEqual({ scope: undefined, filter: {} })
    expect(readListLocation('#')).toEqual({ scope: undefined, filter: {} })
  })

  it('keeps a malformed query as typed: the search box says what is wrong with it', () => {
    expect(readListLocation('#q=%22unclosed').filter).toEqual({ query: '"unclosed' })
  })
})
