import { spawn } from 'node:child_process'
import { stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { HEADLESS_ENTRY } from '../test-support/headless-process'
import { makeTempDir } from '../test-support/temp-dir'
import { prepareDataDir } from './data-dir'

const removers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const remove of removers.splice(0)) await remove()
})
async function tempDir(): Promise<string> {
  const temp = await makeTempDir('data-dir-')
  removers.push(temp.remove)
  return temp.dir
}

/** The headless app's exit code and stderr, or `null` if it had not exited after `timeoutMs` (it is then killed). */
function runHeadless(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string } | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HEADLESS_ENTRY, ...args, '--port', '0', '--receiver-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })
}

describe('the headless data folder', () => {
  it('is made with its missing parents, each 0700, and an existing one is left alone', async () => {
    const base = await tempDir()
    const dir = join(base, 'a', 'b', 'data')
    await prepareDataDir(dir)
    for (const folder of [join(base, 'a'), join(base, 'a', 'b'), dir]) expect((await stat(folder)).mode & 0o777).toBe(0o700)
    await prepareDataDir(base)
    expect((await stat(base)).isDirectory()).toBe(true)
  })

  it('says when a file or a broken link is in the way', async () => {
    const base = await tempDir()
    await writeFile(join(base, 'file'), 'x')
    await expect(prepareDataDir(join(base, 'file', 'data'))).rejects.toThrow(`${join(base, 'file')} is a file, not a folder`)
    await symlink(join(base, 'unmounted-disk'), join(base, 'link'))
    await expect(prepareDataDir(join(base, 'link', 'data'))).rejects.toThrow(`${join(base, 'link')} is a link to something that does not exist`)
  })

  // procfs answers ENOENT for a folder it cannot hold, and Node's recursive mkdir then retries forever.
  it.skipIf(process.platform !== 'linux')('stops the app at once with that sentence where it used to hang (a data folder under /proc)', async () => {
    const dir = '/proc/callback-inspector-test/captures'
    const run = await runHeadless(['--data-dir', dir], 10_000)
    expect(run, 'the app was still starting after 10 s').not.toBeNull()
    expect(run?.code).toBe(1)
    expect(run?.stderr).toContain(
      `Callback Inspector could not start: the data folder ${dir} cannot be made: creating /proc/callback-inspector-test failed (ENOENT); choose another --data-dir`,
    )
  })
})
