import { describe, expect, it } from 'vitest'
import { buildCurlCommand, captureUrl } from './curl-command'

describe('captureUrl', () => {
  it("is the endpoint's origin plus the target's path and query, an absolute-form target's too", () => {
    expect(captureUrl('http://127.0.0.1:4100/shop', '/shop/x?y=1')).toBe('http://127.0.0.1:4100/shop/x?y=1')
    expect(captureUrl('http://127.0.0.1:4100/shop', 'http://proxy.example:8080/shop/x?y=1')).toBe('http://127.0.0.1:4100/shop/x?y=1')
    expect(captureUrl('http://127.0.0.1:4100/shop', '*')).toBe('http://127.0.0.1:4100/')
  })
})

describe('buildCurlCommand, a body on stdin', () => {
  it('writes printable runs as they are and escapes every other byte, across chunk boundaries', () => {
    // 4,095 printable bytes, then a quote, a backslash, a newline, NUL and 0xff across the 4,096-byte chunk edge.
    const body = new Uint8Array([...new TextEncoder().encode('a'.repeat(4095)), 0x27, 0x5c, 0x0a, 0x00, 0xff, 0x41])
    const command = buildCurlCommand({ method: 'POST', url: 'http://h/p', headers: [], body })
    expect(command.startsWith(`{\nprintf '%b' '${'a'.repeat(4095)}\\0047'\nprintf '%b' '\\\\\\n\\0000\\0377A'\n} | curl -sS http://h/p`)).toBe(true)
  })

  it('builds the command of a 10 MB body, one printf argument per 4 KB', () => {
    const body = new TextEncoder().encode('{"note":"line one\\nline two","amount":"10.10"},'.repeat(220_000))
    const command = buildCurlCommand({ method: 'POST', url: 'http://h/p', headers: [], body })
    expect(command.split('\n').filter((line) => line.startsWith("printf '%b' ")).length).toBe(Math.ceil(body.length / 4096))
  })
})
