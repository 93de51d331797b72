/**
 * A resend is in the capture's history before it goes out: one in flight when the app is killed
 * (kill -9) reads, after the restart, as sent with no answer (the target may have received it),
 * rather than leaving no trace. Tested with the built headless app, killed for real while the
 * target holds the requests: a single edited resend, and a bulk replay with two in flight. A stop
 * (SIGTERM) cuts the send off and says the same, not that the user cancelled it. A live forward
 * (background or pass-through) reads the same after either.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { send } from '../test-support/http-client'
import { startHeadless, type HeadlessProcess } from '../test-support/headless-process'
import { startLoopbackTarget } from '../test-support/loopback-target'
import { makeTempDir } from '../test-support/temp-dir'
import { waitFor } from '../test-support/wait-for'
import type { BulkJobView, CaptureSummary, Endpoint } from '../shared/views'
import type { ReplayRecord } from '../shared/replay'

describe('a resend in flight when the app is killed', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('is in the history after the restart, as sent with no answer, beside the resends that were answered', async () => {
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const answering = await startLoopbackTarget((_request, response) => response.writeHead(202).end('queued'))
    cleanups.push(() => answering.close())
    // Holds every request: the app waits for an answer that never comes.
    const holding = await startLoopbackTarget(() => undefined)
    cleanups.push(() => holding.close())
    const app: HeadlessProcess = await startHeadless(dir)
    cleanups.push(() => app.stop())

    for (const body of ['{"n":1}', '{"n":2}']) expect((await send(`${app.ready.receiver}/default/hook`, { body })).status).toBe(200)
    const { items } = await app.call<{ items: CaptureSummary[] }>('listCaptures')
    const [second, first] = items
    // Answered before the kill: kept once, as it was.
    const answered = await app.call<ReplayRecord>('replayCapture', { captureId: first!.id, targetUrl: answering.url })
    expect(answered.outcome.kind).toBe('response')

    const edited = app
      .call('replayCapture', { captureId: first!.id, targetUrl: `${holding.url}/edited`, edits: { body: { encoding: 'utf8', text: '{"n":1,"edited":true}' } } })
      .catch(() => 'killed')
    await waitFor(() => (holding.received.length === 1 ? true : undefined))
    const [endpoint] = await app.call<Endpoint[]>('listEndpoints')
    const job = await app.call<BulkJobView>('startBulkReplay', { endpointId: endpoint!.id, targetUrl: `${holding.url}/bulk`, concurrency: 2 })
    expect(job.total).toBe(2)
    await waitFor(() => (holding.received.length === 3 ? true : undefined))

    app.child.kill('SIGKILL')
    await new Promise((resolve) => app.child.once('exit', resolve))
    expect(await edited).toBe('killed')

    const restarted = await startHeadless(dir)
    cleanups.push(() => restarted.stop())
    const historyOf = (captureId: string) => restarted.call<ReplayRecord[]>('listReplays', { captureId })
    const stopped = {
      kind: 'app-stopped',
      message: 'the app stopped before the answer arrived; the target may have received it',
    }
    const firstHistory = await historyOf(first!.id)
    expect(firstHistory.map((record) => [record.kind, record.outcome.kind]).sort()).toEqual([
      ['bulk', 'app-stopped'],
      ['resend', 'app-stopped'],
      ['resend', 'response'],
    ])
    const editedRecord = firstHistory.find((record) => record.kind === 'resend' && record.outcome.kind === 'app-stopped')!
    expect(editedRecord.outcome).toMatchObject({ ...stopped, url: `${holding.url}/edited` })
    expect(editedRecord.sent.differsFromCapture).toBe(true)
    expect(Buffer.from(editedRecord.sent.bodyBase64, 'base64').toString()).toBe('{"n":1,"edited":true}')
    expect(firstHistory.find((record) => record.outcome.kind === 'response')).toEqual(answered)

    const secondHistory = await historyOf(second!.id)
    expect(secondHistory).toHaveLength(1)
    expect(secondHistory[0]).toMatchObject({ kind: 'bulk', outcome: { ...stopped, url: `${holding.url}/bulk` } })
    // Every record the journal held is in its capture's history now: the journal is emptied.
    expect(readFileSync(join(dir, 'replays', 'sending.jsonl'), 'utf8')).toBe('')
  }, 60_000)

  it('reads the same after a stop (SIGTERM), not as cancelled', async () => {
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const holding = await startLoopbackTarget(() => undefined)
    cleanups.push(() => holding.close())
    const app = await startHeadless(dir)
    cleanups.push(() => app.stop())
    await send(`${app.ready.receiver}/default/hook`, { body: '{"n":1}' })
    const [capture] = (await app.call<{ items: CaptureSummary[] }>('listCaptures')).items
    const resend = app.call('replayCapture', { captureId: capture!.id, targetUrl: holding.url }).catch(() => 'stopped')
    await waitFor(() => (holding.received.length === 1 ? true : undefined))
    await app.stop()
    await resend

    const restarted = await startHeadless(dir)
    cleanups.push(() => restarted.stop())
    const history = await restarted.call<ReplayRecord[]>('listReplays', { captureId: capture!.id })
    expect(history.map((record) => record.outcome)).toEqual([
      {
        kind: 'app-stopped',
        url: `${holding.url}/`,
        startedAt: expect.any(String),
        message: 'the app stopped before the answer arrived; the target may have received it',
      },
    ])
  }, 60_000)

  for (const mode of ['background', 'pass-through'] as const) {
    it(`a ${mode} forward in flight when the app is killed is in its history after the restart, as sent with no answer`, async () => {
      const { dir, remove } = await makeTempDir()
      cleanups.push(remove)
      const holding = await startLoopbackTarget(() => undefined)
      cleanups.push(() => holding.close())
      const app = await startHeadless(dir)
      cleanups.push(() => app.stop())
      const [endpoint] = await app.call<Endpoint[]>('listEndpoints')
      await app.call('setForwardConfig', { endpointId: endpoint!.id, config: { enabled: true, targetUrl: `${holding.url}/mine`, mode, timeoutMs: 60_000 } })
      const callback = send(`${app.ready.receiver}/default/hook`, { body: '{"n":1}' }).catch(() => 'closed')
      // The target holds the forward: it has received it, and the app waits for its answer.
      await waitFor(() => (holding.received.length === 1 ? true : undefined))
      // Listed as on its way meanwhile, as a resend is.
      const [live] = (await app.call<{ items: CaptureSummary[] }>('listCaptures')).items
      expect((await app.call<ReplayRecord[]>('listReplays', { captureId: live!.id })).map((record) => [record.kind, record.outcome.kind])).toEqual([
        ['forward', 'sending'],
      ])
      app.child.kill('SIGKILL')
      await new Promise((resolve) => app.child.once('exit', resolve))
      // Background: the sender had the configured answer at once; pass-through: none.
      expect(await callback).toEqual(mode === 'background' ? expect.objectContaining({ status: 200 }) : 'closed')

      const restarted = await startHeadless(dir)
      cleanups.push(() => restarted.stop())
      const [capture] = (await restarted.call<{ items: CaptureSummary[] }>('listCaptures')).items
      const history = await restarted.call<ReplayRecord[]>('listReplays', { captureId: capture!.id })
      expect(history).toHaveLength(1)
      expect(history[0]).toMatchObject({
        kind: 'forward',
        captureId: capture!.id,
        sent: { method: 'POST', url: `${holding.url}/mine` },
        outcome: { kind: 'app-stopped', url: `${holding.url}/mine`, message: 'the app stopped before the answer arrived; the target may have received it' },
        // What the provider got, as a stop would have left it.
        forward: mode === 'background' ? { mode, usedConfiguredAnswer: true, reason: null } : { mode, usedConfiguredAnswer: false, reason: 'app-stopped' },
      })
      expect(Buffer.from(history[0]!.sent.bodyBase64, 'base64').toString()).toBe('{"n":1}')
      expect(readFileSync(join(dir, 'replays', 'sending.jsonl'), 'utf8')).toBe('')
    }, 60_000)
  }

  for (const mode of ['background', 'pass-through'] as const) {
    it(`a ${mode} forward a stop cut off reads the same in its history`, async () => {
      const { dir, remove } = await makeTempDir()
      cleanups.push(remove)
      const holding = await startLoopbackTarget(() => undefined)
      cleanups.push(() => holding.close())
      const app = await startHeadless(dir)
      cleanups.push(() => app.stop())
      const [endpoint] = await app.call<Endpoint[]>('listEndpoints')
      await app.call('setForwardConfig', { endpointId: endpoint!.id, config: { enabled: true, targetUrl: holding.url, mode, timeoutMs: 60_000 } })
      const callback = send(`${app.ready.receiver}/default/hook`, { body: '{"n":1}' }).catch(() => 'closed')
      await waitFor(() => (holding.received.length === 1 ? true : undefined))
      await app.stop()
      await callback

      const restarted = await startHeadless(dir)
      cleanups.push(() => restarted.stop())
      const [capture] = (await restarted.call<{ items: CaptureSummary[] }>('listCaptures')).items
      const history = await restarted.call<ReplayRecord[]>('listReplays', { captureId: capture!.id })
      expect(history.map((record) => [record.kind, record.outcome])).toEqual([
        ['forward', { kind: 'app-stopped', url: `${holding.url}/`, startedAt: expect.any(String), message: expect.stringContaining('the app stopped') }],
      ])
    }, 60_000)
  }
})
