/**
 * Exporting captures while some of them are deleted (a clear, a deletion, retention): the export
 * holds what is still stored when it reads each capture, and is refused only when nothing is left.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InspectorError } from '../../shared/errors'
import { exportedFile } from '../../test-support/exported-file'
import { makeTempDir } from '../../test-support/temp-dir'
import { testCapture } from '../../test-support/test-capture'
import { openCaptureStore, type CaptureStore } from '../store/capture-store'
import { createExchangeService, type ExchangeService } from './exchange-service'

let remove: () => Promise<void>
let store: CaptureStore
let exchange: ExchangeService
/** Ids the store lost between the export's listing and its reading of them. */
const deleted = new Set<string>()
const ids: string[] = []

beforeEach(async () => {
  let dir: string
  ;({ dir, remove } = await makeTempDir())
  store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'quarantine'), durability: 'flush' }, { now: () => new Date() })
  ids.length = 0
  deleted.clear()
  for (const name of ['first', 'second', 'third']) {
    const body = Buffer.from(`body of ${name}`)
    ids.push((await store.append(testCapture(body, { target: `/shop/${name}` }), body)).id)
  }
  exchange = createExchangeService({
    appVersion: 'test',
    receiverUrl: () => 'http://127.0.0.1:4100',
    maxBodyBytes: 1024 * 1024,
    now: () => new Date('2026-12-07T08:00:00Z'),
    endpoint: () => ({ id: 'e1', name: 'Shop', slug: 'shop' }),
    // As the store answers for a capture deleted after the export listed it.
    loadCapture: async (id) => {
      if (deleted.has(id)) throw new InspectorError('NOT_FOUND', `capture ${id} is no longer stored`)
      return store.load(id)
    },
    readBody: (id) => store.readBody(id),
    resendsOf: async () => [],
    addResend: async () => undefined,
    secretsOf: () => [],
    judge: () => {
      throw new Error('not imported here')
    },
    append: () => {
      throw new Error('not imported here')
    },
    imported: () => undefined,
    progress: () => undefined,
  })
})

afterEach(async () => {
  await store.close()
  await remove()
})

const request = { format: 'http' as const, redact: false, redactPersonalData: false, delivery: 'inline' as const }

describe('an export while captures are deleted', () => {
  it('holds the captures still stored, and says nothing changed in them', async () => {
    deleted.add(ids[1]!)
    const exported = await exchange.exportCaptures({ ...request, ids })
    const file = exportedFile(exported).toString('latin1')
    expect(file).toContain('POST /shop/first ')
    expect(file).toContain('POST /shop/third ')
    expect(file).not.toContain('/shop/second')
    expect(exported).not.toHaveProperty('redactions')
  })

  it('is refused when every capture is gone, saying so', async () => {
    for (const id of ids) deleted.add(id)
    await expect(exchange.exportCaptures({ ...request, ids })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/is no longer stored/),
    })
  })
})
