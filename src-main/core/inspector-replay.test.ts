/**
 * Resend, re-sign, forward, bulk replay and simulate as the app runs them: captures arrive over
 * HTTP, replays go to loopback targets over HTTP, and the history is read back through procedures.
 */
import { generateKeyPairSync } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { finishedBulkReplay } from '../test-support/bulk-replay-job'
import { EVENTUAL_WAIT_MS } from '../test-support/wait-for'
import { verifyingIxopayHandler } from '../test-support/verifying-target'
import type { Inspector } from './inspector'
import { analyzeDelivery, signChip, signIxopayJson, signStandardWebhook, signStripe } from './providers'
import { FORWARD_TIMEOUT_MS, REPLAY_RECORD_BODY_BYTES, type ReplayRecord } from '../shared/replay'
import { BULK_RESULT_ANSWER_BYTES } from './replay/bulk-replay'

const SECRET = 'ixopay-replay-secret'
const test = useInspector()

describe('replay from the app', () => {
  async function captureSignedIxopay(inspector: Inspector, amount: string): Promise<string> {
    const body = JSON.stringify({ result: 'OK', uuid: `tx-${amount}`, merchantTransactionId: 'order-1', transactionType: 'DEBIT', amount, currency: 'EUR' })
    const target = '/default/callbacks/ixopay?orderId=1'
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: target })
    const [endpoint] = await inspector.procedures.listEndpoints({})
    await send(`${endpoint!.url}/callbacks/ixopay?orderId=1`, { headers: signed.headers, body })
    return (await inspector.procedures.listCaptures({})).items[0]!.id
  }

  test('resends as captured byte for byte, and an edited body re-signed passes the target verification', async ({ inspector, startTarget }) => {
    const target = await startTarget(verifyingIxopayHandler(SECRET))
    const { procedures } = inspector
    const captureId = await captureSignedIxopay(inspector, '9.99')
    const [endpoint] = await procedures.listEndpoints({})
    await procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })

    // Captured bytes to the captured path: the original signature still verifies.
    const asCaptured = await procedures.replayCapture({ captureId, targetUrl: `${target.url}/default/callbacks/ixopay?orderId=1` })
    expect(asCaptured.outcome.kind === 'response' && asCaptured.outcome.response.status).toBe(200)
    const capture = await procedures.getCapture({ id: captureId })
    expect(target.received[0]!.body.equals(Buffer.from(capture.request.bodyBase64, 'base64'))).toBe(true)

    const edited = JSON.parse(Buffer.from(capture.request.bodyBase64, 'base64').toString()) as Record<string, unknown>
    edited.amount = '19.99'
    const input = { captureId, targetUrl: `${target.url}/callbacks/ixopay`, edits: { body: { encoding: 'utf8' as const, text: JSON.stringify(edited) } } }
    const unsigned = await procedures.replayCapture(input)
    expect(unsigned.outcome.kind === 'response' && unsigned.outcome.response.status).toBe(401)
    const preview = await procedures.previewReplay({ ...input, resign: true })
    expect(preview.sent.differsFromCapture).toBe(true)
    expect(preview.bodyDiff?.unified).toContain('19.99')
    expect(preview.resign?.changes.map((change) => change.name)).toContain('X-Signature')
    const resigned = await procedures.replayCapture({ ...input, resign: true })
    expect(resigned.outcome.kind === 'response' && resigned.outcome.response.status).toBe(200)

    const history = await procedures.listReplays({ captureId })
    expect(history.map((record) => record.outcome.kind === 'response' && record.outcome.response.status)).toEqual([200, 401, 200])
    expect((await procedures.getForwardConfig({ endpointId: endpoint!.id })).lastTarget?.url).toBe(`${target.url}/callbacks/ixopay`)
  })

  test('forwards live: relays the target answer in pass-through, falls back to the configured answer on timeout', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    const answering = await startTarget((_request, response) => response.writeHead(503, { 'x-from': 'target' }).end('target says no'))
    const hanging = await startTarget(() => undefined)

    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: answering.url, mode: 'pass-through', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: true },
    })
    const relayed = await send(`${endpoint!.url}/hook?x=1`, { body: '{"a":1}' })
    expect(relayed.status).toBe(503)
    expect(relayed.body.toString()).toBe('target says no')
    expect(answering.received[0]!.target).toBe('/hook?x=1')
    let [capture] = (await procedures.listCaptures({})).items
    expect(capture!.response.chosenBy).toEqual({ kind: 'forward', targetUrl: answering.url })

    await procedures.setForwardConfig({
      endpointId: endpoint!.id,
      config: { enabled: true, targetUrl: hanging.url, mode: 'pass-through', timeoutMs: 300, keepCapturedPath: false },
    })
    const fallback = await send(`${endpoint!.url}/hook`, { body: '{"a":2}' })
    expect(fallback.status).toBe(200)
    ;[capture] = (await procedures.listCaptures({})).items
    expect(capture!.response.chosenBy.kind).toBe('provider-default')
    await expect.poll(async () => (await procedures.listReplays({ captureId: capture!.id }))[0]?.forward?.reason, { timeout: EVENTUAL_WAIT_MS }).toBe('timeout')
  })

  test('a resend whose history cannot be written still returns what came back, and says it was not kept', async ({ inspector, dataDir, startTarget }) => {
    const { procedures } = inspector
    const target = await startTarget((_request, response) => response.writeHead(202).end('queued'))
    await send(`${inspector.receiverUrl}/default/hook`, { body: '{"a":1}' })
    const [capture] = (await procedures.listCaptures({})).items
    // Where the history goes is not a folder: every write of it fails, as on a full disk.
    await rm(join(dataDir, 'replays'), { recursive: true, force: true })
    await writeFile(join(dataDir, 'replays'), 'not a folder')
    const recorded: ReplayRecord[] = []
    const unsubscribe = inspector.events.subscribe((event) => {
      if (event.type === 'replay-recorded') recorded.push(event.record)
    })
    try {
      const resent = await procedures.replayCapture({ captureId: capture!.id, targetUrl: target.url })
      // It went out and was answered: not "could not resend".
      expect(target.received).toHaveLength(1)
      expect(resent.outcome.kind === 'response' && resent.outcome.response.status).toBe(202)
      expect(resent.unrecorded).toMatch(/could not be kept in the capture's history/)
      // Announced as it went out, it is replaced by what came back, saying it was not kept (never left "sending").
      expect(recorded.map((record) => [record.id, record.outcome.kind, record.unrecorded])).toEqual([
        [resent.id, 'sending', undefined],
        [resent.id, 'response', resent.unrecorded],
      ])
    } finally {
      unsubscribe()
    }
  })

  test('a bulk replay whose history cannot be written counts the results it could not keep', async ({ inspector, dataDir, startTarget }) => {
    const { procedures } = inspector
    const target = await startTarget()
    for (let index = 0; index < 3; index++) await send(`${inspector.receiverUrl}/default`, { body: String(index) })
    await rm(join(dataDir, 'replays'), { recursive: true, force: true })
    await writeFile(join(dataDir, 'replays'), 'not a folder')
    const [endpoint] = await procedures.listEndpoints({})
    const job = await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url, concurrency: 1 })
    expect(job.unrecorded).toBe(0)
    const finished = await finishedBulkReplay(procedures, job.jobId)
    expect(target.received).toHaveLength(3)
    expect(finished.sent).toBe(3)
    expect(finished.unrecorded).toBe(3)
  })

  test('replays an endpoint in bulk, in capture order', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const target = await startTarget()
    for (let index = 0; index < 5; index++) await send(`${inspector.receiverUrl}/default`, { body: String(index) })
    const [endpoint] = await procedures.listEndpoints({})
    const job = await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url, concurrency: 1 })
    const finished = await finishedBulkReplay(procedures, job.jobId)
    expect(target.received.map((request) => request.body.toString())).toEqual(['0', '1', '2', '3', '4'])
    expect(finished.sent).toBe(5)
  })

  test('keeps the first 64 KB of a large answer in the history and 4 KB in a bulk job; a resend returns what it read', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const answer = Buffer.alloc(1024 * 1024)
    for (let index = 0; index < answer.length; index++) answer[index] = 97 + (index % 26)
    const target = await startTarget((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': answer.length }).end(answer),
    )
    for (let index = 0; index < 3; index++) await send(`${inspector.receiverUrl}/default`, { body: String(index) })
    const [endpoint] = await procedures.listEndpoints({})
    const [newest] = (await procedures.listCaptures({})).items

    // A resend shows the whole answer it read; the history keeps its beginning, and says so.
    const resent = await procedures.replayCapture({ captureId: newest!.id, targetUrl: target.url })
    expect(resent.outcome.kind === 'response' && Buffer.from(resent.outcome.response.bodyBase64, 'base64').equals(answer)).toBe(true)
    const [stored] = await procedures.listReplays({ captureId: newest!.id })
    const storedAnswer = stored!.outcome.kind === 'response' ? stored!.outcome.response : null
    expect(storedAnswer).toMatchObject({ status: 200, bodySize: answer.length, bodyTruncated: true, declaredSize: answer.length })
    expect(Buffer.from(storedAnswer!.bodyBase64, 'base64').equals(answer.subarray(0, REPLAY_RECORD_BODY_BYTES))).toBe(true)

    const job = await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url, concurrency: 2 })
    const finished = await finishedBulkReplay(procedures, job.jobId)
    expect(finished.sent).toBe(3)
    for (const item of finished.results) {
      const response = item.outcome?.kind === 'response' ? item.outcome.response : null
      expect(response).toMatchObject({ status: 200, bodySize: answer.length, bodyTruncated: true })
      expect(Buffer.from(response!.bodyBase64, 'base64').equals(answer.subarray(0, BULK_RESULT_ANSWER_BYTES))).toBe(true)
      const [record] = await procedures.listReplays({ captureId: item.captureId })
      expect(record!.kind).toBe('bulk')
      expect(record!.outcome.kind === 'response' && Buffer.from(record!.outcome.response.bodyBase64, 'base64').length).toBe(REPLAY_RECORD_BODY_BYTES)
    }
  })

  test('re-signs a bulk replay of CHIP callbacks with a private key given for the run', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const chipKey = { kind: 'rsa-public-key', provider: 'chip', pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } as const
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const target = await startTarget((request, response) => {
      const analysis = analyzeDelivery(
        { method: request.method, target: request.target, headers: request.headers, body: request.body },
        { now: new Date(), keys: [chipKey], pinnedProvider: 'chip' },
      )
      response.writeHead(analysis.verdict.status === 'valid' ? 200 : 401).end()
    })
    const [endpoint] = await procedures.listEndpoints({})
    await procedures.addKey({ endpointId: endpoint!.id, key: chipKey })
    // Captured with a signature the target does not accept (another key), as after a key rotation.
    const stale = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    for (let index = 0; index < 3; index++) {
      const body = JSON.stringify({ id: `pur_${index}`, event_type: 'purchase.paid', status: 'paid' })
      await send(`${endpoint!.url}/chip`, {
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Signature', signChip(body, stale)],
        ],
        body,
      })
    }
    const run = async (privateKeys?: Array<{ kind: 'rsa-private-key'; provider: 'chip'; pem: string }>) => {
      const job = await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url, resign: true, concurrency: 2, privateKeys })
      return (await finishedBulkReplay(procedures, job.jobId)).results.map((item) => (item.outcome?.kind === 'response' ? item.outcome.response.status : null))
    }
    expect(await run()).toEqual([401, 401, 401])
    expect(await run([{ kind: 'rsa-private-key', provider: 'chip', pem: privatePem }])).toEqual([200, 200, 200])
  })

  test('names the captures a re-signed bulk replay could not re-sign', async ({ inspector, startTarget }) => {
    const { procedures } = inspector
    const target = await startTarget()
    const [endpoint] = await procedures.listEndpoints({})
    await procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'hmac-secret', provider: 'stripe', value: 'whsec_bulk' } })
    const stripeBody = JSON.stringify({ id: 'evt_bulk_1', object: 'event', type: 'charge.succeeded' })
    const stripe = signStripe({ secret: 'whsec_bulk', body: stripeBody, timestamp: Math.floor(Date.now() / 1000) - 3600 })
    await send(`${endpoint!.url}/stripe`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', stripe.header],
      ],
      body: stripeBody,
    })
    // Standard Webhooks, whose secret this endpoint does not have: its signature can only go as captured.
    const webhookBody = '{"type":"invoice.paid"}'
    const webhook = signStandardWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_bulk',
      timestamp: Math.floor(Date.now() / 1000) - 3600,
      body: webhookBody,
    })
    await send(`${endpoint!.url}/sw`, { headers: [['Content-Type', 'application/json'], ...webhook.headers], body: webhookBody })
    await send(`${endpoint!.url}/plain`, { body: 'unsigned' })

    const job = await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url, resign: true })
    const finished = await finishedBulkReplay(procedures, job.jobId)
    expect(finished.sent).toBe(3)
    expect(finished.notResigned).toBe(1)
    expect(finished.results.map((item) => item.resignSkipped?.map((skip) => skip.provider))).toEqual([[], ['standard-webhooks'], []])
    expect(finished.results[1]!.resignSkipped![0]!.reason).toMatch(/sent unchanged/)

    // Without resign nothing is claimed either way.
    const plain = await finishedBulkReplay(procedures, (await procedures.startBulkReplay({ endpointId: endpoint!.id, targetUrl: target.url })).jobId)
    expect(plain.notResigned).toBe(0)
    expect(plain.results.every((item) => item.resignSkipped === undefined)).toBe(true)
  })

  test('simulates a signed callback to its own endpoint, which verifies it with the configured secret', async ({ inspector }) => {
    const { procedures } = inspector
    const [endpoint] = await procedures.listEndpoints({})
    await procedures.addKey({ endpointId: endpoint!.id, key: { kind: 'hmac-secret', provider: 'stripe', value: 'whsec_simulated' } })
    const templates = await procedures.listSimulatorTemplates({})
    const stripe = templates.find((template) => template.provider === 'stripe')!
    const result = await procedures.simulateCallback({ templateId: stripe.id, targetUrl: `${endpoint!.url}/stripe`, useKeysOf: endpoint!.id })
    expect(result.record.outcome.kind === 'response' && result.record.outcome.response.status).toBe(200)
    const [capture] = (await procedures.listCaptures({})).items
    expect(capture!.recognition).toMatchObject({ provider: { id: 'stripe' }, verdict: { status: 'valid' } })
  })
})
