import { afterEach, describe, expect, it } from 'vitest'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { confineCapturedPath } from '../../shared/captured-path'
import { captureForwardOf, forwardCapture } from './forward'
import { sendReplay } from './http-client'
import { buildReplayRequest, sentRequestView, type CapturedRequest } from './replay-request'

let target: LoopbackTarget | null = null
afterEach(async () => {
  await target?.close()
  target = null
})

const capture = (path: string): CapturedRequest => ({ method: 'GET', target: path, headers: [], body: Buffer.alloc(0) })

/** Every spelling of "go up" the review sent, plus mixes and backslashes. */
const ESCAPES = [
  '/default/../../admin/secret',
  '/default/%2e%2e/%2e%2e/admin/secret',
  '/default/%2E%2E/%2E%2E/admin/secret',
  '/default/.%2e/.%2e/admin/secret',
  '/default/%2e./%2e./admin/secret',
  '/default/..\\..\\admin\\secret',
  '/default/..%2f..%2fadmin/secret',
  '/default/..%5c..%5cadmin/secret',
  '/default/a/../../../admin/secret',
  '/default/..?x=1',
]

describe('confineCapturedPath', () => {
  it('keeps ordinary paths byte for byte', () => {
    expect(confineCapturedPath('/')).toBe('/')
    expect(confineCapturedPath('/notify/v2')).toBe('/notify/v2')
    expect(confineCapturedPath('/a%20b/c%2fd/')).toBe('/a%20b/c%2fd/')
    expect(confineCapturedPath('/...')).toBe('/...')
  })

  it('resolves dot segments that stay inside, in every spelling', () => {
    expect(confineCapturedPath('/a/../b')).toBe('/b')
    expect(confineCapturedPath('/a/%2e%2e/b')).toBe('/b')
    expect(confineCapturedPath('/a/./b/.')).toBe('/a/b/')
    expect(confineCapturedPath('/a\\..\\b')).toBe('/b')
  })

  it('refuses a path that climbs above the base, in every spelling', () => {
    for (const path of ['/..', '/%2e%2e', '/.%2E', '/a/../..', '/..\\x', '/..%2fx', '/x%5C..%5C..']) {
      expect(() => confineCapturedPath(path), path).toThrow(/captured path/)
    }
  })
})

describe('keep the captured path never leaves the target path', () => {
  it('forward (pass-through) refuses every escape: nothing reaches the target, no answer is relayed', async () => {
    target = await startLoopbackTarget((request, response) => response.end(request.target.startsWith('/admin') ? 'SECRET' : 'webhook ok'))
    for (const path of ESCAPES) {
      const result = await forwardCapture(
        capture(path),
        { targetUrl: `${target.url}/hooks/ixopay`, keepCapturedPath: true },
        { mode: 'pass-through', timeoutMs: 2000 },
      )
      expect(result.relay, path).toBeNull()
      expect(result.summary.reason, path).toBe('invalid-request')
    }
    expect(target.received).toEqual([])
    // In the background too, and the capture's row says why.
    const background = await forwardCapture(capture(ESCAPES[0]!), { targetUrl: `${target.url}/hooks/ixopay`, keepCapturedPath: true }, { mode: 'background' })
    expect(await captureForwardOf(background, `${target.url}/hooks/ixopay`)).toMatchObject({ state: 'failed', reason: expect.stringContaining('climbs above') })
  })

  it('resend: the URL shown is the URL requested', async () => {
    target = await startLoopbackTarget()
    for (const [path, expected] of [
      ['/default/notify?x=1', '/hooks/ixopay/notify?x=1'],
      ['/default/a/%2e%2e/notify', '/hooks/ixopay/notify'],
      ['/default/a\\b', '/hooks/ixopay/a/b'],
      ['/default/x#frag', '/hooks/ixopay/x'],
    ] as const) {
      const request = buildReplayRequest(capture(path), { targetUrl: `${target.url}/hooks/ixopay`, keepCapturedPath: true })
      const view = sentRequestView(request)
      await sendReplay(request)
      const received = target.received.at(-1)
      expect(received?.target, path).toBe(expected)
      expect(view.url, path).toBe(`${target.url}${String(received?.target)}`)
      expect(view.target).toBe(received?.target)
    }
  })
})
