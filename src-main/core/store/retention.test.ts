import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, vi } from 'vitest'
import type { InspectorEvent } from '../../shared/contract'
import { useCaptureStore, type OpenStoreOptions } from '../../test-support/capture-store-fixture'
import { send } from '../../test-support/http-client'
import { waitFor } from '../../test-support/wait-for'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore, NewCapture } from './capture-store'
import { startInspector, type Inspector } from '../inspector'
import { silentLogger } from '../logger'
import { sidecarPathOf } from './search-runner'
import { buildSidecar } from '../search/search-text-sidecar'
import { SEGMENT_MAX_CAPTURES } from './capture-table'

const clock = Date.parse('2026-11-21T10:00:00Z')
const now = () => new Date(clock)

/** Retention looks at a capture's endpoint, its time of arrival and whether it was imported. */
const newCapture = (endpointId: string, receivedAtMs: number, body: Buffer, origin: 'received' | 'imported' = 'received'): NewCapture =>
  testCapture(body, { endpointId, receivedAt: new Date(receivedAtMs).toISOString(), origin })

describe('retention', () => {
  const test = useCaptureStore({ now })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function fill(current: CaptureStore, endpointId: string, count: number, startMs = clock) {
    const stored = []
    for (let index = 0; index < count; index++)
      stored.push(await current.append(newCapture(endpointId, startMs + index, Buffer.from(`${endpointId}-${index}`)), Buffer.from(`${endpointId}-${index}`)))
    return stored
  }

  test('keeps the newest captures under a count cap, oldest first, pinned ones exempt', async ({ openStore: open }) => {
    const current = await open()
    const stored = await fill(current, 'a', 10)
    await current.annotate(stored[0]!.id, { pinned: true })
    current.retention.setPolicy({ maxCaptures: 4 })
    await current.retention.enforce()
    expect(current.count()).toBe(4)
    // The pinned oldest one stays; the three newest fill the rest.
    expect(await current.ids()).toEqual([stored[0]!.id, ...stored.slice(7).map((capture) => capture.id)])
  })

  test('enforces a count cap within about a second of new captures, not at the next minute', async ({ openStore: open }) => {
    const current = await open()
    current.retention.setPolicy({ perEndpoint: { busy: { maxCaptures: 3 } } })
    await current.retention.enforce()
    const stored = await fill(current, 'busy', 5)
    await fill(current, 'quiet', 2)
    // Nobody calls enforce(): the arrivals do.
    await waitFor(() => (current.count('busy') === 3 ? true : undefined), { timeoutMs: 3_000 })
    expect(await current.ids('busy')).toEqual(stored.slice(2).map((capture) => capture.id))
    expect(current.count('quiet')).toBe(2)
  })

  test('applies byte, age and per-endpoint caps, and keeps imported captures from the age cap', async ({ openStore: open }) => {
    const current = await open()
    const day = 24 * 60 * 60 * 1000
    await fill(current, 'old', 3, clock - 10 * day)
    const imported = await current.append(newCapture('old', clock - 30 * day, Buffer.from('imported'), 'imported'), Buffer.from('imported'))
    await fill(current, 'busy', 6)
    await fill(current, 'quiet', 2)
    current.retention.setPolicy({ maxAgeDays: 7, perEndpoint: { busy: { maxCaptures: 2 } } })
    await current.retention.enforce()
    expect(await current.ids('old')).toEqual([imported.id])
    expect(current.count('busy')).toBe(2)
    expect(current.count('quiet')).toBe(2)
    const sizeOfOne = current.health().logBytes
    current.retention.setPolicy({ maxBytes: 1 })
    await current.retention.enforce()
    expect(current.count()).toBe(0)
    expect(sizeOfOne).toBeGreaterThan(0)
  })

  test('counts the search text kept beside a log as part of the bytes its captures take', async ({ openStore: open, capturesDir }) => {
    const current = await open()
    const newest = await fill(current, 'a', 10)
    const logBytes = current.health().logBytes
    // Under the cap by its frames alone: nothing goes.
    current.retention.setPolicy({ maxBytes: logBytes })
    await current.retention.enforce()
    expect(current.count()).toBe(10)
    // A sidecar as big as the log (its frames and its file header) doubles what each capture takes, a
    // little more: about half must go, the oldest.
    await mkdir(join(capturesDir, 'search'), { recursive: true })
    await writeFile(sidecarPathOf(join(capturesDir, '000001.log')), Buffer.alloc(logBytes))
    current.retention.setPolicy({ maxBytes: logBytes })
    await current.retention.enforce()
    expect(current.count()).toBeGreaterThanOrEqual(4)
    expect(current.count()).toBeLessThanOrEqual(5)
    expect(await current.ids()).toEqual(newest.slice(-current.count()).map((capture) => capture.id))
  })

  /**
   * Two full segments (no longer taking captures) of alternating kept and deleted captures, their
   * search text built, then the deleted ones' and compacted: returns the kept captures' ids.
   */
  async function storeCompacted(open: (options?: OpenStoreOptions) => Promise<CaptureStore>, capturesDir: string) {
    // The store's background checks (sidecar upkeep every few seconds, retention every minute) are
    // held: on a busy machine the upkeep built the new generations' own sidecars mid-test.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let committed = 0
    let bothCompacted: () => void = () => undefined
    const compacted = new Promise<void>((resolve) => (bothCompacted = resolve))
    const current = await open({
      async compactionStep(step) {
        if (step === 'committed' && ++committed === 2) bothCompacted()
      },
    })
    const kept: string[] = []
    for (let index = 0; index <= 2 * SEGMENT_MAX_CAPTURES; index++) {
      const endpoint = index % 2 === 0 ? 'keep' : 'drop'
      const body = Buffer.from(`${endpoint} ${index} ${'searchable text '.repeat(20)}`)
      const stored = await current.append(newCapture(endpoint, clock + index, body), body)
      if (endpoint === 'keep') kept.push(stored.id)
    }
    await mkdir(join(capturesDir, 'search'), { recursive: true })
    for (const log of ['000001.log', '000002.log']) buildSidecar(join(capturesDir, log), sidecarPathOf(join(capturesDir, log)))
    await current.deleteByEndpoint('drop')
    await compacted
    return { current, kept }
  }

  test('counts the search text a compacted segment keeps until its own is built, also after a restart', async ({ openStore: open, capturesDir }) => {
    const { current, kept } = await storeCompacted(open, capturesDir)
    // The logs are new generations; the search text beside them is the one built before.
    expect((await readdir(capturesDir)).filter((name) => name.endsWith('.log')).sort()).toEqual(['000001.g1.log', '000002.g1.log', '000003.log'])
    expect((await readdir(join(capturesDir, 'search'))).sort()).toEqual(['000001.search', '000002.search'])

    // Under the cap by their frames alone, over it with their search text (about as big as a frame): the oldest go.
    const cap = Math.round(current.health().logBytes * 1.2)
    current.retention.setPolicy({ maxBytes: cap })
    await current.retention.enforce()
    const afterCompaction = current.count()
    expect(afterCompaction).toBeLessThan(kept.length * 0.8)
    expect(afterCompaction).toBeGreaterThan(kept.length * 0.5)
    expect(await current.ids()).toEqual(kept.slice(-afterCompaction))

    // Counted alike after a restart (which forgets the deleted captures): the same cap deletes
    // nothing more, and one under what is left by its frames alone deletes again.
    await current.close()
    const reopened = await open()
    reopened.retention.setPolicy({ maxBytes: cap })
    await reopened.retention.enforce()
    expect(reopened.count()).toBe(afterCompaction)
    reopened.retention.setPolicy({ maxBytes: Math.round(reopened.health().logBytes * 1.2) })
    await reopened.retention.enforce()
    expect(reopened.count()).toBeLessThan(afterCompaction)
  })

  test("counts a compacted segment's own search text among the captures left in its log", async ({ openStore: open, capturesDir }) => {
    const { current } = await storeCompacted(open, capturesDir)
    // Upkeep builds the new generations' search text and removes the one built before.
    const sidecars = ['000001.g1.log', '000002.g1.log'].map((log) => sidecarPathOf(join(capturesDir, log)))
    for (const sidecar of sidecars) buildSidecar(join(capturesDir, basename(sidecar, '.search') + '.log'), sidecar)
    for (const log of ['000001.log', '000002.log']) await rm(sidecarPathOf(join(capturesDir, log)))
    // What the kept captures take: their frames and all of their search text (the last segment has none yet).
    let sidecarBytes = 0
    for (const sidecar of sidecars) sidecarBytes += (await stat(sidecar)).size
    const taken = current.health().logBytes + sidecarBytes
    current.retention.setPolicy({ maxBytes: taken })
    await current.retention.enforce()
    expect(current.count()).toBe(SEGMENT_MAX_CAPTURES + 1)
    // A capture's worth less: the oldest goes (counted among the deleted captures, the text counted half, nothing went).
    current.retention.setPolicy({ maxBytes: taken - 1000 })
    await current.retention.enforce()
    expect(current.count()).toBe(SEGMENT_MAX_CAPTURES)
  })

  test('tells the views what it deleted and deletes the resends of those captures too', async ({ dataDir: dir }) => {
    const target = createServer((_request, response) => response.end('ok'))
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    const inspector = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
    try {
      const [endpoint] = await inspector.procedures.listEndpoints({})
      for (const order of ['first', 'second', 'third']) await send(`${endpoint!.url}/callbacks`, { body: `{"order":"${order}"}` })
      const [newest, middle, oldest] = (await inspector.procedures.listCaptures({})).items
      for (const capture of [oldest!, newest!]) {
        await inspector.procedures.replayCapture({ captureId: capture.id, targetUrl: `http://127.0.0.1:${(target.address() as AddressInfo).port}/hook` })
      }
      const replaysText = async () =>
        (await Promise.all((await readdir(join(dir, 'replays'))).map((name) => readFile(join(dir, 'replays', name), 'utf8')))).join('')
      expect(await replaysText()).toContain(oldest!.id)
      const events: InspectorEvent[] = []
      const unsubscribe = inspector.events.subscribe((event) => events.push(event))

      await inspector.procedures.setStorageSettings({ retention: { maxCaptures: 1 } })

      await waitFor(async () => ((await replaysText()).includes(oldest!.id) ? undefined : true))
      unsubscribe()
      expect(await replaysText()).toContain(newest!.id)
      expect(events.filter((event) => event.type === 'capture-deleted')).toEqual([
        { type: 'capture-deleted', id: oldest!.id, endpointId: endpoint!.id },
        { type: 'capture-deleted', id: middle!.id, endpointId: endpoint!.id },
      ])
      expect((await inspector.procedures.listCaptures({})).items.map((capture) => capture.id)).toEqual([newest!.id])
    } finally {
      await inspector.stop()
      await new Promise((resolve) => target.close(resolve))
    }
  })

  test('is set through the API, saved, and survives a restart', async ({ dataDir: dir }) => {
    let inspector: Inspector | undefined = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
    try {
      const initial = await inspector.procedures.getStorageSettings({})
      expect(initial).toMatchObject({ durability: 'sync', durabilityFromFlag: null, retention: {} })
      // The data folder's disk, as the system reports it (statfs), beside what captures take.
      expect(initial.health.diskFreeBytes).toBeGreaterThan(0)
      const [endpoint] = await inspector.procedures.listEndpoints({})
      await inspector.procedures.setStorageSettings({
        durability: 'flush',
        retention: { maxCaptures: 1000, perEndpoint: { [endpoint!.id]: { maxAgeDays: 3 } } },
      })
      await inspector.stop()
      inspector = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test' }, { logger: silentLogger })
      expect(await inspector.procedures.getStorageSettings({})).toMatchObject({
        durability: 'flush',
        retention: { maxCaptures: 1000, perEndpoint: { [endpoint!.id]: { maxAgeDays: 3 } } },
      })
      await inspector.stop()
      inspector = await startInspector({ dataDir: dir, receiverPort: 0, version: 'test', durability: 'sync' }, { logger: silentLogger })
      expect(await inspector.procedures.getStorageSettings({})).toMatchObject({ durability: 'sync', durabilityFromFlag: 'sync' })
    } finally {
      await inspector?.stop()
    }
  })
})
