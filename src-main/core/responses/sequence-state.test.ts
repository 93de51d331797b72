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

describe('counters saved under an earlier version’s delivery keys', () => {
  // A Paystack transaction id past 2^53: today's key holds every digit, earlier versions' keys the value JSON.parse rounded it to.
  const exact = 'paystack:charge.success:12345678901234567890:success'
  const neighbour = 'paystack:charge.success:12345678901234567891:success'
  const rounded = 'paystack:charge.success:12345678901234567000:success'
  const failTwice = sequenceOf([500, 500, 200])
  const restoredWith = (formerKey: string) => {
    const first = createSequenceState()
    first.nextStep('e1', formerKey, failTwice)
    first.nextStep('e1', formerKey, failTwice)
    const { fingerprints, counters } = first.snapshot()
    return createSequenceState({ restored: { fingerprints, counters: [], formerCounters: counters } })
  }

  it('go on for the delivery whose id was rounded into the key, and only for the first one', () => {
    const state = restoredWith(rounded)
    expect(state.nextStep('e1', exact, failTwice)).toBe(3)
    // Taken over: the neighbour whose id rounds alike is a delivery of its own.
    expect(state.nextStep('e1', neighbour, failTwice)).toBe(1)
    expect(state.nextStep('e1', exact, failTwice)).toBe(3)
    expect(state.snapshot().formerCounters).toEqual([])
    expect(state.snapshot().counters.map((counter) => counter.deliveryKey)).toEqual([neighbour, exact])
  })

  it('go on under a key that did not change, stay per endpoint, and wait across saves until used', () => {
    const state = restoredWith('ixopay:tx-1:DEBIT:OK')
    expect(state.nextStep('e2', 'ixopay:tx-1:DEBIT:OK', failTwice)).toBe(1)
    const again = createSequenceState({ restored: state.snapshot() })
    expect(again.nextStep('e1', 'ixopay:tx-1:DEBIT:OK', failTwice)).toBe(3)
  })

  it('are forgotten by a reset and by changed steps', () => {
    const reset = restoredWith(rounded)
    reset.reset('e1')
    expect(reset.nextStep('e1', exact, failTwice)).toBe(1)
    expect(restoredWith(rounded).nextStep('e1', exact, sequenceOf([500, 200]))).toBe(1)
  })
})
