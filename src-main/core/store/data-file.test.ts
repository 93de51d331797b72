import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { z } from 'zod'
import { makeTempDir } from '../../test-support/temp-dir'
import { test as base } from 'vitest'
import { moveAside, openDocument } from './data-file'

const test = base.extend<{ dir: string }>({
  // eslint-disable-next-line no-empty-pattern
  dir: async ({}, use) => {
    const temp = await makeTempDir()
    try {
      await use(temp.dir)
    } finally {
      await temp.remove()
    }
  },
})

const at = () => new Date('2026-12-07T17:00:00.000Z')

describe('moving an unreadable file aside', () => {
  test('never replaces a file kept there: two files of one name, in the same millisecond, are both kept', async ({ dir }) => {
    const quarantine = join(dir, 'unreadable')
    // A capture index and a replay history document share their names (NNNNNN.json).
    await mkdir(join(dir, 'captures'))
    await mkdir(join(dir, 'replays'))
    await writeFile(join(dir, 'captures', '000001.json'), '{"captures": [')
    await writeFile(join(dir, 'replays', '000001.json'), '{"replays": [')
    const first = await moveAside(join(dir, 'captures', '000001.json'), 'is not valid JSON', quarantine, at)
    const second = await moveAside(join(dir, 'replays', '000001.json'), 'is not valid JSON', quarantine, at)
    expect(second.movedTo).not.toBe(first.movedTo)
    expect(await readFile(first.movedTo, 'utf8')).toBe('{"captures": [')
    expect(await readFile(second.movedTo, 'utf8')).toBe('{"replays": [')
    // The same file found unreadable again, as after it was written anew and damaged again.
    await writeFile(join(dir, 'captures', '000001.json'), 'third')
    const third = await moveAside(join(dir, 'captures', '000001.json'), 'is not valid JSON', quarantine, at)
    expect(await readFile(third.movedTo, 'utf8')).toBe('third')
    expect((await readdir(quarantine)).sort()).toEqual([
      '2026-12-07T17-00-00-000Z-000001.json',
      '2026-12-07T17-00-00-000Z-000001.json.2',
      '2026-12-07T17-00-00-000Z-000001.json.3',
    ])
    expect(await readdir(join(dir, 'captures'))).toEqual([])
  })

  test('openDocument reports a document that fails its schema and keeps it aside, then starts afresh', async ({ dir }) => {
    const file = join(dir, 'settings.json')
    await writeFile(file, '{"schemaVersion": 99}')
    const opened = await openDocument(file, z.object({ schemaVersion: z.literal(1) }), () => ({ schemaVersion: 1 as const }), join(dir, 'unreadable'), at)
    expect(opened.db).toBeNull()
    expect(opened.issue).toMatchObject({ file, problem: expect.stringMatching(/schemaVersion/) as unknown })
    expect(await readFile(opened.issue?.movedTo as string, 'utf8')).toBe('{"schemaVersion": 99}')
  })
})
