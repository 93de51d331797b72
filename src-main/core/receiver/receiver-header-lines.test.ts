/**
 * Every header line of a request is captured, however many: Node keeps about the first thousand by
 * default and drops the rest silently, so a capture showed fewer headers than were sent. The size
 * limit on a request's head (16 KB: 431 past it) is what bounds them.
 */
import { describe, expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

describe('a request with many header lines', () => {
  test('is captured with every one of them, in order, the last included', async ({ inspector }) => {
    const lines = Array.from({ length: 1_100 }, (_, index) => `X-Line: ${index}\r\n`).join('')
    const answer = await sendRaw(
      inspector.receiverUrl,
      `POST /default/many HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}X-Signature: last\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    const [summary] = (await inspector.procedures.listCaptures({})).items
    const { headers } = (await inspector.procedures.getCapture({ id: summary!.id })).request
    expect(headers).toHaveLength(1 + 1_100 + 3)
    expect(headers.filter(([name]) => name === 'X-Line').map(([, value]) => value)).toEqual(Array.from({ length: 1_100 }, (_, index) => String(index)))
    expect(headers.at(-3)).toEqual(['X-Signature', 'last'])
  })
})
