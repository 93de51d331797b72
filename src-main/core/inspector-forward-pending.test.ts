/**
 * A pass-through forward's capture is stored as soon as it arrives, with its forward pending,
 * while the target is awaited (up to its timeout, 120 s at most): it used to exist only in memory
 * until the target answered, so a crash then lost it, and an app stopped meanwhile recorded the
 * configured answer as if sent. The answer is recorded on the capture before it goes out.
 * The kill -9 case, with a real process, is in headless/forward-crash.test.ts.
 */
import { request, type ClientRequest, type ServerResponse } from 'node:http'
import { expect } from 'vitest'
import { useInspector, type InspectorFixtures } from '../test-support/inspector-fixture'
import type { Inspector } from './inspector'
import type { CaptureSummary } from '../shared/views'
import { waitFor } from '../test-support/wait-for'
import { logFileIo } from './store/log-file-io'
import { writeFileAtomically } from './store/data-file'

const test = useInspector()

/** While set, a capture index cannot be written (as in a folder turned read-only). */
let indexWritesFail = false
const withFailingIndex = useInspector({
  deps: {
    logIo: {
      ...logFileIo,
      writeIndex: (file, text) =>
        indexWritesFail
          ? Promise.reject(Object.assign(new Error(`EROFS: read-only file system, open '${file}'`), { code: 'EROFS' }))
          : (logFileIo.writeIndex ?? writeFileAtomically)(file, text),
    },
  },
})

interface Sent {
  /** The status the sender got, or `closed` when the connection ended without an answer. */
  answer: Promise<{ status: number; body: string } | 'closed'>
}

