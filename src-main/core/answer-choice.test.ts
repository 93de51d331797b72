// Tests for src-main/shared/answer-choice.ts; they sit here because shared/ may import only zod.
import { describe, expect, it } from 'vitest'
import { describeAnswerChoice } from '../shared/answer-choice'

describe('describeAnswerChoice', () => {
  it('names a known provider by its display name and keeps an unknown id as it is', () => {
    expect(describeAnswerChoice({ kind: 'provider-default', provider: 'swedbankpay' })).toBe('Provider default (PayEx / Swedbank Pay)')
    expect(describeAnswerChoice({ kind: 'provider-default', provider: 'acme-pay' })).toBe('Provider default (acme-pay)')
    expect(describeAnswerChoice({ kind: 'provider-default', provider: null })).toBe('Default answer (no provider recognised)')
  })

  it('says which step of a sequence answered', () => {
    expect(describeAnswerChoice({ kind: 'sequence', step: 2, of: 3 })).toBe('Sequence step 2 of 3')
  })

  it('says an imported answer was imported, whatever it was imported from (a file, pasted text)', () => {
    expect(describeAnswerChoice({ kind: 'imported' })).toBe('Imported')
  })
})
