/**
 * A sender that closes its side of the connection once its request is written (a half-close, as
 * `nc -N` does) is taken as gone, as Node's HTTP server takes it: its connection is ended before
 * the answer, which comes only once the capture is on disk. The capture says the sender left: it
 * said "answered 200" although nothing was sent. (Keeping such a connection open for the answer
 * would hide every sender that really hung up until its answer was written: a FIN looks the same.)
 */
import { connect } from 'node:net'
import { expect } from 'vitest'
import { useInspector } from '../../test-support/inspector-fixture'
import { waitFor } from '../../test-support/wait-for'

const test = useInspector()

/** Writes `request`, half-closes, and resolves with everything received once the receiver ended the connection. */
function sendAndHalfClose(receiverUrl: string, request: string): Promise<string> {
  const { port } = new URL(receiverUrl)
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true }, () => socket.end(request))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    // 'end': the receiver closed its side too, once its answer was written.
    socket.on('end', () => {
      resolve(Buffer.concat(chunks).toString('latin1'))
      socket.destroy()
    })
  })
}

test('a sender that half-closes after its request is recorded as gone before its answer', async ({ inspector }) => {
  const body = '{"result":"OK"}'
  const received = await sendAndHalfClose(
    inspector.receiverUrl,
    `POST /default/half-closed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  )
  expect(received).toBe('')
  const capture = await waitFor(async () => (await inspector.procedures.listCaptures({})).items.find((item) => item.senderLeftAt !== null))
  expect(capture).toMatchObject({ target: '/default/half-closed', response: { status: 200 } })
})
