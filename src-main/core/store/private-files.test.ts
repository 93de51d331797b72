import { chmod, mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { startInspector, type Inspector } from '../inspector'
import { silentLogger } from '../logger'
import { send } from '../../test-support/http-client'

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  let dir: string
  let remove: () => Promise<void>
  let inspector: Inspector | undefined

  beforeEach(async () => ({ dir, remove } = await makeTempDir()))
  afterEach(async () => {
    await inspector?.stop()
    inspector = undefined
    await remove()
  })

  it('creates the data folder 0700 and every file in it 0600, whatever the umask', async () => {
    const dataDir = join(dir, 'new', 'data')
    const previous = process.umask(0o022)
    try {
      inspector = await startInspector({ dataDir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
      await send(`${inspector.receiverUrl}/default/x`, { method: 'POST', headers: [['authorization', 'Basic dXNlcjpwYXNz']], body: '{}' })
      const [capture] = (await inspector.procedures.listCaptures({})).items
      await inspector.procedures.replayCapture({ captureId: capture!.id, targetUrl: 'http://127.0.0.1:9/nowhere' }).catch(() => undefined)
      await inspector.stop()
      inspector = undefined
    } finally {
      process.umask(previous)
    }
    expect(await modeOf(dataDir)).toBe(0o700)
    for (const folder of ['captures', 'replays']) expect(await modeOf(join(dataDir, folder))).toBe(0o700)
    for (const file of ['inspector.json', 'captures/000001.json', 'captures/000001.log', 'replays/000001.json']) {
      expect([file, await modeOf(join(dataDir, file))]).toEqual([file, 0o600])
    }
  })

  it('tightens an install made by an older version at start-up, leaving other files alone', async () => {
    await mkdir(join(dir, 'captures'), { mode: 0o755 })
    await chmod(dir, 0o755)
    await writeFile(join(dir, 'captures', '000001.json'), '{"schemaVersion":1,"segment":1,"indexedLogBytes":0,"captures":[]}', { mode: 0o644 })
    await writeFile(join(dir, 'inspector.json'), '{"schemaVersion":1,"endpoints":[]}', { mode: 0o644 })
    await writeFile(join(dir, 'notes.txt'), 'the user file', { mode: 0o644 })
    inspector = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
    expect(await modeOf(dir)).toBe(0o700)
    expect(await modeOf(join(dir, 'captures'))).toBe(0o700)
    expect(await modeOf(join(dir, 'captures', '000001.json'))).toBe(0o600)
    expect(await modeOf(join(dir, 'inspector.json'))).toBe(0o600)
    expect(await modeOf(join(dir, 'notes.txt'))).toBe(0o644)
  })
})
