/**
 * A chunked body's trailer fields go out with the capture and come back: in a bundle and a HAR
 * file (`_trailers`) and a raw HTTP message (after its last chunk); a curl script says it cannot
 * send them. A file's trailer lines are held to the rules of header lines. Every export dropped
 * them before.
 */
import { expect } from 'vitest'
import { exportedFile } from '../../test-support/exported-file'
import { sendRaw } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

const TRAILERS: Array<[string, string]> = [
  ['X-Body-Digest', 'sha-256=:abc=:'],
  ['x-signature', 't=1,v1=ff'],
  ['X-Body-Digest', 'caf\xe9'],
]

test('trailer fields go out in every export and come back from bundle, HAR and raw HTTP', async ({ inspector }) => {
  const source = await inspector.procedures.createEndpoint({ name: 'Trailers' })
  const wire =
    `POST /${source.slug}/t HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n` +
    `${TRAILERS.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`
  expect(await sendRaw(source.url, Buffer.from(wire, 'latin1'))).toMatch(/^HTTP\/1\.1 200 /)
  for (const format of ['bundle', 'har', 'http'] as const) {
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format })
    const copy = await inspector.procedures.createEndpoint({ name: `Trailers ${format}` })
    const result = await inspector.procedures.importCaptures({ endpointId: copy.id, dataBase64: exportedFile(exported).toString('base64'), format })
    expect(result.failures).toEqual([])
    const detail = await inspector.procedures.getCapture({ id: result.importedIds[0]! })
    expect(detail.request.trailers, format).toEqual(TRAILERS)
  }
  const script = exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'curl' })).toString()
  expect(script).toContain(
    '# Trailer fields received after the body, not sent by this command (curl cannot send them): X-Body-Digest: sha-256=:abc=:; x-signature: t=1,v1=ff; X-Body-Digest: café',
  )
})

test('a trailer line a receiver could not have read is refused, saying which', async ({ inspector }) => {
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Bad trailers' })
  const capture = (trailers: unknown) => ({
    receivedAt: null,
    durationMs: 0,
    method: 'POST',
    target: '/x',
    httpVersion: '1.1',
    headers: [['Transfer-Encoding', 'chunked']],
    trailers,
    body: { base64: '', size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    remoteAddress: '',
    remotePort: 0,
    outcome: 'captured',
    refusal: null,
    recognition: null,
    response: null,
  })
  const bundle = {
    format: 'callback-inspector-bundle',
    version: 1,
    captures: [capture([['X-Sig', 'a\r\nb']]), capture([['Bad Name', 'x']]), capture([['X-Ok', 'y']])],
  }
  const result = await inspector.procedures.importCaptures({
    endpointId: endpoint.id,
    dataBase64: Buffer.from(JSON.stringify(bundle)).toString('base64'),
    format: 'bundle',
  })
  expect(result.failures).toEqual([
    { entry: 1, message: 'the trailer X-Sig holds a line break or NUL' },
    { entry: 2, message: 'the trailer name "Bad Name" is not valid' },
  ])
  expect(result.importedIds).toHaveLength(1)
})

test('trailer fields are redacted as headers are, and a configured secret in one is removed from every export', async ({ inspector }) => {
  const secret = 'trailer-shared-secret-5d1e7a'
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Trailer secrets' })
  await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: secret } })
  const trailers: Array<[string, string]> = [
    ['X-Signature', 't=1,v1=deadbeef'],
    ['X-Card', '4111 1111 1111 1111'],
    ['X-Echo', `key=${secret}`],
  ]
  const wire =
    `POST /${endpoint.slug}/t HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n` +
    `${trailers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`
  expect(await sendRaw(endpoint.url, wire)).toMatch(/^HTTP\/1\.1 200 /)

  const redacted = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'bundle', redact: true })
  const bundle = JSON.parse(exportedFile(redacted).toString()) as { captures: Array<{ trailers: Array<[string, string]> }> }
  expect(bundle.captures[0]!.trailers).toEqual([
    ['X-Card', '4111 11** **** 1111'],
    ['X-Echo', 'key=[secret removed]'],
  ])
  expect(redacted.redactions).toEqual(expect.arrayContaining([{ capture: 0, location: 'trailer X-Signature', action: 'removed (credential or signature)' }]))

  for (const format of ['bundle', 'har', 'http', 'curl'] as const) {
    const file = exportedFile(await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format })).toString('latin1')
    expect(file, format).not.toContain(secret)
    expect(file, format).toContain('t=1,v1=deadbeef')
  }
})
