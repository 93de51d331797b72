import { describe, expect, it } from 'vitest'
import { assertNever } from './assert-never'
import { errorMessage, InspectorError } from './errors'

describe('errorMessage', () => {
  it('gives the message of an Error, its subclasses included', () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input')
    expect(errorMessage(new InspectorError('NOT_FOUND', 'no such capture'))).toBe('no such capture')
  })

  it('gives the string form of anything else thrown', () => {
    expect(errorMessage('plain text')).toBe('plain text')
    expect(errorMessage(42)).toBe('42')
    expect(errorMessage(undefined)).toBe('undefined')
  })
})

describe('assertNever', () => {
  it('throws with the value a switch did not expect', () => {
    expect(() => assertNever('surprise' as never)).toThrow('unexpected value: "surprise"')
  })
})
