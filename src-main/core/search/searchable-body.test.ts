import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeBody } from '../../shared/body-charset'
import { foldForSearch } from '../../shared/search-text-form'
import { MAX_INFLATED_BODY_BYTES, bodyDescriptionOf, searchableBodyText } from './searchable-body'

const described = (contentType: string | null, contentEncoding: string | null = null) => ({ contentType, contentEncoding })

describe('searchableBodyText', () => {
  it('lower-cases JSON, XML and text bodies', () => {
    expect(searchableBodyText(described('application/json'), Buffer.from('{"Name":"Alex"}'))).toBe('{"name":"alex"}')
    expect(searchableBodyText(described('application/vnd.api+json'), Buffer.from('{"A":1}'))).toBe('{"a":1}')
    expect(searchableBodyText(described('text/plain'), Buffer.from('Declined'))).toBe('declined')
    expect(searchableBodyText(described('application/xml'), Buffer.from('<R>OK</R>'))).toBe('<r>ok</r>')
  })

  it('gives null for an empty body', () => {
    expect(searchableBodyText(described('application/json'), Buffer.alloc(0))).toBeNull()
  })

  it('gives null for binary bodies, declared or not', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])
    expect(searchableBodyText(described(null), png)).toBeNull()
    expect(searchableBodyText(described('image/png'), Buffer.from('looks like text'))).toBeNull()
    expect(searchableBodyText(described('application/octet-stream'), Buffer.from('text'))).toBeNull()
    // Undeclared or unknown types are text only when the bytes plainly are.
    expect(searchableBodyText(described('application/x-custom'), Buffer.from([0x61, 0x00, 0x62]))).toBeNull()
    expect(searchableBodyText(described('application/x-custom'), Buffer.from('{"a":"B"}'))).toBe('{"a":"b"}')
    expect(searchableBodyText(described(null), Buffer.from('plain Words'))).toBe('plain words')
  })

  it('decodes the declared charset', () => {
    const latin1 = Buffer.from('M\xfcller \xe9', 'latin1')
    expect(searchableBodyText(described('text/plain; charset=ISO-8859-1'), latin1)).toBe('müller é')
    expect(searchableBodyText(described('text/plain; charset="windows-1252"'), Buffer.from([0x80, 0x20, 0x41]))).toBe('€ a')
    // ISO-8859-1 is byte for byte, as the body view shows it: 0x80 is a C1 control, not "€".
    expect(searchableBodyText(described('text/plain; charset=iso-8859-1'), Buffer.from([0x37, 0x80]))).toBe('7\u0080')
    // No charset in the Content-Type, one in the XML declaration: read as the viewer reads it.
    const declared = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><name>Jos\xe9</name>', 'latin1')
    expect(searchableBodyText(described('application/xml'), declared)).toContain('<name>josé</name>')
    expect(searchableBodyText(described('text/plain; charset=utf-16le'), Buffer.from('Grüße', 'utf16le'))).toBe('grüsse')
    const bigEndian = Buffer.from('Hi', 'utf16le').swap16()
    expect(searchableBodyText(described('text/plain; charset=utf-16be'), bigEndian)).toBe('hi')
    expect(searchableBodyText(described('text/plain'), Buffer.from('Grüße'))).toBe('grüsse')
  })

  it('follows a byte-order mark, even without a declared charset', () => {
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"A":"Ü"}', 'utf16le')])
    expect(searchableBodyText(described(null), withBom)).toBe('{"a":"ü"}')
  })

  it('decodes form fields so a typed name matches', () => {
    const text = searchableBodyText(described('application/x-www-form-urlencoded'), Buffer.from('name=Alex+Smith&city=M%C3%BCnchen&bad=%zz'))
    expect(text).toContain('name=alex+smith') // as sent
    expect(text).toContain('name=alex smith')
    expect(text).toContain('city=münchen')
    expect(text).toContain('bad=%zz')
  })

  it('decodes runs of form escapes and leaves broken ones as sent', () => {
    const text = searchableBodyText(described('application/x-www-form-urlencoded'), Buffer.from('a=%41%42%zz%43&b=100%&c=%4&d=%%41'))
    expect(text?.split('\n').slice(-4)).toEqual(['a=ab%zzc', 'b=100%', 'c=%4', 'd=%a'])
  })

  it('decodes form escapes in the declared charset', () => {
    const text = searchableBodyText(described('application/x-www-form-urlencoded; charset=iso-8859-1'), Buffer.from('name=M%FCller'))
    expect(text).toContain('name=müller')
  })

  it('decodes JSON string escapes beside the text as sent', () => {
    const text = searchableBodyText(
      described('application/json'),
      Buffer.from('{"name":"M\\u00fcller","path":"\\/a\\/b","emoji":"\\ud83d\\ude00","q":"say \\"hi\\""}'),
    )
    expect(text).toContain('m\\u00fcller')
    expect(text).toContain('müller')
    expect(text).toContain('/a/b')
    expect(text).toContain('😀')
    expect(text).toContain('say "hi"')
  })

  it('folds decomposed and precomposed characters to one form (NFC), whatever the charset', () => {
    expect(searchableBodyText(described('application/json'), Buffer.from('{"shop":"Cafe\u0301"}'))).toBe('{"shop":"caf\u00e9"}')
    expect(searchableBodyText(described('text/plain; charset=utf-16le'), Buffer.from('Mu\u0308ller', 'utf16le'))).toBe('m\u00fcller')
    // A JSON escape spelling the combining mark, in the decoded copy.
    expect(searchableBodyText(described('application/json'), Buffer.from('{"shop":"Cafe\\u0301"}'))).toContain('"shop":"caf\u00e9"')
  })

  it('drops whitespace next to JSON punctuation, in the text and in its decoded copy apart', () => {
    const pretty = JSON.stringify({ result: 'OK', items: [1, 2], note: 'a, b' }, null, 2)
    expect(searchableBodyText(described('application/json'), Buffer.from(pretty))).toBe('{"result":"ok","items":[1,2],"note":"a,b"}')
    // JSON escaped inside a JSON string (a payload field): its decoded copy is searched the same way.
    const escaped = searchableBodyText(described('application/json'), Buffer.from(JSON.stringify({ payload: '{\n  "result": "OK"\n}' })))
    expect(escaped?.split('\n')).toEqual(['{"payload":"{\\n  \\"result\\":\\"ok\\"\\n}"}', '{"payload":"{"result":"ok"}"}'])
    // In a form field or text too: one rule for any body text.
    expect(searchableBodyText(described('application/x-www-form-urlencoded'), Buffer.from('payload=%7B%22a%22%3A+1%7D'))).toContain('payload={"a":1}')
  })

  it('decodes XML character references', () => {
    const text = searchableBodyText(described('text/xml'), Buffer.from('<a>Tom &amp; Jerry &#228; &#x00E9; &bogus;</a>'))
    expect(text).toContain('tom & jerry ä é &bogus;')
  })

  it('inflates gzip, deflate (zlib or raw) and brotli content', () => {
    const json = '{"Event":"Refund"}'
    expect(searchableBodyText(described('application/json', 'gzip'), gzipSync(json))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'x-gzip'), gzipSync(json))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'deflate'), deflateSync(json))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'deflate'), deflateRawSync(json))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'br'), brotliCompressSync(json))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'gzip, gzip'), gzipSync(gzipSync(json)))).toBe('{"event":"refund"}')
    expect(searchableBodyText(described('application/json', 'identity'), Buffer.from(json))).toBe('{"event":"refund"}')
  })

  it('gives null for corrupt, unknown or too deeply layered encodings', () => {
    expect(searchableBodyText(described('application/json', 'gzip'), Buffer.from('not gzip'))).toBeNull()
    expect(searchableBodyText(described('application/json', 'compress'), Buffer.from('x'))).toBeNull()
    expect(searchableBodyText(described('application/json', 'gzip, gzip, gzip, gzip'), Buffer.from('x'))).toBeNull()
  })

  it('stops a gzip bomb at the output cap', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_INFLATED_BODY_BYTES + 1024, 0x61))
    expect(bomb.length).toBeLessThan(100_000)
    expect(searchableBodyText(described('text/plain', 'gzip'), bomb)).toBeNull()
    const fits = gzipSync(Buffer.alloc(1024 * 1024, 0x61))
    expect(searchableBodyText(described('text/plain', 'gzip'), fits)?.length).toBe(1024 * 1024)
  })

  it('reads the description from request headers', () => {
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['CONTENT-ENCODING', 'gzip'],
    ]
    expect(bodyDescriptionOf(headers)).toEqual({ contentType: 'application/json', contentEncoding: 'gzip' })
    expect(searchableBodyText({ headers }, gzipSync('{"A":1}'))).toBe('{"a":1}')
    expect(bodyDescriptionOf([])).toEqual({ contentType: null, contentEncoding: null })
  })
})

