/** A body that stops arriving is refused with 408 and recorded, instead of holding its connection for minutes. */
import { describe, expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

// Short for the test; the app waits 30 s (BODY_IDLE_TIMEOUT_MS).
const test = useInspector({ config: { bodyIdleTimeoutMs: 1_500 } })

describe('a body that stops arriving', () => {
  test('is answered 408 with a message, the connection closed, and the refusal captured', async ({ inspector }) => {
    const port = new URL(inspector.receiverUrl).port
    // Declares 100 bytes, sends 10, then nothing; sendRaw returns when the receiver closes the connection.
    const answer = await sendRaw(
      inspector.receiverUrl,
      `POST /default/stalled HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"amount":`,
      20_000,
    )
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(answer).toMatch(/Connection: close/i)
    expect(answer).toContain('The body stopped arriving: no byte for 1.5 s after 10 bytes.')
    const page = await inspector.procedures.listCaptures({ limit: 1 })
    expect(page.items[0]).toMatchObject({ outcome: 'refused', target: '/default/stalled' })
    const detail = await inspector.procedures.getCapture({ id: page.items[0]!.id })
    expect(detail.refusal).toEqual({
      status: 408,
      reason: 'The body stopped arriving: no byte for 1.5 s after 10 bytes.',
      declaredSize: 100,
      receivedBytes: 10,
    })
  })

  test('a body sent in pieces with pauses shorter than the limit is captured whole', async ({ inspector }) => {
    const port = new URL(inspector.receiverUrl).port
    const { connect } = await import('node:net')
    const socket = connect(Number(port), '127.0.0.1')
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`POST /default/slow HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 6\r\nConnection: close\r\n\r\nab`)
    for (const piece of ['cd', 'ef']) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      socket.write(piece)
    }
    await new Promise((resolve) => socket.once('close', resolve))
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /)
    const page = await inspector.procedures.listCaptures({ limit: 1 })
    expect(page.items[0]).toMatchObject({ outcome: 'captured', target: '/default/slow' })
  })
})
