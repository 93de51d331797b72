/**
 * Malformed HTTP is refused with a status and a message saying what was wrong, and never in place
 * of the answer of a request before it on the same connection: that request was captured, and a
 * 400 read as its answer makes its sender send it again. Before, the refusal was written at once
 * and the connection closed, so the capture's own answer was lost.
 */
import { describe, expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

const statusLines = (answers: string): string[] => [...answers.matchAll(/^HTTP\/1\.1 \d{3} .*$/gm)].map((match) => match[0].trim())

describe('malformed requests', () => {
  test('after a captured request on the same connection: its answer first, then the refusal', async ({ inspector }) => {
    const answers = await sendRaw(inspector.receiverUrl, 'POST /default/first HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}hello there\r\n\r\n')
    expect(statusLines(answers)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request'])
    expect(answers).toContain('Malformed HTTP/1.1: Invalid method encountered. Nothing was captured.')
    expect((await inspector.procedures.listCaptures({})).items.map((capture) => capture.target)).toEqual(['/default/first'])
  })

  test('a request smuggled after a chunked body that said Connection: close is not read; the body is answered', async ({ inspector }) => {
    const answers = await sendRaw(
      inspector.receiverUrl,
      'POST /default/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /default/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    )
    expect(statusLines(answers)).toEqual(['HTTP/1.1 200 OK'])
    expect((await inspector.procedures.listCaptures({})).items.map((capture) => capture.target)).toEqual(['/default/chunked'])
  })

  test.for([
    {
      name: 'Content-Length and Transfer-Encoding',
      headers: 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n',
      reason: "Transfer-Encoding can't be present with Content-Length. Where a body ends must be certain",
    },
    {
      name: 'Transfer-Encoding not ending in chunked',
      headers: 'Transfer-Encoding: chunked, gzip\r\n',
      reason: 'Malformed HTTP/1.1: Invalid `Transfer-Encoding` header value. Where a body ends must be certain',
    },
    {
      name: 'two Content-Length values',
      headers: 'Content-Length: 2\r\nContent-Length: 3\r\n',
      reason: 'Malformed HTTP/1.1: Duplicate Content-Length. Where a body ends must be certain',
    },
    { name: 'a chunk size past 2^64', headers: 'Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff', reason: 'Malformed HTTP/1.1: Chunk size overflow.' },
    { name: 'an unknown transfer coding', headers: 'Transfer-Encoding: identity\r\n', reason: 'Malformed HTTP/1.1: Request has invalid `Transfer-Encoding`.' },
    {
      name: 'trailers past 16 KB',
      headers: `Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: ${'t'.repeat(20_000)}`,
      // The limit in words (16 KiB), not Node's raw 16384.
      reason: 'The request line and header fields (or the trailer fields) are larger than 16 KiB.',
      status: 'HTTP/1.1 431 Request Header Fields Too Large',
    },
    { name: 'a folded header line', headers: 'X-A: one\r\n two\r\n', reason: 'Malformed HTTP/1.1: Unexpected whitespace after header value.' },
  ] as Array<{ name: string; headers: string; reason: string; status?: string }>)(
    '$name: refused saying why, nothing captured',
    async ({ headers, reason, status }, { inspector }) => {
      const answers = await sendRaw(inspector.receiverUrl, `POST /default/x HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n2\r\n{}\r\n0\r\n\r\n`)
      expect(statusLines(answers)).toEqual([status ?? 'HTTP/1.1 400 Bad Request'])
      expect(answers).toContain(reason)
      expect((await inspector.procedures.listCaptures({})).total).toBe(0)
    },
  )

  test('HTTP/2 with prior knowledge is told to speak HTTP/1.1', async ({ inspector }) => {
    const answers = await sendRaw(inspector.receiverUrl, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')
    expect(answers).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*HTTP\/2 is not spoken here: send HTTP\/1\.1\./)
  })

  test('an HTTP/1.1 request without Host, or with an expectation other than 100-continue, is refused saying why', async ({ inspector }) => {
    const noHost = await sendRaw(inspector.receiverUrl, 'POST /default/x HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}')
    expect(noHost).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*\r\n\r\nAn HTTP\/1\.1 request needs a Host header/)
    const expectation = await sendRaw(
      inspector.receiverUrl,
      'POST /default/x HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 200-ok\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    )
    expect(expectation).toMatch(/^HTTP\/1\.1 417 Expectation Failed\r\n[^]*Only "Expect: 100-continue" is met here; this request said "Expect: 200-ok"/)
    expect((await inspector.procedures.listCaptures({})).total).toBe(0)
    // HTTP/1.0 never needed one.
    expect(await sendRaw(inspector.receiverUrl, 'POST /default/old HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}')).toMatch(/^HTTP\/1\.1 200 /)
  })
})
