import { describe, expect, it } from 'vitest'
import { withPastedLineBreaks } from './exact-paste'

describe('withPastedLineBreaks', () => {
  const paste = { pasted: 'POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\na\r\n', shown: 'POST /x HTTP/1.1\nContent-Length: 3\n\na\n' }

  it('gives back the pasted CRLF while the field still holds what was pasted', () => {
    expect(withPastedLineBreaks(paste.shown, paste)).toBe(paste.pasted)
  })

  it('leaves an edited field, or one nothing was pasted into, as it is', () => {
    expect(withPastedLineBreaks(`${paste.shown}b`, paste)).toBe(`${paste.shown}b`)
    expect(withPastedLineBreaks('typed\n', null)).toBe('typed\n')
  })
})
