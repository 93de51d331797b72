/**
 * A request whose target is in absolute form (`POST http://host/default/x?y=1 HTTP/1.1`, RFC 9112
 * §3.2.2: some proxies and clients send it) is captured with its target exactly as received, and
 * every reader of the target uses its path and query: routing, answer rules, signatures, resends,
 * exports, search. Targets in no form a callback is sent to (`*`, CONNECT's `host:port`) get a 400
 * that says what to send instead.
 */
import { describe, expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { exportedFile } from '../../test-support/exported-file'
import { useInspector } from '../../test-support/inspector-fixture'
import { verifyingIxopayHandler } from '../../test-support/verifying-target'
import type { Inspector } from '../inspector'
import { signIxopayJson } from '../providers'

const SECRET = 'absolute-form-secret'
const PATH = '/default/callbacks/ixopay?orderId=1'
/** A host that is not the receiver's: what a proxy in front of it puts in the target. */
const ABSOLUTE_TARGET = `http://proxy.example.test:8080${PATH}`

const test = useInspector()

/** Sends one signed IXOPAY callback with an absolute-form target over a raw socket; returns the answer's text. */
async function sendAbsoluteForm(inspector: Inspector): Promise<string> {
  const body = JSON.stringify({ result: 'OK', uuid: 'tx-1', merchantTransactionId: 'order-1', transactionType: 'DEBIT', amount: '9.99', currency: 'EUR' })
  // IXOPAY signs the path and query it requested, never a proxy's spelling of the URL.
  const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: PATH })
  const headers = signed.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return sendRaw(
    inspector.receiverUrl,
    `POST ${ABSOLUTE_TARGET} HTTP/1.1\r\nHost: proxy.example.test:8080\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

async function onlyCaptureId(inspector: Inspector): Promise<string> {
  const { items } = await inspector.procedures.listCaptures({})
  expect(items).toHaveLength(1)
  return items[0]!.id
}

describe('an absolute-form request target', () => {
  test('is routed and matched by its path, stored as received, and its path-covering signature verifies', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    const rule = { id: 'r1', name: 'ixopay', enabled: true, match: { pathPattern: '/callbacks/**' }, answer: { kind: 'respond', status: 202 } }
    await procedures.setAnswerConfig({ endpointId: endpoint.id, config: { rules: [rule] } })

    // Before: 404 "No endpoint "http:"": the whole URL was read as a path.
    expect(await sendAbsoluteForm(inspector)).toMatch(/^HTTP\/1\.1 202 /)
    const capture = await procedures.getCapture({ id: await onlyCaptureId(inspector) })
    expect(capture.request.target).toBe(ABSOLUTE_TARGET)
    expect(capture.endpointId).toBe(endpoint.id)
    expect(capture.recognition?.verdict).toMatchObject({ status: 'valid' })
  })

  test('is searched by its path: `path:` does not look at the scheme and host', async ({ inspector, endpoint }) => {
    await sendAbsoluteForm(inspector)
    const count = (query: string) => inspector.procedures.countCaptures({ endpointId: endpoint.id, filter: { query } })
    expect((await count('path:/default/callbacks/ixopay')).total).toBe(1)
    expect((await count('path:proxy.example')).total).toBe(0)
    expect((await count('path:http')).total).toBe(0)
  })

  test('is resent to its path: no path difference, no path-signature warning, and the target verifies it', async ({ inspector, endpoint, startTarget }) => {
    const { procedures } = inspector
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    const target = await startTarget(verifyingIxopayHandler(SECRET))
    await sendAbsoluteForm(inspector)
    const captureId = await onlyCaptureId(inspector)

    const input = { captureId, targetUrl: `${target.url}/default`, keepCapturedPath: true }
    const preview = await procedures.previewReplay(input)
    expect(preview.differences.filter((difference) => difference.kind === 'path')).toEqual([])
    expect(preview.warnings).toEqual([])
    const sent = await procedures.replayCapture(input)
    expect(sent.outcome.kind === 'response' && sent.outcome.response.status).toBe(200)
    expect(target.received[0]!.target).toBe(PATH)
  })

  test('is exported as a URL on the receiver (curl, HAR: imported back as received) and as received (raw HTTP)', async ({ inspector }) => {
    const { procedures } = inspector
    await sendAbsoluteForm(inspector)
    const captureIds = [await onlyCaptureId(inspector)]
    const receiverUrl = `${inspector.receiverUrl}${PATH}`

    const curl = exportedFile(await procedures.exportCaptures({ captureIds, format: 'curl' })).toString()
    // The command sends to the receiver, as for any capture, with the target as received (curl --request-target).
    expect(curl).toContain(`curl -sS --request-target '${ABSOLUTE_TARGET}' \\\n  '${receiverUrl}'`)

    const harFile = exportedFile(await procedures.exportCaptures({ captureIds, format: 'har' }))
    const har = JSON.parse(harFile.toString()) as { log: { entries: Array<{ request: { url: string; queryString: unknown }; _target: string }> } }
    expect(har.log.entries[0]!.request.url).toBe(receiverUrl)
    expect(har.log.entries[0]!.request.queryString).toEqual([{ name: 'orderId', value: '1' }])
    expect(har.log.entries[0]!._target).toBe(ABSOLUTE_TARGET)
    // Imported back, the capture has its target as received (the import refused it: "is not a path").
    const other = await procedures.createEndpoint({ name: 'Imported' })
    const imported = await procedures.importCaptures({ endpointId: other.id, format: 'har', dataBase64: harFile.toString('base64') })
    expect(imported.failures).toEqual([])
    expect((await procedures.getCapture({ id: imported.importedIds[0]! })).request.target).toBe(ABSOLUTE_TARGET)

    // The raw message is the request as received: its request line too.
    const raw = exportedFile(await procedures.exportCaptures({ captureIds, format: 'http' })).toString('latin1')
    expect(raw.startsWith(`POST ${ABSOLUTE_TARGET} HTTP/1.1\r\n`)).toBe(true)
  })
})

describe('a target in no form a callback is sent to', () => {
  test('is refused with a 400 that says what to send, and is not captured: `OPTIONS *`, another scheme, CONNECT', async ({ inspector }) => {
    for (const requestLine of ['OPTIONS * HTTP/1.1', 'POST ftp://proxy.example.test/default/x HTTP/1.1', 'CONNECT proxy.example.test:443 HTTP/1.1']) {
      const answer = await sendRaw(inspector.receiverUrl, `${requestLine}\r\nHost: proxy.example.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      expect(answer, requestLine).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
      expect(answer, requestLine).toContain('Send callbacks to a path, /<endpoint-slug>/..., or to an absolute http(s) URL')
      expect(answer, requestLine).toMatch(/X-Content-Type-Options: nosniff/i)
    }
    expect((await inspector.procedures.listCaptures({})).items).toEqual([])
  })
})
