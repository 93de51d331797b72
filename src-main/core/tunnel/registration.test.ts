import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { adviseAgainstIpServerUrl } from '../../shared/tunnel'
import { MAX_TUNNEL_SOCKETS, requestRegistration } from './registration'

let server: http.Server | null = null
afterEach(async () => {
  const closing = server
  server = null
  if (closing !== null) await new Promise<void>((resolve) => closing.close(() => resolve()))
})

/** A server answering every request with `answer(path)`. */
async function serve(answer: (path: string) => { status: number; body: string; headers?: Record<string, string> }): Promise<string> {
  server = http.createServer((req, res) => {
    const { status, body, headers } = answer(req.url ?? '/')
    res.writeHead(status, { connection: 'close', ...headers }).end(body)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

const register = (serverUrl: string, subdomain: string | null) =>
  requestRegistration({ serverUrl, subdomain }, new AbortController().signal).catch((error: unknown) => error)

describe('requestRegistration', () => {
  it('asks for ?new or the subdomain and checks the answer, capping the socket count', async () => {
    const paths: string[] = []
    const url = await serve((path) => {
      paths.push(path)
      return { status: 200, body: JSON.stringify({ id: 'abcd', port: 4242, max_conn_count: 5000, url: 'https://abcd.example' }) }
    })
    expect(await register(url, null)).toMatchObject({ id: 'abcd', port: 4242, maxConnCount: MAX_TUNNEL_SOCKETS, serverUrl: url.slice(0, -1) })
    await register(url, 'my-inspector')
    expect(paths).toEqual(['/?new', '/my-inspector'])
  })

  it('follows a redirect as the axios-based client did', async () => {
    const url = await serve((path) =>
      path.startsWith('/moved')
        ? { status: 200, body: JSON.stringify({ id: 'abcd', port: 1, url: 'https://abcd.example' }) }
        : { status: 301, body: '', headers: { location: `/moved${path}` } },
    )
    expect(await register(url, null)).toMatchObject({ id: 'abcd', maxConnCount: 1 })
  })

  it.each([
    [500, JSON.stringify({ message: 'out of ports' }), 'SERVER_ERROR', /answered HTTP 500: out of ports/],
    [200, '<html>captive portal</html>', 'BAD_SERVER_RESPONSE', /not a localtunnel server \(its answer is not a JSON object\)/],
    [200, JSON.stringify({ id: 'abcd', port: 70_000, url: 'https://abcd.example' }), 'BAD_SERVER_RESPONSE', /no valid port/],
    [403, '', 'SUBDOMAIN_REFUSED', /refused the subdomain "my-inspector"$/],
  ])('turns HTTP %i %s into %s', async (status, body, code, message) => {
    const url = await serve(() => ({ status, body }))
    expect(await register(url, 'my-inspector')).toMatchObject({ code, message: expect.stringMatching(message) })
  })

  // A server is whatever URL the settings name: what it answers is shown, logged and kept.
  it.each([
    ['a 50 KB id', JSON.stringify({ id: 'i'.repeat(50_000), port: 1, url: 'https://i.example' }), /not a localtunnel server \(its id is not a subdomain/],
    ['an id with a line break', JSON.stringify({ id: 'ab\ncd', port: 1, url: 'https://abcd.example' }), /its id is not a subdomain/],
    [
      'a javascript: URL',
      JSON.stringify({ id: 'abcd', port: 1, url: 'javascript:alert(1)' }),
      /not a localtunnel server \(its url is not an http or https URL\)/,
    ],
    ['a 5 KB URL', JSON.stringify({ id: 'abcd', port: 1, url: `https://abcd.example/${'p'.repeat(5_000)}` }), /its url is not an http or https URL/],
  ])('refuses an answer that no localtunnel server sends: %s', async (_label, body, message) => {
    const url = await serve(() => ({ status: 200, body }))
    const refusal = await register(url, null)
    expect(refusal).toMatchObject({ code: 'BAD_SERVER_RESPONSE', message: expect.stringMatching(message) })
    expect((refusal as Error).message.length).toBeLessThan(200)
  })

  it("shows the server's message in one short line, whatever it sent", async () => {
    const sent = `${'M'.repeat(60_000)}\n2026-12-07T00:00:00Z INFO forged log line\u001b[31m red\u2028`
    for (const status of [403, 500]) {
      const url = await serve(() => ({ status, body: JSON.stringify({ message: sent }) }))
      const refusal = (await register(url, 'my-inspector')) as Error
      expect(refusal.message).toMatch(status === 403 ? /\(the server says: M{300}…\)$/ : /answered HTTP 500: M{300}…$/)
      expect(refusal.message).not.toMatch(/[\p{Cc}\u2028]/u)
      await new Promise<void>((resolve) => server?.close(() => resolve()))
      server = null
    }
    const url = await serve(() => ({ status: 403, body: JSON.stringify({ message: 'name\ttaken\r\n' }) }))
    expect(await register(url, 'my-inspector')).toMatchObject({ message: expect.stringMatching(/\(the server says: name taken\)$/) })
  })
})

describe('adviseAgainstIpServerUrl', () => {
  it('advises a name for a server URL with an IP address, and says nothing for a name', () => {
    expect(adviseAgainstIpServerUrl('http://127.0.0.1:4242')).toMatch(/use the server's domain name instead, e\.g\. http:\/\/localhost:4242$/)
    expect(adviseAgainstIpServerUrl('http://[::1]:80')).toMatch(/e\.g\. http:\/\/localhost$/)
    expect(adviseAgainstIpServerUrl('https://203.0.113.7')).toMatch(/e\.g\. https:\/\/tunnel\.example\.com$/)
    expect(adviseAgainstIpServerUrl('https://localtunnel.me')).toBeNull()
    expect(adviseAgainstIpServerUrl('http://localhost:4242')).toBeNull()
    expect(adviseAgainstIpServerUrl('not a url')).toBeNull()
  })
})
