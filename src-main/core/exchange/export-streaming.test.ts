/**
 * Exports are written a piece at a time with turns of the event loop between slices (the
 * receiver shares it), and the file is byte for byte what the one-go writer wrote: the files in
 * testdata/ were rendered by it (JSON.stringify of the whole document, before this change) from
 * the same sample captures. The redacted raw HTTP and curl files have since gained one line per
 * capture, its changed-before-export record (changed-label.ts); then each raw HTTP message the app
 * added a line to its last line, `X-Callback-Inspector-Sender-Headers` (the `Content-Length` it
 * added now before the labels), and each curl command the headers as received (two comment
 * lines), and each refused request its refusal (a raw message's line, a curl comment), and each
 * bundle capture its `appStoppedAt`, and each curl command `-sS` (502a010), and each redacted raw
 * message and curl command whose capture has a provider the provider the exporting app recognised
 * (a raw message's `X-Callback-Inspector-Recognised-As` line, a curl comment), and nothing else.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ExportFormat } from '../../shared/exchange'
import { exportPieces } from './export-file'
import { encodeExport } from './export-output'
import { SAMPLE_CONTEXT, SAMPLE_SECRET, sampleCaptures } from '../../test-support/export-samples'
import { prettyJsonPieces, type StreamedList } from './json-pieces'
import { redactCaptures } from './redaction'
import { EXPORT_SLICE } from './work-slices'

const FORMATS: ExportFormat[] = ['har', 'bundle', 'http', 'curl']

async function exportSamples(count: number, format: ExportFormat, redact: boolean): Promise<{ fileName: string; data: Buffer }> {
  const redacted = redactCaptures(sampleCaptures(count), { redact, personalData: redact, secrets: [SAMPLE_SECRET] })
  const file = exportPieces(redacted.captures, format, { ...SAMPLE_CONTEXT, redactions: redact ? redacted.redactions : null })
  return { fileName: file.fileName, data: Buffer.from((await encodeExport(file.pieces, [SAMPLE_SECRET])).base64.join(), 'base64') }
}

describe('export files written in pieces', () => {
  for (const format of FORMATS) {
    for (const redact of [false, true]) {
      it(`${format}${redact ? ', redacted,' : ''} is byte for byte the known-good rendering`, async () => {
        const known = readFileSync(join(__dirname, 'testdata', `export-24${redact ? '-redacted' : ''}.${format}`))
        const { data } = await exportSamples(24, format, redact)
        expect(data.length).toBe(known.length)
        expect(data.equals(known)).toBe(true)
      })
    }
  }

  it('a JSON document in pieces is what JSON.stringify(document, null, 1) writes, lists at any depth', () => {
    const documents: Array<(list: StreamedList) => unknown> = [
      (list) => ({
        a: 1,
        items: list([{ x: [1, { y: 'line\nbreak "quoted" \u2028' }], z: {}, e: [] }, [], 's', null, undefined, () => 1, [[1], { '': 2 }]]),
        nested: { empty: list([]), deeper: [list([1, 2, { q: [3] }]), 'after'] },
        tail: 'streamed-list:"x"',
      }),
      (list) => ({ log: { version: '1.2', entries: list([]), comment: 'c', _redaction: list([{ capture: 0, location: 'x', action: 'y' }]) } }),
      (list) => [list([1]), list(new Set(['a', 'b']))],
    ]
    const whole = (items: Iterable<unknown>) => [...items]
    for (const build of documents) expect([...prettyJsonPieces(build)].join('')).toBe(JSON.stringify(build(whole), null, 1))
  })

  for (const format of FORMATS) {
    it(`${format}: the event loop turns while a large export is written, at least every ${EXPORT_SLICE.maxSteps} captures`, async () => {
      const count = 1_000
      const redacted = redactCaptures(sampleCaptures(count), { redact: false, personalData: false, secrets: [] })
      const file = exportPieces(redacted.captures, format, { ...SAMPLE_CONTEXT, redactions: null })
      let turns = 0
      let ticking = true
      const tick = () => {
        turns += 1
        if (ticking) setImmediate(tick)
      }
      setImmediate(tick)
      const turnsBefore = turns
      const data = await encodeExport(file.pieces, [])
      ticking = false
      expect(turnsBefore).toBe(0)
      expect(turns).toBeGreaterThanOrEqual(count / EXPORT_SLICE.maxSteps)
      expect(data.byteLength).toBeGreaterThan(0)
    })
  }

  it('a configured secret is refused even where it straddles two of the pieces joined between checks', async () => {
    const secret = 'whsec_straddling_secret'
    // The first flush happens after 1 MiB: the secret's first half ends it, its second half starts the next.
    const filler = 'a'.repeat(1024 * 1024 - 10)
    const pieces = [filler, secret.slice(0, 10), secret.slice(10), 'tail']
    await expect(encodeExport(pieces, [secret])).rejects.toThrow('still held a configured secret')
    const clean = [filler, secret.slice(0, 10), 'x', secret.slice(10), 'tail']
    expect(Buffer.from((await encodeExport(clean, [secret])).base64.join(), 'base64').toString()).toBe(clean.join(''))
  })

  it('a configured secret left base64-encoded in the file (a body as a bundle writes it) is refused', async () => {
    const secret = 'whsec_base64_encoded_secret'
    for (const lead of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${lead}{"key":"${secret}"}`).toString('base64')
      await expect(encodeExport([`{"bodyBase64":"${encoded}"}`], [secret]), `lead ${lead.length}`).rejects.toThrow('still held a configured secret')
      const url = Buffer.from(`${lead}${secret}`).toString('base64url')
      await expect(encodeExport([`{"state":"${url}"}`], [secret]), `lead ${lead.length}, base64url`).rejects.toThrow('still held a configured secret')
    }
    const other = Buffer.from('{"key":"another value of the same length"}').toString('base64')
    expect((await encodeExport([`{"bodyBase64":"${other}"}`], [secret])).byteLength).toBeGreaterThan(0)
  })

  it('base64 of a file of many pieces of odd sizes is the base64 of the joined bytes', async () => {
    const pieces = Array.from({ length: 3_000 }, (_, index) => Buffer.alloc((index * 7919) % 1_301, index & 0xff))
    const encoded = await encodeExport(pieces, [])
    expect(encoded.base64.join()).toBe(Buffer.concat(pieces).toString('base64'))
    expect(encoded.byteLength).toBe(Buffer.concat(pieces).length)
    // Each piece decodes on its own (a reader decodes them one by one): only the last may be padded.
    expect(encoded.base64.pieces.length).toBeGreaterThan(1)
    for (const piece of encoded.base64.pieces.slice(0, -1)) expect(piece.length % 4).toBe(0)
    // Compared with Buffer.equals: toEqual walks 2 MB byte by byte (4 s, and past the time limit on a loaded machine).
    expect(Buffer.concat(encoded.base64.pieces.map((piece) => Buffer.from(piece, 'base64'))).equals(Buffer.concat(pieces))).toBe(true)
  })
})
