import { afterEach, describe, expect, it } from 'vitest'
import type { BulkProgress, ReplayOutcome } from '../../shared/replay'
import { runBulkReplay, type BulkReplayItem } from './bulk-replay'
import { forwardCapture } from './forward'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { buildReplayRequest, type CapturedRequest } from './replay-request'
import { waitFor } from '../../test-support/wait-for'

let target: LoopbackTarget | null = null
afterEach(async () => {
  await target?.close()
  target = null
})

const capture = (index: number): CapturedRequest => ({
  method: 'POST',
  target: `/ep/${index}`,
  headers: [['Content-Type', 'text/plain']],
  body: Buffer.from(`capture-${index}`),
})
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function items(count: number, url: string): BulkReplayItem[] {
  // Handed over newest first, as a list view shows them: the run must still go oldest first.
  return Array.from({ length: count }, (_, index) => ({
    captureId: `c${index}`,
    seq: index + 1,
    prepare: async () => ({ request: buildReplayRequest(capture(index), { targetUrl: url }) }),
  })).reverse()
}

describe('runBulkReplay', () => {
  it('keeps capture order with concurrency 1 and reports progress', async () => {
    target = await startLoopbackTarget(async (_request, response) => {
      await delay(Math.random() * 10)
      response.end('OK')
    })
    const progress: BulkProgress[] = []
    const result = await runBulkReplay(items(8, target.url), { concurrency: 1, onProgress: (update) => progress.push(update) })
    expect(target.received.map((request) => request.body.toString())).toEqual(Array.from({ length: 8 }, (_, index) => `capture-${index}`))
    expect(result.results.map((item) => item.status)).toEqual(Array(8).fill('sent'))
    expect(result.results.map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(progress.at(-1)).toMatchObject({ total: 8, done: 8, sent: 8, inFlight: 0 })
    expect(target.maxInFlight).toBe(1)
  })

  it('runs 32 sends at once without a MaxListenersExceededWarning (each listens for the cancel)', async () => {
    target = await startLoopbackTarget(async (_request, response) => {
      await delay(20)
      response.end('OK')
    })
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    try {
      const result = await runBulkReplay(items(40, target.url), { concurrency: 32 })
      expect(result.results.every((item) => item.status === 'sent')).toBe(true)
      expect(target.maxInFlight).toBeGreaterThan(10)
      // Warnings are emitted on the next tick.
      await delay(10)
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('builds each request only when its turn comes, settles each as it finishes, and fails only an item that cannot be built', async () => {
    target = await startLoopbackTarget()
    let built = 0
    let settledBeforeLastBuilt = 0
    const settled: Array<{ seq: number; status: string; prepared: boolean }> = []
    const list = items(5, target.url).map((item) =>
      item.seq === 3
        ? { ...item, prepare: () => Promise.reject(new Error('capture c2 is no longer stored')) }
        : {
            ...item,
            prepare: () => {
              built++
              return item.prepare()
            },
          },
    )
    const result = await runBulkReplay(list, {
      concurrency: 1,
      onSettled: (item, prepared) => {
        if (built < 4) settledBeforeLastBuilt++
        settled.push({ seq: item.seq, status: item.status, prepared: prepared !== null })
      },
    })
    expect(settled).toEqual([
      { seq: 1, status: 'sent', prepared: true },
      { seq: 2, status: 'sent', prepared: true },
      { seq: 3, status: 'failed', prepared: false },
      { seq: 4, status: 'sent', prepared: true },
      { seq: 5, status: 'sent', prepared: true },
    ])
    // Settled one by one while later requests were not built yet.
    expect(settledBeforeLastBuilt).toBeGreaterThanOrEqual(3)
    const failedItem = result.results[2]!
    expect(failedItem.outcome?.kind === 'failure' && failedItem.outcome.failure).toMatchObject({
      kind: 'invalid-request',
      message: 'the request could not be built: capture c2 is no longer stored',
    })
    expect(target.received).toHaveLength(4)
  })

  it('respects the concurrency limit', async () => {
    // The target answers only once three requests are waiting at once, so the run reaches its limit
    // however slow the machine is (a fixed delay per answer could end before the third one arrived).
    const waiting: Array<() => void> = []
    target = await startLoopbackTarget((_request, response) => {
      waiting.push(() => response.end('OK'))
      if (waiting.length === 3) for (const answer of waiting.splice(0)) answer()
    })
    const result = await runBulkReplay(items(12, target.url), { concurrency: 3 })
    expect(result.results.every((item) => item.status === 'sent')).toBe(true)
    expect(target.maxInFlight).toBe(3)
  })

  it('spaces starts by the rate', async () => {
    target = await startLoopbackTarget()
    const started = Date.now()
    await runBulkReplay(items(4, target.url), { concurrency: 4, ratePerSecond: 20 })
    // 4 starts at 20/s: the last one starts at least 150 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('cancels mid-way: in-flight aborted, pending never sent', async () => {
    const controller = new AbortController()
    target = await startLoopbackTarget((request, response) => {
      // Cancelled while the target holds it, never answered: certainly in flight, on any machine.
      if (request.body.toString() === 'capture-2') controller.abort()
      else response.end('OK')
    })
    const result = await runBulkReplay(items(6, target.url), { concurrency: 1, signal: controller.signal })
    expect(result.cancelled).toBe(true)
    expect(result.results.map((item) => item.status)).toEqual(['sent', 'sent', 'cancelled', 'cancelled', 'cancelled', 'cancelled'])
    expect(result.results[2]?.outcome?.kind === 'failure' && result.results[2].outcome.failure.kind).toBe('aborted')
    expect(result.results[3]?.outcome).toBeNull()
    expect(target.received).toHaveLength(3)
  })
})

describe('forwardCapture', () => {
  it("pass-through relays the target's real answer (hop-by-hop headers removed)", async () => {
    target = await startLoopbackTarget((_request, response) => {
      response.writeHead(503, [
        ['X-From-Target', 'yes'],
        ['Retry-After', '10'],
        ['Connection', 'close'],
      ])
      response.end('try later')
    })
    const result = await forwardCapture(capture(1), { targetUrl: `${target.url}/dev`, keepCapturedPath: true }, { mode: 'pass-through', timeoutMs: 2000 })
    expect(result.summary).toEqual({ mode: 'pass-through', usedConfiguredAnswer: false, reason: null })
    expect(result.relay?.status).toBe(503)
    expect(result.relay?.body.toString()).toBe('try later')
    expect(result.relay?.headers).toContainEqual(['X-From-Target', 'yes'])
    expect(result.relay?.headers.some(([name]) => name.toLowerCase() === 'connection')).toBe(false)
    expect(target.received[0]?.target).toBe('/dev/1')
    expect((await result.done).kind).toBe('response')
  })

  it('pass-through falls back to the configured answer when the target hangs past the timeout', async () => {
    target = await startLoopbackTarget(() => undefined)
    const result = await forwardCapture(capture(1), target.url, { mode: 'pass-through', timeoutMs: 200 })
    expect(result.relay).toBeNull()
    expect(result.summary).toEqual({ mode: 'pass-through', usedConfiguredAnswer: true, reason: 'timeout' })
    // It gave up after the 200 ms it was given (not a default timeout), whatever the machine's speed.
    const outcome = await result.done
    expect(outcome.kind === 'failure' && outcome.failure.message).toMatch(/ within 200 ms$/)
  })

  it('background returns at once and records the send when it ends', async () => {
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    target = await startLoopbackTarget(async (_request, response) => {
      await released
      response.end('late OK')
    })
    // Generous: the send lasts until the test releases the answer, which a busy machine can delay by seconds.
    const result = await forwardCapture(capture(1), target.url, { mode: 'background', timeoutMs: 20_000 })
    expect(result.relay).toBeNull()
    expect(result.summary).toEqual({ mode: 'background', usedConfiguredAnswer: true, reason: null })
    let settledWith: ReplayOutcome | null = null
    void result.done.then((outcome) => {
      settledWith = outcome
    })
    // The target holds the request: the forward has returned before its answer, and the send goes on.
    await waitFor(() => (target?.received.length === 1 ? true : undefined))
    expect(settledWith).toBeNull()
    release()
    const outcome = await result.done
    expect(outcome.kind === 'response' && Buffer.from(outcome.response.bodyBase64, 'base64').toString()).toBe('late OK')
  })

  it('never throws for a bad target', async () => {
    const result = await forwardCapture(capture(1), 'not a url', { mode: 'pass-through' })
    expect(result.summary.reason).toBe('invalid-request')
    expect((await result.done).kind).toBe('failure')
  })
})
