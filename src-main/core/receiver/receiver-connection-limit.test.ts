/**
 * The receiver holds at most `maxConnections` connections at once (by default half the open-file
 * limit). Past it a new connection is closed at once and the log says why: 400 idle connections
 * under `ulimit -n 256` took every descriptor (EMFILE), and the API stopped answering with the
 * receiver until they closed.
 */
import { existsSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HEADLESS_ENTRY, startHeadless, type HeadlessProcess } from '../../test-support/headless-process'
import { makeTempDir } from '../../test-support/temp-dir'
import type { Logger } from '../logger'
import { maxConnectionsFor, MIN_MAX_CONNECTIONS } from './connection-budget'
import { answerPlain, startReceiver, type Receiver } from './receiver'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A keep-alive connection that has had one request answered: the receiver holds it, idle. */
async function heldConnection(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => undefined)
  cleanups.push(() => void socket.destroy())
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => (chunk.toString('latin1').startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(chunk.toString()))))
    socket.write('GET /default/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  })
  return socket
}

/** What a connection received before the receiver closed it. */
function receivedBeforeClose(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    cleanups.push(() => void socket.destroy())
  })
}

describe('the receiver at its connection limit', () => {
  it('closes a new connection at once and logs why; one closing makes room again', async () => {
    const warnings: string[] = []
    const logger: Logger = { info: () => undefined, warn: (message) => void warnings.push(message), error: () => undefined }
    const receiver: Receiver = await startReceiver(
      { host: '127.0.0.1', port: 0, maxBodyBytes: 1024, healthNonce: 'nonce', maxConnections: 3 },
      {
        logger,
        now: () => new Date(),
        resolveEndpoint: (slug) => (slug === 'default' ? 'endpoint-1' : undefined),
        handle: async (_request, response) => answerPlain(response, 200, 'OK'),
      },
    )
    cleanups.push(() => receiver.stop(0))
    const held = [await heldConnection(receiver.port), await heldConnection(receiver.port), await heldConnection(receiver.port)]

    const request = 'GET /default/y HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
    expect(await receivedBeforeClose(receiver.port, request)).toBe('')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('refused 1 connection(s): it already holds 3')
    // Logged once a minute at most.
    expect(await receivedBeforeClose(receiver.port, request)).toBe('')
    expect(warnings).toHaveLength(1)

    const closed = new Promise((resolve) => held[0]!.once('close', resolve))
    held[0]!.destroy()
    await closed
    // The receiver sees the close a moment after the client: retried until it has room.
    let answer = ''
    for (let attempt = 0; attempt < 50 && answer === ''; attempt++) answer = await receivedBeforeClose(receiver.port, request)
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  })

  it('is half the open-file limit by default (the API/UI server an eighth), never fewer than a floor', () => {
    expect(maxConnectionsFor('receiver', 256)).toBe(128)
    expect(maxConnectionsFor('receiver', 20)).toBe(MIN_MAX_CONNECTIONS)
    expect(maxConnectionsFor('receiver', null)).toBeGreaterThan(MIN_MAX_CONNECTIONS)
    expect(maxConnectionsFor('api', 1024)).toBe(128)
    expect(maxConnectionsFor('api', 256)).toBe(MIN_MAX_CONNECTIONS)
    expect(maxConnectionsFor('api', null)).toBeGreaterThan(MIN_MAX_CONNECTIONS)
    expect(maxConnectionsFor('api', null)).toBeLessThan(maxConnectionsFor('receiver', null))
  })
})

/**
 * Opens `count` idle connections to `port`; resolves once they are connected and `closedAtLeast`
 * of them were closed by the app (it then has accepted that far). Destroyed after the test.
 */
async function idleConnections(port: number, count: number, closedAtLeast = 0): Promise<void> {
  let closed = 0
  let onClosed = (): void => undefined
  const enoughClosed = new Promise<void>((resolve) => (onClosed = () => void (++closed >= closedAtLeast && resolve())))
  await Promise.all(
    Array.from({ length: count }, () => {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => undefined)
      socket.on('close', onClosed)
      cleanups.push(() => void socket.destroy())
      return new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    }),
  )
  if (closedAtLeast > 0) await enoughClosed
}

async function startUnderLimit(): Promise<HeadlessProcess> {
  const dataDir = await makeTempDir()
  cleanups.push(dataDir.remove)
  const app = await startHeadless(dataDir.dir, [], { openFileLimit: 256 })
  cleanups.push(() => app.stop())
  return app
}

describe('the built app under `ulimit -n 256`', () => {
  const built = process.platform !== 'win32' && existsSync(HEADLESS_ENTRY)

  it.skipIf(!built)('keeps answering the API with 400 idle connections open to its receiver', { timeout: 30_000 }, async () => {
    const app = await startUnderLimit()
    await idleConnections(Number(new URL(app.ready.receiver).port), 400)
    // Before: no answer until the idle connections closed (30 s later), every accept() failing with EMFILE.
    const answer = await fetch(`${app.ready.api}/listEndpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.ready.token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(10_000),
    })
    expect(answer.status).toBe(200)
    expect(app.log()).toContain('the receiver refused')
  })

  it.skipIf(!built)('keeps capturing with 400 idle connections open to its API/UI server', { timeout: 30_000 }, async () => {
    const app = await startUnderLimit()
    // 144 closed: past 256 descriptors whatever it holds. Without a cap it closed them only once it
    // had none left (libuv's EMFILE fallback), and the receiver then accepted nothing either
    // (every callback failed) until the idle connections closed, 60 s or more.
    await idleConnections(Number(new URL(app.ready.api).port), 400, 400 - 256)
    const answer = await fetch(`${app.ready.receiver}/default/notify`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(10_000) })
    expect(answer.status).toBe(200)
    expect(app.log()).toContain('the API/UI server refused')
    expect(app.log()).toContain(`it already holds ${maxConnectionsFor('api', 256)}`)
  })
})
