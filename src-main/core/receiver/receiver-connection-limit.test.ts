/**
 * The receiver holds at most `maxConnections` connections at once (by default half the open-file
 * limit). Past it a new connection is closed at once and the log says why: 400 idle connections
 * under `ulimit -n 256` took every descriptor (EMFILE), and the API stopped answering with the
 * receiver until they closed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { HEADLESS_ENTRY, type HeadlessReady } from '../../test-support/headless-process'
import { makeTempDir } from '../../test-support/temp-dir'
import type { Logger } from '../logger'
import { answerPlain, defaultMaxConnections, MIN_MAX_CONNECTIONS, startReceiver, type Receiver } from './receiver'

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

  it('is half the open-file limit by default, never fewer than a floor', () => {
    expect(defaultMaxConnections(256)).toBe(128)
    expect(defaultMaxConnections(20)).toBe(MIN_MAX_CONNECTIONS)
    expect(defaultMaxConnections(null)).toBeGreaterThan(MIN_MAX_CONNECTIONS)
  })
})

describe('the built app under `ulimit -n 256`', () => {
  it.skipIf(process.platform === 'win32' || !existsSync(HEADLESS_ENTRY))(
    'keeps answering the API with 400 idle connections open to its receiver',
    { timeout: 30_000 },
    async () => {
      const dataDir = await makeTempDir()
      cleanups.push(dataDir.remove)
      const child: ChildProcess = spawn(
        'bash',
        ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, HEADLESS_ENTRY, '--data-dir', dataDir.dir, '--port', '0', '--receiver-port', '0', '--json'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let log = ''
      child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGTERM')
          }),
      )
      const ready = await new Promise<HeadlessReady>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as HeadlessReady))
        child.once('exit', (code) => reject(new Error(`the app exited with ${String(code)}: ${log}`)))
      })
      const receiverPort = Number(new URL(ready.receiver).port)
      const idle = Array.from({ length: 400 }, () => {
        const socket = connect(receiverPort, '127.0.0.1')
        socket.on('error', () => undefined)
        cleanups.push(() => void socket.destroy())
        return new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      })
      await Promise.all(idle)

      // Before: no answer until the idle connections closed (30 s later), every accept() failing with EMFILE.
      const answer = await fetch(`${ready.api}/listEndpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      })
      expect(answer.status).toBe(200)
      expect(log).toContain('the receiver refused')
    },
  )
})
