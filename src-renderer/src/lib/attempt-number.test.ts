import { describe, expect, it } from 'vitest'
import { parseAttemptNumber } from './attempt-number'

describe('parseAttemptNumber', () => {
  it('reads a number as typed, as the Delivery view writes it (#37) or counts it (1,234)', () => {
    expect(parseAttemptNumber(' 37 ', 10_000)).toEqual({ attempt: 37 })
    expect(parseAttemptNumber('#37', 10_000)).toEqual({ attempt: 37 })
    expect(parseAttemptNumber('1,234', 10_000)).toEqual({ attempt: 1_234 })
    expect(parseAttemptNumber('\t#1,234\n', 10_000)).toEqual({ attempt: 1_234 })
    expect(parseAttemptNumber('10000', 10_000)).toEqual({ attempt: 10_000 })
  })

  it('says there is no such attempt past the last one, and which numbers the delivery has', () => {
    expect(parseAttemptNumber('521', 520)).toEqual({ problem: 'There is no attempt 521. This delivery has attempts 1 to 520.' })
    expect(parseAttemptNumber('#1,234', 520)).toEqual({ problem: 'There is no attempt 1,234. This delivery has attempts 1 to 520.' })
    expect(parseAttemptNumber('9'.repeat(20), 520)).toEqual({
      problem: 'There is no attempt 100,000,000,000,000,000,000. This delivery has attempts 1 to 520.',
    })
  })

  it('says when the text is not an attempt number at all', () => {
    expect(parseAttemptNumber('  ', 520)).toEqual({ problem: 'Type an attempt number.' })
    for (const text of ['0', '3.5', '-2', 'abc', '#7a', '1e3']) {
      expect(parseAttemptNumber(` ${text} `, 520)).toEqual({ problem: `“${text}” is not an attempt number. This delivery has attempts 1 to 520.` })
    }
  })

  it('reads nothing out of the text: a space or a comma out of place makes it no number, and says why', () => {
    // Read without its spaces, "1 2" went to attempt 12.
    const range = 'This delivery has attempts 1 to 520.'
    for (const text of ['1 2', '#1 2', '1 234', '1\t2']) {
      expect(parseAttemptNumber(` ${text} `, 520)).toEqual({ problem: `“${text}” is not one attempt number: it has a space inside. ${range}` })
    }
    for (const text of ['1,2', '12,', ',12', '1,23,456']) {
      expect(parseAttemptNumber(text, 520)).toEqual({ problem: `“${text}” is not an attempt number: commas only group thousands (1,234). ${range}` })
    }
  })
})
