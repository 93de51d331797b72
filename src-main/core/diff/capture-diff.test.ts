import { createHash } from 'node:crypto'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { describeJsonPathChange } from '../../shared/capture-diff'
import { MAX_DECODED_BODY_BYTES } from '../content-coding'
import { diffHeaders } from './header-diff'
import { diffJsonPaths, MAX_JSON_DIFF_NODES, MAX_JSON_PATH_CHANGES } from './json-path-diff'
import { diffBodies, MAX_DIFF_BODY_BYTES, type BodyToCompare } from './request-diff'
import { DIFF_MAX_LINE_CHARS, diffTextBounded } from './text-diff'

const labels = { left: 'left', right: 'right' }

function body(text: string | Buffer, complete = true): BodyToCompare {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, complete }
}

describe('diffJsonPaths', () => {
  it('names a changed amount by its path, quoting both literals as sent', () => {
    const result = diffJsonPaths('{"uuid":"u1","amount":"9.99","currency":"EUR"}', '{"uuid":"u1","amount":"19.99","currency":"EUR"}')
    expect(result.ok && result.changes.map(describeJsonPathChange)).toEqual(['$.amount: "9.99" → "19.99"'])
    expect(result.ok && result.unchangedValues).toBe(2)
  })

  it('compares numbers by their literal text, never rounding', () => {
    const result = diffJsonPaths('{"a":10.10,"id":12345678901234567891,"b":1.0}', '{"a":10.1,"id":12345678901234567892,"b":1.0}')
    expect(result.ok && result.changes.map(describeJsonPathChange)).toEqual(['$.a: 10.10 → 10.1', '$.id: 12345678901234567891 → 12345678901234567892'])
  })

  it('compares every value under a repeated key, occurrence by occurrence', () => {
    const result = diffJsonPaths('{"status":"PENDING","status":"OK"}', '{"status":"PENDING","status":"ERROR"}')
    expect(result.ok && result.changes).toEqual([{ kind: 'changed', path: '$.status', occurrence: 1, left: '"OK"', right: '"ERROR"', duplicateKey: true }])
    expect(result.ok && describeJsonPathChange(result.changes[0]!)).toBe('$.status (#2): "OK" → "ERROR"')
  })

  it('lists added and removed values in document order, and changes of kind', () => {
    const result = diffJsonPaths('{"a":1,"b":{"c":true},"d":[1,2]}', '{"a":"1","b":{},"x":null,"d":[1,2,3]}')
    expect(result.ok && result.changes.map(describeJsonPathChange)).toEqual(['$.a: 1 → "1"', '$.b.c: removed true', '$.x: added null', '$.d[2]: added 3'])
  })

  it('lists what went and what came when a value changes kind, and addresses values under a repeated key by occurrence', () => {
    const kinds = diffJsonPaths('{"a":{"x":1,"y":[true]}}', '{"a":"gone"}')
    expect(kinds.ok && kinds.changes.map(describeJsonPathChange)).toEqual(['$.a.x: removed 1', '$.a.y[0]: removed true', '$.a: added "gone"'])
    const repeated = diffJsonPaths('{"a":{"x":1},"a":{"x":2}}', '{"a":{"x":1},"a":{"x":3}}')
    expect(repeated.ok && repeated.changes).toEqual([{ kind: 'changed', path: '$.a.x', occurrence: 1, left: '2', right: '3', duplicateKey: true }])
  })

  it('walks hostile nesting without overflowing the stack', () => {
    const deep = (leaf: string) => `${'['.repeat(50_000)}${leaf}${']'.repeat(50_000)}`
    const result = diffJsonPaths(deep('1'), deep('2'))
    expect(result.ok && result.changeCount).toBe(1)
  })

  it('says which side is not JSON', () => {
    expect(diffJsonPaths('{"a":1}', '{"a":1,}')).toMatchObject({ ok: false, side: 'right' })
  })

  it('caps the listed changes but counts them all', () => {
    const many = (value: number) => JSON.stringify(Array.from({ length: MAX_JSON_PATH_CHANGES + 10 }, () => value))
    const result = diffJsonPaths(many(1), many(2))
    expect(result.ok && [result.changes.length, result.changeCount, result.truncated]).toEqual([MAX_JSON_PATH_CHANGES, MAX_JSON_PATH_CHANGES + 10, true])
  })
})

