import { describe, expect, it } from 'vitest'
import { bodyReadingLine, jsonSameValuesLine } from './body-reading'

describe('bodyReadingLine', () => {
  it('says how each side was read when one was not the bytes as received', () => {
    expect(bodyReadingLine({ left: 'gzip decompressed', right: null })).toBe('Compared as read: Left gzip decompressed · Right as received (UTF-8)')
    expect(bodyReadingLine({ left: null, right: 'decoded as ISO-8859-1' }, ['Captured', 'Sent'])).toBe(
      'Compared as read: Captured as received (UTF-8) · Sent decoded as ISO-8859-1',
    )
  })

  it('says nothing when both sides are the bytes as received', () => {
    expect(bodyReadingLine(null)).toBeNull()
    expect(bodyReadingLine({ left: null, right: null })).toBeNull()
  })
})

describe('jsonSameValuesLine', () => {
  it('puts the difference down to the encoding when the values and the text read are the same', () => {
    expect(jsonSameValuesLine(7, true, { left: 'gzip decompressed', right: null })).toBe(
      'Every JSON value is the same (7 values), and so is the text as read: the bodies differ only in how they were encoded (see above).',
    )
  })

  it('points at the line diff when the text differs, or when nothing was decoded', () => {
    const textDiffers = 'Every JSON value is the same (1 value); only the text differs (spacing, key order, escapes or a byte order mark): see the line diff.'
    expect(jsonSameValuesLine(1, false, { left: 'gzip decompressed', right: null })).toBe(textDiffers)
    expect(jsonSameValuesLine(1, true, null)).toBe(textDiffers)
  })
})
