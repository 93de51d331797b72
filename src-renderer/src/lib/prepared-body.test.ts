import { describe, expect, it } from 'vitest'
import { analyseBody } from './body-views'
import { SYNC_PARSE_MAX_CHARS } from './json-view-parse'
import { isJsonParsedInWorker, readBodyText } from './prepared-body'

const utf8 = (text: string) => new TextEncoder().encode(text)
const largeJson = '[' + Array.from({ length: SYNC_PARSE_MAX_CHARS / 4 }, (_, index) => index).join(',') + ', 12345678901234567891]'

describe('readBodyText', () => {
  it('decodes as the viewer would: the declared charset, and the analysis agrees with decoding in place', () => {
    const bytes = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72])
    const text = readBodyText(bytes, 'text/plain; charset=iso-8859-1')
    expect(text).toMatchObject({ decoded: { text: 'Müller', encoding: 'ISO-8859-1' }, lenientText: null })
    expect(analyseBody(bytes, 'text/plain; charset=iso-8859-1', text.decoded)).toEqual(analyseBody(bytes, 'text/plain; charset=iso-8859-1'))
  })

  it('keeps bytes that do not decode as no text, with the U+FFFD reading beside it for the Raw view', () => {
    expect(readBodyText(new Uint8Array([0x63, 0xe9]), 'text/plain')).toMatchObject({ decoded: { text: null }, lenientText: 'c\uFFFD' })
  })
})

describe('isJsonParsedInWorker', () => {
  it('is true for JSON too long to parse at once, false for short JSON, other types and bodies that do not decode', () => {
    const large = utf8(largeJson)
    expect(isJsonParsedInWorker(large, 'application/json', readBodyText(large, 'application/json').decoded)).toBe(true)
    const small = utf8('{"amount": 10.10}')
    expect(isJsonParsedInWorker(small, 'application/json', readBodyText(small, 'application/json').decoded)).toBe(false)
    const xml = utf8('<a>' + 'x'.repeat(SYNC_PARSE_MAX_CHARS) + '</a>')
    expect(isJsonParsedInWorker(xml, 'application/xml', readBodyText(xml, 'application/xml').decoded)).toBe(false)
    const binary = new Uint8Array(SYNC_PARSE_MAX_CHARS * 2).fill(0xff)
    expect(isJsonParsedInWorker(binary, 'application/json', readBodyText(binary, 'application/json').decoded)).toBe(false)
  })
})
