/**
 * Configured secrets in what the sender and the user named, and in compressed bodies, through the
 * real inspector: every format, redacted or not, leaves them out, and a file that had to change a
 * capture says so (an unredacted bundle is otherwise taken for the bytes as received).
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect } from 'vitest'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()
const SECRET = 'ixopay-test-shared-secret-3f9a2c'

/** The parts of an exported bundle these tests read. */
interface Bundle {
  redaction: { applied: boolean; secretsOnly?: boolean; note: string; items: unknown[] } | null
  captures: Array<{
    endpoint: { name: string; slug: string }
    headers: Array<[string, string]>
    body: { base64: string }
    recognitionComputedBeforeRedaction: boolean
  }>
}

/** Every form a reader could decode the secret from in the file, bodies expanded. */
function spellsSecret(file: Buffer): boolean {
  const text = file.toString('latin1')
  const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\\//g, '/')
  const decoded = [...unescaped.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)].flatMap((match) =>
    [0, 1, 2, 3].map((offset) => {
      const bytes = Buffer.from(match[0].slice(offset), 'base64')
      let expanded = ''
      try {
        expanded = gunzipSync(bytes).toString('latin1')
      } catch {
        // not gzip
      }
      return `${bytes.toString('latin1')}\n${expanded}`
    }),
  )
  return [text, unescaped, ...decoded].some((reading) => reading.includes(SECRET))
}

describe('configured secrets in names and compressed bodies, through the inspector', () => {
  test('are left out of every format, the file name and the list, and the file says which capture changed', async ({ inspector }) => {
    const endpoint = await inspector.procedures.createEndpoint({ name: `Shop ${SECRET}`, slug: `shop-${SECRET}` })
    await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: SECRET } })
    const inner = JSON.stringify({ payload: Buffer.from(`{"apiKey":"${SECRET}"}`).toString('base64'), kept: 'yes' })
    const compressed = gzipSync(inner)
    expect(
      (
        await send(`${endpoint.url}/compressed`, {
          headers: [
            ['Content-Type', 'application/json'],
            ['Content-Encoding', 'gzip'],
            [`X-Echo-${SECRET}`, 'named after the secret'],
          ],
          body: compressed,
        })
      ).status,
    ).toBe(200)
    expect((await send(`${endpoint.url}/plain`, { headers: [['Content-Type', 'application/json']], body: '{"nothing":"secret"}' })).status).toBe(200)

    for (const format of ['bundle', 'har', 'http', 'curl'] as const) {
      for (const redact of [false, true]) {
        const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format, redact })
        const file = exportedFile(exported)
        expect(spellsSecret(file), `${format} redact=${redact}`).toBe(false)
        expect(exported.fileName, `${format} redact=${redact}`).toMatch(/^shop-secret-removed-/)
        expect(exported.fileName.includes('-redacted'), `${format} redact=${redact}`).toBe(redact)
        expect(JSON.stringify(exported.redactions), `${format} redact=${redact}`).not.toContain(SECRET)
        expect(exported.redactions, `${format} redact=${redact}`).toContainEqual(
          expect.objectContaining({ capture: 0, location: 'body', action: expect.stringMatching(/decompress/) }),
        )
        // The list is in the file too, redacted for sharing or not.
        if (format === 'http') expect(file.toString('latin1'), `redact=${redact}`).toContain('X-Callback-Inspector-Redacted: ')
        if (format === 'curl') expect(file.toString('latin1'), `redact=${redact}`).toContain('#   capture 1: body: ')
      }
    }

    // The slug is in each capture's target too, so both captures changed.
    const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'bundle' })
    const bundle = JSON.parse(exportedFile(exported).toString()) as Bundle
    expect(bundle.captures.map((capture) => capture.endpoint)).toEqual([
      { name: 'Shop [secret removed]', slug: 'shop-secret-removed' },
      { name: 'Shop [secret removed]', slug: 'shop-secret-removed' },
    ])
    expect(bundle.captures[0]!.headers.map(([name]) => name)).toEqual(expect.arrayContaining(['X-Echo-secret-removed']))
  })

  test('an unredacted file that had to change a capture says which, and how', async ({ inspector, endpoint }) => {
    await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: SECRET } })
    const inner = JSON.stringify({ payload: Buffer.from(`{"apiKey":"${SECRET}"}`).toString('base64'), kept: 'yes' })
    const compressed = gzipSync(inner)
    await send(`${endpoint.url}/compressed`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      body: compressed,
    })
    await send(`${endpoint.url}/plain`, { headers: [['Content-Encoding', 'gzip']], body: gzipSync('{"nothing":"to remove"}') })
    const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'bundle' })
    const bundle = JSON.parse(exportedFile(exported).toString()) as Bundle
    // Not redacted for sharing, but not as received either: the file says what changed, and where.
    expect(bundle.redaction).toMatchObject({ applied: true, secretsOnly: true, items: exported.redactions })
    expect(exported.redactions).toEqual([
      { capture: 0, location: 'body', action: 'configured secret removed; it was compressed (gzip): exported decompressed, without its Content-Encoding' },
    ])
    expect(bundle.captures.map((capture) => capture.recognitionComputedBeforeRedaction)).toEqual([true, false])
    const [changed, untouched] = bundle.captures
    expect(changed!.headers.map(([name]) => name.toLowerCase())).not.toContain('content-encoding')
    expect(Buffer.from(changed!.body.base64, 'base64').toString()).toBe('{"payload":"[secret removed]","kept":"yes"}')
    // The other capture is kept as received, compressed.
    expect(untouched!.headers).toContainEqual(['Content-Encoding', 'gzip'])
    expect(gunzipSync(Buffer.from(untouched!.body.base64, 'base64')).toString()).toBe('{"nothing":"to remove"}')
    const har = JSON.parse(exportedFile(await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'har' })).toString()) as {
      log: { comment?: string; _redaction?: unknown }
    }
    expect(har.log._redaction).toEqual(exported.redactions)
    expect(har.log.comment).toMatch(/^Not redacted for sharing/)
    // An unredacted export of an endpoint with nothing to remove still says nothing was changed.
    const other = await inspector.procedures.createEndpoint({ name: 'Other' })
    await send(`${other.url}/x`, { headers: [['Content-Encoding', 'gzip']], body: compressed })
    const faithful = await inspector.procedures.exportCaptures({ endpointId: other.id, format: 'bundle' })
    expect(faithful.redactions).toBeUndefined()
    const faithfulBundle = JSON.parse(exportedFile(faithful).toString()) as Bundle
    expect(faithfulBundle.redaction).toBeNull()
    expect(Buffer.from(faithfulBundle.captures[0]!.body.base64, 'base64').equals(compressed)).toBe(true)
  })
})
