import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { PiecedText } from '../core/pieced-text'
import type { Result } from '../shared/errors'
import { send } from '../test-support/http-client'
import { sendResult } from './json-answer'

/** Serves one answer written by sendResult; resolves with the bytes a client received and the event-loop turns sendResult let through. */
async function answered(result: Result<unknown>): Promise<{ body: Buffer; contentLength: string | undefined; turns: number }> {
  let turns = 0
  let ticking = true
  const tick = (): void => {
    turns += 1
    if (ticking) setImmediate(tick)
  }
  let turnsWhileSending = -1
  const server = createServer((_request, response: ServerResponse) => {
    const before = turns
    setImmediate(tick)
    void sendResult(response, result).then(() => {
      ticking = false
      turnsWhileSending = turns - before
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const response = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { body: '' })
    return { body: response.body, contentLength: response.headers['content-length'] as string | undefined, turns: turnsWhileSending }
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

describe('API answers', () => {
  it('write text given in pieces as JSON.stringify writes it joined, with turns of the event loop between the pieces', async () => {
    const pieces = Array.from({ length: 40 }, (_, index) => Buffer.alloc(30_000, index).toString('base64'))
    const value = {
      fileName: 'x.har',
      contentType: 'application/json',
      dataBase64: new PiecedText(pieces),
      redactions: [{ capture: 0, location: 'a"b', action: 'é' }],
    }
    const { body, contentLength, turns } = await answered({ ok: true, value })
    const expected = Buffer.from(JSON.stringify({ ok: true, value: { ...value, dataBase64: pieces.join('') } }))
    expect(body.equals(expected)).toBe(true)
    expect(Number(contentLength)).toBe(expected.length)
    // Never one synchronous step for the whole answer: at least a turn per piece.
    expect(turns).toBeGreaterThanOrEqual(pieces.length)
  })

  it('escape each piece as the joined text would be escaped', async () => {
    const pieces = ['quote " backslash \\ ', 'line\nbreak \u0001 ', 'pair \ud83d\ude00 lone \udc00', '\u2028 é']
    const { body } = await answered({ ok: true, value: { text: new PiecedText(pieces), after: 1 } })
    expect(body.toString()).toBe(JSON.stringify({ ok: true, value: { text: pieces.join(''), after: 1 } }))
  })

  it('write an ordinary answer and an error as before', async () => {
    expect((await answered({ ok: true, value: [1, 'two'] })).body.toString()).toBe('{"ok":true,"value":[1,"two"]}')
    const refused = await answered({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } })
    expect(JSON.parse(refused.body.toString())).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } })
  })
})
