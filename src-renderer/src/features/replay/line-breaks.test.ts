import { describe, expect, it } from 'vitest'
import { lineBreaksOf, withLineBreaks } from './line-breaks'

describe('lineBreaksOf', () => {
  it('tells LF, CRLF and a mix apart', () => {
    expect(lineBreaksOf('{"a": 1}')).toBe('lf')
    expect(lineBreaksOf('a\nb\n')).toBe('lf')
    expect(lineBreaksOf('a\r\nb\r\n')).toBe('crlf')
    expect(lineBreaksOf('a\r\nb\n')).toBe('mixed')
    expect(lineBreaksOf('a\rb')).toBe('mixed')
    expect(lineBreaksOf('a\r\n\rb')).toBe('mixed')
  })
})

describe('withLineBreaks', () => {
  it('gives a CRLF body its CRLF back from the LF a textarea holds, and leaves text already so alone', () => {
    expect(withLineBreaks('--XX\nname="a"\n\nhello\n--XX--\n', 'crlf')).toBe('--XX\r\nname="a"\r\n\r\nhello\r\n--XX--\r\n')
    expect(withLineBreaks('a\r\nb', 'crlf')).toBe('a\r\nb')
    expect(withLineBreaks('a\nb', 'lf')).toBe('a\nb')
  })
})
