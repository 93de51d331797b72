import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { send, sendRaw } from '../test-support/http-client'
import { makeTempDir } from '../test-support/temp-dir'
import { loopbackAccess } from './loopback-access'
import { createStaticUi } from './static-ui'

describe('static UI server', () => {
  let server: Server
  let url: string
  let remove: () => Promise<void>
  const failures: unknown[] = []

  beforeEach(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    const dir = join(temp.dir, 'renderer')
    await mkdir(dir)
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>ui</title>')
    const ui = createStaticUi(dir)
    server = createServer((request, response) => {
      ui(request, response).catch((error: unknown) => {
        failures.push(error)
        response.writeHead(500).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterEach(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await remove()
    failures.length = 0
  })

  it('answers a malformed percent escape with 400, not a server failure', async () => {
    expect(await sendRaw(url, 'GET /% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    expect(await sendRaw(url, 'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 400/)
    expect(failures).toEqual([])
  })

  it('sends nosniff, X-Frame-Options and the CSP on every answer, 404s included', async () => {
    for (const path of ['/', '/missing.js', '/..%2f..%2fetc%2fpasswd']) {
      const response = await send(`${url}${path}`, { method: 'GET' })
      expect(response.headers['x-content-type-options'], path).toBe('nosniff')
      expect(response.headers['x-frame-options'], path).toBe('DENY')
      expect(response.headers['content-security-policy'], path).toContain("frame-ancestors 'none'")
    }
  })
})

describe('loopback access of the headless API', () => {
  it('accepts the UI opened as localhost as well as 127.0.0.1, and nothing else', () => {
    const access = loopbackAccess(4000)
    expect(access.origins).toEqual(['http://127.0.0.1:4000', 'http://localhost:4000'])
    expect(access.hosts).toEqual(['127.0.0.1:4000', 'localhost:4000'])
  })
})