describe('diffHeaders', () => {
  it('matches names case-insensitively, keeps duplicates, and reports added, removed, changed and reordered lines', () => {
    const diff = diffHeaders(
      [
        ['Content-Type', 'application/json'],
        ['X-Signature', 'aaa'],
        ['Date', 'Mon'],
        ['Via', 'a'],
        ['Via', 'b'],
        ['X-Old', '1'],
      ],
      [
        ['Date', 'Mon'],
        ['content-type', 'application/json'],
        ['X-Signature', 'bbb'],
        ['Via', 'a'],
        ['X-New', '2'],
      ],
    )
    expect(diff.changes).toEqual([
      { kind: 'changed', occurrence: 0, left: { name: 'Content-Type', value: 'application/json' }, right: { name: 'content-type', value: 'application/json' } },
      { kind: 'changed', occurrence: 0, left: { name: 'X-Signature', value: 'aaa' }, right: { name: 'X-Signature', value: 'bbb' } },
      { kind: 'removed', name: 'Via', value: 'b' },
      { kind: 'removed', name: 'X-Old', value: '1' },
      { kind: 'added', name: 'X-New', value: '2' },
      { kind: 'reordered', name: 'Date', leftPosition: 2, rightPosition: 0 },
    ])
    expect(diff.unchangedCount).toBe(2)
  })

  it('finds nothing between equal lists', () => {
    expect(diffHeaders([['A', '1']], [['A', '1']])).toEqual({ changes: [], unchangedCount: 1 })
  })
})

describe('diffTextBounded (jsdiff)', () => {
  it('writes a unified diff with counts', () => {
    const diff = diffTextBounded('a\nb\nc\n', 'a\nB\nc\n', labels)
    expect(diff.unified).toBe('--- left\n+++ right\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n')
    expect(diff).toMatchObject({ addedLines: 1, removedLines: 1, truncated: false })
  })

  it('gives up on texts too different to diff cheaply and says so', () => {
    const lines = (count: number, tag: string) => Array.from({ length: count }, (_, index) => `${tag}${index}`).join('\n')
    const diff = diffTextBounded(lines(20_000, 'a'), lines(20_000, 'b'), labels)
    expect(diff.truncated).toBe(true)
    expect(diff.unified).toContain('too many changed lines')
  })

  it('cuts very long lines for display and says how much is left out', () => {
    const diff = diffTextBounded('x'.repeat(DIFF_MAX_LINE_CHARS * 3), 'y', labels)
    expect(diff.unified).toContain(`${(DIFF_MAX_LINE_CHARS * 2 + 1).toLocaleString('en-US')} more characters`)
  })
})

