import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CaptureIndex } from './capture-index'
import { hashDeliveryKey } from './capture-table'
import { snapshotHeaderOf, type IndexEntry } from './segment-index'
import type { StoredCapture } from './persisted-schema'
import { decodeTableSnapshot, encodeTableSnapshot, renderIndexAndSnapshot } from './table-snapshot'

function entry(seq: number, fields: Partial<IndexEntry> = {}): IndexEntry {
  return {
    id: randomUUID(),
    seq,
    endpointId: seq % 2 === 0 ? 'endpoint-a' : 'endpoint-b',
    receivedAtMs: Date.parse('2026-12-06T10:00:00Z') + seq + 0.5,
    frame: { offset: seq * 2_300, metadataBytes: 1_180 + seq },
    bodySize: 5_000_000_000 + seq,
    method: seq % 3 === 0 ? 'PUT' : 'POST',
    provider: 'stripe',
    verdict: 'valid',
    answerStatus: 200,
    outcome: 'captured',
    deliveryHash: hashDeliveryKey(`key-${seq}`),
    ...fields,
  }
}

const entries: IndexEntry[] = [
  entry(1),
  entry(2, { provider: null, verdict: null, answerStatus: null, outcome: 'refused' }),
  entry(3, { imported: true, pinned: true, deliveryHash: -1 }),
  entry(4, { note: 'checked with the merchant', senderLeftAt: '2026-12-06T10:00:04.000Z' }),
  entry(5, { forward: { mode: 'background', targetUrl: 'http://127.0.0.1:9/x', state: 'sent', reason: null, status: 502 } }),
  entry(6, { recognition: null }),
  entry(7, { id: 'imported-7 (not a UUID)' }),
  entry(8, { id: randomUUID().toUpperCase() }),
  entry(9, { method: 'ODD "METHOD" \u00e9' }),
  entry(10, { answerStatus: 42 }),
]
const RELAYED: StoredCapture['response'] = {
  kind: 'respond',
  status: 200,
  headers: [],
  bodyBase64: '',
  delayMs: 0,
  chosenBy: { kind: 'forward', targetUrl: 'http://127.0.0.1:9/x' },
}

const snapshot = { token: 'a'.repeat(32), segment: 12, indexedLogBytes: 20_700, documentBytes: 4_321, entries }

