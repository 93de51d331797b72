/**
 * Start-up reads each segment's entries from its binary snapshot (table-snapshot.ts) only while
 * the snapshot matches the index document beside it; otherwise from the document, as before.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { waitFor } from '../../test-support/wait-for'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { CaptureStore } from './capture-store'
import { writeFileAtomically } from './data-file'
import { logFileIo, type LogFileIo } from './log-file-io'

const now = () => new Date('2026-12-06T10:00:00Z')

/** A full first segment (endpoint `old`, the first one pinned and noted) and one capture in the second (`new`). */
async function fill(store: CaptureStore): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < SEGMENT_MAX_CAPTURES; index++)
    ids.push((await store.append(testCapture(Buffer.from(`body ${index}`), { endpointId: 'old' }), Buffer.from(`body ${index}`))).id)
  ids.push((await store.append(testCapture(Buffer.from('last'), { endpointId: 'new' }), Buffer.from('last'))).id)
  await store.annotate(ids[0] as string, { pinned: true, note: 'kept' })
  return ids
}

describe('capture store: index snapshots', () => {
  const test = useCaptureStore({ now })

  test('start-up takes the entries from a snapshot that matches its document, without parsing the document', async ({
    capturesDir,
    openStore,
    storeIssues,
  }) => {
    const ids = await fill(await openStore())
    const before = await (await openStore()).ids()
    expect(before).toHaveLength(ids.length)
    // The same size and header, but entries no JSON parser would take: only a start-up that
    // reads the snapshot finds every capture, and reports nothing.
    const document = join(capturesDir, '000001.json')
    const text = await readFile(document, 'utf8')
    const start = text.indexOf('"captures":[') + '"captures":['.length
    await writeFile(document, text.slice(0, start) + '#'.repeat(text.length - start))
    const reopened = await openStore()
    expect(await reopened.ids()).toEqual(before)
    expect(storeIssues()).toEqual([])
    expect(await reopened.get(ids[0] as string)).toMatchObject({ pinned: true, note: 'kept' })
    expect((await reopened.readBody(ids[5] as string)).toString()).toBe('body 5')
  })

  test('the segment being filled gets its snapshot when the store closes, though it was last written without one', async ({ capturesDir, openStore }) => {
    const store = await openStore()
    const ids = await fill(store)
    // Its periodic write (once a second) carries no snapshot.
    await waitFor(async () => ((await readFile(join(capturesDir, '000002.json'), 'utf8')).includes(ids.at(-1) as string) ? true : undefined))
    expect(await readFile(join(capturesDir, '000002.json'), 'utf8')).not.toContain('tableSnapshot')
    await store.close()
    expect(await readFile(join(capturesDir, '000002.json'), 'utf8')).toContain('"tableSnapshot":')
    expect(await (await openStore()).ids()).toEqual(ids)
  })

  test('closing while the once-a-second write is under way still leaves the document with its snapshot', async ({ capturesDir, openStore }) => {
    let periodicWriteStarted!: () => void
    const started = new Promise<void>((resolve) => (periodicWriteStarted = resolve))
    const io: LogFileIo = {
      ...logFileIo,
      async writeIndex(file, text) {
        await writeFileAtomically(file, text)
        // On disk already, but not finished yet (as while the folder is synced): the close is asked for meanwhile.
        if (file.endsWith('000002.json') && !text.includes('tableSnapshot')) {
          periodicWriteStarted()
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
      },
    }
    const store = await openStore({ io })
    await fill(store)
    await started
    await store.close()
    expect(await readFile(join(capturesDir, '000002.json'), 'utf8')).toContain('"tableSnapshot":')
  })

  test('a snapshot from an earlier write of the document is not used: a deleted capture stays deleted', async ({ capturesDir, openStore }) => {
    const store = await openStore()
    const ids = await fill(store)
    const earlier = await readFile(join(capturesDir, '000001.table'))
    await store.deleteMany([ids[1] as string])
    await store.close()
    await writeFile(join(capturesDir, '000001.table'), earlier)
    const reopened = await openStore()
    expect(await reopened.ids()).not.toContain(ids[1])
    expect(reopened.count()).toBe(ids.length - 1)
  })

  test('a damaged or missing snapshot is ignored, and written again in the background', async ({ capturesDir, openStore, storeIssues }) => {
    const ids = await fill(await openStore())
    const snapshot = join(capturesDir, '000001.table')
    const bytes = await readFile(snapshot)
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff
    await writeFile(snapshot, bytes)
    await rm(join(capturesDir, '000002.table'))
    const reopened = await openStore()
    expect(await reopened.ids()).toHaveLength(ids.length)
    expect(storeIssues()).toEqual([])
    // The damaged one is replaced by a good one (the current segment gets its own at close).
    await waitFor(async () => ((await readFile(snapshot)).equals(bytes) ? undefined : true))
    await reopened.close()
    expect((await readdir(capturesDir)).filter((name) => name.endsWith('.table')).sort()).toEqual(['000001.table', '000002.table'])
    const again = await openStore()
    expect(await again.ids()).toHaveLength(ids.length)
  })
})
