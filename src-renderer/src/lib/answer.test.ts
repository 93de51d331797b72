import { describe, expect, it } from 'vitest'
import type { AnswerRecord } from '@shared/views'
import { answerLongLabel, answerStatusClass } from './answer'

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

  it('draws a pass-through capture awaiting its upstream answer as pending, not as an error', () => {
    const forward = { kind: 'forward', targetUrl: 'http://127.0.0.1:9/hooks' } as const
    expect(answerStatusClass(answer({ kind: 'hang', status: null, chosenBy: forward }))).toBe('status-pending')
    // A hang the endpoint chose is an answer withheld on purpose: still drawn as a failure.
    expect(answerStatusClass(answer({ kind: 'hang', status: null }))).toBe('status-server-error')
  })
})

describe('answerLongLabel', () => {
  it('says a hang chosen by a pass-through forward held the sender for the upstream answer, not that it was never answered', () => {
    expect(answerLongLabel(answer({ kind: 'hang', status: null, chosenBy: { kind: 'forward', targetUrl: 'http://127.0.0.1:9/hooks' } }))).toBe(
      'Held for the upstream answer',
    )
    expect(answerLongLabel(answer({ kind: 'hang', status: null }))).toBe('Never answered (connection held open)')
  })
})
