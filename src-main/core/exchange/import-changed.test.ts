/**
 * A bundle that says its exporter changed captures (redacted for sharing, or configured secrets
 * removed with a compressed body written decompressed): importing it keeps that fact with each
 * changed capture, so the bytes are never presented as the ones received, nor a failing signature
 * check on them blamed on the sender. Captures the file does not name, and older bundles, import as before.
 */
import { createHmac } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import type { Inspector } from '../inspector'
import { readBundle } from './bundle-format'

const test = useInspector()
const SECRET = 'github-webhook-secret-7c1e9d'

/** A GitHub delivery signed with SECRET over the bytes sent. */
function githubDelivery(body: Buffer, extra: Array<[string, string]> = []): { headers: Array<[string, string]>; body: Buffer } {
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`
  return {
    headers: [
      ['Content-Type', 'application/json'],
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
      ['X-Hub-Signature-256', signature],
      ...extra,
    ],
    body,
  }
}

async function endpointWithKey(inspector: Inspector, name: string) {
  const endpoint = await inspector.procedures.createEndpoint({ name })
  await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: SECRET } })
  return endpoint
}

/** Sends a compressed delivery holding the secret (so an export must scrub and decompress it) and a plain one. */
async function capturedPair(inspector: Inspector) {
  const source = await endpointWithKey(inspector, 'Merchant')
  const compressed = githubDelivery(gzipSync(JSON.stringify({ ref: 'refs/heads/main', hook: { config: { secret: SECRET } } })), [['Content-Encoding', 'gzip']])
  expect((await send(`${source.url}/hooks/compressed`, compressed)).status).toBe(200)
  expect((await send(`${source.url}/hooks/plain`, githubDelivery(Buffer.from('{"ref":"refs/heads/main"}')))).status).toBe(200)
  return source
}

async function importInto(inspector: Inspector, file: Buffer) {
  const target = await endpointWithKey(inspector, 'Support')
  const imported = await inspector.procedures.importCaptures({ endpointId: target.id, dataBase64: file.toString('base64'), sourceName: 'merchant.bundle.json' })
  expect(imported.failures).toEqual([])
  const captures = await Promise.all(imported.importedIds.map((id) => inspector.procedures.getCapture({ id })))
  return { target, captures, byTarget: (suffix: string) => captures.find((capture) => capture.target.endsWith(suffix))! }
}

describe('importing a bundle whose exporter changed captures', () => {
  test('an unredacted bundle: the capture whose secret was removed says so, the untouched one imports as received', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const original = (await inspector.procedures.listCaptures({ endpointId: source.id })).items
    expect(original.map((capture) => capture.recognition?.verdict.status)).toEqual(['valid', 'valid'])

    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })
    const { target, byTarget } = await importInto(inspector, exportedFile(exported))

    const changed = byTarget('/compressed')
    expect(changed.changedBeforeExport).toMatchObject({
      reason: 'secrets-removed',
      decompressed: true,
      exporterVerdict: { status: 'valid' },
      changesOmitted: 0,
    })
    expect(changed.changedBeforeExport!.changes).toContainEqual({ location: 'body', action: expect.stringMatching(/exported decompressed/) })
    // Checked now on the scrubbed bytes it cannot verify; the record says why.
    expect(changed.recognition?.verdict.status).toBe('invalid')

    const untouched = byTarget('/plain')
    expect(untouched.changedBeforeExport).toBeUndefined()
    expect(untouched.recognition?.verdict.status).toBe('valid')

    // The list carries it too (kept in the stored record, not only in the import's answer).
    const listed = (await inspector.procedures.listCaptures({ endpointId: target.id })).items
    expect(listed.find((capture) => capture.id === changed.id)?.changedBeforeExport?.reason).toBe('secrets-removed')
    expect(listed.find((capture) => capture.id === untouched.id)).not.toHaveProperty('changedBeforeExport')
  })

  test('search agrees with the list: verdict:changed finds the changed capture, verdict:invalid does not', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const { target, byTarget } = await importInto(
      inspector,
      exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })),
    )
    const changed = byTarget('/compressed')
    // Its signature, checked on the scrubbed bytes, fails; the list shows "≠ changed", not "invalid".
    expect(changed.recognition?.verdict.status).toBe('invalid')
    const found = async (query: string) =>
      (await inspector.procedures.listCaptures({ endpointId: target.id, filter: { query } })).items.map((capture) => capture.target)
    expect(await found('verdict:invalid')).toEqual([])
    expect(await found('verdict:changed')).toEqual(['/merchant/hooks/compressed'])
    expect(await found('verdict:valid')).toEqual(['/merchant/hooks/plain'])
    expect(await found('-verdict:changed')).toEqual(['/merchant/hooks/plain'])
  })

  test('a redacted bundle: every capture is marked redacted, with what was changed in it', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle', redact: true })
    const { captures, byTarget } = await importInto(inspector, exportedFile(exported))
    expect(captures.map((capture) => capture.changedBeforeExport?.reason)).toEqual(['redacted', 'redacted'])
    // The signature header was removed by redaction, and that is listed with the capture.
    expect(byTarget('/plain').changedBeforeExport!.changes).toContainEqual({ location: 'header X-Hub-Signature-256', action: expect.any(String) })
    expect(byTarget('/plain').changedBeforeExport!.exporterVerdict).toMatchObject({ status: 'valid' })
  })

  test('is kept in the stored record: a page of the list and a restarted app still say so', async ({ app }) => {
    let inspector = await app.start()
    const source = await capturedPair(inspector)
    const { target, byTarget } = await importInto(
      inspector,
      exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })),
    )
    const changedId = byTarget('/compressed').id
    const page = await inspector.procedures.listCapturePage({ endpointId: target.id })
    expect(page.items.find((capture) => capture.id === changedId)?.changedBeforeExport?.decompressed).toBe(true)
    await app.stop()
    inspector = await app.start()
    expect((await inspector.procedures.getCapture({ id: changedId })).changedBeforeExport).toMatchObject({ reason: 'secrets-removed', decompressed: true })
    // Captures stored without the field (every received one) still read, without it.
    expect((await inspector.procedures.listCaptures({ endpointId: source.id })).items.map((capture) => capture.changedBeforeExport)).toEqual([
      undefined,
      undefined,
    ])
  })

  test('a HAR file from this app says the same, and is read the same way', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'har' })
    const { byTarget } = await importInto(inspector, exportedFile(exported))
    expect(byTarget('/compressed').changedBeforeExport).toMatchObject({ reason: 'secrets-removed', decompressed: true, exporterVerdict: { status: 'valid' } })
    expect(byTarget('/plain').changedBeforeExport).toBeUndefined()
  })

  test('exported again from where it was imported, the capture still says so, with the first exporter’s verdict', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const first = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })))
    const again = await inspector.procedures.exportCaptures({ endpointId: first.target.id, format: 'bundle' })
    const second = await importInto(inspector, exportedFile(again))
    expect(second.byTarget('/compressed').changedBeforeExport).toEqual(first.byTarget('/compressed').changedBeforeExport)
    expect(second.byTarget('/compressed').changedBeforeExport?.exporterVerdict?.status).toBe('valid')
    expect(second.byTarget('/plain').changedBeforeExport).toBeUndefined()
  })

  for (const format of ['http', 'curl'] as const) {
    test(`a ${format} export says what it changed, and imports as changed, without its labels as request headers`, async ({ inspector }) => {
      const source = await capturedPair(inspector)
      const unredacted = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format })))
      expect(unredacted.byTarget('/compressed').changedBeforeExport).toMatchObject({
        reason: 'secrets-removed',
        decompressed: true,
        exporterVerdict: { status: 'valid' },
      })
      expect(unredacted.byTarget('/compressed').changedBeforeExport!.changes).toContainEqual({
        location: 'body',
        action: expect.stringMatching(/exported decompressed/),
      })
      expect(unredacted.byTarget('/plain').changedBeforeExport).toBeUndefined()
      expect(unredacted.byTarget('/plain').recognition?.verdict.status).toBe('valid')

      const redacted = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format, redact: true })))
      expect(redacted.captures.map((capture) => capture.changedBeforeExport?.reason)).toEqual(['redacted', 'redacted'])
      expect(redacted.byTarget('/plain').changedBeforeExport!.exporterVerdict).toMatchObject({ status: 'valid' })
      for (const capture of [...unredacted.captures, ...redacted.captures])
        expect(capture.request.headers.map(([name]) => name).filter((name) => /^x-callback-inspector-/i.test(name))).toEqual([])
    })

    test(`a capture imported as changed stays so through a ${format} export, with the first exporter's verdict`, async ({ inspector }) => {
      const source = await capturedPair(inspector)
      const first = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })))
      // Nothing is changed by this export: only the earlier change says the capture is not as received.
      const again = await inspector.procedures.exportCaptures({ endpointId: first.target.id, format })
      const text = exportedFile(again).toString('latin1')
      if (format === 'curl') expect(text).toContain('# GitHub; signature valid (before redaction)')
      else expect(text).toContain('X-Callback-Inspector-Verdict-Before-Redaction: GitHub: valid: ')
      const second = await importInto(inspector, exportedFile(again))
      expect(second.byTarget('/compressed').changedBeforeExport).toEqual(first.byTarget('/compressed').changedBeforeExport)
      expect(second.byTarget('/plain').changedBeforeExport).toBeUndefined()
    })
  }

  test('exported again, a capture imported as changed is written with the verdict on the bytes received, not its recomputed one', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const first = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })))
    // Checked here on the scrubbed bytes it is invalid; the first exporter found it valid.
    expect(first.byTarget('/compressed').recognition?.verdict.status).toBe('invalid')
    const again = (format: 'bundle' | 'har') => inspector.procedures.exportCaptures({ endpointId: first.target.id, format }).then(exportedFile)
    const bundle = JSON.parse((await again('bundle')).toString('utf8')) as { captures: Array<{ target: string; recognition: { verdict: unknown } }> }
    const har = JSON.parse((await again('har')).toString('utf8')) as { log: { entries: Array<{ _target: string; _verdict: unknown }> } }
    const written = {
      bundle: bundle.captures.find((capture) => capture.target.endsWith('/compressed'))!.recognition.verdict,
      har: har.log.entries.find((entry) => entry._target.endsWith('/compressed'))!._verdict,
    }
    expect(written.bundle).toMatchObject({ status: 'valid' })
    expect(written.har).toMatchObject({ status: 'valid', computedBeforeRedaction: true })
  })

  test('a capture imported as changed stays so through a HAR export', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const first = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })))
    const second = await importInto(inspector, exportedFile(await inspector.procedures.exportCaptures({ endpointId: first.target.id, format: 'har' })))
    expect(second.byTarget('/compressed').changedBeforeExport).toEqual(first.byTarget('/compressed').changedBeforeExport)
    expect(second.byTarget('/plain').changedBeforeExport).toBeUndefined()
  })

  test('a raw HTTP export written before the record existed (readable labels only) imports as changed', async ({ inspector }) => {
    const body = '{"ref":"refs/heads/main"}'
    const message = [
      'POST /hooks/old HTTP/1.1',
      'Content-Type: application/json',
      'X-Callback-Inspector-Redacted: header X-Hub-Signature-256: removed (signature); body: nothing needed masking',
      'X-Callback-Inspector-Verdict-Before-Redaction: GitHub: valid: signature valid',
      `Content-Length: ${body.length}`,
      '',
      body,
    ].join('\r\n')
    const { captures } = await importInto(inspector, Buffer.from(message, 'latin1'))
    expect(captures[0]!.changedBeforeExport).toEqual({
      reason: 'redacted',
      changes: [
        { location: 'header X-Hub-Signature-256', action: 'removed (signature)' },
        { location: 'body', action: 'nothing needed masking' },
      ],
      changesOmitted: 0,
      decompressed: false,
      exporterVerdict: { status: 'valid', message: 'signature valid' },
    })
    expect(captures[0]!.request.headers.map(([name]) => name)).toEqual(['Content-Type', 'Content-Length'])
  })

  test('a curl script written before the record existed (its comments only) imports as changed', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const withoutRecords = async (redact: boolean) => {
      const script = exportedFile(await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'curl', redact })).toString('utf8')
      const older = script
        .split('\n')
        .filter((line) => !line.startsWith('# callback-inspector-changed-before-export: '))
        .join('\n')
      expect(older).not.toBe(script)
      return importInto(inspector, Buffer.from(older))
    }
    const redacted = await withoutRecords(true)
    expect(redacted.captures.map((capture) => capture.changedBeforeExport?.reason)).toEqual(['redacted', 'redacted'])
    expect(redacted.byTarget('/plain').changedBeforeExport).toMatchObject({ exporterVerdict: { status: 'valid' } })
    expect(redacted.byTarget('/plain').changedBeforeExport!.changes).toContainEqual({ location: 'header X-Hub-Signature-256', action: expect.any(String) })
    const scrubbed = await withoutRecords(false)
    expect(scrubbed.byTarget('/compressed').changedBeforeExport).toMatchObject({
      reason: 'secrets-removed',
      decompressed: true,
      exporterVerdict: { status: 'valid' },
    })
    expect(scrubbed.byTarget('/plain').changedBeforeExport).toBeUndefined()
  })

  test('a bundle written before the fields existed (no redaction, no per-capture mark) imports as before', async ({ inspector }) => {
    const source = await capturedPair(inspector)
    const exported = await inspector.procedures.exportCaptures({ endpointId: source.id, format: 'bundle' })
    const document = JSON.parse(exportedFile(exported).toString('utf8')) as { redaction: unknown; captures: Array<Record<string, unknown>> }
    document.redaction = null
    for (const capture of document.captures) delete capture.recognitionComputedBeforeRedaction
    const { captures } = await importInto(inspector, Buffer.from(JSON.stringify(document)))
    expect(captures.map((capture) => capture.changedBeforeExport)).toEqual([undefined, undefined])
  })
})

