/**
 * Background forwards, as the app runs them: the provider gets the configured answer at once, and
 * when the copy to the developer's server settles the capture says how it went (its list row
 * shows it), live through 'capture-updated' and after a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CaptureSummary } from '../shared/contract'
import { send } from '../test-support/http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../test-support/loopback-target'
import { makeTempDir } from '../test-support/temp-dir'
import { startInspector, type Inspector } from './inspector'
import { silentLogger } from './logger'

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('background forwards', () => {
  let dataDir: string
  let inspector: Inspector
  let remove: () => Promise<void>
  let target: LoopbackTarget | null = null
  let updates: CaptureSummary[]

  const start = async () => {
    inspector = await startInspector({ dataDir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
    updates = []
    inspector.events.subscribe((event) => {
      if (event.type === 'capture-updated') updates.push(event.capture)
    })
  }

  beforeEach(async () => {
    const temp = await makeTempDir()
    dataDir = temp.dir
    remove = temp.remove
    await start()
  })
  afterEach(async () => {
    await inspector.stop()
    await target?.close()
    target = null
    await remove()
  })

  async function until<T>(read: () => Promise<T | undefined> | T | undefined): Promise<T> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const value = await read()
      if (value !== undefined) return value
      await delay(25)
    }
    throw new Error('timed out waiting')
  }

  it('a background forward to a closed port marks its capture failed, live and after a restart', async () => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    const dead = 'http://127.0.0.1:1/hooks'
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: dead, mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
    })
    const answered = await send(`${endpoint!.url}/x`, { body: '{}' })
    expect(answered.status).toBe(200)

    const update = await until(() => updates.find((capture) => capture.forward?.state !== 'background'))
    expect(update.forward).toMatchObject({ mode: 'background', targetUrl: dead, state: 'failed', reason: expect.stringMatching(/refused|connect/i) })
    const [listed] = (await procedures.listCaptures({})).items
    expect(listed!.id).toBe(update.id)
    expect(listed!.forward).toMatchObject({ state: 'failed' })
    expect((await procedures.getCapture({ id: update.id })).forward).toMatchObject({ state: 'failed' })

    // Kept like the other annotations: in the index document, read back at start-up.
    await inspector.stop()
    await start()
    expect((await inspector.procedures.listCaptures({})).items[0]!.forward).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/refused|connect/i),
    })
  })

  it('a background forward that gets an HTTP answer records its status, a 5xx too', async () => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    let status = 503
    target = await startLoopbackTarget((_request, response) => {
      response.statusCode = status
      response.end('from target')
    })
    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: target.url, mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
    })
    await send(`${endpoint!.url}/a`, { body: '{}' })
    const failing = await until(() => updates.find((capture) => capture.forward?.state === 'sent'))
    expect(failing.forward).toMatchObject({ state: 'sent', status: 503, reason: null })

    status = 204
    await send(`${endpoint!.url}/b`, { body: '{}' })
    const fine = await until(() => updates.find((capture) => capture.forward?.status === 204))
    expect(fine.id).not.toBe(failing.id)
    expect((await procedures.listCaptures({})).items.map((capture) => capture.forward?.status)).toEqual([204, 503])
  })
})
