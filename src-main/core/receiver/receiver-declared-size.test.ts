/**
 * A declared body size past 2^53 (not an exact number in JavaScript) is refused like any body too
 * large, and the refusal is captured whole: it was stored as a blank capture (no target, no headers,
 * no refusal) because its declared size could not be recorded.
 */
import { describe, expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector({ config: { maxBodyBytes: 1024 } })

describe('a declared size past 2^53', () => {
  test('is refused with 413 and captured with its target, its headers as sent and the largest exact size', async ({ inspector }) => {
    const answer = await sendRaw(
      inspector.receiverUrl,
      'POST /default/huge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 9007199254740993\r\nConnection: close\r\n\r\n{}',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    const [summary] = (await inspector.procedures.listCaptures({})).items
    const capture = await inspector.procedures.getCapture({ id: summary!.id })
    expect(capture.request.target).toBe('/default/huge')
    expect(capture.request.headers).toContainEqual(['Content-Length', '9007199254740993'])
    expect(capture.outcome).toBe('refused')
    expect(capture.refusal).toMatchObject({ status: 413, declaredSize: Number.MAX_SAFE_INTEGER })
  })
})
