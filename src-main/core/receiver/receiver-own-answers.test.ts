/** The receiver's own answers (not the configured ones) are never MIME-sniffed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { send, sendRaw } from '../../test-support/http-client'
import { makeTempDir } from '../../test-support/temp-dir'
import { startInspector, type Inspector } from '../inspector'
import { silentLogger } from '../logger'

describe("the receiver's own answers", () => {
  let inspector: Inspector
  let remove: () => Promise<void>
  beforeEach(async () => {
    const temp = await makeTempDir()
    remove = temp.remove
    inspector = await startInspector({ dataDir: temp.dir, receiverPort: 0, version: 'test', maxBodyBytes: 16 }, { logger: silentLogger })
  })
  afterEach(async () => {
    await inspector.stop()
    await remove()
  })

  it('carry nosniff: the 404 that reflects the slug, the root page, a 413 refusal and a 400', async () => {
    const unknown = await send(`${inspector.receiverUrl}/%3Cscript%3E`, { method: 'GET' })
    expect(unknown.status).toBe(404)
    expect(unknown.headers['x-content-type-options']).toBe('nosniff')
    expect((await send(`${inspector.receiverUrl}/`, { method: 'GET' })).headers['x-content-type-options']).toBe('nosniff')
    const tooLarge = await send(`${inspector.receiverUrl}/default`, { body: 'x'.repeat(100) })
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.headers['x-content-type-options']).toBe('nosniff')
    expect(await sendRaw(inspector.receiverUrl, 'GARBAGE\r\n\r\n')).toMatch(/X-Content-Type-Options: nosniff/i)
  })
})
