/**
 * Pipelined requests are answered in order, up to MAX_PIPELINED_REQUESTS unanswered on one
 * connection; past that the connection is closed and the rest are not read. Node hands over every
 * pipelined request at once, so 150,000 of them on one connection took the app to 1 GB while
 * nothing was captured.
 */
import { describe, expect } from 'vitest'
import { send, sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { MAX_PIPELINED_REQUESTS } from './receiver'

const test = useInspector()

function pipelined(count: number): string {
  const requests = Array.from({ length: count }, (_, index) => `POST /default/p${index} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}`)
  return `${requests.join('')}GET /default/last HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`
}

describe('pipelined requests', () => {
  test('are each captured and answered in order, within the limit', async ({ inspector }) => {
    const answers = await sendRaw(inspector.receiverUrl, pipelined(20))
    expect(answers.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(21)
    const { items } = await inspector.procedures.listCaptures({ limit: 100 })
    expect(items.map((capture) => capture.target).reverse()).toEqual([...Array.from({ length: 20 }, (_, index) => `/default/p${index}`), '/default/last'])
  })

  test('past the limit close the connection, and no more than the limit is captured', async ({ inspector }) => {
    await sendRaw(inspector.receiverUrl, pipelined(MAX_PIPELINED_REQUESTS * 3))
    // Answered once stored, after the pipelined ones that were taken (the store keeps arrival order).
    expect((await send(`${inspector.receiverUrl}/default/after`, { body: '{}' })).status).toBe(200)
    const { items } = await inspector.procedures.listCaptures({ limit: 500 })
    expect(items.map((capture) => capture.target).reverse()).toEqual([
      ...Array.from({ length: MAX_PIPELINED_REQUESTS }, (_, index) => `/default/p${index}`),
      '/default/after',
    ])
  })
})
