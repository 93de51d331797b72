// Tests for src-main/shared/lossless-json.ts; they sit here because shared/ may import only zod.
import { describe, expect, it } from 'vitest'
import {
  childrenOf,
  decodeStringLiteral,
  indexInParent,
  isDuplicateKey,
  jsonLeaves,
  kindName,
  lineAndColumn,
  memberKey,
  nodePath,
  parseLosslessJson,
  rawMemberKey,
  rawText,
  stringValue,
  toJsonTree,
  type LosslessJsonDocument,
} from '../shared/lossless-json'

function parsed(text: string): LosslessJsonDocument {
  const result = parseLosslessJson(text)
  if (!result.ok) throw new Error(result.error.message)
  return result.document
}

function failure(text: string) {
  const result = parseLosslessJson(text)
  if (result.ok) throw new Error(`parsed: ${text}`)
  return result.error
}

describe('parseLosslessJson keeps what was sent', () => {
  const body = '{"paymentNumber": 12345678901234567891, "amount": 10.10, "fee": 1.0, "dup": "first", "dup": "second"}'

  it('keeps number literals verbatim', () => {
    const document = parsed(body)
    const values = childrenOf(document, 0).map((node) => [memberKey(document, node), rawText(document, node)])
    expect(values).toEqual([
      ['paymentNumber', '12345678901234567891'],
      ['amount', '10.10'],
      ['fee', '1.0'],
      ['dup', '"first"'],
      ['dup', '"second"'],
    ])
  })

  it('keeps every duplicate key, in order, and flags each of them', () => {
    const document = parsed(body)
    const members = childrenOf(document, 0)
    expect(members.map((node) => isDuplicateKey(document, node))).toEqual([false, false, false, true, true])
    expect(document.hasDuplicateKeys).toBe(true)
    expect(members.slice(3).map((node) => stringValue(document, node))).toEqual(['first', 'second'])
  })

  it('does not flag equal keys in different objects', () => {
    const document = parsed('[{"a":1},{"a":2}]')
    expect(document.hasDuplicateKeys).toBe(false)
    expect([...document.flags]).toEqual([0, 0, 0, 0, 0])
  })

  it('compares keys decoded: "a" and "\\u0061" are the same key', () => {
    const document = parsed('{"a":1,"\\u0061":2}')
    expect(childrenOf(document, 0).map((node) => isDuplicateKey(document, node))).toEqual([true, true])
    expect(childrenOf(document, 0).map((node) => rawMemberKey(document, node))).toEqual(['"a"', '"\\u0061"'])
  })

  it('keeps exponents, negative zero and other literals as written', () => {
    const document = parsed('[1e5, 1E+05, -0, 0.000, -1.5e-10, 123456789012345678901234567890.000]')
    expect(childrenOf(document, 0).map((node) => rawText(document, node))).toEqual([
      '1e5',
      '1E+05',
      '-0',
      '0.000',
      '-1.5e-10',
      '123456789012345678901234567890.000',
    ])
  })

  it('decodes strings and keeps their raw text', () => {
    const document = parsed('["a\\"b\\\\c\\/d\\b\\f\\n\\r\\t", "\\u00e9\\uD83D\\uDE00", "M\u00fcller", "\\ud800"]')
    const items = childrenOf(document, 0)
    expect(items.map((node) => stringValue(document, node))).toEqual(['a"b\\c/d\b\f\n\r\t', '\u00e9\u{1F600}', 'M\u00fcller', '\ud800'])
    expect(rawText(document, items[1]!)).toBe('"\\u00e9\\uD83D\\uDE00"')
  })

  it('records kinds, offsets, depth, parents and child counts', () => {
    const text = ' {"a": [true, false, null], "b": {}} '
    const document = parsed(text)
    expect(document.count).toBe(6)
    expect(Array.from({ length: document.count }, (_, node) => kindName(document, node))).toEqual(['object', 'array', 'true', 'false', 'null', 'object'])
    expect(rawText(document, 0)).toBe('{"a": [true, false, null], "b": {}}')
    expect(rawText(document, 1)).toBe('[true, false, null]')
    expect([...document.depth]).toEqual([0, 1, 2, 2, 2, 1])
    expect([...document.parent]).toEqual([-1, 0, 1, 1, 1, 0])
    expect([...document.childCount]).toEqual([2, 3, 0, 0, 0, 0])
    expect([...document.subtreeEnd]).toEqual([6, 5, 3, 4, 5, 6])
    expect(memberKey(document, 1)).toBe('a')
    expect(memberKey(document, 2)).toBeNull()
    expect(indexInParent(document, 4)).toBe(2)
  })

  it('accepts a scalar root and surrounding whitespace', () => {
    const document = parsed(' \n\t"just text"\r\n')
    expect(kindName(document, 0)).toBe('string')
    expect(stringValue(document, 0)).toBe('just text')
    expect(rawText(parsed('12.50'), 0)).toBe('12.50')
  })

  it('parses 100,000-deep nesting without recursion', () => {
    const depth = 100_000
    const document = parsed('['.repeat(depth) + '"deep"' + ']'.repeat(depth))
    expect(document.count).toBe(depth + 1)
    expect(document.depth[depth]).toBe(depth)
    expect(stringValue(document, depth)).toBe('deep')
    expect(document.subtreeEnd[0]).toBe(depth + 1)
  })

  it('parses deep objects without recursion, and builds the plain tree without it too', () => {
    const depth = 100_000
    const document = parsed('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))
    expect(document.count).toBe(depth + 1)
    let tree = toJsonTree(document)
    for (let level = 0; level < depth; level++) {
      if (tree.kind !== 'object') throw new Error(`level ${level} is ${tree.kind}`)
      tree = tree.members[0]!.value
    }
    expect(tree).toEqual({ kind: 'number', raw: '1' })
  })

  it('parses a 100,000-item array', () => {
    const document = parsed('[' + Array.from({ length: 100_000 }, (_, index) => index).join(',') + ']')
    expect(document.childCount[0]).toBe(100_000)
    expect(rawText(document, 100_000)).toBe('99999')
  })

  it('stops at maxNodes with a clear error', () => {
    const result = parseLosslessJson('[1,2,3,4]', { maxNodes: 3 })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ kind: 'too-many-values', expected: 'at most 3 values', offset: 5 })
  })
})

