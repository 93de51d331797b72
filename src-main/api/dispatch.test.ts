import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAppLogger, LOG_FILE_NAME } from '../core/logger'
import type { ProcedureHandlers } from '../core/procedures'
import { makeTempDir } from '../test-support/temp-dir'
import { createDispatch } from './dispatch'

let dir: string
let remove: () => Promise<void>
beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir('dispatch-'))
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
})
afterEach(async () => {
  vi.restoreAllMocks()
  await remove()
})

describe('dispatch', () => {
  it('is where an unexpected procedure failure sends the user', async () => {
    const logger = createAppLogger(dir)
    const procedures = { getStatus: () => Promise.reject(new Error('disk on fire')) } as unknown as ProcedureHandlers
    const result = await createDispatch(procedures, logger)('getStatus', {})
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: `getStatus failed unexpectedly; the app log (${join(dir, LOG_FILE_NAME)}) says why` },
    })
    expect(await readFile(join(dir, LOG_FILE_NAME), 'utf8')).toContain('disk on fire')
  })

  it('says where to look even with a logger that has no file', async () => {
    const procedures = { getStatus: () => Promise.reject(new Error('x')) } as unknown as ProcedureHandlers
    const silent = { info() {}, warn() {}, error() {} }
    const result = await createDispatch(procedures, silent)('getStatus', {})
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'getStatus failed unexpectedly; the app log says why' } })
  })
})
