/**
 * The receiver holds at most so many body bytes at once (body-budget.ts): past that, a request is
 * refused with 503 and Retry-After, and the refusal captured, instead of memory growing with a flood.
 */
import { connect, type Socket } from 'node:net'
import { describe, expect } from 'vitest'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { BodyBudget } from './body-budget'

// Small for the test: the app allows max(256 MiB, 4 × the largest body).
const test = useInspector({ config: { maxBodyBytesInFlight: 1_000 } })

/** Starts a request declaring `declared` body bytes and sends only `sent` of them: its body is held while it arrives. */
async function startUpload(receiverUrl: string, declared: number, sent: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const { hostname, port } = new URL(receiverUrl)
  const socket = connect(Number(port), hostname)
  await new Promise((resolve) => socket.once('connect', resolve))
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1'))))
  socket.write(`POST /default/held HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n${'a'.repeat(sent)}`)
  return { socket, answer }
}

describe('bodies held at once', () => {
  test('refuses a body past the limit with 503 and Retry-After, captures the refusal, and takes bodies again once room is back', async ({ inspector }) => {
    const first = await startUpload(inspector.receiverUrl, 800, 100)
    // Its 800 declared bytes are taken as soon as its headers are read.
    await expect.poll(async () => (await send(`${inspector.receiverUrl}/default/probe`, { body: 'x'.repeat(300) })).status).toBe(503)

    const refused = await send(`${inspector.receiverUrl}/default/second`, { body: 'y'.repeat(300) })
    expect(refused.status).toBe(503)
    expect(refused.headers['retry-after']).toBe('5')
    expect(refused.body.toString()).toMatch(
      /^Too many bodies are arriving at once: this inspector already holds 800 B of other callbacks' bodies \(its limit is 1,000 bytes\)\. Retry later\.$/,
    )

    const page = await inspector.procedures.listCaptures({ limit: 1 })
    expect(page.items[0]).toMatchObject({ outcome: 'refused', target: '/default/second' })
    expect((await inspector.procedures.getCapture({ id: page.items[0]!.id })).refusal).toMatchObject({ status: 503, declaredSize: 300, receivedBytes: 300 })

    // A small body still fits beside the held one.
    expect((await send(`${inspector.receiverUrl}/default/small`, { body: 'z'.repeat(150) })).status).toBe(200)

    first.socket.write('a'.repeat(700))
    expect(await first.answer).toMatch(/^HTTP\/1\.1 200 /)
    // Given back once the first capture was stored and answered.
    expect((await send(`${inspector.receiverUrl}/default/after`, { body: 'y'.repeat(900) })).status).toBe(200)
  })

  test('counts a body of unknown size (chunked) as it arrives', async ({ inspector }) => {
    const first = await startUpload(inspector.receiverUrl, 900, 10)
    const { hostname, port } = new URL(inspector.receiverUrl)
    const socket = connect(Number(port), hostname)
    await new Promise((resolve) => socket.once('connect', resolve))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    const closed = new Promise((resolve) => socket.once('close', resolve))
    const piece = 'c'.repeat(200)
    socket.write(
      `POST /default/chunked HTTP/1.1\r\nHost: ${hostname}:${port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${piece.length.toString(16)}\r\n${piece}\r\n0\r\n\r\n`,
    )
    await closed
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 503 [^]*Retry-After: 5/)
    first.socket.destroy()
  })
})

describe('body budget', () => {
  const budget = () => new BodyBudget(100)

  test('takes while there is room and gives back', ({ expect }) => {
    const bodies = budget()
    expect(bodies.tryTake(60)).toBe(true)
    expect(bodies.tryTake(50)).toBe(false)
    expect(bodies.heldBytes).toBe(60)
    bodies.give(60)
    expect(bodies.tryTake(100)).toBe(true)
  })

  test('always lets one body in alone, however large', ({ expect }) => {
    const bodies = budget()
    expect(bodies.tryTake(500)).toBe(true)
    expect(bodies.tryTake(1)).toBe(false)
  })
})
