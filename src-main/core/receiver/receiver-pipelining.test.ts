/**
 * Pipelined requests are answered in order, up to MAX_PIPELINED_REQUESTS unanswered on one
 * connection; one that arrives while that many wait is answered 503 at once, after the answers of
 * those before it, and not captured. Node hands over every pipelined request at once, so 150,000
 * of them on one connection took the app to 1 GB while nothing was captured; and closing the
 * connection there lost the answers of the captures already taken.
 */
import { describe, expect } from 'vitest'
import { send, sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { MAX_PIPELINED_REQUESTS, PIPELINING_REFUSAL_MESSAGE } from './receiver'

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

  test('past the limit: every capture is answered in order, and each request past it gets 503 and is not captured', async ({ inspector }) => {
    // One write of 13 KB: read and parsed at once, before any capture is stored.
    const answers = await sendRaw(inspector.receiverUrl, pipelined(MAX_PIPELINED_REQUESTS * 3))
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1])
    expect(statuses).toEqual([
      ...Array.from({ length: MAX_PIPELINED_REQUESTS }, () => '200'),
      ...Array.from({ length: MAX_PIPELINED_REQUESTS * 2 + 1 }, () => '503'),
    ])
    expect(answers.endsWith(PIPELINING_REFUSAL_MESSAGE)).toBe(true)
    expect((await send(`${inspector.receiverUrl}/default/after`, { body: '{}' })).status).toBe(200)
    const { items } = await inspector.procedures.listCaptures({ limit: 500 })
    expect(items.map((capture) => capture.target).reverse()).toEqual([
      ...Array.from({ length: MAX_PIPELINED_REQUESTS }, (_, index) => `/default/p${index}`),
      '/default/after',
    ])
  })

  test('a flood: every request is answered, and exactly those answered 200 are captured', async ({ inspector }) => {
    // 5,000 requests (350 KB) in one write, read in several turns while captures are stored: the
    // requests past the limit at each turn are refused, the others captured.
    const count = 5_000
    const answers = await sendRaw(inspector.receiverUrl, pipelined(count), 60_000)
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1])
    expect(statuses).toHaveLength(count + 1)
    const targets = [...Array.from({ length: count }, (_, index) => `/default/p${index}`), '/default/last']
    const answered200 = targets.filter((_, index) => statuses[index] === '200')
    expect(answered200.length + statuses.filter((status) => status === '503').length).toBe(count + 1)
    expect(answered200.length).toBeGreaterThanOrEqual(MAX_PIPELINED_REQUESTS)
    const { items } = await inspector.procedures.listCaptures({ limit: count + 1 })
    expect(items.map((capture) => capture.target).reverse()).toEqual(answered200)
  })
})