describe('parseLosslessJson reports where the syntax is wrong', () => {
  it.each([
    ['', 0, 'a value (object, array, string, number, true, false or null)', 'end of input'],
    ['{"a" 1}', 5, "':'", "'1'"],
    ['{"a": 1,}', 8, 'a string key', "'}'"],
    ['{"a": 1 "b": 2}', 8, "',' or '}'", "'\"'"],
    ['[1, 2', 5, "',' or ']'", 'end of input'],
    ['[1,]', 3, 'a value (object, array, string, number, true, false or null)', "']'"],
    ['[01]', 2, "',' or ']'", "'1'"],
    ['[1.]', 3, 'a digit after the decimal point', "']'"],
    ['[1e]', 3, 'a digit in the exponent', "']'"],
    ['[-]', 2, 'a digit', "']'"],
    ['{a:1}', 1, "a string key or '}'", "'a'"],
    ['"abc', 4, "'\"' closing the string", 'end of input'],
    ['"a\\x"', 3, 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX', "'x'"],
    ['"\\u12G4"', 5, 'a hex digit (\\uXXXX)', "'G'"],
    ['"a\nb"', 2, 'an escaped control character (raw control characters are not allowed in strings)', 'control character U+000A'],
    ['{} {}', 3, 'end of input', "'{'"],
    ['tru', 0, 'a value (object, array, string, number, true, false or null)', "'t'"],
    ['NaN', 0, 'a value (object, array, string, number, true, false or null)', "'N'"],
  ])('%j fails at offset %i', (text, offset, expected, found) => {
    const error = failure(text)
    expect(error).toMatchObject({ kind: 'syntax', offset, expected, found })
  })

  it('gives line and column, counting LF, CR LF and CR line ends', () => {
    const error = failure('{\n  "a": 1,\r\n  "b" 2\r}')
    expect(error).toMatchObject({ line: 3, column: 7, offset: 19 })
    expect(error.message).toBe("Expected ':' but found '2' at line 3, column 7.")
  })

  it('counts columns from 1 on the first line', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 })
    expect(lineAndColumn('a\rb\r\nc', 5)).toEqual({ line: 3, column: 1 })
  })

  it('stays linear on hostile input (300,000 unclosed brackets)', () => {
    const error = failure('['.repeat(300_000))
    expect(error.offset).toBe(300_000)
    expect(error.found).toBe('end of input')
  })
})

