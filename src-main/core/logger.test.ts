import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir } from '../test-support/temp-dir'
import { createAppLogger, LOG_FILE_MAX_BYTES, LOG_FILE_NAME } from './logger'

let dir: string
let remove: () => Promise<void>
let stderrWrite: ReturnType<typeof vi.fn<(line: string) => boolean>>
beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir('logger-'))
  stderrWrite = vi.fn((_line: string) => true)
  vi.spyOn(process.stderr, 'write').mockImplementation((line) => stderrWrite(String(line)))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await remove()
})

describe('the app logger', () => {
  it('writes each line to stderr and to inspector.log in the data folder, readable by the user only, with secrets redacted', async () => {
    const logger = createAppLogger(dir)
    logger.error('forward failed', { headers: [['Authorization', 'Bearer s3cret']], status: 502 })
    logger.warn('port in use')
    const text = await readFile(join(dir, LOG_FILE_NAME), 'utf8')
    const lines = text.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ error forward failed /)
    expect(lines[0]).toContain('[redacted]')
    expect(text).not.toContain('s3cret')
    expect(lines[1]).toMatch(/ warn port in use$/)
    expect(stderrWrite).toHaveBeenCalledTimes(2)
    if (process.platform !== 'win32') expect((await stat(join(dir, LOG_FILE_NAME))).mode & 0o777).toBe(0o600)
    expect(logger.location).toBe(join(dir, LOG_FILE_NAME))
  })

  it('starts a new file past the size cap, keeping the previous one as inspector.log.1', async () => {
    await writeFile(join(dir, LOG_FILE_NAME), 'x'.repeat(LOG_FILE_MAX_BYTES))
    const logger = createAppLogger(dir)
    logger.info('after the cap')
    expect(await readFile(join(dir, LOG_FILE_NAME), 'utf8')).toMatch(/ info after the cap\n$/)
    expect((await stat(join(dir, `${LOG_FILE_NAME}.1`))).size).toBe(LOG_FILE_MAX_BYTES)
  })

  it('keeps logging to stderr when the file cannot be written', () => {
    const logger = createAppLogger(join(dir, 'missing', 'folder'))
    expect(() => logger.error('still said')).not.toThrow()
    expect(stderrWrite).toHaveBeenCalledWith(expect.stringContaining('error still said'))
  })
})
