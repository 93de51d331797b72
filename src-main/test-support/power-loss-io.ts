/**
 * The power-loss test hook: capture-log file operations that record, for each log, how much of it
 * was on stable storage at its last sync and every write made since. A power loss keeps that much
 * and loses every later write (zeros where the file already had room). Files are told apart by
 * inode, not path, so a log written under a temporary name and renamed (a compaction) is followed.
 */
import { open as openFile, readdir, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomically } from '../core/store/data-file'
import { logFileIo, type LogFileIo } from '../core/store/log-file-io'

export interface PowerLossIo {
  /** Pass as the store's `io`. */
  io: LogFileIo
  /** The power goes: the store that had it stays in memory, and every disk operation it tries from now on fails. */
  powerOff(): void
  /** Leaves each log in `capturesDir` as the power loss would: unsynced writes zeroed, the file cut to its synced length. */
  cutBack(capturesDir: string): Promise<void>
}

export function powerLossIo(): PowerLossIo {
  const inodes = new Map<number, number>()
  const synced = new Map<number, number>()
  const syncedDescriptors = new Set<number>()
  let writes = 0
  const unsynced = new Map<number, Array<{ write: number; position: number; length: number }>>()
  let poweredOff = false
  const off = new Error('the power is off')
  const track = async (handle: { fd: number; stat(): Promise<{ ino: number }> }): Promise<void> => {
    const { ino } = await handle.stat()
    inodes.set(handle.fd, ino)
    if (!synced.has(ino)) synced.set(ino, 0)
    if (!unsynced.has(ino)) unsynced.set(ino, [])
  }
  const io: LogFileIo = {
    ...logFileIo,
    writeIndex: (file, text) => (poweredOff ? Promise.reject(off) : writeFileAtomically(file, text)),
    async open(path) {
      const handle = await logFileIo.open(path)
      await track(handle)
      return handle
    },
    // Writes through this descriptor (O_DSYNC) are on stable storage once they return.
    async openSynced(path) {
      const handle = await logFileIo.openSynced(path)
      if (handle) {
        await track(handle)
        syncedDescriptors.add(handle.fd)
      }
      return handle
    },
    async writev(fd, buffers, position) {
      if (poweredOff) throw off
      const written = await logFileIo.writev(fd, buffers, position)
      const ino = inodes.get(fd) as number
      if (syncedDescriptors.has(fd)) synced.set(ino, Math.max(synced.get(ino) ?? 0, position + written))
      else unsynced.get(ino)?.push({ write: ++writes, position, length: written })
      return written
    },
    async datasync(handle) {
      if (poweredOff) throw off
      const ino = inodes.get(handle.fd) as number
      // A sync covers what was written before it started.
      const coveredUpTo = writes
      const size = (await handle.stat()).size
      await logFileIo.datasync(handle)
      // Syncs run concurrently (capture-writer.ts): one finishing late keeps what a later one synced.
      synced.set(ino, Math.max(synced.get(ino) ?? 0, size))
      unsynced.set(
        ino,
        (unsynced.get(ino) ?? []).filter(({ write }) => write > coveredUpTo),
      )
    },
  }
  return {
    io,
    powerOff: () => void (poweredOff = true),
    async cutBack(capturesDir) {
      for (const name of await readdir(capturesDir)) {
        if (!name.endsWith('.log')) continue
        const path = join(capturesDir, name)
        const { ino, size } = await stat(path)
        const length = synced.get(ino)
        if (length === undefined) continue
        const file = await openFile(path, 'r+')
        for (const lost of unsynced.get(ino) ?? []) await file.write(Buffer.alloc(lost.length), 0, lost.length, lost.position)
        await file.close()
        if (size > length) await truncate(path, length)
      }
    },
  }
}
