import { describe, expect, it } from 'vitest'
import { bodyEncodingOf, decodeBody, decodedAsLabel, declaredCharset, decodeLatin1 } from './body-charset'

const bytes = (...values: number[]) => new Uint8Array(values)

describe('decodeBody', () => {
  it('decodes ISO-8859-1 byte for byte, 0x80-0x9F included', () => {
    const decoded = decodeBody(bytes(0x4d, 0xfc, 0x6c, 0x80), 'text/plain; charset=ISO-8859-1')
    expect(decoded).toMatchObject({ text: 'Mül\u0080', encoding: 'ISO-8859-1', source: 'declared' })
    expect(decodedAsLabel(decoded)).toBe('decoded as ISO-8859-1 (the declared charset)')
  })

  it('decodes windows-1252, where 0x80 is the euro sign', () => {
    expect(decodeBody(bytes(0x80, 0x35), 'text/plain; charset="windows-1252"')).toMatchObject({ text: '€5', encoding: 'windows-1252' })
  })

  it('decodes UTF-16 from a byte order mark or a declaration', () => {
    expect(decodeBody(bytes(0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00), null)).toMatchObject({ text: 'Aé', encoding: 'UTF-16LE', source: 'byte order mark' })
    expect(decodeBody(bytes(0xfe, 0xff, 0x00, 0x41), 'text/plain')).toMatchObject({ text: 'A', encoding: 'UTF-16BE' })
    expect(decodeBody(bytes(0x41, 0x00, 0x42, 0x00), 'text/plain; charset=utf-16')).toMatchObject({ text: 'AB', encoding: 'UTF-16LE', source: 'declared' })
    expect(decodeBody(bytes(0x00, 0x41), 'text/plain; charset=utf-16be')).toMatchObject({ text: 'A', encoding: 'UTF-16BE' })
  })

  it('decodes UTF-8 strictly by default and gives null for invalid bytes', () => {
    expect(decodeBody(new TextEncoder().encode('Grüße'), 'application/json')).toMatchObject({ text: 'Grüße', encoding: 'UTF-8', source: 'default' })
    expect(decodeBody(bytes(0x63, 0xe9), 'text/plain').text).toBeNull()
  })

  it('falls back to UTF-8 for a charset it does not know, and says so', () => {
    const decoded = decodeBody(new TextEncoder().encode('ok'), 'text/plain; charset=x-made-up')
    expect(decoded).toMatchObject({ text: 'ok', unknownDeclared: 'x-made-up' })
    expect(decodedAsLabel(decoded)).toContain('"x-made-up" is not one this viewer knows')
  })

  it("reads an XML declaration's encoding when the Content-Type names no charset", () => {
    const xml = (declaration: string, body: string) => Uint8Array.from(`<?xml version="1.0"${declaration}?><n>${body}</n>`, (char) => char.charCodeAt(0))
    const decoded = decodeBody(xml(' encoding="ISO-8859-1"', 'M\xfcller'), 'application/xml')
    expect(decoded).toMatchObject({ text: '<?xml version="1.0" encoding="ISO-8859-1"?><n>Müller</n>', encoding: 'ISO-8859-1', source: 'declared' })
    expect(decodeBody(xml(" encoding='windows-1252' standalone='yes'", '\x80'), 'text/xml').text).toContain('<n>€</n>')
    // The Content-Type's charset wins; an ASCII-readable declaration saying UTF-16 is not believed.
    expect(decodeBody(xml(' encoding="ISO-8859-1"', 'x'), 'application/xml; charset=utf-8')).toMatchObject({ encoding: 'UTF-8', source: 'declared' })
    expect(decodeBody(xml(' encoding="UTF-16"', 'x'), 'application/xml')).toMatchObject({ encoding: 'UTF-8', source: 'default' })
    expect(decodeBody(xml('', 'M\xfcller'), 'application/xml').text).toBeNull()
  })

  it('decodes long Latin-1 bodies in chunks', () => {
    const long = new Uint8Array(100_000).fill(0xe9)
    expect(decodeLatin1(long)).toBe('é'.repeat(100_000))
  })
})

describe('windows-1252', () => {
  it('maps the five unassigned bytes to the C1 code points of the same number', () => {
    expect(decodeBody(new Uint8Array([0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x99]), 'text/plain; charset=cp1252').text).toBe('\u0081\u008d\u008f\u0090\u009d™')
  })
})

describe('the charset rule', () => {
  const utf16be = (text: string) => new Uint8Array([...text].flatMap((character) => [0, character.charCodeAt(0)]))
  const utf16le = (text: string) => new Uint8Array([...text].flatMap((character) => [character.charCodeAt(0), 0]))

  it('guesses the byte order of UTF-16 without a byte order mark', () => {
    expect(bodyEncodingOf(utf16be('A'), 'utf-16')).toMatchObject({ encoding: 'UTF-16BE', source: 'declared' })
    expect(bodyEncodingOf(utf16le('A'), 'utf-16')).toMatchObject({ encoding: 'UTF-16LE', source: 'declared' })
    expect(decodeBody(utf16le('Zahlung'), 'text/plain; charset=utf-16').text).toBe('Zahlung')
  })

  it('lets a byte order mark win over the declaration', () => {
    expect(bodyEncodingOf(new Uint8Array([0xff, 0xfe, 0x41, 0x00]), 'utf-16be')).toMatchObject({ encoding: 'UTF-16LE', source: 'byte order mark' })
  })

  it('reads the charset parameter in any case, quoted or not', () => {
    expect(declaredCharset('text/plain; Charset="ISO-8859-1"')).toBe('iso-8859-1')
    expect(declaredCharset('application/json;charset=utf-8')).toBe('utf-8')
    expect(declaredCharset('application/json')).toBeNull()
    expect(declaredCharset(null)).toBeNull()
  })
})
