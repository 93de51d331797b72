import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAppLogger, LOG_FILE_NAME, silentLogger } from '../core/logger'
import type { ProcedureHandlers } from '../core/procedures'
import { makeTempDir } from '../test-support/temp-dir'
import { createDispatch, MAX_INPUT_VALUES } from './dispatch'
import { MAX_DESCRIBED_ISSUES, MAX_NAMED_UNKNOWN_FIELDS } from './input-issues'

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

  it('says which field is missing, what a misspelt field is called, and that the input is an object', async () => {
    const dispatch = createDispatch({} as ProcedureHandlers, silentLogger)
    const messageOf = async (procedure: string, input: unknown) => {
      const result = await dispatch(procedure, input)
      if (result.ok) throw new Error(`${procedure} accepted ${JSON.stringify(input)}`)
      expect(result.error.code).toBe('BAD_REQUEST')
      return result.error.message
    }
    expect(await messageOf('getCapture', {})).toBe('invalid input for getCapture: id is missing (a string)')
    expect(await messageOf('setCaptureNote', { id: 'x' })).toBe('invalid input for setCaptureNote: note is missing (a string)')
    expect(await messageOf('listCaptures', { limit: 10, endpointID: 'x' })).toBe(
      'invalid input for listCaptures: unknown field "endpointID"; the fields are endpointId, cursor, limit, filter, groupBy',
    )
    // Nested, and through an optional wrapper.
    expect(await messageOf('listCaptures', { filter: { status: 200, txt: 'a' } })).toBe(
      'invalid input for listCaptures: filter: unknown fields "status", "txt"; the fields are text, query, provider, verdict, method, answer, outcome',
    )
    expect(await messageOf('getStatus', 'x')).toBe(
      'invalid input for getStatus: the input must be a JSON object, not a string (send {} when there is nothing to give)',
    )
    expect(await messageOf('listEndpoints', [])).toMatch(/must be a JSON object, not an array/)
    // A value that is there but wrong keeps the schema's own words.
    expect(await messageOf('listCaptures', { limit: 'ten' })).toBe('invalid input for listCaptures: limit: Invalid input: expected number, received string')
    expect(await messageOf('deleteCaptures', { ids: [] })).toBe('invalid input for deleteCaptures: ids: ids is empty: name at least one capture')
  })

  it('refuses an input holding more values than any procedure takes, before its schema reads each one', async () => {
    const deleted: string[][] = []
    const procedures = {
      deleteCaptures: ({ ids }: { ids: string[] }) => (deleted.push(ids), Promise.resolve({ deletedCount: ids.length })),
    } as unknown as ProcedureHandlers
    const dispatch = createDispatch(procedures, silentLogger)
    // Before, the schema described each wrong entry (1.5 million of them held the app for 25 s).
    const perEndpoint = Object.fromEntries(Array.from({ length: MAX_INPUT_VALUES }, (_, index) => [`e${index}`, index]))
    expect(await dispatch('setStorageSettings', { retention: { perEndpoint } })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `invalid input for setStorageSettings: it holds more than 100,000 values; no procedure takes that many` },
    })
    const deep = { retention: { perEndpoint: { e: { nested: Array.from({ length: MAX_INPUT_VALUES }, () => [0]) } } } }
    expect(await dispatch('setStorageSettings', deep)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/holds more than 100,000 values/) } })
    // The largest list a procedure takes is well within it.
    const ids = Array.from({ length: 10_000 }, (_, index) => `capture-${index}`)
    expect(await dispatch('deleteCaptures', { ids })).toEqual({ ok: true, value: { deletedCount: 10_000 } })
    expect(deleted).toEqual([ids])
  })

  it('names the first problems of an input with many, and counts the rest, instead of echoing them all', async () => {
    const dispatch = createDispatch({} as ProcedureHandlers, silentLogger)
    const messageOf = async (procedure: string, input: unknown): Promise<string> => {
      const result = await dispatch(procedure, input)
      if (result.ok) throw new Error(`${procedure} accepted ${JSON.stringify(input)}`)
      return result.error.message
    }
    // Before, every entry was described: 1.5 million of them made a 120 MB answer, built in 40 s.
    const perEndpoint = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`e${index}`, index]))
    const wrongEntries = await messageOf('setStorageSettings', { retention: { perEndpoint } })
    expect(wrongEntries.split('; ')).toHaveLength(MAX_DESCRIBED_ISSUES + 1)
    expect(wrongEntries).toMatch(/^invalid input for setStorageSettings: retention\.perEndpoint\.e0: Invalid input: expected object, received number; /)
    expect(wrongEntries).toContain(`retention.perEndpoint.e${MAX_DESCRIBED_ISSUES - 1}:`)
    expect(wrongEntries).not.toContain(`retention.perEndpoint.e${MAX_DESCRIBED_ISSUES}:`)
    expect(wrongEntries).toMatch(new RegExp(`; and ${25 - MAX_DESCRIBED_ISSUES} more problems$`))
    // Misspelt fields: the first ones named, the rest counted, the fields there are still listed.
    const misspelt = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`field${index}`, 1]))
    const unknownFields = await messageOf('createEndpoint', { name: 'a', ...misspelt })
    expect(unknownFields).toBe(
      `invalid input for createEndpoint: unknown fields ${Array.from({ length: MAX_NAMED_UNKNOWN_FIELDS }, (_, index) => `"field${index}"`).join(', ')}, and ${30 - MAX_NAMED_UNKNOWN_FIELDS} more; the fields are name, slug`,
    )
  })
})