describe('reading what a bundle says it changed', () => {
  const capture = {
    receivedAt: '2026-12-06T08:00:00.000Z',
    durationMs: 1,
    method: 'POST',
    target: '/x',
    httpVersion: '1.1',
    headers: [],
    body: { base64: '', size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    remoteAddress: '',
    remotePort: 0,
    outcome: 'captured',
    refusal: null,
    recognition: null,
    response: null,
  }
  const changesOf = (document: Record<string, unknown>) => {
    const read = readBundle({ format: 'callback-inspector-bundle', version: 1, captures: [capture, capture, capture], ...document })
    if (!read.ok) throw new Error(read.message)
    return read.entries.map((entry) => (entry.ok ? entry.capture.changedBeforeExport?.reason : entry.message))
  }

  it('marks only the captures a secretsOnly bundle names, or marks itself', () => {
    const redaction = {
      applied: true,
      secretsOnly: true,
      note: '',
      items: [{ capture: 2, location: 'header X-secret-removed', action: 'configured secret removed from the header name' }],
    }
    expect(changesOf({ redaction })).toEqual([undefined, undefined, 'secrets-removed'])
    const marked = { ...capture, recognitionComputedBeforeRedaction: true }
    const read = readBundle({ format: 'callback-inspector-bundle', version: 1, redaction, captures: [marked, capture] })
    expect(read.ok && read.entries.map((entry) => entry.ok && entry.capture.changedBeforeExport?.reason)).toEqual(['secrets-removed', undefined])
  })

  it('takes a redaction it cannot make out as changed, rather than as the bytes received', () => {
    expect(changesOf({ redaction: 'applied' })).toEqual(['redacted', 'redacted', 'redacted'])
    expect(changesOf({ redaction: null })).toEqual([undefined, undefined, undefined])
  })
})
