import { describe, expect, it } from 'vitest'
import { buildCurlCommand } from '../../shared/curl-command'
import type { EntryResult } from './bundle-format'
import { EMPTY_STDIN_NOTE, readCurlCommands } from './curl-import'
import type { ExchangeCapture } from './exchange-capture'
import { writeHttpMessage, readHttpMessages } from './http-message-format'
import { writeBundle } from './bundle-format'
import { writeHar } from './har-format'
import { detectFormat, locateJsonSyntaxError, parseJsonDocument, readImportFile } from './import-file'
import { exchangeCapture } from '../../test-support/exchange-capture'
import { exportPieces } from './export-file'
import { SAMPLE_CONTEXT } from '../../test-support/export-samples'

const MAX = 10 * 1024 * 1024

function captures(result: { ok: true; entries: EntryResult[] } | { ok: false; message: string }): ExchangeCapture[] {
  if (!result.ok) throw new Error(result.message)
  return result.entries.map((entry) => {
    if (!entry.ok) throw new Error(entry.message)
    return entry.capture
  })
}

describe('curl commands', () => {
  it('reads quoting, continuations, comments and several commands', () => {
    const text = [
      '# exported',
      "curl -X POST 'http://h/a?x=1' \\",
      "  -H 'X-A: it'\\''s' -H \"X-B: \\\"q\\\" \\$HOME\" \\",
      "  --data-raw $'line1\\nline2\\x21'",
      "curl http://h/b -d 'a=1'; curl http://h/c --json '{\"k\": [1,",
      "  2]}'",
    ].join('\n')
    const [first, second, third] = captures(readCurlCommands(text, MAX))
    expect(first!.method).toBe('POST')
    expect(first!.target).toBe('/a?x=1')
    expect(first!.headers).toEqual([
      ['Host', 'h'],
      ['X-A', "it's"],
      ['X-B', '"q" $HOME'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Content-Length', '12'],
    ])
    expect(first!.body.toString()).toBe('line1\nline2!')
    expect(second!.body.toString()).toBe('a=1')
    expect(third!.body.toString()).toBe('{"k": [1,\n  2]}')
    expect(third!.headers).toContainEqual(['Content-Type', 'application/json'])
  })

  it('keeps a backslash-newline inside single quotes, as the shell does', () => {
    const [capture] = captures(readCurlCommands("curl http://h/ --data-raw 'a\\\nb'", MAX))
    expect(capture!.body.toString()).toBe('a\\\nb')
  })

  it('reads back what buildCurlCommand writes, including printf-fed bodies', () => {
    const bodies = [Buffer.from('{"a":"é"}'), Buffer.from([0, 1, 0x27, 0x5c, 0xff, 0x0a]), Buffer.from('@/etc/passwd'), Buffer.alloc(100_000, 'x')]
    for (const body of bodies) {
      const command = buildCurlCommand({
        method: 'PUT',
        url: 'http://h:1/p/q?z=%20',
        headers: [
          ['Content-Type', 'application/octet-stream'],
          ['X-Dup', '1'],
          ['x-dup', '2'],
        ],
        body,
      })
      // Run quietly (-sS): read as an option that changes nothing sent.
      expect(command).toMatch(/(^|\| )curl -sS -X PUT/)
      const [capture] = captures(readCurlCommands(command, MAX))
      expect(capture!.method).toBe('PUT')
      expect(capture!.target).toBe('/p/q?z=%20')
      expect(capture!.body).toEqual(body)
      expect(capture!.headers.filter(([name]) => name !== 'Host' && name !== 'Content-Length')).toEqual([
        ['Content-Type', 'application/octet-stream'],
        ['X-Dup', '1'],
        ['x-dup', '2'],
      ])
    }
  })

  it("takes the headers as received from the export's record (Host, Connection, their order), unless the command was edited", () => {
    const received = exchangeCapture({
      headers: [
        ['Host', 'shop.example'],
        ['Connection', 'close'],
        ['Content-Type', 'text/plain'],
        ['X-Latin', 'caf\xe9'],
        ['Content-Length', '2'],
        ['X-Empty', ''],
      ],
      body: Buffer.from('hi'),
    })
    const script = [...exportPieces([received], 'curl', { ...SAMPLE_CONTEXT, redactions: null }).pieces].join('')
    expect(script).toContain('# Received but not sent by this command (curl sets its own): Host: shop.example; Connection: close; Content-Length: 2\n')
    const [read] = captures(readCurlCommands(script, MAX))
    expect(read!.headers).toEqual(received.headers)
    // The command sends another value now: what it sends wins, the record is not used.
    const [edited] = captures(readCurlCommands(script.replace("-H 'Content-Type: text/plain'", "-H 'Content-Type: text/csv'"), MAX))
    expect(edited!.headers).toEqual([
      ['Host', '127.0.0.1:5077'],
      ['Content-Type', 'text/csv'],
      ['X-Latin', 'caf\xe9'],
      ['X-Empty', ''],
      ['Content-Length', '2'],
    ])
  })

  it('reads a # inside a word as part of it, as the shell does (a URL with a fragment keeps the options after it)', () => {
    const [capture] = captures(readCurlCommands("curl http://h/cb?x=1#top -H 'X-A: 1' -d a=1", MAX))
    expect(capture!.target).toBe('/cb?x=1')
    expect(capture!.headers).toContainEqual(['X-A', '1'])
    expect(capture!.body.toString()).toBe('a=1')
  })

  it('reads a body option with nothing to send as curl sends it: a POST with an empty body, and says when the body was to come from stdin', () => {
    const text = [
      // Nothing piped in: curl would read the terminal's stdin, which the text does not hold.
      'curl http://h/stdin --data-binary @-',
      "curl http://h/empty -d ''",
      "printf '' | curl http://h/piped --data-binary @-",
      "printf '%b' 'a\\x00' | curl http://h/bytes --data-binary @-",
      "curl -G http://h/get -d ''",
    ].join('\n')
    const [stdin, empty, piped, bytes, get] = captures(readCurlCommands(text, MAX))
    // As curl 7.88 sends `--data-binary @- </dev/null` and `-d ''` (checked against a listening socket).
    const emptyPost = [
      ['Host', 'h'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Content-Length', '0'],
    ]
    for (const capture of [stdin, empty, piped]) {
      expect(capture!.method, capture!.target).toBe('POST')
      expect(capture!.headers, capture!.target).toEqual(emptyPost)
      expect(capture!.body.length, capture!.target).toBe(0)
    }
    expect(stdin!.note).toBe(EMPTY_STDIN_NOTE)
    expect(stdin!.note).toMatch(/standard input .*not available/)
    // An empty body that was piped in is the body: nothing to say.
    expect([empty!.note, piped!.note, bytes!.note]).toEqual([null, null, null])
    expect(bytes!.body).toEqual(Buffer.from([0x61, 0]))
    expect([get!.method, get!.target, get!.headers]).toEqual(['GET', '/get', [['Host', 'h']]])
  })

  it('refuses what it cannot do, per command, saying which line', () => {
    const result = readCurlCommands('curl http://h/a\ncurl -T file http://h/b\nwget http://h/c\ncurl --data-binary @body.json http://h/d', MAX)
    expect(result.ok && result.entries.map((entry) => (entry.ok ? 'ok' : entry.message))).toEqual([
      'ok',
      'line 2: the option -T is not understood',
      'line 3: "wget" is not a curl command',
      // It said 'paste the body instead', which told nobody where, for a script imported as a file.
      `line 4: --data-binary @body.json reads a file, which an import cannot do: put the file's content in the command instead (--data-raw '…'), or import the body as "A pasted body"`,
    ])
    expect(readCurlCommands("curl 'http://h/", MAX)).toEqual({ ok: false, message: 'line 1: a single quote is never closed' })
  })

  // Each quote searched the rest of the text for a line end: 500,000 quoted words on one line
  // (3.5 MB) took minutes (100,000 -H options 3 s); the timeout is far above the linear work's.
  it('reads a line of 500,000 quoted words in one pass, and still counts the lines quoted text spans', { timeout: 30_000 }, () => {
    const script = [
      `curl http://h/many ${"-d 'a' ".repeat(500_000)}`,
      "curl http://h/m -d 'x",
      'y',
      "z'",
      'wget http://h/c',
      "curl http://h/last -H 'X: 1'",
    ].join('\n')
    const result = readCurlCommands(script, MAX)
    if (!result.ok) throw new Error(result.message)
    expect(result.entries.map((entry) => (entry.ok ? `${entry.capture.target} ${entry.capture.body.length}` : entry.message))).toEqual([
      `/many ${500_000 * 2 - 1}`,
      '/m 5',
      'line 5: "wget" is not a curl command',
      '/last 0',
    ])
  })
})

describe('raw HTTP messages', () => {
  const base = exchangeCapture({
    target: '/a?b=1',
    headers: [
      ['Host', 'h'],
      ['Transfer-Encoding', 'chunked'],
    ],
    body: Buffer.from('chunked body'),
  })

  it('writes a chunked request as one chunk and several messages back to back, and reads them again', () => {
    const file = Buffer.concat([writeHttpMessage(base), writeHttpMessage({ ...base, headers: [['Host', 'h']], body: Buffer.from([0, 1, 2]) })])
    const [chunked, plain] = captures(readHttpMessages(file, MAX))
    expect(chunked!.body.toString()).toBe('chunked body')
    expect(chunked!.headers).toEqual(base.headers)
    expect(plain!.body).toEqual(Buffer.from([0, 1, 2]))
    // The Content-Length the message needed is the exporter's, not the sender's: the last line says so.
    expect(file.toString('latin1')).toContain('Host: h\r\nContent-Length: 3\r\nX-Callback-Inspector-Sender-Headers: 1\r\n\r\n')
    expect(plain!.headers).toEqual([['Host', 'h']])
  })

  it("keeps a sender's headers named like this app's labels apart from the labels, and still reads older files' labels", () => {
    const sender: ExchangeCapture = {
      ...base,
      headers: [
        ['X-Callback-Inspector-Redacted', 'mine'],
        ['Host', 'h'],
        ['X-Callback-Inspector-Sender-Headers', '0'],
      ],
      body: Buffer.from('x'),
    }
    const changed = {
      reason: 'redacted' as const,
      changes: [{ location: 'body', action: 'masked' }],
      changesOmitted: 0,
      decompressed: false,
      exporterVerdict: null,
    }
    const labels: Array<[string, string]> = [
      ['X-Callback-Inspector-Redacted', 'body: masked'],
      ['X-Callback-Inspector-Changed-Before-Export', JSON.stringify(changed)],
    ]
    const [plain, labelled] = captures(readHttpMessages(Buffer.concat([writeHttpMessage(sender), writeHttpMessage(sender, labels)]), MAX))
    expect(plain!.headers).toEqual(sender.headers)
    expect(plain!.changedBeforeExport).toBeUndefined()
    expect(labelled!.headers).toEqual(sender.headers)
    expect(labelled!.changedBeforeExport).toEqual(changed)
    // A file written before the split line existed: every label-named line is a label.
    const older = Buffer.from(`POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n${labels.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\nx`)
    const [old] = captures(readHttpMessages(older, MAX))
    expect(old!.headers).toEqual([
      ['Host', 'h'],
      ['Content-Length', '1'],
    ])
    expect(old!.changedBeforeExport).toEqual(changed)
    // A split line that does not fit (a count past the lines, a line after it that is not this app's) splits nothing.
    for (const bogus of ['X-Other: 1\r\nX-Callback-Inspector-Sender-Headers: 1', 'X-Callback-Inspector-Sender-Headers: 9']) {
      const [read] = captures(readHttpMessages(Buffer.from(`GET /x HTTP/1.1\r\nHost: h\r\n${bogus}\r\n\r\n`), MAX))
      expect(read!.headers.length).toBe(bogus.split('\r\n').length + 1)
    }
  })

  it('frames a message by the body it holds when its Content-Length says otherwise (a refused request), and gives the value back', () => {
    const refused: ExchangeCapture = {
      ...base,
      headers: [
        ['Host', 'h'],
        ['Content-Length', '11534336'],
        ['content-length', '11534336'],
      ],
      body: Buffer.alloc(0),
      outcome: 'refused',
    }
    const next: ExchangeCapture = { ...base, headers: [['Content-Length', '5']], body: Buffer.from('after') }
    const file = Buffer.concat([writeHttpMessage(refused), writeHttpMessage(next)])
    expect(file.toString('latin1')).toContain('Content-Length: 0\r\ncontent-length: 0\r\n')
    const [first, second] = captures(readHttpMessages(file, MAX))
    expect(first!.headers).toEqual(refused.headers)
    expect(first!.body.length).toBe(0)
    expect(second!.headers).toEqual(next.headers)
    expect(second!.body.toString()).toBe('after')
  })

  it('reads pasted text with bare line feeds and an absolute-form target, keeping the target as received (as the receiver stores it)', () => {
    const [capture] = captures(readHttpMessages(Buffer.from('POST https://shop.example/hook?x=1 HTTP/1.1\nContent-Type: text/plain\n\nhello\n'), MAX))
    // It was read as '/hook?x=1': a capture received in absolute form came back with another target.
    expect(capture!.target).toBe('https://shop.example/hook?x=1')
    expect(capture!.body.toString()).toBe('hello\n')
    const absolute = exchangeCapture({ target: 'HTTP://127.0.0.1:4100/shop/x?y=%ZZ', body: Buffer.from('{}') })
    expect(captures(readHttpMessages(writeHttpMessage(absolute), MAX))[0]!.target).toBe('HTTP://127.0.0.1:4100/shop/x?y=%ZZ')
    // What the receiver would answer 400 to is no target.
    for (const target of ['ftp://h/x', 'shop.example/hook', 'h:443'])
      expect(readHttpMessages(Buffer.from(`POST ${target} HTTP/1.1\r\n\r\n`), MAX)).toEqual({
        ok: false,
        message: `message 1 (byte 0): the request target is not a path or an absolute http(s) URL: ${target}`,
      })
  })

  it('says where a message breaks', () => {
    expect(readHttpMessages(Buffer.from('HELLO\r\n\r\n'), MAX)).toEqual({
      ok: false,
      message: 'message 1 (byte 0): the first line is not a request line ("METHOD target HTTP/1.1"): "HELLO"',
    })
    const second = readHttpMessages(Buffer.from('GET / HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), MAX)
    expect(second.ok && second.entries[1]).toEqual({
      ok: false,
      message: 'message 2 (byte 65): a chunk size is not hexadecimal: zz; what follows could not be read',
    })
  })
})

describe('format detection and JSON errors', () => {
  it('tells the formats apart from their first characters', () => {
    expect(detectFormat(Buffer.from('  {"log": {}}'))).toBe('har')
    expect(detectFormat(Buffer.from('{"format": "callback-inspector-bundle"}'))).toBe('bundle')
    expect(detectFormat(Buffer.from('POST /x HTTP/1.1\r\n'))).toBe('http')
    expect(detectFormat(Buffer.from('#!/bin/sh\n# comment\n{\nprintf x\n} | curl x'))).toBe('curl')
    // This app's export writes a capture's note in comments before its command: 7 KB of them.
    expect(detectFormat(Buffer.from(`# callback-inspector export\n${'# note: charged twice, refund\n'.repeat(250)}\r\n  curl -X POST x`))).toBe('curl')
    expect(detectFormat(Buffer.from(`${'# only comments\n'.repeat(300)}hello there`))).toBeNull()
    expect(detectFormat(Buffer.from('hello'))).toBeNull()
  })

  it('locates syntax errors by line and column', () => {
    expect(parseJsonDocument('{\n  "a": 1,\n  "b": tru\n}')).toEqual({
      ok: false,
      message: 'the file is not valid JSON at line 3, column 8: unexpected "t" where a value should be',
    })
    expect(locateJsonSyntaxError('[1, 2')).toEqual({ at: 5, message: 'the document ends inside a list' })
    expect(locateJsonSyntaxError('{"a" 1}')).toEqual({ at: 5, message: 'expected ":" after a property name' })
    expect(locateJsonSyntaxError('{} x')).toEqual({ at: 3, message: 'unexpected "x" after the end of the document' })
  })
})

describe('a file starting with a UTF-8 byte order mark (Windows tools write one)', () => {
  const capture = exchangeCapture()
  const bom = Buffer.from([0xef, 0xbb, 0xbf])
  const files = {
    har: Buffer.from(writeHar([capture], { appVersion: 'test', origin: 'http://127.0.0.1:5077', redactions: null })),
    bundle: Buffer.from(writeBundle([capture], { appVersion: 'test', exportedAt: '2026-12-06T10:00:00.000Z', redactions: null })),
    http: writeHttpMessage(capture),
    curl: Buffer.from(
      buildCurlCommand({ url: `http://127.0.0.1:5077${capture.target}`, method: capture.method, headers: capture.headers, body: capture.body }),
    ),
  }

  for (const [format, file] of Object.entries(files) as Array<[keyof typeof files, Buffer]>) {
    it(`reads a ${format} file the same with and without it, detected or named`, async () => {
      const plain = await readImportFile(file, format, MAX)
      for (const read of [await readImportFile(Buffer.concat([bom, file]), 'auto', MAX), await readImportFile(Buffer.concat([bom, file]), format, MAX)]) {
        expect(read).toEqual(plain)
        expect(read.ok && read.format).toBe(format)
      }
    })
  }

  // Windows PowerShell writes UTF-16LE with a byte order mark (Out-File, >); some tools UTF-16BE.
  for (const format of ['har', 'bundle', 'curl'] as const) {
    it(`reads a ${format} file saved as UTF-16 (either byte order) as its UTF-8 text`, async () => {
      const file = files[format]
      const plain = await readImportFile(file, format, MAX)
      const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(file.toString('utf8'), 'utf16le')])
      const bigEndian = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(file.toString('utf8'), 'utf16le').swap16()])
      for (const utf16 of [littleEndian, bigEndian]) {
        const read = await readImportFile(utf16, 'auto', MAX)
        expect(read).toEqual(plain)
        expect(read.ok && read.format).toBe(format)
      }
    })
  }
})