describe('one rule for the viewer and the search', () => {
  const utf16be = (text: string) => new Uint8Array([...text].flatMap((character) => [0, character.charCodeAt(0)]))
  const utf16le = (text: string) => new Uint8Array([...text].flatMap((character) => [character.charCodeAt(0), 0]))
  const cases: Array<{ contentType: string; bytes: Uint8Array; text: string }> = [
    // UTF-16 declared without a byte order mark: big-endian (RFC 2781) unless the second byte is a NUL.
    { contentType: 'text/plain; charset=utf-16', bytes: utf16be('Zahlung'), text: 'Zahlung' },
    { contentType: 'text/plain; charset=utf-16', bytes: utf16le('Zahlung'), text: 'Zahlung' },
    { contentType: 'text/plain; charset=UTF-16BE', bytes: utf16be('OK'), text: 'OK' },
    // A byte order mark wins over the declaration.
    { contentType: 'text/plain; charset=utf-16be', bytes: new Uint8Array([0xff, 0xfe, 0x41, 0x00]), text: 'A' },
    { contentType: 'text/plain; charset=iso-8859-1', bytes: new Uint8Array([0x4d, 0xfc, 0x6c, 0x80]), text: 'Mül\u0080' },
    { contentType: 'text/plain; charset=windows-1252', bytes: new Uint8Array([0x80, 0x35]), text: '€5' },
    // Another charset TextDecoder knows (ISO-8859-2: 0xB1 is "ą"), read the same way by both.
    { contentType: 'text/plain; charset=iso-8859-2', bytes: new Uint8Array([0x6b, 0xb1, 0x74]), text: 'kąt' },
    { contentType: 'text/plain; charset="x-made-up"', bytes: new TextEncoder().encode('Grüße'), text: 'Grüße' },
  ]

  it.each(cases)('$contentType: the view shows what the search looks in', ({ contentType, bytes, text }) => {
    expect(decodeBody(bytes, contentType).text).toBe(text)
    expect(searchableBodyText({ contentType, contentEncoding: null }, bytes)).toBe(foldForSearch(text))
  })
})
