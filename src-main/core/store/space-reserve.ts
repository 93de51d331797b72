/**
 * A few megabytes the store sets aside in its folder (`captures/space-reserve`) once the disk is
 * getting full, so that a full disk never leaves the user unable to delete captures.
 *
 * Why: every change to stored captures writes the segment's index document first (a temporary
 * file, then a rename: see data-file.ts), and only then lets go of the captures' bytes. On a disk
 * with no free byte that first write fails, so a Clear, a selection's delete or a retention cap
 * answered "no space left on device" and freed nothing: a flood that filled the disk could not be
 * cleared from the app. Now such a change, when it meets ENOSPC or EDQUOT, gives the reserve back
 * to the disk and tries once more; the reserve is set aside again once there is room.
 *
 * Only while free space is low (`LOW_SPACE_BYTES`): on a disk with room to spare, a deletion's
 * writes have room anyway, and a data folder (or a test's) does not carry megabytes of zeros.
 * Captures never draw on the reserve: while the disk is full the receiver answers 503 (providers
 * retry) and the reserve stays for the user's way out.
 */
import { open, rename, stat, statfs, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from './private-files'

/** Enough for the index documents a deletion rewrites at once (up to four of about 0.3-1 MB) and the settings document. */
export const SPACE_RESERVE_BYTES = 8 * 1024 * 1024
/** Below this much free space, the reserve is set aside. */
export const LOW_SPACE_BYTES = 1024 * 1024 * 1024
/** How often, at most, captures being written make the reserve look at the free space (a flood fills a gigabyte in seconds, not less). */
export const SPACE_CHECK_INTERVAL_MS = 1_000
export const SPACE_RESERVE_FILE = 'space-reserve'
const ZERO_CHUNK_BYTES = 1024 * 1024

export interface SpaceReserveOptions {
  bytes?: number
  lowSpaceBytes?: number
  /** The bytes this user may still write on the folder's disk (tests pretend a nearly full one). */
  freeBytes?: (dir: string) => Promise<number>
}

export interface SpaceReserve {
  /** The bytes this user may still write on the folder's disk, or `null` where the system does not say. */
  freeBytes(): Promise<number | null>
  /** Sets the reserve aside when free space is low and it is not (yet, or again); quietly leaves it for later when that fails. */
  ensure(): Promise<void>
  /** `ensure`, at most once every `SPACE_CHECK_INTERVAL_MS`, in the background: cheap enough to call for every capture. */
  checkSoon(): void
  /**
   * Runs `task`; when it fails for want of space, gives the reserve back to the disk and runs it
   * once more. For the user's ways out of a full disk (deleting captures, saving a retention cap).
   */
  withRoom<T>(task: () => Promise<T>): Promise<T>
}

/** True for the errors of a full disk or an exhausted quota. */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

async function availableBytes(dir: string): Promise<number> {
  const { bavail, bsize } = await statfs(dir)
  return bavail * bsize
}

export function createSpaceReserve(dir: string, options: SpaceReserveOptions = {}): SpaceReserve {
  const { bytes = SPACE_RESERVE_BYTES, lowSpaceBytes = LOW_SPACE_BYTES, freeBytes = availableBytes } = options
  const path = join(dir, SPACE_RESERVE_FILE)
  const partial = `${path}.partial`
  let lastCheck = Number.NEGATIVE_INFINITY
  /** One fill or release at a time, so a release never races a half-written reserve. */
  let turn: Promise<unknown> = Promise.resolve()
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work)
    turn = run.catch(() => undefined)
    return run
  }

  async function fill(): Promise<void> {
    if (bytes <= 0 || (await sizeOf(path)) >= bytes || (await freeBytes(dir)) >= lowSpaceBytes) return
    // Written under another name and renamed: a reserve cut short by a full disk or a crash is
    // never taken for a whole one.
    const handle = await open(partial, 'w', PRIVATE_FILE_MODE)
    try {
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_BYTES, bytes))
      for (let at = 0; at < bytes; at += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, bytes - at), at)
      // Blocks a delayed allocation has not placed yet are not set aside: sync them.
      await handle.datasync()
    } catch (error: unknown) {
      await handle.close()
      await unlink(partial).catch(() => undefined)
      throw error
    }
    await handle.close()
    await rename(partial, path)
  }

  async function release(): Promise<void> {
    await unlink(partial).catch(() => undefined)
    await unlink(path).catch(() => undefined)
  }

  const ensure = (): Promise<void> =>
    inTurn(fill).catch(() => {
      // No room yet, or a read-only folder: the next check tries again.
    })

  return {
    freeBytes: () => freeBytes(dir).catch(() => null),
    ensure,
    checkSoon() {
      const now = performance.now()
      if (now - lastCheck < SPACE_CHECK_INTERVAL_MS) return
      lastCheck = now
      void ensure()
    },
    async withRoom(task) {
      try {
        return await task()
      } catch (error: unknown) {
        if (!isOutOfSpace(error)) throw error
        // Tried again even when there was no reserve left to give: a change running beside this
        // one may just have given it back.
        await inTurn(release)
        return task()
      }
    },
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}
