/** The space set aside for deleting captures on a full disk (space-reserve.ts). */
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { createSpaceReserve, SPACE_RESERVE_FILE } from './space-reserve'

const GiB = 1024 * 1024 * 1024
const outOfSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

describe('space reserve', () => {
  let dir: string
  let remove: () => Promise<void>
  beforeEach(async () => ({ dir, remove } = await makeTempDir()))
  afterEach(() => remove())
  const sizeOf = (name = SPACE_RESERVE_FILE) =>
    stat(join(dir, name)).then(
      (info) => info.size,
      () => null,
    )

  test('sets space aside only while the disk is nearly full, readable by the user only', async () => {
    await createSpaceReserve(dir, { bytes: 3 * 1024 * 1024 + 5, freeBytes: async () => 10 * GiB }).ensure()
    expect(await sizeOf()).toBeNull()

    await createSpaceReserve(dir, { bytes: 3 * 1024 * 1024 + 5, freeBytes: async () => 100 * 1024 * 1024 }).ensure()
    expect(await sizeOf()).toBe(3 * 1024 * 1024 + 5)
    expect((await stat(join(dir, SPACE_RESERVE_FILE))).mode & 0o777).toBe(0o600)
  })

  test('writes a reserve cut short (a crash while writing it) again, whole', async () => {
    await writeFile(join(dir, `${SPACE_RESERVE_FILE}.partial`), 'cut short')
    await createSpaceReserve(dir, { bytes: 4096, freeBytes: async () => 0 }).ensure()
    expect(await sizeOf()).toBe(4096)
    expect(await sizeOf(`${SPACE_RESERVE_FILE}.partial`)).toBeNull()
  })

  test('gives the space back to a write that failed for want of it, and runs that write once more', async () => {
    const reserve = createSpaceReserve(dir, { bytes: 4096, freeBytes: async () => 0 })
    await reserve.ensure()
    const runs: Array<number | null> = []
    const result = await reserve.withRoom(async () => {
      runs.push(await sizeOf())
      // The disk is full while the reserve holds its space.
      if ((await sizeOf()) !== null) throw outOfSpace()
      return 'written'
    })
    expect(result).toBe('written')
    expect(runs).toEqual([4096, null])

    await reserve.ensure()
    expect(await sizeOf()).toBe(4096)
  })

  test('runs a write once when it fails for another reason, and keeps the reserve', async () => {
    const reserve = createSpaceReserve(dir, { bytes: 4096, freeBytes: async () => 0 })
    await reserve.ensure()
    let runs = 0
    await expect(
      reserve.withRoom(async () => {
        runs++
        throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })
      }),
    ).rejects.toThrow(/EROFS/)
    expect(runs).toBe(1)
    expect(await sizeOf()).toBe(4096)
  })

  test('says so when the disk is still full once the reserve is given back', async () => {
    const reserve = createSpaceReserve(dir, { bytes: 4096, freeBytes: async () => 0 })
    await reserve.ensure()
    let runs = 0
    await expect(
      reserve.withRoom(async () => {
        runs++
        throw outOfSpace()
      }),
    ).rejects.toThrow(/ENOSPC/)
    expect(runs).toBe(2)
  })
})
