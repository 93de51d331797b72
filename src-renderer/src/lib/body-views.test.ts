import { describe, expect, it } from 'vitest'
import { analyseBody, withoutJsonView, parseFormFields } from './body-views'
import { MAX_PRETTY_XML_CHARS } from './xml-pretty'

const utf8 = (text: string) => new TextEncoder().encode(text)

describe('analyseBody', () => {
  it('opens a declared ISO-8859-1 body as text, decoded (B9)', () => {
    const analysis = analyseBody(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), 'text/plain; charset=iso-8859-1')
    expect(analysis.preferred).toBe('text')
    expect(analysis.text).toBe('Müller')
    expect(analysis.decoded.encoding).toBe('ISO-8859-1')
  })

  it('keeps hex first for bytes that are not valid in the (default) UTF-8', () => {
    const analysis = analyseBody(new Uint8Array([0x63, 0xe9]), 'text/plain')
    expect(analysis).toMatchObject({ preferred: 'hex', text: null, isBinary: true })
    expect(analysis.notice).toBe('Declared as text/plain, but the bytes are not valid UTF-8.')
  })

  it('offers JSON for a JSON content type even when the body will not parse (the view shows where)', () => {
    const analysis = analyseBody(utf8('{"a": '), 'application/json')
    expect(analysis).toMatchObject({ preferred: 'json', isJsonDeclared: true })
  })

  it('offers JSON for an undeclared body that starts like JSON, and drops it when asked', () => {
    const analysis = analyseBody(utf8('[INFO] not json'), 'text/plain')
    expect(analysis).toMatchObject({ preferred: 'json', isJsonDeclared: false })
    expect(withoutJsonView(analysis)).toMatchObject({ preferred: 'text', views: ['text', 'hex'] })
  })

  it('formats XML up to the cap and shows larger XML as raw text, saying why', () => {
    expect(analyseBody(utf8('<a><b/></a>'), 'application/xml').preferred).toBe('xml')
    const large = analyseBody(utf8('<a>' + 'x'.repeat(MAX_PRETTY_XML_CHARS) + '</a>'), 'application/xml')
    expect(large.views).toEqual(['text', 'hex'])
    expect(large.notice).toContain('raw text')
  })

  it('never formats HTML as XML', () => {
    expect(analyseBody(utf8('<html><body>x</body></html>'), 'text/html').preferred).toBe('text')
  })
})

describe('parseFormFields', () => {
  it('decodes fields in order, duplicates kept, as servers decode them', () => {
    expect(parseFormFields('status=OK&name=J%C3%BCrgen+M&x=1&x=2')).toEqual({
      fields: [
        ['status', 'OK'],
        ['name', 'Jürgen M'],
        ['x', '1'],
        ['x', '2'],
      ],
      total: 4,
    })
  })

  it("decodes escapes in the form's declared charset, as the search does", () => {
    const latin1 = analyseBody(new TextEncoder().encode('name=M%FCller&city=K%F6ln+%80&flag'), 'application/x-www-form-urlencoded; charset=iso-8859-1').decoded
    expect(parseFormFields('name=M%FCller&city=K%F6ln+%80&flag&bad=%ZZ', 10, latin1).fields).toEqual([
      ['name', 'Müller'],
      ['city', 'Köln \u0080'],
      ['flag', ''],
      ['bad', '%ZZ'],
    ])
    const windows1252 = analyseBody(new Uint8Array(0), 'application/x-www-form-urlencoded; charset=windows-1252').decoded
    expect(parseFormFields('price=%8010', 10, windows1252).fields).toEqual([['price', '€10']])
    // Escapes that are no UTF-8 in a form without a charset: said, not passed off as sent.
    expect(parseFormFields('name=M%FCller', 10)).toEqual({ fields: [['name', 'M\ufffdller']], total: 1, invalidUtf8Escapes: true })
    expect(parseFormFields('name=M\ufffdller', 10)).toEqual({ fields: [['name', 'M\ufffdller']], total: 1 })
    // UTF-8 (declared, or no charset) as before.
    expect(parseFormFields('name=M%C3%BCller', 10, analyseBody(new Uint8Array(0), 'application/x-www-form-urlencoded').decoded).fields).toEqual([
      ['name', 'Müller'],
    ])
  })

  it('keeps a ? that starts the body as part of the first name', () => {
    expect(parseFormFields('?a=1&b=2').fields).toEqual([
      ['?a', '1'],
      ['b', '2'],
    ])
  })

  it('decodes only the first fields asked for and counts them all, empty pieces not counted', () => {
    const body = Array.from({ length: 5000 }, (_, index) => `f${index}=v+${index}`).join('&') + '&&'
    const { fields, total } = parseFormFields(body, 3)
    expect(fields).toEqual([
      ['f0', 'v 0'],
      ['f1', 'v 1'],
      ['f2', 'v 2'],
    ])
    expect(total).toBe(5000)
    expect(parseFormFields('a=1&&b', 10)).toEqual({
      fields: [
        ['a', '1'],
        ['b', ''],
      ],
      total: 2,
    })
    expect(parseFormFields('', 10)).toEqual({ fields: [], total: 0 })
  })
})