describe('reading a document', () => {
  it('names paths, escaping keys that are not identifiers', () => {
    const document = parsed('{"items": [{"id": 1}, {"id": 2}], "a key": {"x.y": true}}')
    const paths = Array.from({ length: document.count }, (_, node) => nodePath(document, node))
    expect(paths).toEqual(['$', '$.items', '$.items[0]', '$.items[0].id', '$.items[1]', '$.items[1].id', '$["a key"]', '$["a key"]["x.y"]'])
  })

  it('lists leaves with paths, raw literals and duplicate occurrences', () => {
    const document = parsed('{"amount": 10.10, "tags": [], "dup": 1, "dup": 2, "o": {"n": null}}')
    expect(jsonLeaves(document).map(({ path, occurrence, kind, raw, duplicateKey }) => ({ path, occurrence, kind, raw, duplicateKey }))).toEqual([
      { path: '$.amount', occurrence: 0, kind: 'number', raw: '10.10', duplicateKey: false },
      { path: '$.tags', occurrence: 0, kind: 'array', raw: '[]', duplicateKey: false },
      { path: '$.dup', occurrence: 0, kind: 'number', raw: '1', duplicateKey: true },
      { path: '$.dup', occurrence: 1, kind: 'number', raw: '2', duplicateKey: true },
      { path: '$.o.n', occurrence: 0, kind: 'null', raw: 'null', duplicateKey: false },
    ])
  })

  it('builds a plain tree with verbatim literals and every member', () => {
    expect(toJsonTree(parsed('{"n": 1.0, "s": "\\u0041", "b": false, "dup": [], "dup": null}'))).toEqual({
      kind: 'object',
      members: [
        { key: 'n', rawKey: '"n"', duplicate: false, value: { kind: 'number', raw: '1.0' } },
        { key: 's', rawKey: '"s"', duplicate: false, value: { kind: 'string', value: 'A', raw: '"\\u0041"' } },
        { key: 'b', rawKey: '"b"', duplicate: false, value: { kind: 'boolean', value: false } },
        { key: 'dup', rawKey: '"dup"', duplicate: true, value: { kind: 'array', items: [] } },
        { key: 'dup', rawKey: '"dup"', duplicate: true, value: { kind: 'null' } },
      ],
    })
  })

  it('decodes a literal range in a larger text', () => {
    expect(decodeStringLiteral('xx"a\\tb"yy', 2, 8)).toBe('a\tb')
  })

  it('refuses to read a non-string as a string', () => {
    expect(() => stringValue(parsed('1'), 0)).toThrow(/number, not a string/)
  })

  it('agrees with JSON.parse on what is valid', () => {
    const samples = [
      '{"a":[1,2,{"b":null}]}',
      '[]',
      '{}',
      '"\\u0000"',
      '[true,false]',
      '-0.5e+3',
      ' [ ] ',
      '[1,]',
      '{"a":1,}',
      '01',
      '1.',
      '.5',
      '+1',
      '[1 2]',
      '"\t"',
      '{"a":1}}',
    ]
    for (const sample of samples) {
      let expected = true
      try {
        JSON.parse(sample)
      } catch {
        expected = false
      }
      expect(parseLosslessJson(sample).ok, sample).toBe(expected)
    }
  })
})