describe('curl commands written for Windows cmd.exe (DevTools "Copy as cURL (cmd)")', () => {
  it('reads a POSIX script as POSIX when ^" or ^ + line end is data: in quotes (a printf argument, a JSON body, a header) or a comment', () => {
    // A binary body's printf argument holding the bytes ^" made this app's own export read as cmd.exe's: "the text holds no curl command".
    const body = Buffer.concat([Buffer.from('^"\x00^\n'), Buffer.from([0xff, 0x5e, 0x22])])
    const binary = buildCurlCommand({ url: 'http://127.0.0.1:5077/default/bin', method: 'POST', headers: [['Content-Type', 'application/octet-stream']], body })
    const json = buildCurlCommand({
      url: 'http://127.0.0.1:5077/default/json',
      method: 'POST',
      headers: [
        ['X-Caret', 'a^'],
        ['Content-Type', 'application/json'],
      ],
      body: Buffer.from('{"a":"^"}'),
    })
    const text = ['#!/bin/sh', '# headers: [["X-Caret","a^"]]', binary, json, 'curl "http://127.0.0.1:5077/default/dq" -H "X-Q: b^" -d "x^"'].join('\n')
    const [first, second, third] = captures(readCurlCommands(text, MAX))
    expect(first!.body).toEqual(body)
    expect(second!.headers).toContainEqual(['X-Caret', 'a^'])
    expect(second!.body.toString()).toBe('{"a":"^"}')
    expect(third!.body.toString()).toBe('x^')
  })

  it('reads carets, ^ continuations, escaped quotes and an escaped line end as cmd.exe and the C runtime do', () => {
    // As Chrome writes one: every special character caret-escaped, \" for a quote, ^ + two line ends for a newline.
    const text = [
      'curl ^"https://shop.test/hook?order=1^&x=^%^7B^" ^',
      '  -H ^"Content-Type: application/json^" ^',
      '  -H ^"X-Note: 50^% off^" ^',
      '  --data-raw ^"^{^\\^"amount^\\^":10.10,^\\^"note^\\^":^\\^"a^',
      '',
      'b^\\^"^}^" ^',
      '  --compressed',
      'curl "https://shop.test/second" -d "a=1"',
    ].join('\r\n')
    const [first, second] = captures(readCurlCommands(text, MAX))
    expect(first).toMatchObject({
      method: 'POST',
      target: '/hook?order=1&x=%7B',
      headers: [
        ['Host', 'shop.test'],
        ['Content-Type', 'application/json'],
        ['X-Note', '50% off'],
        ['Content-Length', '29'],
      ],
    })
    expect(first!.body.toString()).toBe('{"amount":10.10,"note":"a\nb"}')
    expect(second).toMatchObject({ method: 'POST', target: '/second' })
    expect(second!.body.toString()).toBe('a=1')
  })
})

