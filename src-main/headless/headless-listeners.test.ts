/**
 * The headless app as users and the tunnel meet it (the built `out/main/headless.js`, a real
 * process): both of its listeners are on 127.0.0.1 alone, the API answers only requests addressed
 * to its own loopback port from no page or its own UI, and the receiver port, the only one the
 * tunnel exposes, serves no part of the API or the UI, token or not.
 */
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHeadless, type HeadlessProcess } from '../test-support/headless-process'
import { send, sendRaw } from '../test-support/http-client'
import { makeTempDir } from '../test-support/temp-dir'

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

let app: HeadlessProcess
let removeDir: () => Promise<void>

beforeAll(async () => {
  const temp = await makeTempDir()
  removeDir = temp.remove
  app = await startHeadless(temp.dir)
})

afterAll(async () => {
  await app?.stop()
  await removeDir?.()
})

describe('the headless app on the network', () => {
  it('listens on 127.0.0.1 only: not on other loopback addresses, ::1 or any interface', async () => {
    const ports = [Number(new URL(app.ready.api).port), Number(new URL(app.ready.receiver).port)]
    // 127.0.0.2 reaches a server bound to 0.0.0.0 (or to every address) on Linux, not one bound to 127.0.0.1.
    const elsewhere = ['127.0.0.2', '::1', ...Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((entry) => entry.address))]
    for (const port of ports) {
      expect(await accepts('127.0.0.1', port)).toBe(true)
      for (const host of elsewhere.filter((address) => address !== '127.0.0.1')) expect(await accepts(host, port), `${host}:${port}`).toBe(false)
    }
  })

  it('answers the API for its own loopback names and UI origins only, with no CORS grant', async () => {
    const { host, port } = new URL(app.ready.api)
    const call = (headers: Array<[string, string]>, method = 'POST') =>
      send(`${app.ready.api}/getStatus`, {
        method,
        headers: [...headers, ['Authorization', `Bearer ${app.ready.token}`], ['Content-Type', 'application/json']],
        body: '{}',
      })
    for (const accepted of [[], [['Host', `localhost:${port}`]], [['Origin', `http://127.0.0.1:${port}`]], [['Origin', `http://localhost:${port}`]]] as Array<
      Array<[string, string]>
    >) {
      expect((await call(accepted)).status, JSON.stringify(accepted)).toBe(200)
    }
    const refused: Array<Array<[string, string]>> = [
      // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1.
      [['Host', `rebind.example:${port}`]],
      [['Host', `127.0.0.1.nip.io:${port}`]],
      [['Host', `127.0.0.1:${Number(port) + 1}`]],
      [
        ['Host', host],
        ['Host', `rebind.example:${port}`],
      ],
      // Cross-site pages, and the receiver's own origin (a configured answer there is attacker-chosen HTML).
      [['Origin', 'https://evil.example']],
      [['Origin', 'null']],
      [['Origin', app.ready.receiver]],
    ]
    for (const headers of refused) {
      const answer = await call(headers)
      expect(answer.status, JSON.stringify(headers)).toBe(403)
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([])
    }
    // A preflight is never granted, from the UI's own origin neither.
    const preflight = await call(
      [
        ['Origin', `http://localhost:${port}`],
        ['Access-Control-Request-Method', 'POST'],
        ['Access-Control-Request-Headers', 'authorization, content-type'],
      ],
      'OPTIONS',
    )
    expect(preflight.status).toBeGreaterThanOrEqual(400)
    expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([])
  })

  it('serves no procedure, event stream or UI on the receiver port, the one the tunnel exposes', async () => {
    const withToken: Array<[string, string]> = [
      ['Authorization', `Bearer ${app.ready.token}`],
      ['Content-Type', 'application/json'],
    ]
    for (const path of ['/api/getStatus', '/api/listEndpoints', '/api/events', '/', '/index.html']) {
      for (const method of ['POST', 'GET']) {
        const answer = await send(`${app.ready.receiver}${path}`, { method, headers: withToken, ...(method === 'POST' ? { body: '{}' } : {}) })
        // The receiver's root says, in plain text, where to send callbacks; everything else here is "no endpoint".
        if (path !== '/') expect(answer.status, `${method} ${path}`).toBe(404)
        expect(answer.headers['content-type'], `${method} ${path}`).toMatch(/^text\/plain/)
        expect(answer.body.toString()).not.toMatch(/<script|"ok":/)
        expect(answer.body.toString()).not.toContain(app.ready.dataDir)
      }
    }
  })

  it('answers a request it cannot parse with the status Node would send, not a silent reset', async () => {
    const { host } = new URL(app.ready.api)
    const statusLine = async (bytes: string) => (await sendRaw(app.ready.api, bytes)).split('\r\n')[0]
    expect(await statusLine(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large')
    expect(await statusLine(`POST /api/getStatus HTTP/1.1\r\nHost: ${host}\r\nX-Bad: a\u0001b\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request')
    expect(await statusLine('HELLO\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request')
    // And it goes on answering.
    expect(
      (
        await send(`${app.ready.api}/getStatus`, {
          headers: [
            ['Authorization', `Bearer ${app.ready.token}`],
            ['Content-Type', 'application/json'],
          ],
          body: '{}',
        })
      ).status,
    ).toBe(200)
  })
})
