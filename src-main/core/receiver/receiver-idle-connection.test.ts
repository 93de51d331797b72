/**
 * A connection that never sends a request is closed without an answer when its headers time runs
 * out; one that started a request and stalled in its headers gets 408. An unasked 408 on an idle
 * connection was read by the tunnel as the answer to the next callback it sent there.
 */
import { connect } from 'node:net'
import { describe, expect } from 'vitest'
import { useInspector } from '../../test-support/inspector-fixture'

// Short for the test; the app allows 30 s (HEADERS_TIMEOUT_MS).
const test = useInspector({ config: { headersTimeoutMs: 300 } })

/** Opens a connection, writes `bytes` (if any), and resolves with what it received once the receiver closed it. */
function heldOpen(receiverUrl: string, bytes: string): Promise<{ received: string; afterMs: number }> {
  const { port } = new URL(receiverUrl)
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const socket = connect(Number(port), '127.0.0.1', () => {
      if (bytes !== '') socket.write(bytes)
    })
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve({ received: Buffer.concat(chunks).toString('latin1'), afterMs: performance.now() - startedAt }))
    // Never left hanging: the test fails on its own timeout instead.
    setTimeout(() => socket.destroy(), 5_000).unref()
  })
}

describe('a connection that sends no request', () => {
  test('is closed without an answer once its headers time is up', async ({ inspector }) => {
    const idle = await heldOpen(inspector.receiverUrl, '')
    expect(idle.received).toBe('')
    expect(idle.afterMs).toBeLessThan(4_000)
  })

  test('one that stalls in the middle of its headers is answered 408', async ({ inspector }) => {
    const stalled = await heldOpen(inspector.receiverUrl, 'POST /default/x HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    expect(stalled.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
  })
})
