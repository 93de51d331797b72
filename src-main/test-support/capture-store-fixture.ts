/**
 * A Vitest fixture for the setup every capture store test repeated: a fresh data folder, stores
 * opened on its `captures` folder, and both torn down after the test, pass or fail, in the right
 * order (close the store, then remove the folder). Like inspector-fixture.ts:
 *
 *   const test = useCaptureStore({ now })
 *   test('…', async ({ openStore, capturesDir }) => { … })
 */
import { join } from 'node:path'
import { test as base } from 'vitest'
import type { StorageIssue } from '../shared/views'
import { openCaptureStore, type CaptureStore, type CaptureStoreConfig, type CaptureStoreDeps } from '../core/store/capture-store'
import type { LogFileIo } from '../core/store/log-file-io'
import type { SpaceReserveOptions } from '../core/store/space-reserve'
import { StorageIssues } from '../core/store/storage-issues'
import { makeTempDir } from './temp-dir'

export interface OpenStoreOptions extends Partial<Pick<CaptureStoreConfig, 'durability' | 'retention' | 'maxOpenLogs'>> {
  /** The segment logs' file operations (a failing or counting disk). */
  io?: LogFileIo
  /** The space set aside for deletions (a test pretends a nearly full disk). */
  spaceReserve?: SpaceReserveOptions
  /** Called after each step of a compaction (a test stops it there as a crash would). */
  compactionStep?: CaptureStoreDeps['compactionStep']
  /** Counts what searches read beyond the sidecars. */
  searchReads?: CaptureStoreDeps['searchReads']
}

export interface CaptureStoreFixtures {
  /** A data folder, empty at the start; removed after the test. */
  dataDir: string
  /** The store's folder in it (`captures`; unreadable files go to `unreadable`). */
  capturesDir: string
  /**
   * Opens a store on `capturesDir` (`flush` durability unless given). The last one opened is
   * closed after the test unless the test closed it; a test reopening closes the one before itself.
   */
  openStore: (options?: OpenStoreOptions) => Promise<CaptureStore>
  /** The files the last store opened found unreadable or damaged. */
  storeIssues: () => StorageIssue[]
}

/** A Vitest `test` whose context offers {@link CaptureStoreFixtures}; `defaults` apply to every store opened. */
export function useCaptureStore(defaults: Pick<CaptureStoreDeps, 'now'> & OpenStoreOptions) {
  let issues = new StorageIssues()
  return base.extend<CaptureStoreFixtures>({
    // Vitest reads a fixture's dependencies from its first parameter, so it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    dataDir: async ({}, use) => {
      const temp = await makeTempDir()
      try {
        await use(temp.dir)
      } finally {
        await temp.remove()
      }
    },
    capturesDir: async ({ dataDir }, use) => {
      await use(join(dataDir, 'captures'))
    },
    openStore: async ({ dataDir, capturesDir }, use) => {
      let last: { store: CaptureStore; closed: boolean } | undefined
      try {
        await use(async (options = {}) => {
          const { io, spaceReserve, compactionStep, searchReads, now: _now, ...config } = { ...defaults, ...options }
          issues = new StorageIssues()
          const store = await openCaptureStore(
            { dir: capturesDir, quarantineDir: join(dataDir, 'unreadable'), durability: 'flush', ...config },
            { now: defaults.now, logIo: io, issues, spaceReserve, compactionStep, searchReads },
          )
          const opened = { store, closed: false }
          const close = store.close.bind(store)
          store.close = () => {
            opened.closed = true
            return close()
          }
          last = opened
          return store
        })
      } finally {
        if (last && !last.closed) await last.store.close()
      }
    },
    // eslint-disable-next-line no-empty-pattern
    storeIssues: async ({}, use) => {
      await use(() => issues.snapshot())
    },
  })
}
