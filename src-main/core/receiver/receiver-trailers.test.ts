/**
 * A chunked body may be followed by trailer fields (RFC 9112 7.1.2). They are captured with the
 * request as raw name/value pairs, like its headers (order, case and repeats as sent), kept across
 * a restart, and shown with the capture; they were dropped before.
 */
import { expect } from 'vitest'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

const body = '{"id":"evt_1","type":"payment.succeeded"}'
const chunked =
  'POST /default/trailers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTrailer: X-Body-Digest, x-signature\r\nConnection: close\r\n\r\n' +
  `10\r\n${body.slice(0, 16)}\r\n${(body.length - 16).toString(16)}\r\n${body.slice(16)}\r\n` +
  '0\r\nX-Body-Digest: sha-256=:abc=:\r\nx-signature:  t=1,v1=ff  \r\nX-Body-Digest: second\r\n\r\n'

test('trailer fields of a chunked body are captured as sent, kept across a restart and shown with the capture', async ({ app }) => {
  let inspector = await app.start()
  expect(await sendRaw(inspector.receiverUrl, chunked)).toMatch(/^HTTP\/1\.1 200 /)
  const [summary] = (await inspector.procedures.listCaptures({})).items
  const expected = [
    ['X-Body-Digest', 'sha-256=:abc=:'],
    ['x-signature', 't=1,v1=ff'],
    ['X-Body-Digest', 'second'],
  ]
  const detail = await inspector.procedures.getCapture({ id: summary!.id })
  expect(detail.request.trailers).toEqual(expected)
  expect(Buffer.from(detail.request.bodyBase64, 'base64').toString()).toBe(body)
  // The headers are the head's alone.
  expect(detail.request.headers.map(([name]) => name)).toEqual(['Host', 'Content-Type', 'Transfer-Encoding', 'Trailer', 'Connection'])

  await app.stop()
  inspector = await app.start()
  expect((await inspector.procedures.getCapture({ id: summary!.id })).request.trailers).toEqual(expected)
})

test('a request without trailer fields shows none', async ({ inspector }) => {
  const plain = `POST /default/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`
  const noTrailers = 'POST /default/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n'
  expect(await sendRaw(inspector.receiverUrl, plain)).toMatch(/^HTTP\/1\.1 200 /)
  expect(await sendRaw(inspector.receiverUrl, noTrailers)).toMatch(/^HTTP\/1\.1 200 /)
  for (const { id } of (await inspector.procedures.listCaptures({})).items) expect((await inspector.procedures.getCapture({ id })).request.trailers).toEqual([])
})
