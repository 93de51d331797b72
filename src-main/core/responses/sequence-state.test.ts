import { describe, expect, it } from 'vitest'
import type { Sequence } from '../../shared/responses'
import { parseAnswerConfig } from './parse-answer-config'
import { createSequenceState } from './sequence-state'

const sequenceOf = (statuses: number[]): Sequence =>
  parseAnswerConfig({
    defaultAnswer: 'provider-default',
    rules: [],
    sequence: { enabled: true, afterLast: 'repeat-last', steps: statuses.map((status) => ({ kind: 'respond', status })) },
    failureRate: null,
  }).sequence!
const sequence = sequenceOf([500, 200])

describe('sequence state snapshots', () => {
  it('restores counters and their least-recently-used order, and reports every change', () => {
    let changes = 0
    const first = createSequenceState({ onChange: () => changes++ })
    first.nextStep('e1', 'a', sequence)
    first.nextStep('e1', 'b', sequence)
    first.nextStep('e1', 'a', sequence)
    expect(changes).toBe(3)
    const snapshot = first.snapshot()
    expect(snapshot.counters.map((counter) => counter.deliveryKey)).toEqual(['b', 'a'])

    // Room for one key: the least recently used one ("b") is dropped on restore.
    const restored = createSequenceState({ restored: snapshot, maxKeys: 1 })
    expect(restored.size).toBe(1)
    expect(restored.nextStep('e1', 'a', sequence)).toBe(2)
    expect(restored.nextStep('e1', 'b', sequence)).toBe(1)
  })

  it('starts over when the restored counters were made for other steps', () => {
    const first = createSequenceState()
    first.nextStep('e1', 'a', sequence)
    const restored = createSequenceState({ restored: first.snapshot() })
    expect(restored.nextStep('e1', 'a', sequenceOf([500, 500, 200]))).toBe(1)
  })
})
