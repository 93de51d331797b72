/**
 * An export read piece by piece (`delivery: "pieces"`, then readExportPiece), as the desktop
 * window reads one: the pieces joined are the file an inline export answers, byte for byte.
 */
import { describe, expect, it } from 'vitest'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { PiecedText } from '../pieced-text'
import { createPendingExports, MAX_PENDING_EXPORTS, PENDING_EXPORT_TTL_MS } from './pending-exports'

const test = useInspector()

describe('an export read piece by piece', () => {
  test('joins into the inline export, and is dropped once its last piece is read', async ({ inspector, endpoint }) => {
    // Bodies large enough for the file to take several pieces (about a megabyte each).
    for (let index = 0; index < 5; index++) {
      const body = JSON.stringify({ index, card: '4111111111111111', padding: 'p'.repeat(700_000) })
      expect((await send(`${endpoint.url}/paid/${index}`, { headers: [['Content-Type', 'application/json']], body })).status).toBe(200)
    }
    for (const redact of [false, true]) {
      const inline = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'har', redact })
      const pieced = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'har', redact, delivery: 'pieces' })
      if (!('pieces' in pieced)) throw new Error('answered inline')
      expect(pieced.pieces.count).toBeGreaterThan(1)
      const parts: Buffer[] = []
      for (let index = 0; index < pieced.pieces.count; index++) {
        const piece = await inspector.procedures.readExportPiece({ exportId: pieced.pieces.exportId, index })
        parts.push(Buffer.from(piece.dataBase64, 'base64'))
      }
      const file = Buffer.concat(parts)
      expect(file.equals(exportedFile(inline))).toBe(true)
      expect(pieced.byteLength).toBe(file.length)
      expect(pieced.redactions).toEqual(inline.redactions)
      await expect(inspector.procedures.readExportPiece({ exportId: pieced.pieces.exportId, index: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    }
  })
})

describe('pending exports', () => {
  it('keep only the newest few, for a limited time, and refuse a piece that does not exist', () => {
    let now = Date.parse('2026-12-07T00:00:00Z')
    const pending = createPendingExports(() => new Date(now))
    const kept = Array.from({ length: MAX_PENDING_EXPORTS + 1 }, (_, index) => pending.keep(new PiecedText([`a${index}`, `b${index}`])))
    expect(() => pending.read(kept[0]!.exportId, 0)).toThrow(/no export/)
    expect(pending.read(kept[1]!.exportId, 0)).toBe('a1')
    expect(() => pending.read(kept[1]!.exportId, 2)).toThrow(/pieces 0 to 1/)
    now += PENDING_EXPORT_TTL_MS + 1
    expect(() => pending.read(kept[2]!.exportId, 0)).toThrow(/older than 30 minutes/)
    // An empty file still has one (empty) piece to read.
    const empty = pending.keep(new PiecedText([]))
    expect(empty.count).toBe(1)
    expect(pending.read(empty.exportId, 0)).toBe('')
  })

  it('are released after 30 minutes even when nothing else is exported or read', () => {
    const timers: Array<{ ms: number; release: () => void }> = []
    const pending = createPendingExports(
      () => new Date('2026-12-07T00:00:00Z'),
      (ms, release) => timers.push({ ms, release }),
    )
    const kept = pending.keep(new PiecedText(['a', 'b']))
    expect(timers.map((timer) => timer.ms)).toEqual([PENDING_EXPORT_TTL_MS])
    timers[0]!.release()
    expect(() => pending.read(kept.exportId, 0)).toThrow(/no export/)
  })
})