describe('hostile imports: wrong types, odd versions and targets, conflicting lengths', () => {
  const har = (request: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ log: { version: '1.2', entries: [{ request: { method: 'POST', url: 'http://h/cb', headers: [], ...request } }] } }))
  const readOne = async (file: Buffer, format: 'har' | 'http' | 'curl') => {
    const read = await readImportFile(file, format, MAX)
    if (!read.ok) return read.message
    const [entry] = read.entries
    return entry!.ok ? entry!.capture : entry!.message
  }

  it("reads a HAR entry's HTTP version as 1.0 or 1.1: h2, HTTP/2.0 and HTTP/1 no longer give a version no request line carries, nor fail", async () => {
    const versions: Record<string, string> = { 'HTTP/1.1': '1.1', 'http/1.0': '1.0', 'HTTP/2.0': '1.1', h2: '1.1', h3: '1.1', 'HTTP/1': '1.1', 'HTTP/2': '1.1' }
    for (const [written, read] of Object.entries(versions)) expect(await readOne(har({ httpVersion: written }), 'har')).toMatchObject({ httpVersion: read })
  })

  it('fails a HAR entry whose body text or params are of another type, instead of importing it without a body', async () => {
    expect(await readOne(har({ postData: { mimeType: 'text/plain', text: 12345 } }), 'har')).toBe('request.postData: text is a number, not a string')
    expect(await readOne(har({ postData: { mimeType: 'application/json', text: { a: 1 } } }), 'har')).toBe('request.postData: text is an object, not a string')
    expect(await readOne(har({ postData: { mimeType: 'application/x-www-form-urlencoded', params: 'a=1' } }), 'har')).toBe(
      'request.postData: params is a string, not a list',
    )
    // Absent or null, as tools write for a request without a body: an empty body, as before.
    expect(await readOne(har({ postData: { mimeType: 'text/plain', text: null } }), 'har')).toMatchObject({ body: Buffer.alloc(0) })
  })

  it('reads an asterisk-form target (OPTIONS *), as a bundle or HAR of one gives it', async () => {
    expect(await readOne(Buffer.from('OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n'), 'http')).toMatchObject({ method: 'OPTIONS', target: '*' })
  })

  it('refuses a message with two different Content-Length values (the first was taken, the rest read as the next message); the same one twice is read', async () => {
    expect(await readOne(Buffer.from('POST /cb HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 5\r\n\r\nabcde'), 'http')).toBe(
      'message 1 (byte 59): Content-Length is given more than once, with different values: 1, 5',
    )
    expect(await readOne(Buffer.from('POST /cb HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nabcde'), 'http')).toMatchObject({
      body: Buffer.from('abcde'),
    })
  })

  it('refuses a curl URL of another scheme or without a host, as curl would not send it over HTTP', async () => {
    const result = readCurlCommands("curl ftp://h/x\ncurl 'ht tp://h/'\ncurl http:///x\ncurl -u a:b http://u@/x\ncurl HTTPS://h/ok", MAX)
    expect(result.ok && result.entries.map((entry) => (entry.ok ? entry.capture.target : entry.message))).toEqual([
      'line 1: the URL is not http or https: ftp://h/x',
      'line 2: the URL is not understood: ht tp://h/',
      'line 3: the URL is not understood: http:///x',
      'line 4: the URL is not understood: http://u@/x',
      '/ok',
    ])
  })
})
