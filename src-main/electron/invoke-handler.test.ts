/**
 * The window's calls as the Electron shell hands them to invoke-handler.ts, against the real core:
 * what crosses is what IPC's structured clone carries, and an export is read piece by piece as
 * the export dialog reads it (one readExportPiece per call, in order).
 */
import { randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import { createDispatch } from '../api/dispatch'
import { PENDING_EXPORT_TTL_MS, MAX_PENDING_EXPORTS } from '../core/exchange/pending-exports'
import { silentLogger } from '../core/logger'
import type { Result } from '../shared/errors'
import type { ExportPiecesResult, ExportResult } from '../shared/exchange'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { createInvokeHandler, type CallingFrame } from './invoke-handler'

const RENDERER_URL = 'file:///app/out/renderer/index.html'
const WINDOW: CallingFrame = { url: RENDERER_URL, parent: null }

/** The app's clock, moved by the test (pending exports expire by it). */
let now = Date.parse('2026-12-07T04:00:00Z')
const test = useInspector({ deps: { now: () => new Date(now) } })

/** A call as the window makes it: the answer arrives as IPC's structured clone of what the handler returned. */
function windowCalls(inspector: Parameters<typeof createDispatch>[0]) {
  const handle = createInvokeHandler(createDispatch(inspector, silentLogger), RENDERER_URL)
  return async <T>(procedure: string, input: unknown, frame: CallingFrame | null = WINDOW): Promise<Result<T>> => {
    const answer = await handle(frame, procedure, input)
    const received = structuredClone(answer)
    // Nothing is lost on the way: no class instance (a PiecedText would arrive as a bare object), no function.
    expect(received).toStrictEqual(answer)
    return received as Result<T>
  }
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}

/** Endpoint captures whose export takes several pieces (about a megabyte of the file each). */
async function fillEndpoint(url: string, count: number, tag: string): Promise<void> {
  for (let index = 0; index < count; index++) {
    const body = JSON.stringify({ tag, index, padding: `${tag}${index}`.repeat(350_000) })
    expect((await send(`${url}/${tag}/${index}`, { headers: [['Content-Type', 'application/json']], body })).status).toBe(200)
  }
}

describe('the window reading an export over IPC', () => {
  test('reads the pieces in order into the file an inline export answers; the last piece releases it', async ({ inspector, endpoint }) => {
    const call = windowCalls(inspector.procedures)
    await fillEndpoint(endpoint.url, 4, 'a')
    const inline = valueOf(await call<ExportResult>('exportCaptures', { endpointId: endpoint.id, format: 'har' }))
    const pieced = valueOf(await call<ExportPiecesResult>('exportCaptures', { endpointId: endpoint.id, format: 'har', delivery: 'pieces' }))
    // The answer names the pieces; it does not carry the file.
    expect(JSON.stringify(pieced).length).toBeLessThan(1000)
    expect(pieced.pieces.count).toBeGreaterThan(2)
    const bytes: Buffer[] = []
    for (let index = 0; index < pieced.pieces.count; index++) {
      const piece = valueOf(await call<{ dataBase64: string }>('readExportPiece', { exportId: pieced.pieces.exportId, index }))
      // Each piece decodes on its own, as the dialog decodes it.
      bytes.push(Buffer.from(piece.dataBase64, 'base64'))
    }
    const file = Buffer.concat(bytes)
    expect(file.length).toBe(pieced.byteLength)
    expect(file.equals(Buffer.from(inline.dataBase64, 'base64'))).toBe(true)
    expect(pieced.fileName).toBe(inline.fileName)
    // Read to its end, it is gone: any piece of it now answers NOT_FOUND, with what to do.
    const again = await call('readExportPiece', { exportId: pieced.pieces.exportId, index: 0 })
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('export again') } })
  })

  test('a piece that does not exist, an id never made and an id that is not one are refused, and the export stays readable', async ({
    inspector,
    endpoint,
  }) => {
    const call = windowCalls(inspector.procedures)
    await fillEndpoint(endpoint.url, 3, 'b')
    const pieced = valueOf(await call<ExportPiecesResult>('exportCaptures', { endpointId: endpoint.id, format: 'bundle', delivery: 'pieces' }))
    const { exportId, count } = pieced.pieces
    expect(await call('readExportPiece', { exportId, index: count })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `export ${exportId} has pieces 0 to ${count - 1}, not ${count}` },
    })
    for (const never of [randomUUID(), 'not-an-id'])
      expect(await call('readExportPiece', { exportId: never, index: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    for (const input of [{ exportId: 'x'.repeat(101), index: 0 }, { exportId, index: -1 }, { exportId, index: 0.5 }, { exportId }])
      expect(await call('readExportPiece', input), JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    // None of that used the export up.
    for (let index = 0; index < count; index++) expect((await call('readExportPiece', { exportId, index })).ok).toBe(true)
  })

  test('an export left unread for 30 minutes is released, mid-reading too', async ({ inspector, endpoint }) => {
    const call = windowCalls(inspector.procedures)
    await fillEndpoint(endpoint.url, 3, 'c')
    const pieced = valueOf(await call<ExportPiecesResult>('exportCaptures', { endpointId: endpoint.id, format: 'har', delivery: 'pieces' }))
    const { exportId } = pieced.pieces
    expect((await call('readExportPiece', { exportId, index: 0 })).ok).toBe(true)
    now += PENDING_EXPORT_TTL_MS - 1000
    expect((await call('readExportPiece', { exportId, index: 1 })).ok).toBe(true)
    now += 2000
    expect(await call('readExportPiece', { exportId, index: 2 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('older than 30 minutes') },
    })
  })

  test('two exports made at once are read interleaved, each into its own file; a fourth releases the oldest', async ({ inspector, endpoint }) => {
    const call = windowCalls(inspector.procedures)
    await fillEndpoint(endpoint.url, 3, 'd')
    const other = valueOf(await call<{ id: string; url: string }>('createEndpoint', { name: 'Second' }))
    await fillEndpoint(other.url, 2, 'e')
    const [first, second] = await Promise.all([
      call<ExportPiecesResult>('exportCaptures', { endpointId: endpoint.id, format: 'har', delivery: 'pieces' }).then(valueOf),
      call<ExportPiecesResult>('exportCaptures', { endpointId: other.id, format: 'bundle', delivery: 'pieces' }).then(valueOf),
    ])
    expect(first.pieces.exportId).not.toBe(second.pieces.exportId)
    const files = new Map<string, Buffer[]>([
      [first.pieces.exportId, []],
      [second.pieces.exportId, []],
    ])
    const most = Math.max(first.pieces.count, second.pieces.count)
    for (let index = 0; index < most; index++) {
      for (const { pieces } of [first, second]) {
        if (index >= pieces.count) continue
        const piece = valueOf(await call<{ dataBase64: string }>('readExportPiece', { exportId: pieces.exportId, index }))
        files.get(pieces.exportId)!.push(Buffer.from(piece.dataBase64, 'base64'))
      }
    }
    const inlineFirst = valueOf(await call<ExportResult>('exportCaptures', { endpointId: endpoint.id, format: 'har' }))
    const inlineSecond = valueOf(await call<ExportResult>('exportCaptures', { endpointId: other.id, format: 'bundle' }))
    // The time in the file name and the bundle is the app's clock, which the test holds still.
    expect(Buffer.concat(files.get(first.pieces.exportId)!).equals(Buffer.from(inlineFirst.dataBase64, 'base64'))).toBe(true)
    expect(Buffer.concat(files.get(second.pieces.exportId)!).equals(Buffer.from(inlineSecond.dataBase64, 'base64'))).toBe(true)

    // At most a few wait at once: one more than that releases the oldest, the others stay readable.
    const waiting: ExportPiecesResult[] = []
    for (let made = 0; made <= MAX_PENDING_EXPORTS; made++)
      waiting.push(valueOf(await call<ExportPiecesResult>('exportCaptures', { endpointId: other.id, format: 'http', delivery: 'pieces' })))
    expect(await call('readExportPiece', { exportId: waiting[0]!.pieces.exportId, index: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    for (const kept of waiting.slice(1)) expect((await call('readExportPiece', { exportId: kept.pieces.exportId, index: 0 })).ok).toBe(true)
  })

  test('only the app window may call: not a frame inside it, another page or no frame', async ({ inspector }) => {
    const call = windowCalls(inspector.procedures)
    expect((await call('listEndpoints', {})).ok).toBe(true)
    for (const frame of [
      { url: RENDERER_URL, parent: WINDOW },
      { url: 'https://example.com/index.html', parent: null },
      { url: 'file:///app/out/renderer/other.html', parent: null },
      { url: 'not a url', parent: null },
      null,
    ]) {
      expect(await call('listEndpoints', {}, frame), JSON.stringify(frame)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'calls are only accepted from the app window' },
      })
    }
    // The dev server's renderer is trusted by its origin and path, whatever its query.
    const dev = createInvokeHandler(createDispatch(inspector.procedures, silentLogger), 'http://localhost:5173/')
    expect((await dev({ url: 'http://localhost:5173/?x=1', parent: null }, 'listEndpoints', {})).ok).toBe(true)
    expect((await dev({ url: 'http://localhost:5174/', parent: null }, 'listEndpoints', {})).ok).toBe(false)
  })
})