describe('diffBodies', () => {
  it('picks the JSON path diff for JSON bodies, with the line diff beside it', () => {
    const result = diffBodies(body('{"amount":"9.99"}'), body('{"amount":"19.99"}'), labels)
    expect(result.kind).toBe('json')
    expect(result.kind === 'json' && result.text?.addedLines).toBe(1)
  })

  it('falls back to a line diff with the reason when one side is broken JSON', () => {
    const result = diffBodies(body('{"a":1}'), body('{"a":1'), labels)
    expect(result.kind).toBe('text')
    expect(result.kind === 'text' && result.jsonError).toMatch(/^the right body is not valid JSON: /)
  })

  it('compares a JSON body with an XML one by line, without calling the XML invalid JSON', () => {
    const xml = '<?xml version="1.0"?><callback><result>OK</result></callback>'
    const result = diffBodies(body('{"result":"OK"}'), body(xml), labels, { left: 'application/json', right: 'text/xml; charset=utf-8' })
    expect(result).toMatchObject({ kind: 'text', jsonError: null })
    expect(diffBodies(body(xml), body('{"result":"OK"}'), labels)).toMatchObject({ kind: 'text', jsonError: null })
    // Said to be JSON, it is reported as not valid JSON, whatever its first character.
    const mislabelled = diffBodies(body('{"result":"OK"}'), body(xml), labels, { left: 'application/json', right: 'application/vnd.api+json' })
    expect(mislabelled.kind === 'text' && mislabelled.jsonError).toMatch(/^the right body is not valid JSON: /)
  })

  it('says a JSON body with too many values gets the line diff only, without calling it invalid', () => {
    const many = (value: string) => `[${Array.from({ length: MAX_JSON_DIFF_NODES }, () => value).join(',')}]`
    const result = diffBodies(body(many('1')), body(many('2')), labels)
    expect(result.kind === 'text' && result.jsonError).toMatch(/more than 100,000 JSON values/)
  })

  it('compares binary, too large and incompletely recorded bodies by hash only', () => {
    expect(diffBodies(body(Buffer.from([0, 1, 2])), body('x'), labels).kind).toBe('binary')
    expect(diffBodies(body('a'.repeat(MAX_DIFF_BODY_BYTES + 1)), body('b'), labels).kind).toBe('too-large')
    expect(diffBodies(body('abc'), body('abd', false), labels)).toMatchObject({ kind: 'incomplete', reason: expect.stringContaining('right') })
    expect(diffBodies(body('same'), body('same'), labels)).toEqual({ kind: 'identical', size: 4 })
    // Two bodies that were not stored (refused requests) hash alike as no bytes: not the same body.
    const notStored = { ...body(''), complete: false, notStored: true }
    expect(diffBodies(notStored, notStored, labels)).toEqual({
      kind: 'incomplete',
      left: { sha256: notStored.sha256, size: 0 },
      right: { sha256: notStored.sha256, size: 0 },
      reason: 'the left body was not stored, so the bodies cannot be compared',
    })
  })
})

describe('compressed bodies, and bodies that differ only in how they are encoded', () => {
  const json = (value: number) => Buffer.from(`{"amount":${value},"name":"Müller"}`)
  const diffEncoded = (left: Buffer, right: Buffer, leftEncoding: string | null, rightEncoding = leftEncoding, type = 'application/json') =>
    diffBodies(body(left), body(right), labels, { left: type, right: type }, { left: leftEncoding, right: rightEncoding })

  it('compares gzip, deflate and br bodies decompressed, and says each side was', () => {
    for (const [coding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['deflate', deflateRawSync],
      ['br', brotliCompressSync],
    ] as const) {
      const result = diffEncoded(compress(json(1)), compress(json(2)), coding)
      expect(result.kind).toBe('json')
      expect(result.kind === 'json' && result.changes.map(describeJsonPathChange)).toEqual(['$.amount: 1 → 2'])
      const decompressed = `${coding} decompressed (Content-Encoding)`
      expect(result.kind === 'json' && result.readAs).toEqual({ left: decompressed, right: decompressed })
    }
    // The same JSON sent compressed and not: no value differs, and the diff says one side was decompressed.
    const mixed = diffEncoded(gzipSync(json(1)), json(1), 'gzip', null)
    expect(mixed).toMatchObject({ kind: 'json', changes: [], readAs: { left: 'gzip decompressed (Content-Encoding)', right: null } })
    // Layers are undone in turn, text is decoded in its declared charset after.
    const layered = diffEncoded(
      gzipSync(gzipSync(Buffer.from('name=M\xfcller', 'latin1'))),
      Buffer.from('name=Müller'),
      'gzip, gzip',
      null,
      'text/plain; charset=iso-8859-1',
    )
    expect(layered).toMatchObject({
      kind: 'text',
      text: { unified: '' },
      readAs: { left: 'gzip, gzip decompressed (Content-Encoding), decoded as ISO-8859-1 (the declared charset)', right: null },
    })
  })

  it('compares a body that inflates past the limit, or does not inflate, by hash', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DIFF_BODY_BYTES + 1, 0x20))
    expect(bomb.length).toBeLessThan(MAX_DIFF_BODY_BYTES)
    expect(diffEncoded(bomb, gzipSync(json(1)), 'gzip').kind).toBe('too-large')
    // Inflating stops just past what is diffed: a bomb past the app's 16 MiB cap too is too large, not binary.
    expect(diffEncoded(gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES + 1, 0x20)), gzipSync(json(1)), 'gzip').kind).toBe('too-large')
    expect(diffEncoded(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]), gzipSync(json(1)), 'gzip').kind).toBe('binary')
  })

  it('says how each side was read when the texts are the same but the bytes are not', () => {
    const latin1 = diffEncoded(Buffer.from('name=M\xfcller', 'latin1'), Buffer.from('name=Müller'), null, null, 'text/plain; charset=iso-8859-1')
    expect(latin1).toMatchObject({ kind: 'text', text: { unified: '' }, readAs: { left: 'decoded as ISO-8859-1 (the declared charset)', right: null } })
    const utf16 = diffEncoded(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]), Buffer.from('{"a":1}'), null)
    expect(utf16).toMatchObject({ kind: 'json', changes: [], readAs: { left: 'decoded as UTF-16LE (from its byte order mark)', right: null } })
    // Bytes read as received in UTF-8 on both sides need no word.
    expect(diffEncoded(json(1), json(2), null)).toMatchObject({ kind: 'json', readAs: null })
  })
})

