import { describe, expect, it } from 'vitest'
import { parseAttemptNumber } from './attempt-number'

describe('parseAttemptNumber', () => {
  it('reads a number as typed, as the Delivery view writes it (#37) or counts it (1,234)', () => {
    expect(parseAttemptNumber(' 37 ', 10_000)).toEqual({ attempt: 37 })
    expect(parseAttemptNumber('#37', 10_000)).toEqual({ attempt: 37 })
    expect(parseAttemptNumber('1,234', 10_000)).toEqual({ attempt: 1_234 })
    expect(parseAttemptNumber('10000', 10_000)).toEqual({ attempt: 10_000 })
  })

  it('says which numbers the delivery has when the text is not one of them', () => {
    expect(parseAttemptNumber('', 520)).toEqual({ problem: 'Type an attempt number.' })
    for (const text of ['0', '521', '3.5', '-2', 'abc', '9'.repeat(20)]) {
      expect(parseAttemptNumber(text, 520)).toEqual({ problem: 'This delivery has attempts 1 to 520.' })
    }
  })
})
