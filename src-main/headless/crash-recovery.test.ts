/**
 * The durability promise, tested the hard way: a burst of concurrent callbacks, kill -9 in the
 * middle of it, restart, and every callback that had been answered must be there, byte-exact.
 */
import { createHash, randomBytes } from 'node:crypto'
import { Agent } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { postJson } from '../test-support/http-client'
import { startHeadless, type HeadlessProcess } from '../test-support/headless-process'
import { makeTempDir } from '../test-support/temp-dir'

const CONCURRENCY = 50
const TOTAL = 3_000

describe('crash safety', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('keeps every answered capture after kill -9 during a burst', async () => {
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const first: HeadlessProcess = await startHeadless(dir)
    cleanups.push(() => first.stop())
    const url = new URL(`${first.ready.receiver}/default/callbacks`)
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
    cleanups.push(async () => agent.destroy())

    const answered = new Map<string, number>() // sha256 -> body length
    let next = 0
    let killed = false
    async function worker(): Promise<void> {
      while (next < TOTAL && !killed) {
        const index = next++
        const body = Buffer.from(JSON.stringify({ n: index, pad: randomBytes(64 + (index % 700)).toString('base64') }))
        const status = await postJson(url, body, agent)
        if (status === 200) answered.set(createHash('sha256').update(body).digest('hex'), body.length)
        // Kill while requests are still in flight, not after a quiet moment.
        if (!killed && answered.size >= TOTAL / 3) {
          killed = true
          first.child.kill('SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect(killed).toBe(true)
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((resolve) => first.child.once('exit', resolve))

    const second = await startHeadless(dir)
    cleanups.push(() => second.stop())
    const stored = new Map<string, number>()
    let cursor: string | null | undefined
    do {
      const page = await second.call<{ items: Array<{ id: string }>; nextCursor: string | null }>('listCaptures', {
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      })
      for (const item of page.items) {
        const capture = await second.call<{ request: { bodyBase64: string; bodySha256: string } }>('getCapture', { id: item.id })
        const bytes = Buffer.from(capture.request.bodyBase64, 'base64')
        const sha = createHash('sha256').update(bytes).digest('hex')
        expect(sha).toBe(capture.request.bodySha256)
        stored.set(sha, bytes.length)
      }
      cursor = page.nextCursor
    } while (cursor)

    const missing = [...answered.keys()].filter((sha) => !stored.has(sha))
    expect(answered.size).toBeGreaterThanOrEqual(TOTAL / 3)
    expect(missing).toEqual([])
  }, 120_000)
})
