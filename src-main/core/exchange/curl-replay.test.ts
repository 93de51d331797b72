/**
 * The curl commands this app writes, run by bash against a loopback server: what arrives must be
 * exactly the request (method, target, header pairs, body bytes), whatever the body's size or
 * first character.
 */
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCurlCommand, type CurlRequest } from '../../shared/curl-command'
import type { HeaderPairs } from '../../shared/http-message'
import { startLoopbackTarget, type LoopbackTarget, type ReceivedAtTarget } from '../../test-support/loopback-target'
import { makeTempDir } from '../../test-support/temp-dir'

describe('curl commands replayed by bash', () => {
  // The loopback target records each request as it arrived: method, target, header pairs, body bytes.
  let target: LoopbackTarget
  let origin: string
  let dir: string
  let remove: () => Promise<void>

  beforeAll(async () => {
    ;({ dir, remove } = await makeTempDir())
    target = await startLoopbackTarget()
    origin = target.url
  })
  afterAll(async () => {
    await target.close()
    await remove()
  })

  async function replay(request: CurlRequest): Promise<ReceivedAtTarget> {
    const arrived = target.received
    const script = join(dir, `replay-${arrived.length}.sh`)
    await writeFile(script, `${buildCurlCommand(request)} -s -o /dev/null\n`)
    const before = arrived.length
    await new Promise<void>((resolve, reject) =>
      execFile('bash', [script], { cwd: dir, maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
      ),
    )
    expect(arrived.length).toBe(before + 1)
    return arrived[before]!
  }

  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
  const withoutHost = (headers: HeaderPairs) => headers.filter(([name]) => !/^(host|content-length)$/i.test(name))

  it('sends a 1 MB binary body exactly, with no argument over 128 KiB', async () => {
    const body = randomBytes(1024 * 1024)
    const headers: HeaderPairs = [
      ['Content-Type', 'application/octet-stream'],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
      ['X-Odd', 'caf\xe9'],
    ]
    const command = buildCurlCommand({ method: 'POST', url: `${origin}/big?x=1`, headers, body })
    for (const line of command.split('\n')) expect(line.length).toBeLessThan(128 * 1024)
    const got = await replay({ method: 'POST', url: `${origin}/big?x=1`, headers, body })
    expect(got.method).toBe('POST')
    expect(got.target).toBe('/big?x=1')
    expect(withoutHost(got.headers)).toEqual(headers)
    expect(sha256(got.body)).toBe(sha256(body))
  }, 60_000)

  it('sends a 1 MB text body exactly', async () => {
    const body = Buffer.from(`{"data":"${'é\'"$`\\x'.repeat(150_000)}"}`)
    const got = await replay({ method: 'PUT', url: `${origin}/text`, headers: [['Content-Type', 'application/json']], body })
    expect(got.method).toBe('PUT')
    expect(sha256(got.body)).toBe(sha256(body))
  }, 60_000)

  it('sends a body starting with @ as those bytes, never as a file name', async () => {
    await writeFile(join(dir, 'secret.txt'), 'LOCAL FILE CONTENT')
    for (const text of ['@secret.txt', '@/etc/hostname', '@-']) {
      const body = Buffer.from(text)
      const got = await replay({ method: 'POST', url: `${origin}/at`, headers: [['Content-Type', 'text/plain']], body })
      expect(got.body.toString()).toBe(text)
    }
    const binaryAt = Buffer.from([0x40, 0, 0x73])
    expect((await replay({ method: 'POST', url: `${origin}/at`, headers: [], body: binaryAt })).body).toEqual(binaryAt)
  })

  it('sends a request received as HTTP/1.0 as HTTP/1.0, and one received as HTTP/1.1 as HTTP/1.1 (curl sent every one as 1.1)', async () => {
    // The request line as it arrives, which the loopback target does not keep.
    const lines: string[] = []
    const server = createServer((socket) => {
      let head = ''
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1')
        if (!head.includes('\r\n\r\n')) return
        lines.push(head.slice(0, head.indexOf('\r\n')))
        socket.end('HTTP/1.0 204 No Content\r\n\r\n')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb?v=1`
      for (const httpVersion of ['1.0', '1.1', undefined]) {
        const script = join(dir, `version-${lines.length}.sh`)
        await writeFile(
          script,
          `${buildCurlCommand({ method: 'POST', url, headers: [['Content-Type', 'text/plain']], body: Buffer.from('a'), httpVersion })} -s -o /dev/null\n`,
        )
        await new Promise<void>((resolve, reject) =>
          execFile('bash', [script], { cwd: dir }, (error) => (error ? reject(new Error(error.message)) : resolve())),
        )
      }
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
    expect(lines).toEqual(['POST /cb?v=1 HTTP/1.0', 'POST /cb?v=1 HTTP/1.1', 'POST /cb?v=1 HTTP/1.1'])
  })

  it('sends an absolute-form target and * in the request line as received (the URL only says where to)', async () => {
    const absolute = 'HTTP://shop.example:4100/property/x?q=a+b%20c'
    const got = await replay({ method: 'POST', url: `${origin}/property/x?q=a+b%20c`, requestTarget: absolute, headers: [], body: Buffer.from('{}') })
    expect([got.method, got.target, got.body.toString()]).toEqual(['POST', absolute, '{}'])
    const asterisk = await replay({ method: 'OPTIONS', url: `${origin}/`, requestTarget: '*', headers: [], body: new Uint8Array() })
    expect([asterisk.method, asterisk.target]).toEqual(['OPTIONS', '*'])
  })

  it('adds nothing of its own: no curl User-Agent, Accept or form Content-Type', async () => {
    const got = await replay({ method: 'DELETE', url: `${origin}/p/../q/[x]`, headers: [['X-Only', '1']], body: new TextEncoder().encode('a=b') })
    expect(got.method).toBe('DELETE')
    expect(got.target).toBe('/p/../q/[x]')
    expect(withoutHost(got.headers)).toEqual([['X-Only', '1']])
    expect(got.body.toString()).toBe('a=b')
  })

  it('runs quietly with its output redirected, yet still says why a command failed', async () => {
    // Without -sS an exported script run as `sh payments.sh > out` printed curl's progress meter
    // (stderr) for every command.
    let scripts = 0
    const run = async (command: string) => {
      const script = join(dir, `quiet-${scripts++}.sh`)
      await writeFile(script, `${command} > /dev/null\n`)
      return new Promise<{ failed: boolean; stderr: string }>((resolve) =>
        execFile('bash', [script], { cwd: dir }, (error, _stdout, stderr) => resolve({ failed: error !== null, stderr })),
      )
    }
    const before = target.received.length
    const body = Buffer.from('{"quiet":true}')
    expect(await run(buildCurlCommand({ method: 'POST', url: `${origin}/quiet`, headers: [], body }))).toEqual({ failed: false, stderr: '' })
    expect(await run(buildCurlCommand({ method: 'POST', url: `${origin}/quiet`, headers: [], body: randomBytes(200_000) }))).toEqual({
      failed: false,
      stderr: '',
    })
    expect(target.received.length).toBe(before + 2)
    // Port 1 on loopback: nothing listens there, so the connection is refused and curl says so.
    const refused = await run(buildCurlCommand({ method: 'GET', url: 'http://127.0.0.1:1/x', headers: [], body: new Uint8Array() }))
    expect(refused.failed).toBe(true)
    expect(refused.stderr).toMatch(/^curl: \(7\) /)
  })
})