describe('bodies in a declared charset, and a byte order mark', () => {
  const diffAs = (left: Buffer | string, right: Buffer | string, leftType: string | null, rightType = leftType) =>
    diffBodies(body(left), body(right), labels, { left: leftType, right: rightType })

  it('compares ISO-8859-1, windows-1252 and UTF-16 text as text, not as binary', () => {
    const latin1 = diffAs(Buffer.from('name=M\xfcller', 'latin1'), Buffer.from('name=M\xfcllar', 'latin1'), 'text/plain; charset=ISO-8859-1')
    expect(latin1.kind).toBe('text')
    expect(latin1.kind === 'text' && latin1.text.unified).toContain('-name=Müller\n+name=Müllar')
    const windows1252 = diffAs(Buffer.from([0x80, 0x31]), Buffer.from([0x80, 0x32]), 'text/plain; charset=windows-1252')
    expect(windows1252.kind === 'text' && windows1252.text.unified).toContain('-€1\n+€2')
    const utf16 = diffAs(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"amount":"9.99"}', 'utf16le')]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"amount":"19.99"}', 'utf16le')]),
      'application/json',
    )
    expect(utf16.kind === 'json' && utf16.changes.map(describeJsonPathChange)).toEqual(['$.amount: "9.99" → "19.99"'])
    // Bytes that are not text in any declared charset stay binary, and so do undeclared non-UTF-8 bytes.
    expect(diffAs(Buffer.from([0xc3, 0x28]), Buffer.from([0xc3, 0x29]), 'text/plain; charset=utf-8').kind).toBe('binary')
    expect(diffAs(Buffer.from('M\xfcller', 'latin1'), Buffer.from('M\xfcllar', 'latin1'), null).kind).toBe('binary')
  })

  it('compares JSON with a byte order mark by its values and shows the mark in the line diff', () => {
    const result = diffAs('\ufeff{"a":1,"b":2}', '{"a":1,"b":3}', 'application/json')
    expect(result.kind).toBe('json')
    expect(result.kind === 'json' && result.changes.map(describeJsonPathChange)).toEqual(['$.b: 2 → 3'])
    const markOnly = diffAs('\ufeff{"a":1}', '{"a":1}', 'application/json')
    expect(markOnly.kind === 'json' && markOnly.changes).toEqual([])
    expect(markOnly.kind === 'json' && markOnly.text?.unified).toContain('-<U+FEFF>{"a":1}\n+{"a":1}')
  })
})
