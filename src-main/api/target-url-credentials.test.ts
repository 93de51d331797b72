/**
 * A user name and password typed into a forward target URL were never sent (requests go to the
 * URL's origin and path), yet were kept in the settings, in every forwarded capture and in every
 * export, the redacted "for support" ones included. Through the API (the contract's schemas, as a
 * script or the UI calls it) they must not get that far, and settings saved by an earlier version
 * must load without them.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { CaptureSummary } from '../shared/views'
import { silentLogger } from '../core/logger'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { waitFor } from '../test-support/wait-for'
import { createDispatch } from './dispatch'
import { joinPiecedTexts } from '../core/pieced-text'

const test = useInspector()
const PASSWORD = 'FWDPASS7'

const decodedExport = (result: { ok: boolean; value?: unknown }) =>
  Buffer.from((joinPiecedTexts(result.value) as { dataBase64: string }).dataBase64, 'base64').toString('utf8')

describe('credentials in a forward target URL', () => {
  test('are neither stored nor exported when set through the API', async ({ app, dataDir, target }) => {
    const inspector = await app.start()
    const dispatch = createDispatch(inspector.procedures, silentLogger)
    const updates: CaptureSummary[] = []
    inspector.events.subscribe((event) => {
      if (event.type === 'capture-updated') updates.push(event.capture)
    })
    const [endpoint] = await inspector.procedures.listEndpoints({})
    const withCredentials = target.url.replace('http://', `http://fwduser:${PASSWORD}@`)
    const set = await dispatch('setForwardConfig', {
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: withCredentials, mode: 'background' },
    })
    // Refused (saying why) or stored without them; either way they go no further.
    if (!set.ok) expect(set.error.message).toMatch(/user name and password/)
    else {
      expect(JSON.stringify(set.value)).not.toContain(PASSWORD)
      await send(`${endpoint!.url}/paid`, { body: '{"id":1}' })
      const forwarded = await waitFor(() => updates.find((capture) => capture.forward?.state === 'sent'))
      expect(forwarded.forward?.targetUrl).toBe(new URL(target.url).href)
    }
    for (const redact of [true, false]) {
      for (const format of ['har', 'bundle']) {
        const exported = await dispatch('exportCaptures', { endpointId: endpoint!.id, format, redact })
        expect(exported.ok).toBe(true)
        expect(decodedExport(exported)).not.toContain(PASSWORD)
      }
    }
    expect(JSON.stringify(await dispatch('listEndpoints', {}))).not.toContain(PASSWORD)
    expect(await readFile(join(dataDir, 'inspector.json'), 'utf8')).not.toContain(PASSWORD)
  })

  test('saved by an earlier version, are dropped when the settings load, and the settings are kept', async ({ app }) => {
    let inspector = await app.start()
    const [endpoint] = await inspector.procedures.listEndpoints({})
    // What an earlier version stored: the procedure itself, past the API's schema.
    await inspector.procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: `http://fwduser:${PASSWORD}@127.0.0.1:1/hooks`, mode: 'background', timeoutMs: 2000, keepCapturedPath: false },
    })
    await app.stop()

    inspector = await app.start()
    const { config } = await inspector.procedures.getForwardConfig({ endpointId: endpoint!.id })
    expect(config).toMatchObject({ enabled: true, targetUrl: 'http://127.0.0.1:1/hooks', mode: 'background' })
    expect((await inspector.procedures.getStatus({})).storage.issues).toEqual([])
  })
})
