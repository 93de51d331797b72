/**
 * One process per data folder: lowdb has no locking and two writers silently overwrite each
 * other (the last write wins), which would lose captures. A lock file holds the owner's pid; a
 * lock whose process is gone (after a crash or kill -9) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises'
import { InspectorError } from '../../shared/errors'

export async function acquireDataDirLock(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => unlink(file).catch(() => undefined)
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || isAlive(owner))) {
        throw new InspectorError('CONFLICT', `the data folder is in use by another Callback Inspector (pid ${owner})`)
      }
      await unlink(file).catch(() => undefined)
    }
  }
  throw new InspectorError('CONFLICT', `could not lock the data folder (${file})`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error: unknown) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
