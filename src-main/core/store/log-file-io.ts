/**
 * How capture logs reach the disk: the durability modes, and the file operations segments use
 * (injected, so tests can make the disk fail, write short or lose power).
 */
import { constants, writev } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { PRIVATE_FILE_MODE } from './private-files'

/**
 * How captures reach stable storage.
 * - `sync`: a capture is answered only once its frame is on stable storage (one synchronous write
 *   per group commit: `O_DSYNC`, or a write and an `fdatasync` where the platform lacks it);
 *   survives a power loss or kernel crash.
 * - `flush`: answered once its frame is in the OS's page cache; survives a crash or kill -9 of the
 *   app, not a power loss.
 */
export type Durability = 'sync' | 'flush'

/** How segment logs are opened, written and synced; injected so tests can make the disk fail or lose power. */
export interface LogFileIo {
  open(path: string): Promise<FileHandle>
  /**
   * Opens an existing log a second time, for writes that return only once their data is on stable
   * storage (`O_DSYNC`: the write and its `fdatasync` in one call); `null` where the platform has
   * no such flag (Windows).
   */
  openSynced(path: string): Promise<FileHandle | null>
  /** `fs.writev` in the thread pool: writes at `position`, resolves the bytes written. */
  writev(fd: number, buffers: Buffer[], position: number): Promise<number>
  /** `fdatasync` in the thread pool. */
  datasync(handle: FileHandle): Promise<void>
  /** Replaces an index document whole (atomically and durably); tests make it fail like a read-only folder. */
  writeIndex?(file: string, text: string): Promise<void>
}

export const logFileIo: LogFileIo = {
  open: (path) => open(path, constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE),
  openSynced: (path) => (constants.O_DSYNC === undefined ? Promise.resolve(null) : open(path, constants.O_RDWR | constants.O_DSYNC)),
  writev: (fd, buffers, position) =>
    new Promise((resolve, reject) => writev(fd, buffers, position, (error, written) => (error ? reject(error) : resolve(written)))),
  datasync: (handle) => handle.datasync(),
}

/** Writes every byte, continuing after a short write. */
export async function writeAll(io: LogFileIo, fd: number, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers
  let at = position
  for (;;) {
    const total = pending.reduce((sum, buffer) => sum + buffer.length, 0)
    const written = await io.writev(fd, pending, at)
    if (written >= total) return
    at += written
    let skip = written
    const rest: Buffer[] = []
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer)
        skip = 0
      }
    }
    pending = rest
  }
}