/** Posts to the endpoint and resolves once the capture is stored (before the target answered). */
async function sendAndWaitUntilStored(app: Inspector, path: string): Promise<Sent & { stored: CaptureSummary }> {
  let unsubscribe = (): void => undefined
  const stored = new Promise<CaptureSummary>((resolve) => {
    unsubscribe = app.events.subscribe((event) => {
      if (event.type === 'capture-received' && event.capture.target === path) resolve(event.capture)
    })
  })
  const outgoing = request(`${app.receiverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } })
  const answer = new Promise<{ status: number; body: string } | 'closed'>((resolve) => {
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
      incoming.on('error', () => resolve('closed'))
    })
    outgoing.on('error', () => resolve('closed'))
  })
  outgoing.end('{"id":"evt_1"}')
  try {
    return { stored: await stored, answer }
  } finally {
    unsubscribe()
  }
}

/** A target that holds the request it gets until the test answers it: `held` is that request's response. */
async function holdingTarget(startTarget: InspectorFixtures['startTarget']): Promise<{ url: string; held: Promise<ServerResponse> }> {
  let release: (response: ServerResponse) => void = () => undefined
  const held = new Promise<ServerResponse>((resolve) => (release = resolve))
  const target = await startTarget((_request, response) => release(response))
  return { url: target.url, held }
}

/** Forwards the default endpoint's callbacks to `targetUrl`; returns the endpoint. */
async function forwardDefaultEndpoint(inspector: Inspector, targetUrl: string, mode: 'pass-through' | 'background' = 'pass-through') {
  const [endpoint] = await inspector.procedures.listEndpoints({})
  await inspector.procedures.setForwardConfig({
    endpointId: endpoint!.id,
    config: { enabled: true, targetUrl, mode, timeoutMs: 120_000, keepCapturedPath: false },
  })
  return endpoint!
}

test('stores a pass-through capture while the target is awaited, then records the relayed answer before sending it', async ({ app, startTarget }) => {
  const inspector = await app.start()
  const target = await holdingTarget(startTarget)
  const held = target.held
  const endpoint = await forwardDefaultEndpoint(inspector, target.url)
  const sent = await sendAndWaitUntilStored(inspector, '/default/hook')

  // On disk while the target has not answered: pending, the connection held, nothing sent.
  const [pending] = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
  expect(pending!.id).toBe(sent.stored.id)
  expect(pending!.forward).toEqual({ mode: 'pass-through', targetUrl: target.url, state: 'pending', reason: null })
  expect(pending!.response).toMatchObject({ kind: 'hang', status: null, chosenBy: { kind: 'forward', targetUrl: target.url } })
  expect((await inspector.procedures.listCaptures({ endpointId: endpoint.id, filter: { answer: 'none' } })).items).toHaveLength(1)

  const updated = new Promise<CaptureSummary>((resolve) => {
    const unsubscribe = inspector.events.subscribe((event) => {
      if (event.type === 'capture-updated' && event.capture.id === sent.stored.id) {
        unsubscribe()
        resolve(event.capture)
      }
    })
  })
  ;(await held).writeHead(201, { 'x-from': 'target' }).end('made')
  expect(await sent.answer).toEqual({ status: 201, body: 'made' })
  expect((await updated).response.status).toBe(201)

  // The answer recorded is the one relayed, read back through every view, across a restart.
  await app.stop()
  const restarted = await app.start()
  const [relayed] = (await restarted.procedures.listCaptures({ endpointId: endpoint.id })).items
  expect(relayed!.forward).toMatchObject({ state: 'relayed', reason: null })
  expect(relayed!.response).toMatchObject({ kind: 'respond', status: 201, bodySize: 4, chosenBy: { kind: 'forward', targetUrl: target.url } })
  expect(relayed!.appStoppedAt).toBeNull()
  const detail = await restarted.procedures.getCapture({ id: relayed!.id })
  expect(Buffer.from(detail.responseBodyBase64, 'base64').toString()).toBe('made')
  expect((await restarted.procedures.listCaptures({ endpointId: endpoint.id, filter: { answer: '201' } })).items).toHaveLength(1)
  expect((await restarted.procedures.listCaptures({ endpointId: endpoint.id, filter: { answer: 'none' } })).items).toHaveLength(0)
  // A query that reads the record (its body) sees the recorded answer too.
  expect((await restarted.procedures.listCaptures({ endpointId: endpoint.id, filter: { query: 'status:201 evt_1' } })).items).toHaveLength(1)
  expect((await restarted.procedures.listCaptures({ endpointId: endpoint.id, filter: { query: 'status:none evt_1' } })).items).toHaveLength(0)
})

test('a pass-through forward the app stopped while awaiting is recorded as not sent, across a restart', async ({ app, startTarget }) => {
  let inspector = await app.start()
  const target = await startTarget(() => undefined)
  const endpoint = await forwardDefaultEndpoint(inspector, target.url, 'pass-through')
  const sent = await sendAndWaitUntilStored(inspector, '/default/hook')
  const stoppingAt = Date.now()
  await app.stop()
  expect(await sent.answer).toBe('closed')

  inspector = await app.start()
  const [capture] = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
  expect(capture!.id).toBe(sent.stored.id)
  // Not "respond 200" (the configured answer it used to record): no answer went out.
  expect(capture!.response).toMatchObject({ kind: 'hang', status: null })
  expect(Date.parse(capture!.appStoppedAt ?? '')).toBeGreaterThanOrEqual(stoppingAt - 1_000)
  expect(capture!.senderLeftAt).toBeNull()
  expect(capture!.forward).toMatchObject({ state: 'failed', reason: expect.stringContaining('the app stopped') })
  expect((await inspector.procedures.getCapture({ id: capture!.id })).appStoppedAt).toBe(capture!.appStoppedAt)
  // Its history never says the provider got the configured answer: it got none.
  const [record] = await inspector.procedures.listReplays({ captureId: capture!.id })
  expect(record!.forward).toEqual({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'app-stopped' })
})

test('a sender that leaves while the target is awaited is recorded as gone then, and the answer as never relayed', async ({ app, startTarget }) => {
  const inspector = await app.start()
  const target = await holdingTarget(startTarget)
  const held = target.held
  await forwardDefaultEndpoint(inspector, target.url)
  const stored = new Promise<CaptureSummary>((resolve) => {
    const unsubscribe = inspector.events.subscribe((event) => {
      if (event.type === 'capture-received') {
        unsubscribe()
        resolve(event.capture)
      }
    })
  })
  const outgoing: ClientRequest = request(`${inspector.receiverUrl}/default/hook`, { method: 'POST' })
  outgoing.on('error', () => undefined)
  outgoing.end('{"id":"evt_2"}')
  const { id } = await stored
  const targetAnswer = await held
  // The sender's own timeout, shorter than the target's answer.
  outgoing.destroy()
  await new Promise((resolve) => setTimeout(resolve, 200))
  const answeredAt = Date.now()
  const updated = new Promise<CaptureSummary>((resolve) => {
    const unsubscribe = inspector.events.subscribe((event) => {
      if (event.type === 'capture-updated' && event.capture.id === id) {
        unsubscribe()
        resolve(event.capture)
      }
    })
  })
  targetAnswer.writeHead(201).end('made')
  const capture = await updated
  expect(Date.parse(capture.senderLeftAt ?? '')).toBeLessThan(answeredAt)
  expect(capture.response).toMatchObject({ kind: 'respond', status: 201 })
  expect(capture.forward).toMatchObject({ state: 'relayed', reason: expect.stringContaining('the sender left') })
  const record = await waitFor(async () => (await inspector.procedures.listReplays({ captureId: id }))[0])
  expect(record.forward).toEqual({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'sender-left' })
  expect((await inspector.procedures.getCapture({ id })).senderLeftAt).toBe(capture.senderLeftAt)
})

test('a background forward the app stopped is recorded as cut off by the stop, not as cancelled', async ({ app, startTarget }) => {
  let inspector = await app.start()
  const target = await startTarget(() => undefined)
  const endpoint = await forwardDefaultEndpoint(inspector, target.url, 'background')
  const sent = await sendAndWaitUntilStored(inspector, '/default/hook')
  expect(await sent.answer).toMatchObject({ status: 200 })
  await waitFor(() => (target.received.length === 1 ? true : undefined))
  await app.stop()
  inspector = await app.start()
  const [capture] = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
  expect(capture!.forward).toMatchObject({ state: 'failed', reason: 'the app stopped before the target answered' })
})

test('a pass-through capture deleted while its target is awaited still gets the target answer to its sender, and is no storage failure', async ({
  app,
  startTarget,
}) => {
  const inspector = await app.start()
  const target = await holdingTarget(startTarget)
  const held = target.held
  const endpoint = await forwardDefaultEndpoint(inspector, target.url)
  const storageEvents: string[] = []
  const unsubscribe = inspector.events.subscribe((event) => {
    if (event.type === 'storage-failed' || event.type === 'storage-recovered') storageEvents.push(event.type)
  })
  const sent = await sendAndWaitUntilStored(inspector, '/default/deleted-meanwhile')

  await inspector.procedures.clearEndpoint({ id: endpoint.id })
  ;(await held).writeHead(202).end('accepted')

  // Before, the record it could not annotate read as a storage failure: 503 and the storage banner.
  expect(await sent.answer).toEqual({ status: 202, body: 'accepted' })
  unsubscribe()
  expect(storageEvents).toEqual([])
  expect((await inspector.procedures.getStatus({})).storage.lastError).toBeNull()
})

withFailingIndex(
  'a pass-through answer that cannot be recorded is not said in the history to have reached the provider, which got 503',
  async ({ app, startTarget }) => {
    indexWritesFail = false
    const inspector = await app.start()
    const target = await holdingTarget(startTarget)
    await forwardDefaultEndpoint(inspector, target.url)
    const sent = await sendAndWaitUntilStored(inspector, '/default/hook')
    indexWritesFail = true
    try {
      ;(await target.held).writeHead(201).end('made')
      expect(await sent.answer).toMatchObject({ status: 503 })
      const record = await waitFor(async () =>
        (await inspector.procedures.listReplays({ captureId: sent.stored.id })).find((item) => item.outcome.kind !== 'sending'),
      )
      expect(record.outcome).toMatchObject({ kind: 'response', response: { status: 201 } })
      // Before: { usedConfiguredAnswer: false, reason: null }, "the provider got this answer from your server".
      expect(record.forward).toEqual({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'store-failed' })
    } finally {
      indexWritesFail = false
    }
  },
)
