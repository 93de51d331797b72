import { describe, expect, it } from 'vitest'
import { createSseParser, type SseMessage } from '../api/sse-parser'
import { analyseBody } from './body-views'
import { buildCurlCommand } from './curl'
import { hexDump } from './hex-dump'
import { prettyXml } from './xml-pretty'

describe('createSseParser', () => {
  it('parses events split anywhere, with CRLF, comments and multi-line data', () => {
    const messages: SseMessage[] = []
    const parser = createSseParser((message) => messages.push(message))
    const stream = ': connected\r\n\r\nevent: capture-received\r\ndata: {"a":\r\ndata: 1}\r\n\r\n: heartbeat\n\nevent: x\ndata: 2\n\n'
    for (const char of stream) parser.push(char)
    expect(messages).toEqual([
      { event: 'capture-received', data: '{"a":\n1}' },
      { event: 'x', data: '2' },
    ])
  })
})

describe('buildCurlCommand', () => {
  it('skips hop-by-hop headers, stops curl adding its own, and quotes for the shell', () => {
    const command = buildCurlCommand({
      method: 'PUT',
      url: 'http://127.0.0.1:4100/default/x?a=1&b=2',
      headers: [
        ['Host', 'h'],
        ['Content-Length', '5'],
        ['Connection', 'keep-alive'],
        ['X-Q', "it's"],
      ],
      body: new TextEncoder().encode("a'b\n"),
    })
    expect(command).toBe(
      [
        'curl -sS -X PUT',
        "'http://127.0.0.1:4100/default/x?a=1&b=2'",
        `-H 'X-Q: it'\\''s'`,
        "-H 'User-Agent:'",
        "-H 'Accept:'",
        "-H 'Content-Type:'",
        "-H 'Expect:'",
        `--data-raw 'a'\\''b\n'`,
      ].join(' \\\n  '),
    )
  })

  it('pipes bodies with NUL bytes through printf', () => {
    const command = buildCurlCommand({ method: 'POST', url: 'http://h/p', headers: [], body: new Uint8Array([0, 0x27, 0xff]) })
    expect(command.startsWith(`printf '%b' '\\0000\\0047\\0377' | curl -sS http://h/p`)).toBe(true)
  })

  it('never passes a body starting with @ to an option that reads files (SEC-8)', () => {
    const command = buildCurlCommand({ method: 'POST', url: 'http://h/p', headers: [], body: new TextEncoder().encode('@/etc/hostname') })
    expect(command).toContain("--data-raw '@/etc/hostname'")
    expect(command).not.toMatch(/--data(-binary)? '?@\//)
  })

  it('keeps every argument of a large body under 128 KiB (B6)', () => {
    const body = new TextEncoder().encode('x'.repeat(1024 * 1024))
    const command = buildCurlCommand({ method: 'POST', url: 'http://h/p', headers: [['Content-Type', 'text/plain']], body })
    expect(command).toContain('--data-binary @-')
    const longestLine = Math.max(...command.split('\n').map((line) => line.length))
    expect(longestLine).toBeLessThan(128 * 1024)
  })
})

describe('body views', () => {
  it('prefers hex for invalid UTF-8 and JSON for JSON', () => {
    expect(analyseBody(new Uint8Array([0x63, 0xe9]), 'text/plain').preferred).toBe('hex')
    expect(analyseBody(new TextEncoder().encode('{"a":1}'), null).preferred).toBe('json')
    expect(analyseBody(new TextEncoder().encode('a=1'), 'application/x-www-form-urlencoded').views).toEqual(['form', 'text', 'hex'])
    expect(analyseBody(new Uint8Array(), 'application/json').views).toEqual([])
  })

  it('dumps hex with offsets and ASCII', () => {
    expect(hexDump(new TextEncoder().encode('AB\n'), 0, 16)).toBe(`0000  41 42 0a${' '.repeat(41)} |AB.             |`)
  })

  it('re-indents XML without changing its tokens', () => {
    expect(prettyXml('<a><b x="1">t</b><c/></a>')).toBe('<a>\n  <b x="1">t</b>\n  <c/>\n</a>')
  })
})