describe('table snapshot', () => {
  it('gives back every entry as it was, in order, whatever its fields', () => {
    // Any integer status the record allows (persisted-schema.ts): one a 16-bit row cannot hold is kept whole (-1 made the encoder throw, so the index was never written).
    const oddStatuses = [entry(11, { answerStatus: -1 }), entry(12, { answerStatus: 70_000 })]
    for (const written of [snapshot, { ...snapshot, entries: [] }, { ...snapshot, entries: [...entries, ...oddStatuses] }]) {
      const decoded = decodeTableSnapshot(encodeTableSnapshot(written))
      if (decoded === null) throw new Error('a snapshot does not decode')
      const { rows, ...header } = decoded
      expect({ ...header, entries: rows.entries() }).toEqual(written)
    }
  })

  it('is taken into the table row by row exactly as its entries would be', () => {
    // Body sizes the table keeps (bodies are at most 32 MB; the snapshot itself keeps any size, above).
    const stored = entries.map((entry) => ({ ...entry, bodySize: 1_000 + entry.seq }))
    const decoded = decodeTableSnapshot(encodeTableSnapshot({ ...snapshot, entries: stored }))
    if (decoded === null) throw new Error('the snapshot does not decode')
    const fromRows = new CaptureIndex()
    fromRows.addAll(fromRows.table.block(12), decoded.rows)
    const fromEntries = new CaptureIndex()
    fromEntries.addAll(fromEntries.table.block(12), stored)
    // Entry 6 carries a recomputed recognition (null): what the segment's document would give back.
    const recomputed = { recomputed: new Map([[5, null]]), carried: new Map() }
    expect(fromRows.entries(fromRows.table.block(12), recomputed)).toEqual(stored)
    expect(fromEntries.entries(fromEntries.table.block(12), recomputed)).toEqual(stored)
    for (const { id } of stored)
      expect(fromRows.table.locate(id), id).toEqual({ block: fromRows.table.block(12), slot: stored.findIndex((entry) => entry.id === id) })
  })

  it('holds every answer status a record allows exactly, in the table and through a row: listed, filtered and written back as stored', () => {
    // 100-999 on the wire; a record holds any integer (an import's 42, a target's "099"). The 16-bit
    // column listed 70,000 as 4464 and -1 as 65535, and 0 (in the table or a row) as no answer.
    const edges = [null, 0, 1, 99, 100, 999, 1000, 65_534, 65_535, 65_536, 70_000, -1, -65_536, 2 ** 31, Number.MAX_SAFE_INTEGER]
    const stored = edges.map((answerStatus, index) => entry(20 + index, { answerStatus, bodySize: 100 }))
    const decoded = decodeTableSnapshot(encodeTableSnapshot({ ...snapshot, entries: stored }))
    if (decoded === null) throw new Error('the snapshot does not decode')
    expect(decoded.rows.entries().map((each) => each.answerStatus)).toEqual(edges)
    for (const source of [stored, decoded.rows]) {
      const index = new CaptureIndex()
      const block = index.table.block(12)
      index.addAll(block, source)
      expect(index.entries(block, null).map((each) => each.answerStatus)).toEqual(edges)
      for (const [slot, status] of edges.entries()) {
        const codes = index.table.codesOf({ answer: status === null ? 'none' : String(status) })
        if (codes === null) throw new Error(`no codes for ${String(status)}`)
        const matching = edges.flatMap((_, each) => (index.table.matches(block, each, codes) ? [each] : []))
        expect(matching, String(status)).toEqual([slot])
      }
      // A changed answer (a relayed one) moves a status in and out of what the column holds itself.
      index.annotate(block, 1, { response: { ...RELAYED, status: 200 } })
      index.annotate(block, 2, { response: { ...RELAYED, status: 70_000 } })
      expect(
        index
          .entries(block, null)
          .slice(1, 3)
          .map((each) => each.answerStatus),
      ).toEqual([200, 70_000])
    }
  })

  it('is refused when any byte changed, when it is cut short, or in another format version', () => {
    const bytes = encodeTableSnapshot(snapshot)
    for (const at of [0, 5, 8, 40, 50, bytes.length - 30, bytes.length - 1]) {
      const damaged = Buffer.from(bytes)
      damaged[at] = (damaged[at] as number) ^ 0x01
      expect(decodeTableSnapshot(damaged), `byte ${at} flipped`).toBeNull()
    }
    expect(decodeTableSnapshot(bytes.subarray(0, bytes.length - 72))).toBeNull()
    expect(decodeTableSnapshot(Buffer.alloc(0))).toBeNull()
    const otherVersion = Buffer.from(bytes)
    otherVersion.writeUInt32LE(2, 4)
    expect(decodeTableSnapshot(otherVersion)).toBeNull()
  })

  it('ties the snapshot to its document by a token in the header and the document size', async () => {
    const rendered = await renderIndexAndSnapshot(12, { generation: 4, indexedBytes: 20_700 }, entries, true)
    const decoded = decodeTableSnapshot(rendered.snapshot as Buffer)
    if (decoded === null) throw new Error('the snapshot written with the document does not decode')
    expect(decoded.documentBytes).toBe(Buffer.byteLength(rendered.document))
    expect(rendered.document.startsWith(`{"schemaVersion":4,"segment":12,"logGeneration":4,"indexedLogBytes":20700,"tableSnapshot":"${decoded.token}",`)).toBe(
      true,
    )
    // A version 3 document (carried keys not sorted out yet) is tied to its snapshot alike, and says which version it is.
    const older = await renderIndexAndSnapshot(12, { generation: 4, indexedBytes: 20_700 }, entries, true, 3)
    expect(snapshotHeaderOf(older.document)).toMatchObject({ schemaVersion: 3, segment: 12, logGeneration: 4, indexedLogBytes: 20_700 })
    expect(snapshotHeaderOf(rendered.document)).toMatchObject({ schemaVersion: 4, token: decoded.token })
    expect(JSON.parse(rendered.document)).toMatchObject({ captures: entries })
    const periodic = await renderIndexAndSnapshot(12, { generation: 4, indexedBytes: 20_700 }, entries, false)
    expect(periodic.snapshot).toBeNull()
    expect(periodic.document).not.toContain('tableSnapshot')
  })
})
