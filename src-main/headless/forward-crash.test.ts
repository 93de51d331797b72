/**
 * A pass-through forward holds the sender's request while the target is awaited (up to 120 s): the
 * capture is stored before the forward goes out, so a kill -9 then keeps it, and a SIGTERM records
 * that no answer went out. Tested with the built headless app, killed for real.
 */
import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { startHeadless, type HeadlessProcess } from '../test-support/headless-process'
import { startLoopbackTarget, type LoopbackTarget } from '../test-support/loopback-target'
import { makeTempDir } from '../test-support/temp-dir'
import { waitFor } from '../test-support/wait-for'
import type { CaptureSummary, Endpoint } from '../shared/views'

/** Posts a callback; resolves with the status the sender got, or `closed` when the connection ended without an answer. */
function post(url: string, body: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (incoming) => {
      incoming.resume()
      incoming.on('end', () => resolve(incoming.statusCode ?? 0))
      incoming.on('error', () => resolve('closed'))
    })
    outgoing.on('error', () => resolve('closed'))
    outgoing.end(body)
  })
}

describe('a pass-through forward in flight when the app ends', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A headless app forwarding `default` to a target that never answers, with one callback held in flight. */
  async function forwardInFlight(): Promise<{ dir: string; app: HeadlessProcess; target: LoopbackTarget; answer: Promise<number | 'closed'> }> {
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const target = await startLoopbackTarget(() => undefined)
    cleanups.push(() => target.close())
    const app = await startHeadless(dir)
    cleanups.push(() => app.stop())
    const [endpoint] = await app.call<Endpoint[]>('listEndpoints')
    await app.call('setForwardConfig', { endpointId: endpoint!.id, config: { enabled: true, targetUrl: target.url, mode: 'pass-through', timeoutMs: 120_000 } })
    const answer = post(`${app.ready.receiver}/default/hook`, '{"id":"evt_in_flight"}')
    // The forward has reached the target, which holds it: the sender is waiting.
    await waitFor(() => (target.received.length === 1 ? true : undefined))
    return { dir, app, target, answer }
  }

  async function onlyCapture(app: HeadlessProcess): Promise<CaptureSummary> {
    const { items } = await app.call<{ items: CaptureSummary[] }>('listCaptures')
    expect(items).toHaveLength(1)
    return items[0]!
  }

  it('keeps the capture after kill -9, pending and unanswered', async () => {
    const { dir, app, answer } = await forwardInFlight()
    app.child.kill('SIGKILL')
    await new Promise((resolve) => app.child.once('exit', resolve))
    expect(await answer).toBe('closed')

    const restarted = await startHeadless(dir)
    cleanups.push(() => restarted.stop())
    const capture = await onlyCapture(restarted)
    expect(capture.target).toBe('/default/hook')
    // Stored while the forward was in flight, by the run that was killed: no answer was recorded, none went out.
    expect(capture.forward).toMatchObject({ mode: 'pass-through', state: 'pending' })
    expect(capture.response).toMatchObject({ kind: 'hang', status: null, chosenBy: { kind: 'forward' } })
    const { startedAt } = await restarted.call<{ startedAt: string }>('getStatus')
    expect(Date.parse(capture.receivedAt)).toBeLessThan(Date.parse(startedAt))
    const detail = await restarted.call<{ request: { bodyBase64: string } }>('getCapture', { id: capture.id })
    expect(Buffer.from(detail.request.bodyBase64, 'base64').toString()).toBe('{"id":"evt_in_flight"}')
    expect((await restarted.call<{ items: unknown[] }>('listCaptures', { filter: { answer: 'none' } })).items).toHaveLength(1)
  }, 60_000)

  it('records after SIGTERM that the app stopped and no answer went out', async () => {
    const { dir, app, answer } = await forwardInFlight()
    await app.stop()
    expect(await answer).toBe('closed')

    const restarted = await startHeadless(dir)
    cleanups.push(() => restarted.stop())
    const capture = await onlyCapture(restarted)
    expect(capture.response).toMatchObject({ kind: 'hang', status: null })
    expect(capture.appStoppedAt).not.toBeNull()
    expect(capture.forward).toMatchObject({ state: 'failed', reason: expect.stringContaining('the app stopped') })
  }, 60_000)
})
