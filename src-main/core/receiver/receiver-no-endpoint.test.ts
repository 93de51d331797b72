/**
 * A request that names no endpoint is answered 404 and not captured, so its sender knows it was
 * not delivered: a POST to the root, or to `//default/x` (a base URL ending in `/` joined to a path
 * starting with one), was answered 200 with the receiver's page, and its provider took it as
 * delivered. The page itself is still there for a person's GET of `/`.
 */
import { describe, expect } from 'vitest'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

describe('a request that names no endpoint', () => {
  test('is answered 404 saying so, at the root and under a double slash; GET / still shows the page', async ({ inspector }) => {
    for (const [method, path] of [
      ['POST', '/'],
      ['POST', '/?x=1'],
      ['POST', '//default/notify'],
      ['GET', '//default/notify'],
      ['PUT', '/'],
    ] as const) {
      const answer = await send(`${inspector.receiverUrl}${path}`, method === 'GET' ? { method } : { method, body: '{}' })
      expect(answer.status, `${method} ${path}`).toBe(404)
      expect(answer.body.toString(), `${method} ${path}`).toContain('send callbacks to /<endpoint-slug>/')
    }
    expect((await inspector.procedures.listCaptures({})).items).toEqual([])

    const page = await send(`${inspector.receiverUrl}/`, { method: 'GET' })
    expect(page.status).toBe(200)
    expect(page.body.toString()).toContain('Callback Inspector receiver')
    expect((await send(`${inspector.receiverUrl}/`, { method: 'HEAD' })).status).toBe(200)
  })
})
