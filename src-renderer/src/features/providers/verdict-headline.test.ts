import { describe, expect, it } from 'vitest'
import { verdictHeadline } from './verdict-headline'

describe('verdictHeadline', () => {
  it('names an invalid verdict’s reason in words, not by its API code', () => {
    expect(verdictHeadline({ status: 'invalid', reason: 'stale-timestamp', message: 'timestamp outside tolerance: …' })).toBe(
      'Invalid: timestamp outside tolerance',
    )
    expect(verdictHeadline({ status: 'invalid', reason: 'signed-data-changed', message: '…' })).toBe('Invalid: signed data changed')
    expect(verdictHeadline({ status: 'invalid', reason: 'wrong-key', message: '…' })).toBe('Invalid: signed with another key')
  })

  it('keeps the other verdicts’ headlines', () => {
    expect(verdictHeadline({ status: 'valid', variant: 'v1', message: '…' })).toBe('Valid (v1)')
    expect(verdictHeadline({ status: 'no-key', message: '…' })).toBe('No key configured')
    expect(verdictHeadline({ status: 'unsigned', confirmHint: null, message: '…' })).toBe('Unsigned by design')
    expect(verdictHeadline({ status: 'not-applicable', message: '…' })).toBe('Not applicable')
  })
})
