/**
 * The API's answers: the result envelope as JSON, with the HTTP status mirroring its error code.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { yieldToEventLoop } from '../core/event-loop'
import { PiecedText } from '../core/pieced-text'
import { ERROR_HTTP_STATUS, type Result } from '../shared/errors'

/**
 * Answers with the envelope as JSON. Text given in pieces (an export's file) is written piece by
 * piece with turns of the event loop between, and never joined: the answer is byte for byte
 * `JSON.stringify` of the envelope with the pieces joined, but a 70 MB export no longer holds the
 * event loop (and the receiver's callbacks) for over a second while one string of it is built.
 */
export async function sendResult(response: ServerResponse, result: Result<unknown>): Promise<void> {
  if (response.headersSent || response.destroyed) return
  const status = result.ok ? 200 : ERROR_HTTP_STATUS[result.error.code]
  const parts = await jsonParts(result)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  for (const part of parts.slice(0, -1)) {
    if (response.destroyed) return
    // Backpressure: a slow reader gets the next piece when it has taken the last one.
    if (!response.write(part)) await drainedOrClosed(response)
    else await yieldToEventLoop()
  }
  response.end(parts.at(-1))
}

/** Characters JSON.stringify writes escaped (lone surrogates included). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * The envelope's JSON as text parts: one for an ordinary answer; around each PiecedText (found as
 * JSON.stringify meets it), its pieces JSON-escaped one by one, with turns between them.
 */
async function jsonParts(result: Result<unknown>): Promise<string[]> {
  const texts: PiecedText[] = []
  // A marker no answer can spell by chance (JSON.stringify would escape a real string's quotes).
  const token = `pieced-text:${randomUUID()}:`
  const json = JSON.stringify(result, (_key, value: unknown) => {
    if (!(value instanceof PiecedText)) return value
    texts.push(value)
    return `${token}${texts.length - 1}`
  })
  if (texts.length === 0) return [json]
  const parts: string[] = []
  let from = 0
  for (const match of json.matchAll(new RegExp(`"${token}(\\d+)"`, 'g'))) {
    parts.push(`${json.slice(from, match.index)}"`)
    for (const piece of texts[Number(match[1])]!.pieces) {
      // Escaped as JSON.stringify escapes the joined text (a piece never splits a surrogate pair);
      // base64 needs nothing, and is not copied.
      parts.push(JSON_ESCAPED.test(piece) ? JSON.stringify(piece).slice(1, -1) : piece)
      await yieldToEventLoop()
    }
    parts.push('"')
    from = match.index + match[0].length
  }
  parts.push(json.slice(from))
  return parts
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })
}
