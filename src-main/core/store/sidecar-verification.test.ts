/**
 * Search-text sidecars are hashed to verify them once, not after every start: a clean stop records
 * the ones verified, as they were (size, time, inode), and the next start trusts them as long as
 * they are unchanged. A start without that record (after a crash) verifies every one, and a
 * sidecar found damaged is reported and moved aside, then built afresh, never replaced unseen.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { waitFor } from '../../test-support/wait-for'
import type { CaptureStore } from './capture-store'
import type { SearchReadCounts } from './store-search'

const test = useCaptureStore({ now: () => new Date('2026-12-08T01:00:00Z') })

const counts = (): SearchReadCounts => ({ framesRead: 0, recognitionSegments: 0, sidecarsHashed: 0, idle: 0 })

/** A store with a few captures and its sidecar built, closed cleanly. */
async function storeWithSidecar(openStore: (options?: { searchReads?: SearchReadCounts }) => Promise<CaptureStore>, capturesDir: string): Promise<Buffer> {
  const store = await openStore()
  for (const word of ['zanzibar', 'timbuktu', 'ouagadougou']) {
    const body = Buffer.from(JSON.stringify({ word }))
    await store.append(testCapture(body, { headers: [['Content-Type', 'application/json']] }), body)
  }
  // A search asks for the sidecars (built in the background, inline in tests).
  expect(await store.countMatching(undefined, { query: 'zanzibar' })).toBe(1)
  await waitFor(() => (existsSync(sidecarOf(capturesDir)) ? true : undefined))
  const sidecar = await readFile(sidecarOf(capturesDir))
  await store.close()
  return sidecar
}

const sidecarOf = (capturesDir: string): string => join(capturesDir, 'search', '000001.search')

/** Opens the store again and waits for its first sidecar upkeep (a few seconds after start-up) to be over. */
async function reopenedAfterUpkeep(
  openStore: (options?: { searchReads?: SearchReadCounts }) => Promise<CaptureStore>,
): Promise<{ store: CaptureStore; reads: SearchReadCounts }> {
  const reads = counts()
  const store = await openStore({ searchReads: reads })
  await waitFor(() => (reads.idle > 0 ? true : undefined))
  return { store, reads }
}

test('a start after a clean stop hashes no sidecar it verified; a start without the record (a crash) hashes it again', async ({ openStore, capturesDir }) => {
  const sidecar = await storeWithSidecar(openStore, capturesDir)
  const { store, reads } = await reopenedAfterUpkeep(openStore)
  expect(reads.sidecarsHashed).toBe(0)
  // Trusted as it is: neither hashed nor rebuilt, and searched.
  expect((await readFile(sidecarOf(capturesDir))).equals(sidecar)).toBe(true)
  expect(await store.countMatching(undefined, { query: 'timbuktu' })).toBe(1)
  await store.close()

  // What a crash leaves: no record of what was verified.
  await rm(join(capturesDir, 'search', 'verified.json'))
  const afterCrash = await reopenedAfterUpkeep(openStore)
  expect(afterCrash.reads.sidecarsHashed).toBe(1)
})

test('a sidecar changed while the app was stopped is hashed, found damaged, reported and moved aside, then built afresh', async ({
  openStore,
  capturesDir,
  dataDir,
  storeIssues,
}) => {
  const sidecar = await storeWithSidecar(openStore, capturesDir)
  const damaged = Buffer.from(sidecar)
  damaged.write('zanzibur', damaged.indexOf('zanzibar'))
  await writeFile(sidecarOf(capturesDir), damaged)
  // As a change made later than the build would (a write in the same clock tick can keep its time).
  const later = new Date(Date.now() + 60_000)
  await utimes(sidecarOf(capturesDir), later, later)

  const { store } = await reopenedAfterUpkeep(openStore)
  await waitFor(() => (storeIssues().length > 0 ? true : undefined))
  expect(storeIssues()).toEqual([
    expect.objectContaining({
      file: sidecarOf(capturesDir),
      problem: 'does not match the sha256 recorded in it; it is built again from its capture log',
    }),
  ])
  const kept = await readdir(join(dataDir, 'unreadable'))
  expect(kept).toHaveLength(1)
  expect((await readFile(join(dataDir, 'unreadable', kept[0] as string))).equals(damaged)).toBe(true)
  // Built afresh from the log.
  await waitFor(async () => (existsSync(sidecarOf(capturesDir)) && (await readFile(sidecarOf(capturesDir))).equals(sidecar) ? true : undefined))
  expect(await store.countMatching(undefined, { query: 'zanzibar' })).toBe(1)
})
