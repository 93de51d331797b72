/** The receiver's own answers (not the configured ones) are never MIME-sniffed. */
import { describe, expect } from 'vitest'
import { send, sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector({ config: { maxBodyBytes: 16 } })

describe("the receiver's own answers", () => {
  test('carry nosniff: the 404 that reflects the slug, the root page, a 413 refusal and a 400', async ({ inspector }) => {
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
