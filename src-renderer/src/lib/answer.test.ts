import { describe, expect, it } from 'vitest'
import type { AnswerRecord } from '@shared/views'
import { answerStatusClass } from './answer'

const answer = (fields: Partial<AnswerRecord>): AnswerRecord => ({
  kind: 'respond',
  status: 200,
  headers: [],
  bodySize: 0,
  delayMs: 0,
  chosenBy: { kind: 'default' },
  ...fields,
})

describe('answerStatusClass', () => {
  it('shows an imported capture without an answer as neutral, a connection dropped as an error', () => {
    expect(answerStatusClass(answer({ kind: 'none', status: null, chosenBy: { kind: 'imported' } }))).toBe('status-imported')
    expect(answerStatusClass(answer({ kind: 'reset', status: null }))).toBe('status-server-error')
    expect(answerStatusClass(answer({ status: 503 }))).toBe('status-server-error')
    expect(answerStatusClass(answer({ status: 200 }))).toBe('status-ok')
  })
})
